//! Signal numbers, sets, actions and `siginfo_t`, as strace prints them.
//!
//! The renderers here are public: process.rs uses them for the signal
//! calls, and the tracer for its `--- SIGCHLD {...} ---` lines.

use crate::decode::{read_struct, Context, Plain, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;

const NAMES: [&str; 31] = [
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

/// Real-time signals 32..=64: strace counts them from the kernel's
/// SIGRTMIN (32), not from the C library's.
const RT_NAMES: [&str; 33] = [
    "SIGRTMIN", "SIGRT_1", "SIGRT_2", "SIGRT_3", "SIGRT_4", "SIGRT_5", "SIGRT_6", "SIGRT_7",
    "SIGRT_8", "SIGRT_9", "SIGRT_10", "SIGRT_11", "SIGRT_12", "SIGRT_13", "SIGRT_14", "SIGRT_15",
    "SIGRT_16", "SIGRT_17", "SIGRT_18", "SIGRT_19", "SIGRT_20", "SIGRT_21", "SIGRT_22", "SIGRT_23",
    "SIGRT_24", "SIGRT_25", "SIGRT_26", "SIGRT_27", "SIGRT_28", "SIGRT_29", "SIGRT_30", "SIGRT_31",
    "SIGRT_32",
];

/// `SIGCHLD` for 17, as strace names signals; `SIGRTMIN` for 32 and
/// `SIGRT_n` for 32 + n up to 64.
pub fn signal_name(sig: i32) -> Option<&'static str> {
    match sig {
        1..=31 => NAMES.get(sig as usize - 1).copied(),
        32..=64 => RT_NAMES.get(sig as usize - 32).copied(),
        _ => None,
    }
}

/// The signal `SIGUSR1`, `USR1` (any case) or `10` stands for.
pub fn signal_number(s: &str) -> Option<i32> {
    if let Ok(n) = s.parse::<i32>() {
        return (1..=64).contains(&n).then_some(n);
    }
    let upper = s.to_ascii_uppercase();
    let name = if upper.starts_with("SIG") { upper } else { format!("SIG{upper}") };
    (1..=64).find(|&n| signal_name(n) == Some(name.as_str()))
}

/// `-e signal=SET`: `all`, `none`, or signals by [`signal_number`],
/// comma-separated; a leading `!` takes the complement. Bit n-1 stands
/// for signal n.
pub fn parse_signal_set(expr: &str) -> Result<u64, String> {
    let (negated, list) = match expr.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, expr),
    };
    let mut set = 0u64;
    for item in list.split(',') {
        set |= match item {
            "all" => u64::MAX,
            "none" => 0,
            _ => 1 << (signal_number(item).ok_or_else(|| format!("invalid signal '{item}'"))? - 1),
        };
    }
    Ok(if negated { !set } else { set })
}

/// A signal number argument: its name, or the number in decimal.
pub fn write_signal(out: &mut Out, sig: i32) {
    match signal_name(sig) {
        Some(name) => out.str(name),
        None => out.dec(sig as i64),
    }
}

/// Bytes of a kernel `sigset_t` on x86_64: what `sigsetsize` must be for
/// strace to decode a set.
pub const SIGSET_SIZE: u64 = 8;

/// A signal set (bit n-1 for signal n) the way strace prints it: `[INT
/// CHLD]`, or `~[KILL STOP]` (the complement) when two thirds or more of
/// the 64 signals are in it.
pub fn write_sigset(out: &mut Out, mask: u64) {
    let inverted = mask.count_ones() >= 64 * 2 / 3;
    let shown = if inverted {
        out.byte(b'~');
        !mask
    } else {
        mask
    };
    out.byte(b'[');
    let mut first = true;
    for bit in 0..64 {
        if shown & (1u64 << bit) == 0 {
            continue;
        }
        if !first {
            out.byte(b' ');
        }
        first = false;
        let sig = bit + 1;
        match signal_name(sig).and_then(|n| n.get(3..)) {
            Some(short) => out.str(short),
            None => out.dec(sig as i64),
        }
    }
    out.byte(b']');
}

/// A pointer to a signal set of `size` bytes: the set, `NULL`, or the
/// address when the size is not the kernel's or the memory is unreadable.
pub fn write_sigset_at(out: &mut Out, addr: u64, size: u64) {
    if addr == 0 {
        return out.str("NULL");
    }
    if size != SIGSET_SIZE {
        return out.hex(addr);
    }
    match selftrace::mem::read_u64(addr) {
        Ok(mask) => write_sigset(out, mask),
        Err(_) => out.hex(addr),
    }
}

/// The kernel's `struct sigaction` on x86_64 (not the C library's).
#[derive(Clone, Copy)]
#[repr(C)]
struct KernelSigaction {
    handler: u64,
    flags: u64,
    restorer: u64,
    mask: u64,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for KernelSigaction {}

const SA_RESTORER: u64 = 0x0400_0000;

/// `sa_flags` in the order strace lists them.
const SA_FLAGS: &[(u64, &str)] = &[
    (SA_RESTORER, "SA_RESTORER"),
    (libc::SA_ONSTACK as u32 as u64, "SA_ONSTACK"),
    (libc::SA_RESTART as u32 as u64, "SA_RESTART"),
    (libc::SA_NODEFER as u32 as u64, "SA_NODEFER"),
    (libc::SA_RESETHAND as u32 as u64, "SA_RESETHAND"),
    (libc::SA_SIGINFO as u32 as u64, "SA_SIGINFO"),
    (libc::SA_NOCLDSTOP as u32 as u64, "SA_NOCLDSTOP"),
    (libc::SA_NOCLDWAIT as u32 as u64, "SA_NOCLDWAIT"),
];

/// `{sa_handler=..., sa_mask=[...], sa_flags=..., sa_restorer=...}` read
/// from `addr`; `NULL`, or the address when unreadable.
pub fn write_sigaction_at(out: &mut Out, addr: u64) {
    if addr == 0 {
        return out.str("NULL");
    }
    let Some(sa) = read_struct::<KernelSigaction>(addr) else {
        return out.hex(addr);
    };
    out.str("{sa_handler=");
    match sa.handler {
        0 => out.str("SIG_DFL"),
        1 => out.str("SIG_IGN"),
        u64::MAX => out.str("SIG_ERR"),
        h => out.hex(h),
    }
    out.str(", sa_mask=");
    write_sigset(out, sa.mask);
    out.str(", sa_flags=");
    out.flags_or_unknown(sa.flags, SA_FLAGS, "SA_???");
    if sa.flags & SA_RESTORER != 0 {
        out.str(", sa_restorer=");
        out.ptr(sa.restorer);
    }
    out.byte(b'}');
}

/// `how` of `rt_sigprocmask`.
pub const SIG_HOW: &[(u64, &str)] = &flags![SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK];

/// `ss_flags` of `stack_t`.
const SS_FLAGS: &[(u64, &str)] =
    &[(1, "SS_ONSTACK"), (2, "SS_DISABLE"), (1 << 31, "SS_AUTODISARM")];

/// `{ss_sp=..., ss_flags=..., ss_size=...}` read from `addr`.
pub fn write_stack_at(out: &mut Out, addr: u64) {
    if addr == 0 {
        return out.str("NULL");
    }
    let Some(ss) = read_struct::<libc::stack_t>(addr) else {
        return out.hex(addr);
    };
    out.str("{ss_sp=");
    out.ptr(ss.ss_sp as u64);
    out.str(", ss_flags=");
    out.flags_or_unknown(ss.ss_flags as u32 as u64, SS_FLAGS, "SS_???");
    out.str(", ss_size=");
    out.udec(ss.ss_size as u64);
    out.byte(b'}');
}

const SI_CODES: &[(i32, &str)] = &[
    (libc::SI_USER, "SI_USER"),
    (0x80, "SI_KERNEL"),
    (libc::SI_QUEUE, "SI_QUEUE"),
    (libc::SI_TIMER, "SI_TIMER"),
    (libc::SI_MESGQ, "SI_MESGQ"),
    (libc::SI_ASYNCIO, "SI_ASYNCIO"),
    (libc::SI_SIGIO, "SI_SIGIO"),
    (libc::SI_TKILL, "SI_TKILL"),
    (-7, "SI_DETHREAD"),
    (-60, "SI_ASYNCNL"),
];

const CLD_CODES: &[&str] =
    &["CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"];
const SEGV_CODES: &[&str] = &[
    "SEGV_MAPERR",
    "SEGV_ACCERR",
    "SEGV_BNDERR",
    "SEGV_PKUERR",
    "SEGV_ACCADI",
    "SEGV_ADIDERR",
    "SEGV_ADIPERR",
    "SEGV_MTEAERR",
    "SEGV_MTESERR",
];
const BUS_CODES: &[&str] =
    &["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"];
const ILL_CODES: &[&str] = &[
    "ILL_ILLOPC",
    "ILL_ILLOPN",
    "ILL_ILLADR",
    "ILL_ILLTRP",
    "ILL_PRVOPC",
    "ILL_PRVREG",
    "ILL_COPROC",
    "ILL_BADSTK",
    "ILL_BADIADDR",
];
const FPE_CODES: &[&str] = &[
    "FPE_INTDIV",
    "FPE_INTOVF",
    "FPE_FLTDIV",
    "FPE_FLTOVF",
    "FPE_FLTUND",
    "FPE_FLTRES",
    "FPE_FLTINV",
    "FPE_FLTSUB",
    "FPE_FLTUNK",
    "FPE_CONDTRAP",
];
const TRAP_CODES: &[&str] =
    &["TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"];
const POLL_CODES: &[&str] =
    &["POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP"];
const SYS_CODES: &[&str] = &["SYS_SECCOMP", "SYS_USER_DISPATCH"];

/// Raw view of the fields of `siginfo_t` strace shows, by offset.
#[derive(Clone, Copy)]
#[repr(C)]
struct RawSiginfo {
    signo: i32,
    errno: i32,
    code: i32,
    _pad: i32,
    /// The union, as 8-byte words (offset 16 onwards).
    words: [u64; 14],
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for RawSiginfo {}

impl RawSiginfo {
    fn w(&self, i: usize) -> u64 {
        self.words.get(i).copied().unwrap_or(0)
    }
    fn lo(&self, i: usize) -> i32 {
        self.w(i) as u32 as i32
    }
    fn hi(&self, i: usize) -> i32 {
        (self.w(i) >> 32) as u32 as i32
    }
}

/// `siginfo_t` read from `addr`: `{si_signo=SIGCHLD, si_code=CLD_EXITED,
/// ...}`, `{}` when no signal is in it (waitid with WNOHANG), `NULL` or
/// the address when unreadable.
pub fn write_siginfo_at(out: &mut Out, addr: u64) {
    if addr == 0 {
        return out.str("NULL");
    }
    match read_struct::<RawSiginfo>(addr) {
        Some(si) => siginfo(out, &si),
        None => out.hex(addr),
    }
}

/// `siginfo_t` from the bytes of one (the tracer's `--- SIG... {...} ---`).
pub fn write_siginfo(out: &mut Out, info: &libc::siginfo_t) {
    // SAFETY: both types are 128-byte plain C data and every bit pattern
    // is a valid `RawSiginfo`.
    let si: RawSiginfo = unsafe { std::mem::transmute_copy(info) };
    siginfo(out, &si);
}

fn siginfo(out: &mut Out, si: &RawSiginfo) {
    if si.signo == 0 {
        return out.str("{}");
    }
    out.str("{si_signo=");
    write_signal(out, si.signo);
    out.str(", si_code=");
    let code_name = if si.code > 0 && si.code != 0x80 {
        let table = match si.signo {
            libc::SIGCHLD => CLD_CODES,
            libc::SIGSEGV => SEGV_CODES,
            libc::SIGBUS => BUS_CODES,
            libc::SIGILL => ILL_CODES,
            libc::SIGFPE => FPE_CODES,
            libc::SIGTRAP => TRAP_CODES,
            libc::SIGIO => POLL_CODES,
            libc::SIGSYS => SYS_CODES,
            _ => &[],
        };
        table.get(si.code as usize - 1).copied()
    } else {
        SI_CODES.iter().find(|&&(c, _)| c == si.code).map(|&(_, n)| n)
    };
    match code_name {
        Some(n) => out.str(n),
        None => out.dec(si.code as i64),
    }
    if si.errno != 0 {
        out.str(", si_errno=");
        match crate::errno::name(si.errno) {
            Some(n) => out.str(n),
            None => out.dec(si.errno as i64),
        }
    }
    let user = si.code <= 0 || si.code == 0x80 && !is_fault(si.signo);
    if si.code == libc::SI_TIMER {
        out.str(", si_timerid=");
        out.hex(si.lo(0) as u32 as u64);
        out.str(", si_overrun=");
        out.dec(si.hi(0) as i64);
        sigval(out, si);
    } else if user && si.code != 0x80 {
        pid_uid(out, si);
        if si.code == libc::SI_QUEUE || si.code == libc::SI_MESGQ || si.code == libc::SI_ASYNCIO {
            sigval(out, si);
        }
    } else if si.code > 0 || si.code == 0x80 {
        match si.signo {
            libc::SIGCHLD if si.code != 0x80 => {
                pid_uid(out, si);
                out.str(", si_status=");
                if si.code == libc::CLD_EXITED {
                    out.dec(si.lo(1) as i64);
                } else {
                    write_signal(out, si.lo(1));
                }
                out.str(", si_utime=");
                out.dec(si.w(2) as i64);
                out.str(", si_stime=");
                out.dec(si.w(3) as i64);
            }
            libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE | libc::SIGTRAP => {
                out.str(", si_addr=");
                out.ptr(si.w(0));
            }
            libc::SIGIO => {
                out.str(", si_band=");
                out.dec(si.w(0) as i64);
                out.str(", si_fd=");
                out.dec(si.lo(1) as i64);
            }
            libc::SIGSYS if si.code != 0x80 => {
                out.str(", si_call_addr=");
                out.ptr(si.w(0));
                out.str(", si_syscall=");
                let nr = si.lo(1);
                match selftrace::info::syscall_name(selftrace::info::Abi::X86_64, nr as u64) {
                    Some(name) if si.hi(1) as u32 == selftrace::info::AUDIT_ARCH_NATIVE => {
                        out.str("__NR_");
                        out.str(name);
                    }
                    _ => out.dec(nr as i64),
                }
                out.str(", si_arch=");
                match si.hi(1) as u32 {
                    0xc000_003e => out.str("AUDIT_ARCH_X86_64"),
                    0x4000_0003 => out.str("AUDIT_ARCH_I386"),
                    a => out.hex(a as u64),
                }
            }
            _ => {}
        }
    }
    out.byte(b'}');
}

fn is_fault(sig: i32) -> bool {
    matches!(sig, libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE | libc::SIGTRAP)
}

fn pid_uid(out: &mut Out, si: &RawSiginfo) {
    out.str(", si_pid=");
    out.dec(si.lo(0) as i64);
    out.str(", si_uid=");
    out.udec(si.hi(0) as u32 as u64);
}

fn sigval(out: &mut Out, si: &RawSiginfo) {
    out.str(", si_int=");
    out.dec(si.lo(1) as i64);
    out.str(", si_ptr=");
    out.ptr(si.w(1));
}

// ---- the signal calls' arguments ----------------------------------------

/// `= 12 (SIGUSR2)`: a returned signal number with its name.
pub(crate) fn ret_signal(o: &mut Out, i: &SyscallInfo, _: &Context) {
    o.dec(i.rval);
    if let Some(name) = super::signal_name(i.rval as i32) {
        o.str(" (");
        o.str(name);
        o.byte(b')');
    }
}

/// The size of the set of the calls that take one: the argument the table
/// names `sigsetsize` (`sizemask` for signalfd).
fn sigsetsize(i: &SyscallInfo) -> u64 {
    let call = crate::table::by_number(i.nr & !selftrace::info::X32_SYSCALL_BIT);
    let size =
        call.and_then(|c| c.args.iter().position(|a| matches!(a.name, "sigsetsize" | "sizemask")));
    size.map_or(0, |at| super::arg(i, at))
}

/// A signal set the program passes.
pub(crate) fn sigset_in(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = super::arg(i, idx);
    w.text(name, a, |o| write_sigset_at(o, a, sigsetsize(i)));
}

/// A signal set the kernel fills.
pub(crate) fn sigset_out(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = super::arg(i, idx);
    w.text(
        name,
        a,
        |o| {
            if super::wrote(i) {
                write_sigset_at(o, a, sigsetsize(i))
            } else {
                o.ptr(a)
            }
        },
    );
}

pub(crate) fn sigaction_in(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = super::arg(i, idx);
    w.text(name, a, |o| write_sigaction_at(o, a));
}

pub(crate) fn sigaction_out(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = super::arg(i, idx);
    w.text(name, a, |o| if super::wrote(i) { write_sigaction_at(o, a) } else { o.ptr(a) });
}

pub(crate) fn siginfo_in(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = super::arg(i, idx);
    w.text(name, a, |o| write_siginfo_at(o, a));
}

pub(crate) fn siginfo_out(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = super::arg(i, idx);
    w.text(name, a, |o| if super::wrote(i) { write_siginfo_at(o, a) } else { o.ptr(a) });
}

pub(crate) fn stack_in(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = super::arg(i, idx);
    w.text(name, a, |o| write_stack_at(o, a));
}

pub(crate) fn stack_out(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = super::arg(i, idx);
    w.text(name, a, |o| if super::wrote(i) { write_stack_at(o, a) } else { o.ptr(a) });
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::decode::{render, write_return, Context};
    use selftrace::info::{Abi, SyscallInfo};

    /// `name(args) = ret` for a finished x86_64 call, as the tracer prints
    /// it (without strace's column padding).
    pub(crate) fn line_cx(sysno: selftrace::Sysno, args: &[u64], rval: i64, cx: Context) -> String {
        let mut a = [0u64; 6];
        for (d, s) in a.iter_mut().zip(args) {
            *d = *s;
        }
        let info = SyscallInfo::entry(Abi::X86_64, sysno.id() as u64, a).at_exit(rval);
        crate::errno::prepare();
        let mut buf = vec![0u8; 16384];
        let mut out = Out::new(&mut buf);
        out.str(info.name().unwrap_or("?"));
        out.byte(b'(');
        let r = render(&mut out, &info, cx);
        out.str(") = ");
        write_return(&mut out, &info, &r, &cx);
        String::from_utf8_lossy(out.as_bytes()).into_owned()
    }

    pub(crate) fn line(sysno: selftrace::Sysno, args: &[u64], rval: i64) -> String {
        line_cx(sysno, args, rval, Context::default())
    }

    pub(crate) fn addr<T>(v: &T) -> u64 {
        v as *const T as u64
    }

    /// An address that is never mapped (the first page).
    pub(crate) const BAD: u64 = 0x8;

    fn text(f: impl FnOnce(&mut Out)) -> String {
        let mut buf = [0u8; 1024];
        let mut out = Out::new(&mut buf);
        f(&mut out);
        String::from_utf8_lossy(out.as_bytes()).into_owned()
    }

    #[test]
    fn names() {
        assert_eq!(signal_name(17), Some("SIGCHLD"));
        assert_eq!(signal_name(31), Some("SIGSYS"));
        // strace 6.1: kill(99999, 32/33/35/64/65)
        assert_eq!(signal_name(32), Some("SIGRTMIN"));
        assert_eq!(signal_name(33), Some("SIGRT_1"));
        assert_eq!(signal_name(35), Some("SIGRT_3"));
        assert_eq!(signal_name(64), Some("SIGRT_32"));
        assert_eq!(signal_name(65), None);
        assert_eq!(signal_name(0), None);
        assert_eq!(signal_name(-1), None);
    }

    #[test]
    fn sets() {
        // strace 6.1 on rt_sigprocmask with these masks.
        assert_eq!(text(|o| write_sigset(o, 0)), "[]");
        assert_eq!(text(|o| write_sigset(o, !0)), "~[]");
        assert_eq!(text(|o| write_sigset(o, 1 << 16)), "[CHLD]");
        assert_eq!(text(|o| write_sigset(o, !((1 << 8) | (1 << 18)))), "~[KILL STOP]");
        assert_eq!(
            text(|o| write_sigset(o, (1 << 1) | (1 << 16) | (1 << 31) | (1 << 32) | (1 << 63))),
            "[INT CHLD RTMIN RT_1 RT_32]"
        );
        // 41 signals are listed, 42 inverted.
        assert!(text(|o| write_sigset(o, (1 << 41) - 1)).starts_with("[HUP INT"));
        assert_eq!(text(|o| write_sigset(o, (1 << 42) - 1)), "~[RT_11 RT_12 RT_13 RT_14 RT_15 RT_16 RT_17 RT_18 RT_19 RT_20 RT_21 RT_22 RT_23 RT_24 RT_25 RT_26 RT_27 RT_28 RT_29 RT_30 RT_31 RT_32]");
    }

    #[test]
    fn siginfo_kinds() {
        // strace 6.1: --- SIGCHLD {...} --- and rt_sigtimedwait lines.
        // SAFETY: siginfo_t is plain C data; all zeroes is valid.
        let mut si: libc::siginfo_t = unsafe { std::mem::zeroed() };
        si.si_signo = libc::SIGCHLD;
        si.si_code = libc::CLD_KILLED;
        // SAFETY: RawSiginfo is the same 128 bytes as siginfo_t, as words.
        let mut raw: RawSiginfo = unsafe { std::mem::transmute_copy(&si) };
        raw.words[0] = 7848;
        raw.words[1] = libc::SIGKILL as u64;
        assert_eq!(
            text(|o| siginfo(o, &raw)),
            "{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=7848, si_uid=0, si_status=SIGKILL, si_utime=0, si_stime=0}"
        );
        raw.signo = libc::SIGUSR2;
        raw.code = libc::SI_QUEUE;
        raw.words[0] = 20218;
        raw.words[1] = 5;
        assert_eq!(
            text(|o| siginfo(o, &raw)),
            "{si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=20218, si_uid=0, si_int=5, si_ptr=0x5}"
        );
        raw.code = libc::SI_TKILL;
        assert_eq!(
            text(|o| siginfo(o, &raw)),
            "{si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=20218, si_uid=0}"
        );
        raw.signo = libc::SIGSEGV;
        raw.code = 1;
        raw.words[0] = 0;
        assert_eq!(
            text(|o| siginfo(o, &raw)),
            "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}"
        );
        raw.signo = 0;
        assert_eq!(text(|o| siginfo(o, &raw)), "{}");
        assert_eq!(text(|o| write_siginfo_at(o, BAD)), "0x8");
    }
}
