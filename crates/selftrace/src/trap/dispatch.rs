//! Syscall User Dispatch (prctl(2) `PR_SET_SYSCALL_USER_DISPATCH`) for code
//! below 4 GiB, where the filter cannot trap.
//!
//! A non-PIE executable's own text lies below 4 GiB (Go's cgo binaries make
//! their system calls there, not in libc), and so would the next static
//! program exec'd from it, which loads no handler: trapped by a filter it
//! inherits, it would die. Dispatch has neither problem: it is per thread,
//! not inherited by new threads or fork children, and cleared by exec. Each
//! thread of ours turns it on with every address from 4 GiB up allowed, so
//! exactly the calls from low code arrive as SIGSYS (`SYS_USER_DISPATCH`),
//! are handled as trapped calls, and are re-issued through the gate, which
//! lies above. Requires Linux 5.11; where the kernel refuses, low code runs
//! untraced as before.
//!
//! `rt_sigreturn` from low code (Go's own signal trampoline) arrives too:
//! the handler makes it for the program, from the program's stack pointer.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::sys::arch;

pub(crate) const PR_SET_SYSCALL_USER_DISPATCH: u64 = 59;
pub(crate) const PR_SYS_DISPATCH_ON: u64 = 1;
/// Calls from `[ALLOWED_START, ALLOWED_START + ALLOWED_LEN)` run as usual
/// (the spawn gate's child path makes the same request in assembly).
pub(crate) const ALLOWED_START: u64 = 1 << 32;
pub(crate) const ALLOWED_LEN: u64 = (1 << 47) - (1 << 32);

/// Whether this process dispatches low code (it has some, and the kernel
/// accepted the first request).
static ENABLED: AtomicBool = AtomicBool::new(false);

/// At installation: dispatch low code from now on, in this thread and in
/// every thread and fork child the runtime starts. Returns whether the
/// kernel accepted.
pub(crate) fn enable_for_process() -> bool {
    let on = turn_on();
    ENABLED.store(on, Ordering::Release);
    arch::set_dispatch_low_code(on);
    on
}

/// Turn dispatch on for the calling thread, if the process uses it.
pub(crate) fn enable_here() {
    if ENABLED.load(Ordering::Acquire) {
        turn_on();
    }
}

/// Whether a SIGSYS with `si_code == SYS_USER_DISPATCH` is ours.
pub(crate) fn enabled() -> bool {
    ENABLED.load(Ordering::Acquire)
}

fn turn_on() -> bool {
    let args = [PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, ALLOWED_START, ALLOWED_LEN, 0, 0];
    // SAFETY: takes values only; the calls it dispatches to the SIGSYS
    // handler (those from outside the allowed range) are ones it handles.
    let r = unsafe { arch::gate_native(arch::nr::PRCTL, args) };
    r == 0
}
