//! `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, ...} ---`: a
//! delivered signal's `siginfo_t`, as strace prints it (sigaction(2) lists
//! the fields each `si_code` fills).

use crate::trace::decode::signal_name;
use crate::trace::out::Out;

/// A signal by name, or its number.
pub fn write_signal(o: &mut Out, sig: i32) {
    match signal_name(sig) {
        Some(n) => o.str(n),
        None => o.dec(sig as i64),
    }
}

const SI_USER: i32 = 0;
const SI_KERNEL: i32 = 0x80;
const SI_QUEUE: i32 = -1;
const SI_TIMER: i32 = -2;
const SI_MESGQ: i32 = -3;
const SI_ASYNCIO: i32 = -4;
const SI_SIGIO: i32 = -5;
const SI_TKILL: i32 = -6;

const CLD_CODES: [&str; 6] = ["CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"];
const SEGV_CODES: [&str; 3] = ["SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR"];
const BUS_CODES: [&str; 3] = ["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"];
const FPE_CODES: [&str; 8] =
    ["FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"];
const ILL_CODES: [&str; 8] =
    ["ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"];

/// The body of a `--- SIG ... ---` line for `si`.
pub fn write(o: &mut Out, si: &libc::siginfo_t) {
    let (sig, code) = (si.si_signo, si.si_code);
    o.str("{si_signo=");
    write_signal(o, sig);
    o.str(", si_code=");
    let specific = match sig {
        libc::SIGCHLD => CLD_CODES.get((code - 1) as usize),
        libc::SIGSEGV => SEGV_CODES.get((code - 1) as usize),
        libc::SIGBUS => BUS_CODES.get((code - 1) as usize),
        libc::SIGFPE => FPE_CODES.get((code - 1) as usize),
        libc::SIGILL => ILL_CODES.get((code - 1) as usize),
        _ => None,
    };
    let generic = match code {
        SI_USER => Some("SI_USER"),
        SI_KERNEL => Some("SI_KERNEL"),
        SI_QUEUE => Some("SI_QUEUE"),
        SI_TIMER => Some("SI_TIMER"),
        SI_MESGQ => Some("SI_MESGQ"),
        SI_ASYNCIO => Some("SI_ASYNCIO"),
        SI_SIGIO => Some("SI_SIGIO"),
        SI_TKILL => Some("SI_TKILL"),
        _ => None,
    };
    match (code > 0 && code != SI_KERNEL, specific, generic) {
        (true, Some(name), _) => o.str(name),
        (_, _, Some(name)) => o.str(name),
        _ => o.dec(code as i64),
    }
    // SAFETY: the union members read are the ones the kernel fills for
    // this signal and code (sigaction(2)); all are plain integers.
    unsafe {
        match code {
            SI_USER | SI_TKILL | SI_QUEUE => {
                let _ = core::fmt::Write::write_fmt(o, format_args!(", si_pid={}, si_uid={}", si.si_pid(), si.si_uid()));
                if code == SI_QUEUE {
                    let _ = core::fmt::Write::write_fmt(o, format_args!(", si_int={}, si_ptr=", si.si_value().sival_ptr as u64 as i32));
                    o.ptr(si.si_value().sival_ptr as u64);
                }
            }
            SI_TIMER | SI_KERNEL | SI_MESGQ | SI_ASYNCIO | SI_SIGIO => {}
            _ if sig == libc::SIGCHLD => {
                let _ = core::fmt::Write::write_fmt(o, format_args!(", si_pid={}, si_uid={}, si_status=", si.si_pid(), si.si_uid()));
                if code == libc::CLD_EXITED {
                    o.dec(si.si_status() as i64);
                } else {
                    write_signal(o, si.si_status());
                }
                let _ = core::fmt::Write::write_fmt(o, format_args!(", si_utime={}, si_stime={}", si.si_utime(), si.si_stime()));
            }
            _ if matches!(sig, libc::SIGSEGV | libc::SIGBUS | libc::SIGFPE | libc::SIGILL) => {
                o.str(", si_addr=");
                o.ptr(si.si_addr() as u64);
            }
            _ => {}
        }
    }
    o.byte(b'}');
}
