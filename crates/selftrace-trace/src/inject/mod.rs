//! Fault injection and call policies: fail, fake, delay or signal chosen
//! invocations of calls, and redirect paths — strace's `-e inject=` and
//! `-e fault=`, plus probabilities, path patterns, path rewriting and
//! deny rules.
//!
//! ```no_run
//! use selftrace_trace::inject::{Injector, Rule, When};
//! use selftrace::{Builder, Errno, Sysno};
//!
//! // Every second write to descriptor 3 fails with ENOSPC.
//! let injector = Injector::new()
//!     .rule(Rule::new([Sysno::write]).error(Errno::ENOSPC).when(When::parse("2+2").unwrap()).only_if(|c| c.args[0] == 3));
//! injector.hook_into(Builder::new()).install().unwrap();
//! ```

mod error;
pub mod glob;
pub mod paths;
pub mod rule;

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use selftrace::thread::ThreadLocal;

pub use error::InjectError;
pub use glob::Glob;
pub use rule::{Effect, Enforcement, HooksOnly, Rewrite, Rule, When};

use crate::select::Selection;
use selftrace::hook::{Action, Hook};
use selftrace::info::SyscallInfo;
use selftrace::Errno;

/// What happened to the current call, for the tracer's `(INJECTED)` and
/// `(DELAYED)` marks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    pub injected: bool,
    pub delayed: bool,
}

static MARKS: ThreadLocal<Cell<(bool, bool)>> = ThreadLocal::new();
/// A delay to take when the current call leaves (nanoseconds).
static EXIT_DELAY: ThreadLocal<Cell<u64>> = ThreadLocal::new();

/// The marks of this thread's current call, cleared.
pub fn take_marks() -> Marks {
    let (injected, delayed) = MARKS.with(|m| m.replace((false, false))).unwrap_or_default();
    Marks { injected, delayed }
}

fn mark(injected: bool, delayed: bool) {
    let _ = MARKS.with(|m| {
        let (i, d) = m.get();
        m.set((i || injected, d || delayed));
    });
}

struct Armed {
    rule: Rule,
    /// Invocations seen so far, per call number (per process: a forked
    /// child starts from its parent's counts, as strace's per-process
    /// counters do not; see `reset_counts`).
    counts: Box<[AtomicU64]>,
}

/// Calls the kernel is to refuse, by ABI, with their errno.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelDenials {
    pub native: Vec<(selftrace::Sysno, Errno)>,
    pub i386: Vec<(selftrace::i386::Sysno, Errno)>,
}

/// The hook that applies rules and rewrites.
#[derive(Default)]
#[must_use = "an Injector does nothing until hooked into a Builder that is installed"]
pub struct Injector {
    rules: Vec<Armed>,
    rewrites: Vec<Rewrite>,
    seed: u64,
    failing: Failing,
}

/// Calls in progress that fail after running ([`Effect::FailAfter`]), by
/// thread id: a table, not thread-local storage, so that it works whichever
/// copy of the runtime calls the hook.
struct Failing {
    slots: [(AtomicU32, AtomicU32); 64],
}

impl Default for Failing {
    fn default() -> Failing {
        Failing { slots: std::array::from_fn(|_| (AtomicU32::new(0), AtomicU32::new(0))) }
    }
}

impl Failing {
    fn put(&self, tid: u32, errno: Errno) {
        for (t, e) in &self.slots {
            if t.compare_exchange(0, tid, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                e.store(errno.into_raw() as u32, Ordering::Release);
                return;
            }
        }
    }

    fn take(&self, tid: u32) -> Option<Errno> {
        let (t, e) = self.slots.iter().find(|(t, _)| t.load(Ordering::Acquire) == tid)?;
        let errno = e.swap(0, Ordering::AcqRel);
        t.store(0, Ordering::Release);
        (errno != 0).then(|| Errno::new(errno as i32))
    }
}

impl Injector {
    pub fn new() -> Injector {
        Injector::default()
    }

    pub fn rule(mut self, rule: Rule) -> Injector {
        let counts = (0..selftrace::info::TABLE_SIZE).map(|_| AtomicU64::new(0)).collect();
        self.rules.push(Armed { rule, counts });
        self
    }

    pub fn rewrite(mut self, rewrite: Rewrite) -> Injector {
        self.rewrites.push(rewrite);
        self
    }

    /// The seed of `prob=` decisions: the same seed gives the same choices.
    pub fn seed(mut self, seed: u64) -> Injector {
        self.seed = seed;
        self
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.rewrites.is_empty()
    }

    /// Every call a rule or rewrite applies to.
    pub fn calls(&self) -> Selection {
        let mut set = Selection::none();
        for r in &self.rules {
            for s in r.rule.calls.iter() {
                set.insert(s);
            }
        }
        if !self.rewrites.is_empty() {
            for nr in 0..selftrace::info::TABLE_SIZE as u64 {
                let probe = SyscallInfo::entry(selftrace::Abi::X86_64, nr, [0; 6]);
                if let (false, Some(s)) =
                    (paths::path_args(&probe).is_empty(), selftrace::Sysno::new(nr as usize))
                {
                    set.insert(s);
                }
            }
        }
        set
    }

    /// Rules not enforced by the kernel for all their calls, with why:
    /// what the command line tells at start-up.
    pub fn hooks_only(&self) -> Vec<(&Rule, HooksOnly)> {
        self.rules.iter().filter_map(|a| Some((&a.rule, a.rule.hooks_only()?))).collect()
    }

    /// The denials the kernel is to enforce for these rules, in the
    /// x86_64 (and x32) ABI and, by name, in the i386 one.
    pub fn kernel_denials(&self) -> KernelDenials {
        let native: Vec<_> = self.rules.iter().flat_map(|a| a.rule.kernel_denials()).collect();
        let i386 = native
            .iter()
            .filter_map(|&(s, e)| Some((s.name().parse::<selftrace::i386::Sysno>().ok()?, e)))
            .collect();
        KernelDenials { native, i386 }
    }

    /// Have `builder` install the denials the kernel is to enforce.
    pub fn deny_in_kernel(&self, mut builder: selftrace::Builder) -> selftrace::Builder {
        let denials = self.kernel_denials();
        for &(sysno, errno) in &denials.native {
            builder = builder.deny_in_kernel(sysno, errno);
        }
        for &(sysno, errno) in &denials.i386 {
            builder = builder.deny_in_kernel_i386(sysno, errno);
        }
        builder
    }

    /// Register this injector on `builder` for the calls it needs, and the
    /// denials the kernel is to enforce.
    pub fn hook_into(self, builder: selftrace::Builder) -> selftrace::Builder {
        let builder = self.deny_in_kernel(builder);
        let calls = self.calls();
        let me = std::sync::Arc::new(self);
        calls.iter().filter(|&s| selftrace::can_hook(s)).fold(builder, |b, s| b.hook(s, me.clone()))
    }

    /// Build an injector from rule texts (`inject=`, `fault=`, `deny=`,
    /// `rewrite=path:`), as given to `-e` or `SELFTRACE_INJECT`.
    pub fn parse<'a>(
        texts: impl IntoIterator<Item = &'a str>,
        seed: u64,
    ) -> Result<Injector, InjectError> {
        let mut inj = Injector::new().seed(seed);
        for t in texts {
            inj = if t.starts_with("rewrite=") {
                inj.rewrite(Rewrite::parse(t)?)
            } else {
                inj.rule(Rule::parse(t)?)
            };
        }
        Ok(inj)
    }

    /// A forked child counts its own invocations from zero.
    pub fn reset_counts(&self) {
        for r in &self.rules {
            r.counts.iter().for_each(|c| c.store(0, Ordering::Relaxed));
        }
    }

    fn rewrite_paths(&self, info: &mut SyscallInfo) -> Result<(), Errno> {
        if self.rewrites.is_empty() {
            return Ok(());
        }
        for &arg in paths::path_args(info) {
            let mut buf = [0u8; paths::PATH_MAX];
            let Some(n) = paths::read(info, arg, &mut buf) else { continue };
            let path = &buf[..n];
            if let Some(rw) = self.rewrites.iter().find(|rw| rw.rest(path).is_some()) {
                let rest = rw.rest(path).unwrap_or(b"");
                let staged = paths::stage([&rw.to, rest]).ok_or(Errno::ENAMETOOLONG)?;
                info.args[arg.index] = staged;
            }
        }
        Ok(())
    }

    fn path_matches(glob: &Glob, info: &SyscallInfo) -> bool {
        paths::path_args(info).iter().any(|&arg| {
            let mut raw = [0u8; paths::PATH_MAX];
            let mut abs = [0u8; paths::PATH_MAX];
            let Some(n) = paths::read(info, arg, &mut raw) else { return false };
            match paths::resolve(info, arg, &raw[..n], &mut abs) {
                Some(m) => glob.matches(&abs[..m]),
                None => glob.matches(&raw[..n]),
            }
        })
    }

    fn fires(&self, index: usize, armed: &Armed, info: &SyscallInfo) -> bool {
        let rule = &armed.rule;
        let nr = info.nr & !selftrace::info::X32_SYSCALL_BIT;
        if info.abi == selftrace::Abi::I386 || !rule.calls.contains_nr(nr) {
            return false;
        }
        if rule.path.as_ref().is_some_and(|g| !Self::path_matches(g, info)) {
            return false;
        }
        if rule.predicate.as_ref().is_some_and(|p| !p(info)) {
            return false;
        }
        let Some(counter) = armed.counts.get(nr as usize) else { return false };
        let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
        if !rule.when.applies(n) {
            return false;
        }
        rule.prob.is_none_or(|p| chance(self.seed, index as u64, nr, n) < p)
    }
}

/// A number in [0, 1) fixed by the seed, the rule, the call and the
/// invocation's count: the same run makes the same choices, whichever
/// thread makes the nth call.
fn chance(seed: u64, rule: u64, nr: u64, n: u64) -> f64 {
    let z = mix(mix(mix(seed) ^ rule.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (nr << 40)) ^ n);
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// splitmix64's finaliser: every input bit affects every output bit.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn sleep(d: Duration) {
    let ts = libc::timespec { tv_sec: d.as_secs() as i64, tv_nsec: d.subsec_nanos() as i64 };
    // SAFETY: nanosleep reads the timespec; the remainder pointer is NULL.
    let _ = unsafe {
        selftrace::raw::syscall(selftrace::Sysno::nanosleep, &[&ts as *const _ as u64, 0])
    };
}

impl Hook for Injector {
    fn enter(&self, info: &mut SyscallInfo) -> Action {
        if let Err(errno) = self.rewrite_paths(info) {
            mark(true, false);
            return Action::errno(errno);
        }
        // Every rule counts the call; the first that fires decides it.
        let mut chosen = None;
        for (i, armed) in self.rules.iter().enumerate() {
            if self.fires(i, armed, info) && chosen.is_none() {
                chosen = Some(armed);
            }
        }
        if let Some(armed) = chosen {
            let rule = &armed.rule;
            if let Some(sig) = rule.signal {
                let (pid, tid) = (selftrace::raw::getpid() as u64, selftrace::raw::gettid() as u64);
                // SAFETY: tgkill takes no pointers.
                let _ = unsafe {
                    selftrace::raw::syscall(selftrace::Sysno::tgkill, &[pid, tid, sig as u64])
                };
            }
            if let Some(d) = rule.delay_enter {
                sleep(d);
            }
            if let Some(d) = rule.delay_exit {
                let _ = EXIT_DELAY.with(|e| e.set(d.as_nanos() as u64));
            }
            let delayed = rule.delay_enter.is_some() || rule.delay_exit.is_some();
            // As strace: a signal alone does not mark the call injected.
            let injected = rule.effect != Effect::Run;
            mark(injected, delayed);
            return match rule.effect {
                Effect::Run => Action::Run,
                Effect::Error(e) => Action::errno(e),
                Effect::Retval(v) => Action::value(v),
                Effect::Short(n) => {
                    let sysno = selftrace::Sysno::new(info.nr as usize);
                    if let Some(i) = sysno.and_then(rule::count_arg) {
                        info.args[i] = info.args[i].min(n);
                    }
                    Action::Run
                }
                Effect::FailAfter(e) => {
                    self.failing.put(info.tid(), e);
                    Action::Run
                }
            };
        }
        Action::Run
    }

    fn exit(&self, info: &mut SyscallInfo) {
        let ns = EXIT_DELAY.with(|e| e.replace(0)).unwrap_or(0);
        if ns > 0 {
            sleep(Duration::from_nanos(ns));
        }
        if let Some(e) = self.failing.take(info.tid()) {
            info.set_errno(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chances_are_uniform_enough_and_reproducible() {
        let hits = (1..=10_000).filter(|&n| chance(7, 0, 1, n) < 0.3).count();
        assert!((2_700..3_300).contains(&hits), "{hits}");
        assert_eq!(chance(7, 0, 1, 5), chance(7, 0, 1, 5));
        assert_ne!(chance(7, 0, 1, 5), chance(8, 0, 1, 5));
    }
}
