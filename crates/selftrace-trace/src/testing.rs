//! selftrace in a test suite: fault injection and call recording scoped
//! to one test's thread, over [`selftrace::scope()`].
//!
//! ```no_run
//! use selftrace::{Errno, Sysno};
//! use selftrace_trace::inject::{Rule, When};
//!
//! let scope = selftrace_trace::testing::scope()
//!     .inject(Rule::new([Sysno::write]).error(Errno::ENOSPC).when(When::nth(2)))
//!     .record([Sysno::write])
//!     .enter()
//!     .expect("enter the scope");
//! // ... the code under test writes twice; its second write fails ...
//! let calls = scope.calls();
//! assert_eq!(calls[1].errno, Some(Errno::ENOSPC));
//! ```
//!
//! Rules and recording apply to the calls of the thread that entered the
//! scope (and of the threads it spawns, with [`Scope::inherit`]), until
//! the guard is dropped: tests running in parallel in one process each see
//! only their own. Each scope counts its own invocations for `when=`.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use selftrace::hook::Hook;
use selftrace::info::SyscallInfo;
use selftrace::{Errno, Sysno};

use crate::decode::{self, Context, Kind};
use crate::inject::{Injector, Rule};
use crate::out::Out;
use crate::select::Selection;

/// Start building a test scope.
pub fn scope() -> Scope {
    Scope::default()
}

/// Rules, recordings and hooks for the current thread; see the module docs.
#[must_use = "a Scope does nothing until `.enter()` is called"]
pub struct Scope {
    inner: selftrace::Scope,
    injector: Injector,
    record: Selection,
    capacity: usize,
    context: Context,
}

impl Default for Scope {
    fn default() -> Scope {
        Scope {
            inner: selftrace::scope(),
            injector: Injector::new(),
            record: Selection::none(),
            capacity: 1024,
            context: Context::default(),
        }
    }
}

/// Extension of [`selftrace::Scope`] with injection rules.
pub trait ScopeExt {
    /// Apply `rule` to this scope's calls.
    fn inject(self, rule: Rule) -> selftrace::Scope;
}

impl ScopeExt for selftrace::Scope {
    fn inject(self, rule: Rule) -> selftrace::Scope {
        let calls = rule.calls;
        let injector = Injector::new().rule(rule);
        self.hook_each(calls.iter().filter(|&s| selftrace::can_hook(s)), injector)
    }
}

impl Scope {
    /// Apply `rule` (from [`crate::inject`]) to this scope's calls.
    pub fn inject(mut self, rule: Rule) -> Scope {
        self.injector = self.injector.rule(rule);
        self
    }

    /// Record these calls, as they return to the program, for [`Guard::calls`].
    pub fn record(mut self, calls: impl IntoIterator<Item = Sysno>) -> Scope {
        for c in calls {
            self.record.insert(c);
        }
        self
    }

    /// Keep at most `n` recorded calls (1024 by default); later ones are
    /// counted in [`Guard::missed`].
    pub fn capacity(mut self, n: usize) -> Scope {
        self.capacity = n;
        self
    }

    /// `-s`: the most bytes of a string argument kept in the recorded text
    /// (32 by default, as strace's).
    pub fn string_limit(mut self, n: usize) -> Scope {
        self.context.string_limit = n;
        self
    }

    /// The seed of the rules' `prob=` decisions.
    pub fn seed(mut self, seed: u64) -> Scope {
        self.injector = self.injector.seed(seed);
        self
    }

    /// Run `hook` on this scope's calls `sysno` too.
    pub fn hook(mut self, sysno: Sysno, hook: impl Hook) -> Scope {
        self.inner = self.inner.hook(sysno, hook);
        self
    }

    /// Threads spawned in the scope get it too ([`selftrace::Scope::inherit`]).
    pub fn inherit(mut self) -> Scope {
        self.inner = self.inner.inherit();
        self
    }

    /// Activate the scope for this thread until the guard is dropped.
    pub fn enter(self) -> Result<Guard, selftrace::Error> {
        let Scope { mut inner, injector, record, capacity, context } = self;
        crate::errno::prepare();
        // The recorder comes first: its entry always runs, and exits run in
        // reverse order, so it sees each call's result as the program will.
        let recorder = (!record.is_empty()).then(|| Arc::new(Recorder::new(capacity, context)));
        let mut base = selftrace::scope();
        if let Some(r) = &recorder {
            base = base.hook_each(record.iter().filter(|&s| selftrace::can_hook(s)), r.clone());
        }
        if !injector.is_empty() {
            let calls = injector.calls();
            base = base.hook_each(calls.iter().filter(|&s| selftrace::can_hook(s)), injector);
        }
        inner = base.then(inner);
        let guard = inner.enter()?;
        Ok(Guard { _scope: guard, recorder })
    }
}

/// Keeps a test scope active; see [`Scope::enter`].
#[must_use = "the scope ends when the guard is dropped"]
pub struct Guard {
    _scope: selftrace::ScopeGuard,
    recorder: Option<Arc<Recorder>>,
}

impl Guard {
    /// The recorded calls so far, in the order they returned.
    pub fn calls(&self) -> Vec<Call> {
        self.recorder.as_ref().map(|r| r.calls()).unwrap_or_default()
    }

    /// Recorded calls that did not fit in the capacity.
    pub fn missed(&self) -> usize {
        self.recorder.as_ref().map_or(0, |r| r.missed())
    }
}

/// One recorded call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub name: &'static str,
    /// The thread that made it.
    pub tid: u32,
    /// The arguments as the tracer renders them, with their values.
    pub args: Vec<Arg>,
    /// The raw result (`-errno` for an error).
    pub rval: i64,
    pub errno: Option<Errno>,
    /// The call as a line of strace's output (without pid, timestamp or
    /// the `(INJECTED)` mark).
    pub text: String,
}

impl Call {
    /// The argument named `name` in the man page (`"fd"`, `"count"`).
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// One argument of a recorded call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// Its name in the man page.
    pub name: &'static str,
    pub value: Value,
    /// Its text in the line, as strace prints it.
    pub text: String,
}

/// An argument's value, by its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Pointer(u64),
    Fd(i32),
    /// The bytes of a string or buffer, as far as the string limit shows
    /// them; `truncated` when there were more.
    Bytes {
        bytes: Vec<u8>,
        truncated: bool,
    },
    /// A constant, flag set or structure: see the text.
    Other(u64),
}

/// Room for one recorded line.
const LINE: usize = 1024;

struct Record {
    ready: AtomicBool,
    data: UnsafeCell<RecordData>,
}

#[derive(Clone, Copy)]
struct RecordData {
    nr: u64,
    tid: u32,
    rval: i64,
    line: [u8; LINE],
    len: usize,
    name_end: usize,
    args: [decode::Arg; decode::MAX_ARGS],
    count: usize,
}

/// The hook that records calls into slots allocated up front: the trap
/// path only copies into them.
struct Recorder {
    records: Box<[Record]>,
    next: AtomicUsize,
    context: Context,
}

// SAFETY: each record's data is written by the one thread that claimed its
// index, before `ready`; readers read it only after seeing `ready`.
unsafe impl Sync for Recorder {}

impl Recorder {
    fn new(capacity: usize, context: Context) -> Recorder {
        let blank = RecordData {
            nr: 0,
            tid: 0,
            rval: 0,
            line: [0; LINE],
            len: 0,
            name_end: 0,
            args: [decode::Arg { name: "", kind: Kind::Int, start: 0, end: 0, raw: 0 };
                decode::MAX_ARGS],
            count: 0,
        };
        let records = (0..capacity)
            .map(|_| Record { ready: AtomicBool::new(false), data: UnsafeCell::new(blank) })
            .collect();
        Recorder { records, next: AtomicUsize::new(0), context }
    }

    fn missed(&self) -> usize {
        self.next.load(Ordering::Acquire).saturating_sub(self.records.len())
    }

    fn calls(&self) -> Vec<Call> {
        let n = self.next.load(Ordering::Acquire).min(self.records.len());
        self.records[..n]
            .iter()
            .filter(|r| r.ready.load(Ordering::Acquire))
            // SAFETY: `ready` was set after the data was written, and the
            // data is never written again.
            .map(|r| call_of(unsafe { &*r.data.get() }))
            .collect()
    }
}

impl Hook for Recorder {
    fn exit(&self, info: &mut SyscallInfo) {
        let i = self.next.fetch_add(1, Ordering::AcqRel);
        let Some(record) = self.records.get(i) else { return };
        // SAFETY: index `i` is this call's alone (fetch_add), not ready yet.
        let d = unsafe { &mut *record.data.get() };
        let mut o = Out::new(&mut d.line);
        o.str(info.name().unwrap_or("?"));
        d.name_end = o.len();
        o.byte(b'(');
        let rendered = decode::render(&mut o, info, self.context);
        o.str(") = ");
        decode::write_return(&mut o, info, &rendered, &self.context);
        d.len = o.len();
        d.args = rendered.args;
        d.count = rendered.count;
        d.nr = info.nr;
        d.tid = info.tid();
        d.rval = info.rval;
        record.ready.store(true, Ordering::Release);
    }
}

fn call_of(d: &RecordData) -> Call {
    let line = &d.line[..d.len];
    let text = |a: usize, b: usize| String::from_utf8_lossy(&line[a.min(b)..b]).into_owned();
    let args = d.args[..d.count]
        .iter()
        .map(|a| {
            let t = &line[a.start.min(a.end)..a.end.min(line.len())];
            let value = match a.kind {
                Kind::Int => Value::Int(a.raw as i64),
                Kind::Pointer => Value::Pointer(a.raw),
                Kind::Fd => Value::Fd(a.raw as i32),
                Kind::Str { more, .. } => Value::Bytes { bytes: unquote(t), truncated: more },
                Kind::Text => Value::Other(a.raw),
            };
            Arg { name: a.name, value, text: text(a.start, a.end.min(line.len())) }
        })
        .collect();
    let rval = d.rval;
    let errno = (-4095..0).contains(&rval).then(|| Errno::new(-rval as i32));
    Call {
        name: selftrace::info::syscall_name(
            selftrace::Abi::X86_64,
            d.nr & !selftrace::info::X32_SYSCALL_BIT,
        )
        .unwrap_or("?"),
        tid: d.tid,
        args,
        rval,
        errno,
        text: text(0, line.len()),
    }
}

/// The bytes of a string as strace quotes it (`"a\nb"...`).
fn unquote(text: &[u8]) -> Vec<u8> {
    let inner = text.strip_prefix(b"\"").unwrap_or(text);
    let inner = inner.strip_suffix(b"...").unwrap_or(inner);
    let inner = inner.strip_suffix(b"\"").unwrap_or(inner);
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        i += 1;
        if c != b'\\' || i >= inner.len() {
            out.push(c);
            continue;
        }
        let e = inner[i];
        i += 1;
        out.push(match e {
            b't' => b'\t',
            b'n' => b'\n',
            b'v' => 0x0b,
            b'f' => 0x0c,
            b'r' => b'\r',
            b'x' => {
                let hex = std::str::from_utf8(&inner[i..(i + 2).min(inner.len())]).unwrap_or("");
                i += hex.len();
                u8::from_str_radix(hex, 16).unwrap_or(0)
            }
            b'0'..=b'7' => {
                let mut v = (e - b'0') as u32;
                for _ in 0..2 {
                    match inner.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + (d - b'0') as u32;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                v as u8
            }
            other => other,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unquote;

    #[test]
    fn quoted_strings_come_back_as_their_bytes() {
        assert_eq!(unquote(br#""a\nb\t\"\\""#), b"a\nb\t\"\\");
        assert_eq!(unquote(br#""\0\1777\x41""#), b"\0\x7f7A");
        assert_eq!(unquote(br#""abc"..."#), b"abc");
    }
}
