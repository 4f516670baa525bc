//! Injection rules and their text form, strace's `-e inject=` syntax
//! (strace(1), "Tampering") and selftrace's additions.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::inject::glob::Glob;
use crate::inject::InjectError;
use crate::select::Selection;
use selftrace::info::SyscallInfo;
use selftrace::Errno;

/// What an injected call returns instead of running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The call runs (a rule that only delays or signals).
    Run,
    /// Fail with this errno.
    Error(Errno),
    /// Succeed with this value.
    Retval(i64),
    /// Run with the byte count cut to at most this (selftrace's `short=`):
    /// the program sees a legal partial transfer.
    Short(u64),
    /// Run, then report this errno: a call interrupted after it took
    /// effect, as close(2) reports EINTR with the descriptor closed.
    FailAfter(Errno),
}

/// The argument holding a transfer's byte count, for [`Effect::Short`].
pub fn count_arg(sysno: selftrace::Sysno) -> Option<usize> {
    use selftrace::Sysno as S;
    match sysno {
        S::read | S::write | S::pread64 | S::pwrite64 | S::recvfrom | S::sendto => Some(2),
        S::getrandom => Some(1),
        S::sendfile => Some(3),
        S::copy_file_range => Some(4),
        _ => None,
    }
}

/// Which invocations of a call a rule applies to, counted from 1 per
/// process and per call: strace's `when=FIRST`, `FIRST+`, `FIRST+STEP`,
/// `FIRST..LAST`, `FIRST..LAST+STEP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    pub first: u64,
    pub last: Option<u64>,
    pub step: u64,
}

impl Default for When {
    fn default() -> When {
        When { first: 1, last: None, step: 1 }
    }
}

impl When {
    /// Only the `n`th invocation.
    pub fn nth(n: u64) -> When {
        When { first: n, last: Some(n), step: 1 }
    }

    /// The `n`th and every one after it.
    pub fn from(n: u64) -> When {
        When { first: n, last: None, step: 1 }
    }

    pub fn applies(&self, n: u64) -> bool {
        n >= self.first
            && self.last.is_none_or(|l| n <= l)
            && (n - self.first).is_multiple_of(self.step)
    }

    pub fn parse(s: &str) -> Result<When, InjectError> {
        let bad = || InjectError::When { expr: s.to_string() };
        let num = |t: &str| t.parse::<u64>().ok().filter(|&n| n >= 1).ok_or_else(bad);
        let (range, step) = match s.split_once('+') {
            Some((r, "")) => (r, None),
            Some((r, st)) => (r, Some(num(st)?)),
            None => (s, None),
        };
        let (first, last) = match range.split_once("..") {
            Some((a, b)) => (num(a)?, Some(num(b)?)),
            None => (num(range)?, None),
        };
        if last.is_some_and(|l| l < first) {
            return Err(bad());
        }
        // `N` alone is the Nth only; `N+` and `N+S` go on for ever.
        let last = if last.is_none() && !s.contains('+') { Some(first) } else { last };
        Ok(When { first, last, step: step.unwrap_or(1) })
    }
}

/// Who enforces a rule's denial.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enforcement {
    /// The injector's hook, for calls that trap (code traced at
    /// installation): the default for rules built in Rust.
    Hooks,
    /// The kernel as well, for each call it can refuse on its own (see
    /// [`Rule::kernel_denials`]), the hook for the rest: rules parsed from
    /// text, as the command line and the preload take them.
    KernelWherePossible,
    /// The kernel, for every call of the rule ([`Rule::enforce_in_kernel`]).
    Kernel,
}

/// Why a rule is not enforced by the kernel for all its calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HooksOnly {
    /// It decides call by call (`when=`, `prob=`, `path=`, a predicate),
    /// or does more than fail (`retval=`, `signal=`, delays).
    Decides,
    /// These calls of the rule are ones selftrace makes itself, which the
    /// kernel would then refuse it too.
    RuntimeCalls(Vec<&'static str>),
}

impl fmt::Display for HooksOnly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HooksOnly::Decides => write!(f, "it decides call by call or does more than fail"),
            HooksOnly::RuntimeCalls(names) => {
                write!(f, "selftrace makes {} itself", names.join(", "))
            }
        }
    }
}

/// A condition on a call written in Rust (library use only).
pub type Predicate = Arc<dyn Fn(&SyscallInfo) -> bool + Send + Sync>;

/// One injection rule: which calls, under which conditions, what happens.
#[derive(Clone)]
#[must_use = "a Rule does nothing until given to an Injector"]
pub struct Rule {
    pub calls: Selection,
    pub effect: Effect,
    pub signal: Option<i32>,
    pub delay_enter: Option<Duration>,
    pub delay_exit: Option<Duration>,
    pub when: When,
    /// Inject with this probability (0..=1), reproducibly for a seed.
    pub prob: Option<f64>,
    /// Only calls whose path argument matches (relative paths resolved).
    pub path: Option<Glob>,
    pub predicate: Option<Predicate>,
    /// The text the rule was parsed from, for passing it on.
    pub source: Option<String>,
    pub enforcement: Enforcement,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("calls", &self.calls)
            .field("effect", &self.effect)
            .field("signal", &self.signal)
            .field("when", &self.when)
            .field("prob", &self.prob)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Rule {
    /// A rule for `calls` that does nothing yet; add effects with the
    /// builder methods.
    pub fn new(calls: impl IntoIterator<Item = selftrace::Sysno>) -> Rule {
        let mut set = Selection::none();
        for c in calls {
            set.insert(c);
        }
        Rule {
            calls: set,
            effect: Effect::Run,
            signal: None,
            delay_enter: None,
            delay_exit: None,
            when: When::default(),
            prob: None,
            path: None,
            predicate: None,
            source: None,
            enforcement: Enforcement::Hooks,
        }
    }

    /// Have the kernel refuse this rule's calls from every origin: code
    /// loaded after start, dynamic loaders, programs exec'd later (static
    /// ones too), every thread (see `selftrace::Builder::deny_in_kernel`).
    /// Only a rule that fails its calls with an error every time can be,
    /// and only for calls selftrace does not make itself.
    pub fn enforce_in_kernel(mut self) -> Result<Rule, InjectError> {
        if let Some(why) = self.hooks_only() {
            let rule = self.source.clone().unwrap_or_else(|| format!("{:?}", self.calls));
            return Err(InjectError::NotKernelEnforceable { rule, reason: why.to_string() });
        }
        self.enforcement = Enforcement::Kernel;
        Ok(self)
    }

    /// The errno this rule fails every one of its calls with, if that is
    /// all it does: what the kernel can do on its own.
    fn unconditional_error(&self) -> Option<Errno> {
        let Effect::Error(errno) = self.effect else { return None };
        let decides = self.when != When::default()
            || self.prob.is_some()
            || self.path.is_some()
            || self.predicate.is_some();
        let more = self.signal.is_some() || self.delay_enter.is_some() || self.delay_exit.is_some();
        (!decides && !more).then_some(errno)
    }

    /// Why the kernel cannot enforce this rule for all of its calls, or
    /// `None` when it can.
    pub fn hooks_only(&self) -> Option<HooksOnly> {
        if self.unconditional_error().is_none() {
            return Some(HooksOnly::Decides);
        }
        let own: Vec<&'static str> = self
            .calls
            .iter()
            .filter(|&s| !selftrace::can_deny_in_kernel(s))
            .map(|s| s.name())
            .collect();
        (!own.is_empty()).then_some(HooksOnly::RuntimeCalls(own))
    }

    /// The calls the kernel is to refuse for this rule, with their errno:
    /// none for a rule left to the hooks.
    pub fn kernel_denials(&self) -> Vec<(selftrace::Sysno, Errno)> {
        let Some(errno) = self.unconditional_error() else { return Vec::new() };
        if self.enforcement == Enforcement::Hooks {
            return Vec::new();
        }
        self.calls
            .iter()
            .filter(|&s| selftrace::can_deny_in_kernel(s))
            .map(|s| (s, errno))
            .collect()
    }

    pub fn error(mut self, errno: Errno) -> Rule {
        self.effect = Effect::Error(errno);
        self
    }

    /// Run the calls with their byte count cut to at most `bytes` (calls
    /// without one, see [`count_arg`], run unchanged).
    pub fn short(mut self, bytes: u64) -> Rule {
        self.effect = Effect::Short(bytes);
        self
    }

    /// Run the calls, then fail them with `errno` (see [`Effect::FailAfter`]).
    pub fn fail_after(mut self, errno: Errno) -> Rule {
        self.effect = Effect::FailAfter(errno);
        self
    }

    pub fn retval(mut self, value: i64) -> Rule {
        self.effect = Effect::Retval(value);
        self
    }

    pub fn signal(mut self, sig: i32) -> Rule {
        self.signal = Some(sig);
        self
    }

    pub fn delay_enter(mut self, d: Duration) -> Rule {
        self.delay_enter = Some(d);
        self
    }

    pub fn delay_exit(mut self, d: Duration) -> Rule {
        self.delay_exit = Some(d);
        self
    }

    pub fn when(mut self, when: When) -> Rule {
        self.when = when;
        self
    }

    pub fn prob(mut self, p: f64) -> Rule {
        self.prob = Some(p);
        self
    }

    pub fn path(mut self, glob: Glob) -> Rule {
        self.path = Some(glob);
        self
    }

    /// Only calls for which `f` is true (e.g. `|c| c.args[0] == 3` for
    /// one descriptor). It runs in the SIGSYS handler: no allocation.
    pub fn only_if(mut self, f: impl Fn(&SyscallInfo) -> bool + Send + Sync + 'static) -> Rule {
        self.predicate = Some(Arc::new(f));
        self
    }

    /// Parse one rule: `inject=SET:...`, `fault=SET:...` (ENOSYS unless an
    /// error is given) or `deny=SET:...` (EPERM unless an error is given).
    pub fn parse(text: &str) -> Result<Rule, InjectError> {
        let (kind, rest) =
            text.split_once('=').ok_or_else(|| InjectError::Rule { text: text.to_string() })?;
        let mut parts = rest.split(':');
        let set = parts.next().unwrap_or("");
        let calls = Selection::parse([set])?;
        let mut rule = Rule::new([]);
        rule.calls = calls;
        rule.source = Some(text.to_string());
        rule.enforcement = Enforcement::KernelWherePossible;
        for part in parts {
            let (key, value) = part.split_once('=').ok_or_else(|| InjectError::OptionSyntax {
                kind: kind.to_string(),
                option: part.to_string(),
            })?;
            match key {
                "error" => rule.effect = Effect::Error(parse_errno(value)?),
                "retval" => {
                    let v = value
                        .parse::<i64>()
                        .map_err(|_| InjectError::Retval { value: value.to_string() })?;
                    rule.effect = Effect::Retval(v);
                }
                "short" => {
                    let n = value.parse::<u64>().ok().filter(|&n| n >= 1);
                    rule.effect = Effect::Short(
                        n.ok_or_else(|| InjectError::Short { value: value.to_string() })?,
                    );
                    if let Some(s) = rule.calls.iter().find(|&s| count_arg(s).is_none()) {
                        let call = s.name().to_string();
                        return Err(InjectError::ShortWithoutCount { call });
                    }
                }
                "signal" => rule.signal = Some(parse_signal(value)?),
                "delay_enter" => rule.delay_enter = Some(parse_duration(value)?),
                "delay_exit" => rule.delay_exit = Some(parse_duration(value)?),
                "when" => rule.when = When::parse(value)?,
                "prob" => {
                    let p = value.parse::<f64>().ok().filter(|p| (0.0..=1.0).contains(p));
                    rule.prob =
                        Some(p.ok_or_else(|| InjectError::Prob { value: value.to_string() })?);
                }
                "path" => rule.path = Some(Glob::new(value)?),
                _ => {
                    let (kind, key) = (kind.to_string(), key.to_string());
                    return Err(InjectError::UnknownOption { kind, key });
                }
            }
        }
        match (kind, rule.effect) {
            ("inject", Effect::Run)
                if rule.signal.is_none()
                    && rule.delay_enter.is_none()
                    && rule.delay_exit.is_none() =>
            {
                return Err(InjectError::NoEffect { text: text.to_string() });
            }
            ("inject", _) => {}
            ("fault", Effect::Run) => rule.effect = Effect::Error(Errno::ENOSYS),
            ("deny", Effect::Run) => rule.effect = Effect::Error(Errno::EPERM),
            ("fault" | "deny", Effect::Retval(_) | Effect::Short(_)) => {
                let (text, kind) = (text.to_string(), kind.to_string());
                return Err(InjectError::RetvalNotTaken { text, kind });
            }
            ("fault" | "deny", _) => {}
            _ => return Err(InjectError::UnknownKind { kind: kind.to_string() }),
        }
        Ok(rule)
    }
}

/// `ENOSPC` or `28`.
pub fn parse_errno(s: &str) -> Result<Errno, InjectError> {
    if let Ok(n) = s.parse::<i32>() {
        if (1..4096).contains(&n) {
            return Ok(Errno::new(n));
        }
    }
    (1..4096)
        .find(|&e| crate::errno::name(e) == Some(s))
        .map(Errno::new)
        .ok_or_else(|| InjectError::Errno { value: s.to_string() })
}

/// `SIGUSR1`, `USR1` or `10`.
pub fn parse_signal(s: &str) -> Result<i32, InjectError> {
    crate::decode::signal_number(s).ok_or_else(|| InjectError::Signal { value: s.to_string() })
}

/// strace's delays: a number of microseconds, or with a unit (`s`, `ms`,
/// `us`, `ns`).
pub fn parse_duration(s: &str) -> Result<Duration, InjectError> {
    let bad = || InjectError::Delay { value: s.to_string() };
    let split = s.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v = num.parse::<f64>().map_err(|_| bad())?;
    let secs = match unit {
        "" | "us" => v / 1e6,
        "s" => v,
        "ms" => v / 1e3,
        "ns" => v / 1e9,
        _ => return Err(bad()),
    };
    Duration::try_from_secs_f64(secs).map_err(|_| bad())
}

/// `-e rewrite=path:FROM=TO`: paths equal to FROM or under it are opened
/// under TO instead (a prefix of whole components).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    pub from: Vec<u8>,
    pub to: Vec<u8>,
}

impl Rewrite {
    pub fn parse(text: &str) -> Result<Rewrite, InjectError> {
        let bad = || InjectError::Rewrite { text: text.to_string() };
        let spec = text.strip_prefix("rewrite=path:").ok_or_else(bad)?;
        let (from, to) = spec.split_once('=').ok_or_else(bad)?;
        if from.is_empty() || to.is_empty() {
            return Err(InjectError::EmptyRewrite { text: text.to_string() });
        }
        let trim =
            |s: &str| if s.len() > 1 { s.trim_end_matches('/').to_string() } else { s.to_string() };
        Ok(Rewrite { from: trim(from).into_bytes(), to: trim(to).into_bytes() })
    }

    /// The part of `path` after FROM, if FROM is a whole-component prefix.
    pub fn rest<'p>(&self, path: &'p [u8]) -> Option<&'p [u8]> {
        if self.from == b"/" {
            // Everything is under the root; keep the separator.
            return path.starts_with(b"/").then_some(path);
        }
        let rest = path.strip_prefix(&self.from[..])?;
        (rest.is_empty() || rest[0] == b'/' || self.from.ends_with(b"/")).then_some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_expressions() {
        let w = When::parse("2").unwrap();
        assert!(!w.applies(1) && w.applies(2) && !w.applies(3));
        let w = When::parse("2+").unwrap();
        assert!(!w.applies(1) && w.applies(2) && w.applies(9));
        let w = When::parse("2+3").unwrap();
        assert!(w.applies(2) && !w.applies(3) && w.applies(5) && w.applies(8));
        let w = When::parse("2..4").unwrap();
        assert!(w.applies(2) && w.applies(4) && !w.applies(5));
        let w = When::parse("1..9+4").unwrap();
        assert!(w.applies(1) && w.applies(5) && w.applies(9) && !w.applies(13));
        for bad in ["0", "x", "3..2", "1+0", ""] {
            assert!(When::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_parse_and_refuse() {
        crate::errno::prepare();
        let r = Rule::parse("inject=openat:error=EACCES:when=2+:path=/etc/*").unwrap();
        assert_eq!(r.effect, Effect::Error(Errno::EACCES));
        assert!(r.calls.contains(selftrace::Sysno::openat));
        assert_eq!(Rule::parse("fault=write").unwrap().effect, Effect::Error(Errno::ENOSYS));
        assert_eq!(Rule::parse("deny=%network").unwrap().effect, Effect::Error(Errno::EPERM));
        assert_eq!(Rule::parse("inject=read:retval=7").unwrap().effect, Effect::Retval(7));
        assert_eq!(Rule::parse("inject=read:signal=USR1").unwrap().signal, Some(libc::SIGUSR1));
        assert_eq!(
            Rule::parse("inject=read:delay_enter=1500").unwrap().delay_enter,
            Some(Duration::from_micros(1500))
        );
        for bad in [
            "inject=nosuch:error=EIO",
            "inject=read:error=EWHAT",
            "inject=read",
            "inject=read:when=0",
            "inject=read:prob=2",
            "inject=read:path=/x[",
            "inject=read:bogus=1",
            "fault=read:retval=1",
            "poke=read:error=EIO",
            "inject=read:delay_enter=5 minutes",
        ] {
            assert!(Rule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refusals_read_as_the_command_line_prints_them() {
        crate::errno::prepare();
        let message = |text: &str| match text.strip_prefix("glob:") {
            Some(p) => Glob::new(p).unwrap_err().to_string(),
            None if text.starts_with("rewrite=") => Rewrite::parse(text).unwrap_err().to_string(),
            None => Rule::parse(text).unwrap_err().to_string(),
        };
        for (text, expected) in [
            ("glob:/x[", "unclosed '[' in pattern '/x['"),
            ("glob:", "empty path pattern"),
            (
                "inject=read:when=0",
                "invalid when= expression '0' (FIRST, FIRST+, FIRST+STEP, FIRST..LAST or FIRST..LAST+STEP)",
            ),
            ("inject", "invalid rule 'inject'"),
            ("inject=nosuch", "invalid system call 'nosuch'"),
            ("inject=read:error", "invalid inject option 'error' (expected KEY=VALUE)"),
            ("deny=read:colour=1", "invalid deny option 'colour'"),
            ("inject=read:retval=x", "invalid retval 'x'"),
            ("inject=read:prob=2", "invalid prob '2' (a number from 0 to 1)"),
            ("inject=read:error=EWHAT", "invalid error 'EWHAT'"),
            ("inject=read:signal=SIGFOO", "invalid signal 'SIGFOO'"),
            (
                "inject=read:delay_exit=5min",
                "invalid delay '5min' (microseconds, or a number with s, ms, us or ns)",
            ),
            (
                "inject=read",
                "'inject=read': inject needs error=, retval=, signal=, delay_enter= or delay_exit=",
            ),
            ("fault=read:retval=1", "'fault=read:retval=1': fault takes error=, not retval="),
            ("poke=read", "invalid rule kind 'poke' (inject, fault or deny)"),
            ("rewrite=/a=/b", "invalid rewrite 'rewrite=/a=/b' (expected rewrite=path:FROM=TO)"),
            (
                "rewrite=path:=/b",
                "invalid rewrite 'rewrite=path:=/b': FROM and TO must not be empty",
            ),
        ] {
            assert_eq!(message(text), expected, "{text}");
        }
        assert_eq!(parse_errno("ENOSPC"), Ok(Errno::ENOSPC));
        assert_eq!(parse_errno("28"), Ok(Errno::ENOSPC));
    }

    #[test]
    fn rewrites_match_whole_components() {
        let r = Rewrite::parse("rewrite=path:/data=/tmp/d").unwrap();
        assert_eq!(r.rest(b"/data/x"), Some(&b"/x"[..]));
        assert_eq!(r.rest(b"/data"), Some(&b""[..]));
        assert_eq!(r.rest(b"/database"), None);
        assert!(Rewrite::parse("rewrite=/a=/b").is_err());
    }
}
