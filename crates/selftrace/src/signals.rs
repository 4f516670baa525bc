//! Signal protection: the program can never block, ignore or replace our
//! SIGSYS, yet sees exactly the masks and dispositions it asked for.
//!
//! A blocked or ignored SIGSYS at the moment of a trap kills the process
//! (docs/design.md, hazard 1). So the runtime owns every call that can put
//! SIGSYS in a mask: it strips SIGSYS on the way to the kernel and puts the
//! program's view back on the way out. The program's own SIGSYS disposition
//! is kept here, virtual, and honoured for SIGSYS that are not ours.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::info::{Abi, SyscallInfo};
use crate::sys::arch::{self, compat_nr, nr, Frame};
use crate::sys::mem;
use crate::sys::raw;
use crate::sys::raw::fail::{EFAULT, EINTR, EINVAL, EPERM};
use crate::task::thread;
use crate::Sysno;

const PTRACE_TRACEME: u64 = 0;

const fn bit(sig: i32) -> u64 {
    1 << (sig - 1)
}

pub(crate) const SIGSYS_BIT: u64 = bit(libc::SIGSYS);
const UNBLOCKABLE: u64 = bit(libc::SIGKILL) | bit(libc::SIGSTOP);

/// The kernel's `struct sigaction` on x86_64 (not glibc's).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct KernelSigaction {
    pub handler: u64,
    pub flags: u64,
    pub restorer: u64,
    pub mask: u64,
}

impl KernelSigaction {
    fn read(addr: u64) -> Result<KernelSigaction, i64> {
        let mut b = [0u8; 32];
        mem::read(addr, &mut b).map_err(|_| EFAULT)?;
        let word = |i: usize| u64::from_ne_bytes(b[i * 8..i * 8 + 8].try_into().unwrap());
        Ok(KernelSigaction { handler: word(0), flags: word(1), restorer: word(2), mask: word(3) })
    }

    /// # Safety
    /// `addr` must be where the program asked for a `struct sigaction` to
    /// be stored (an `oldact`), as the kernel would store it.
    unsafe fn write(&self, addr: u64) -> Result<(), i64> {
        let mut b = [0u8; 32];
        for (i, w) in [self.handler, self.flags, self.restorer, self.mask].iter().enumerate() {
            b[i * 8..i * 8 + 8].copy_from_slice(&w.to_ne_bytes());
        }
        // SAFETY: the caller's contract.
        unsafe { mem::write(addr, &b) }.map_err(|_| EFAULT)
    }
}

/// The program's own SIGSYS disposition (never given to the kernel).
static VIRTUAL_SIGSYS: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];
/// Signals whose handler the program installed with SIGSYS in `sa_mask`.
static MASKS_WITH_SIGSYS: AtomicU64 = AtomicU64::new(0);
/// The program's handler, flags and whether its `sa_mask` held SIGSYS, by
/// signal, where the kernel runs [`wrapped_handler`] in its place: its
/// mask held SIGSYS, or deliveries are observed.
static WRAPPED: [[AtomicU64; 3]; 65] = [const { [const { AtomicU64::new(0) }; 3] }; 65];

/// Told of each signal delivered to a program handler, before it runs (the
/// tracer's `--- SIGCHLD {...} ---` lines). 0 when none.
static DELIVERY_OBSERVER: AtomicUsize = AtomicUsize::new(0);

/// Have `observer` called before every program signal handler runs, for
/// handlers installed from now on. Async-signal-safe code only.
pub fn observe_deliveries(observer: fn(libc::c_int, &libc::siginfo_t)) {
    DELIVERY_OBSERVER.store(observer as usize, Ordering::Release);
}

pub(crate) fn virtual_sigsys() -> KernelSigaction {
    let w = |i: usize| VIRTUAL_SIGSYS[i].load(Ordering::Acquire);
    KernelSigaction { handler: w(0), flags: w(1), restorer: w(2), mask: w(3) }
}

pub(crate) fn set_virtual_sigsys(act: &KernelSigaction) {
    for (slot, v) in VIRTUAL_SIGSYS.iter().zip([act.handler, act.flags, act.restorer, act.mask]) {
        slot.store(v, Ordering::Release);
    }
}

/// Perform a trapped call for real, applying the protection to the calls
/// that carry signal masks or dispositions. `handler_runs_at_trap` is
/// [`thread::handler_runs`] as it was when the call trapped.
pub(crate) fn run(frame: &mut Frame, info: &SyscallInfo, handler_runs_at_trap: u32) -> i64 {
    let a = info.args;
    if waits_for_a_handler(info) && thread::handler_runs() != handler_runs_at_trap {
        // A program handler ran after the call trapped, before it could
        // start waiting: as far as the program knows the call was already
        // waiting, so the signal ended it. Waiting now could wait for a
        // signal that has come and gone (`pause` hanging forever).
        return EINTR;
    }
    crate::task::exec::traceme_before_own_signal(info);
    match (info.abi, info.nr) {
        (Abi::X86_64 | Abi::X32, nr::RT_SIGPROCMASK) => {
            sigprocmask(frame, a[0], a[1], a[2], a[3], 8)
        }
        (Abi::I386, compat_nr::RT_SIGPROCMASK) => sigprocmask(frame, a[0], a[1], a[2], a[3], 8),
        (Abi::I386, compat_nr::SIGPROCMASK) => sigprocmask(frame, a[0], a[1], a[2], 4, 4),
        (Abi::X86_64, nr::RT_SIGACTION) => sigaction(a[0], a[1], a[2], a[3]),
        (Abi::X86_64, nr::RT_SIGPENDING) => sigpending(info),
        (Abi::X86_64, nr::SIGALTSTACK) => sigaltstack(frame, a[0], a[1]),
        (Abi::X86_64, nr::PTRACE) if a[0] == PTRACE_TRACEME => {
            crate::task::exec::defer_traceme();
            0
        }
        (Abi::X86_64 | Abi::X32, n) => match n {
            nr::RT_SIGSUSPEND => with_mask_stripped(info, 0, 1, Set::WaitMask),
            nr::RT_SIGTIMEDWAIT => with_mask_stripped(info, 0, 3, Set::Signals),
            nr::PPOLL => with_mask_stripped(info, 3, 4, Set::WaitMask),
            nr::EPOLL_PWAIT | nr::EPOLL_PWAIT2 => with_mask_stripped(info, 4, 5, Set::WaitMask),
            nr::SIGNALFD | nr::SIGNALFD4 => with_mask_stripped(info, 1, 2, Set::Signals),
            nr::PSELECT6 => pselect6(info),
            // SAFETY: the program's call, as it made it.
            _ => unsafe { arch::gate(info.abi, info.nr, a) },
        },
        // SAFETY: as above.
        _ => unsafe { arch::gate(info.abi, info.nr, a) },
    }
}

/// At the start of the SIGSYS handler: the program's mask as it was at the
/// trap (the kernel added every other signal for the entry, see
/// `take_over_sigsys`), SIGSYS left open, with the signals `held` for the
/// call (see [`held_for_call`]) added.
pub(crate) fn unmask_for_handler(frame: &Frame, held: u64) {
    let mask = (frame.sigmask() | held) & !SIGSYS_BIT;
    raw::sigprocmask(libc::SIG_SETMASK, Some(&mask), None);
}

/// Signals the trapped call `nr` (of audit arch `arch`) would raise in its
/// own caller as it returns, held blocked for the whole handler: the
/// SIGPIPE the kernel raises in a writer whose pipe or socket has no
/// reader left (pipe(7), send(2), splice(2)). Delivered on the handler's
/// return (`rt_sigreturn` puts the program's mask back), after the exit
/// hooks saw the call: otherwise a writer killed by it would die before
/// the tracer's `write(...) = -1 EPIPE` line and `-c`'s count of it, which
/// strace shows. No call of its own: the mask is set here anyway. (A
/// SIGPIPE another process sends to a single-threaded program blocked in
/// such a call waits for the call to return.)
pub(crate) fn held_for_call(arch: u32, nr: u64) -> u64 {
    use crate::Sysno as S;
    const WRITERS: [S; 10] = [
        S::write,
        S::writev,
        S::pwritev2,
        S::sendto,
        S::sendmsg,
        S::sendmmsg,
        S::sendfile,
        S::splice,
        S::vmsplice,
        S::tee,
    ];
    if arch == arch::AUDIT_ARCH_NATIVE && WRITERS.iter().any(|s| s.id() as u64 == nr) {
        bit(libc::SIGPIPE)
    } else {
        0
    }
}

/// Calls that only return once a signal handler has run: `pause` and
/// `rt_sigsuspend`.
fn waits_for_a_handler(info: &SyscallInfo) -> bool {
    const PAUSE: u64 = 34;
    matches!(info.abi, Abi::X86_64 | Abi::X32)
        && matches!(info.nr & !arch::X32_SYSCALL_BIT, PAUSE | nr::RT_SIGSUSPEND)
}

/// What a sigset argument means to its call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Set {
    /// Signals to wait for or to read (`rt_sigtimedwait`, `signalfd`).
    Signals,
    /// The thread's mask while the call waits (`rt_sigsuspend`, `ppoll`,
    /// `pselect6`, `epoll_pwait*`).
    WaitMask,
}

/// Run the call with the sigset at argument `mask_arg` (of the size in
/// argument `size_arg`) copied and SIGSYS removed from the copy.
fn with_mask_stripped(info: &SyscallInfo, mask_arg: usize, size_arg: usize, set: Set) -> i64 {
    let mut a = info.args;
    let local: u64;
    let mut given = None;
    if a[mask_arg] != 0 && a[size_arg] == 8 {
        let Ok(mask) = mem::read_u64(a[mask_arg]) else { return EFAULT };
        given = Some(mask);
        if mask & SIGSYS_BIT != 0 {
            local = mask & !SIGSYS_BIT;
            a[mask_arg] = &raw const local as u64;
        }
    }
    // SAFETY: the program's call, with its mask pointer (if stripped)
    // replaced by one to `local`, a copy that outlives the call.
    let call = || unsafe { arch::gate(info.abi, info.nr, a) };
    match given {
        Some(mask) if set == Set::WaitMask => with_wait_mask(mask & SIGSYS_BIT != 0, call),
        _ => call(),
    }
}

/// Run a call that installs a temporary mask while it waits, with the
/// program's view of SIGSYS following that mask as the kernel's would:
/// handlers that run during the wait see it, a SIGSYS sent meanwhile is
/// held or delivered by it, and a SIGSYS the program had pending is
/// delivered, ending the wait, if the temporary mask unblocks it.
fn with_wait_mask(sigsys_blocked: bool, call: impl FnOnce() -> i64) -> i64 {
    let was = thread::sigsys_blocked();
    thread::set_sigsys_blocked(sigsys_blocked);
    let r = if !sigsys_blocked && thread::take_sigsys_pending() {
        raise_sigsys();
        EINTR
    } else {
        call()
    };
    end_sigsys_blocked(was);
    r
}

/// Put back the program's belief that SIGSYS is blocked (`was`) after a
/// span that changed it, delivering a SIGSYS held meanwhile if `was` lets
/// it through, as `rt_sigreturn` or the end of a wait would.
fn end_sigsys_blocked(was: bool) {
    thread::set_sigsys_blocked(was);
    if !was && thread::take_sigsys_pending() {
        raise_sigsys();
    }
}

/// pselect6 passes its mask indirectly: `{ const sigset_t *ss; size_t len; }`.
fn pselect6(info: &SyscallInfo) -> i64 {
    let mut a = info.args;
    let (mut pair, local): ([u64; 2], u64);
    if a[5] != 0 {
        let mut b = [0u8; 16];
        if mem::read(a[5], &mut b).is_err() {
            return EFAULT;
        }
        pair = [
            u64::from_ne_bytes(b[..8].try_into().unwrap()),
            u64::from_ne_bytes(b[8..].try_into().unwrap()),
        ];
        if pair[0] != 0 && pair[1] == 8 {
            let Ok(mask) = mem::read_u64(pair[0]) else { return EFAULT };
            if mask & SIGSYS_BIT != 0 {
                local = mask & !SIGSYS_BIT;
                pair[0] = &raw const local as u64;
                a[5] = &raw const pair as u64;
            }
            // SAFETY: the program's call, its mask pair (if stripped)
            // replaced by `pair` pointing at `local`, both outliving it.
            let call = || unsafe { arch::gate(info.abi, info.nr, a) };
            return with_wait_mask(mask & SIGSYS_BIT != 0, call);
        }
    }
    // SAFETY: the program's call, as it made it.
    unsafe { arch::gate(info.abi, info.nr, a) }
}

/// The program's view of its mask: the real one, with SIGSYS as it believes.
fn program_view(real: u64) -> u64 {
    let sigsys = if thread::sigsys_blocked() { SIGSYS_BIT } else { 0 };
    (real & !SIGSYS_BIT) | sigsys
}

/// `rt_sigprocmask(2)` (and the old 4-byte `sigprocmask`), emulated on the
/// mask that `rt_sigreturn` will install from the signal frame: changing the
/// live mask inside the handler would be undone when the handler returns.
fn sigprocmask(frame: &mut Frame, how: u64, set: u64, oldset: u64, size: u64, width: usize) -> i64 {
    if size != 8 && width == 8 {
        return EINVAL;
    }
    let old_view = program_view(frame.sigmask());
    let mut new_view = old_view;
    if set != 0 {
        let mut b = [0u8; 8];
        if mem::read(set, &mut b[..width]).is_err() {
            return EFAULT;
        }
        let m = u64::from_ne_bytes(b);
        new_view = match how as i32 {
            libc::SIG_BLOCK => old_view | m,
            libc::SIG_UNBLOCK => old_view & !m,
            libc::SIG_SETMASK if width == 4 => (old_view & !0xffff_ffff) | m,
            libc::SIG_SETMASK => m,
            _ => return EINVAL,
        } & !UNBLOCKABLE;
    }
    frame.set_sigmask(new_view & !SIGSYS_BIT);
    thread::set_sigsys_blocked(new_view & SIGSYS_BIT != 0);
    if new_view & SIGSYS_BIT == 0 && thread::take_sigsys_pending() {
        raise_sigsys();
    }
    // SAFETY: `oldset` is where the program asked the kernel to store its
    // old mask, `width` bytes, as the kernel would have.
    if oldset != 0 && unsafe { mem::write(oldset, &old_view.to_ne_bytes()[..width]) }.is_err() {
        return EFAULT;
    }
    0
}

/// `sigaltstack(2)`, emulated on the altstack `rt_sigreturn` will restore
/// from the signal frame (the kernel saves it there at delivery): made for
/// real inside the handler, it would be undone when the handler returns
/// (Go's threads lost their signal stacks that way). The kernel still
/// checks the new stack; the old one is as the program had it at the trap.
fn sigaltstack(frame: &mut Frame, ss: u64, old_ss: u64) -> i64 {
    const SS_ONSTACK: i32 = 1;
    const SS_DISABLE: i32 = 2;
    const SS_AUTODISARM: i32 = 1 << 31;
    let saved = frame.altstack();
    // As sigaltstack(2) reports it: the frame keeps the stack and its
    // flag bits, not whether the program is running on it.
    let (base, size, sp) = (saved.ss_sp as u64, saved.ss_size as u64, frame.stack_pointer());
    let on_it = saved.ss_flags & SS_AUTODISARM == 0 && sp > base && sp - base <= size;
    let mode = match (size, on_it) {
        (0, _) => SS_DISABLE,
        (_, true) => SS_ONSTACK,
        _ => 0,
    };
    let old = libc::stack_t { ss_flags: mode | (saved.ss_flags & SS_AUTODISARM), ..saved };
    if ss != 0 {
        if on_it {
            return EPERM;
        }
        // SAFETY: the program's new altstack, as it passed it: the kernel
        // reads the stack_t at `ss`.
        let r = unsafe { arch::gate_native(nr::SIGALTSTACK, [ss, 0, 0, 0, 0, 0]) };
        if r < 0 {
            return r;
        }
        let mut now = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: 0, ss_size: 0 };
        // SAFETY: only reads the altstack into the live `now`.
        unsafe { arch::gate_native(nr::SIGALTSTACK, [0, &raw mut now as u64, 0, 0, 0, 0]) };
        // Our handler does not run on it: the reading says enabled or not.
        now.ss_flags &= !SS_ONSTACK;
        frame.set_altstack(now);
    }
    if old_ss != 0 {
        // SAFETY: stack_t is plain old data; viewing it as bytes is sound.
        let bytes = unsafe {
            std::slice::from_raw_parts((&raw const old).cast::<u8>(), size_of::<libc::stack_t>())
        };
        // SAFETY: `old_ss` is where the program asked for its old
        // stack_t, as the kernel would have written it.
        if unsafe { mem::write(old_ss, bytes) }.is_err() {
            return EFAULT;
        }
    }
    0
}

/// `rt_sigpending(2)`: the kernel's pending set, plus the SIGSYS held for
/// the program while it blocks SIGSYS (see [`deliver_foreign`]).
fn sigpending(info: &SyscallInfo) -> i64 {
    let (set, size) = (info.args[0], info.args[1]);
    // SAFETY: the program's call, as it made it.
    let r = unsafe { arch::gate(info.abi, info.nr, info.args) };
    if r != 0 || size != 8 || !thread::take_sigsys_pending() {
        return r;
    }
    thread::set_sigsys_pending();
    match mem::read_u64(set) {
        // SAFETY: the 8-byte set the kernel just filled for the program.
        Ok(pending) => unsafe { mem::write_u64(set, pending | SIGSYS_BIT) }.map_or(EFAULT, |_| 0),
        Err(_) => EFAULT,
    }
}

/// `rt_sigaction(2)`: SIGSYS is virtual; other signals get SIGSYS removed
/// from their `sa_mask` and shown back to the program. A handler whose
/// `sa_mask` held SIGSYS runs inside [`wrapped_handler`], so that the
/// program sees SIGSYS blocked while it runs.
///
/// A child that shares our memory until it execs (vfork, posix_spawn)
/// changes only its own dispositions in the kernel; it must not change the
/// bookkeeping here, which is the parent's too. glibc's posix_spawn child
/// resets every handled signal, SIGSYS included, to SIG_DFL.
fn sigaction(sig: u64, act: u64, oldact: u64, size: u64) -> i64 {
    if size != 8 {
        return EINVAL;
    }
    let shared = act != 0 && memory_shared_with_parent();
    if sig == libc::SIGSYS as u64 {
        let previous = virtual_sigsys();
        if act != 0 {
            match KernelSigaction::read(act) {
                Ok(_) if shared => {}
                Ok(new) => set_virtual_sigsys(&new),
                Err(e) => return e,
            }
        }
        if oldact != 0 {
            // SAFETY: `oldact` is the program's, for its old disposition.
            if let Err(e) = unsafe { previous.write(oldact) } {
                return e;
            }
        }
        return 0;
    }
    let sig_bit = if (1..=64).contains(&sig) { bit(sig as i32) } else { 0 };
    let wrapped = WRAPPED.get(sig as usize);
    let load = |w: &[AtomicU64; 3]| (w[0].load(Ordering::Acquire), w[1].load(Ordering::Acquire));
    let previously_wrapped = wrapped.map(load).unwrap_or_default();
    let mut new = KernelSigaction::default();
    let mut old = KernelSigaction::default();
    let mut had_sigsys = false;
    if act != 0 {
        new = match KernelSigaction::read(act) {
            Ok(a) => a,
            Err(e) => return e,
        };
        had_sigsys = new.mask & SIGSYS_BIT != 0;
        new.mask &= !SIGSYS_BIT;
        let is_handler = new.handler != libc::SIG_DFL as u64 && new.handler != libc::SIG_IGN as u64;
        if let Some(w) = wrapped.filter(|_| sig_bit != 0 && is_handler && !shared) {
            w[0].store(new.handler, Ordering::Release);
            w[1].store(new.flags, Ordering::Release);
            w[2].store(had_sigsys as u64, Ordering::Release);
            new.handler = wrapped_handler as *const () as u64;
            new.flags |= libc::SA_SIGINFO as u64;
        }
    }
    let new_ptr = if act != 0 { &raw const new as u64 } else { 0 };
    let old_ptr = if oldact != 0 { &raw mut old as u64 } else { 0 };
    // SAFETY: `new` and `old` are live locals (or null pointers); the new
    // handler is the program's own, or `wrapped_handler` in its place.
    let r = unsafe { arch::gate_native(nr::RT_SIGACTION, [sig, new_ptr, old_ptr, 8, 0, 0]) };
    if r < 0 {
        return r;
    }
    if oldact != 0 {
        if old.handler == wrapped_handler as *const () as u64 {
            (old.handler, old.flags) = previously_wrapped;
        }
        if MASKS_WITH_SIGSYS.load(Ordering::Acquire) & sig_bit != 0 {
            old.mask |= SIGSYS_BIT;
        }
        // SAFETY: as above.
        if let Err(e) = unsafe { old.write(oldact) } {
            return e;
        }
    }
    if act != 0 && !shared {
        if had_sigsys {
            MASKS_WITH_SIGSYS.fetch_or(sig_bit, Ordering::AcqRel);
        } else {
            MASKS_WITH_SIGSYS.fetch_and(!sig_bit, Ordering::AcqRel);
        }
    }
    r
}

/// The kernel's handler in place of every program handler installed while
/// the runtime is in place. It runs the program's handler:
/// - with hooks for its calls, even when the signal interrupted a hook (or
///   the handler around one): they are the program's calls, not the hook's;
/// - with the program's view of SIGSYS blocked if its `sa_mask` held SIGSYS
///   (the kernel cannot block SIGSYS for it), restored after it, as
///   `rt_sigreturn` would restore the mask (a handler that leaves by
///   `siglongjmp` restores the mask, and so the view, through
///   `rt_sigprocmask`);
/// - after telling the delivery observer, if there is one.
extern "C" fn wrapped_handler(signo: libc::c_int, si: *mut libc::siginfo_t, uc: *mut libc::c_void) {
    let Some(w) = WRAPPED.get(signo as usize) else { return };
    let (handler, flags) = (w[0].load(Ordering::Acquire), w[1].load(Ordering::Acquire));
    if handler == libc::SIG_DFL as u64 || handler == libc::SIG_IGN as u64 {
        return;
    }
    observe(signo, si);
    thread::count_handler_run();
    let hook_span = thread::suspend_hook_span();
    if w[2].load(Ordering::Acquire) == 0 {
        invoke(handler as usize, flags, signo, si, uc);
    } else {
        let was = thread::sigsys_blocked();
        thread::set_sigsys_blocked(true);
        invoke(handler as usize, flags, signo, si, uc);
        end_sigsys_blocked(was);
    }
    thread::resume_hooks(hook_span);
}

/// Tell the delivery observer, if any, that `signo` reaches a program handler.
fn observe(signo: libc::c_int, si: *mut libc::siginfo_t) {
    let observer = DELIVERY_OBSERVER.load(Ordering::Acquire);
    if observer != 0 && !si.is_null() {
        // SAFETY: only `observe_deliveries` stores here, a fn of this type;
        // the kernel's siginfo is valid for the handler's duration.
        let f: fn(libc::c_int, &libc::siginfo_t) = unsafe { std::mem::transmute(observer) };
        // SAFETY: the kernel's siginfo is valid while the handler runs.
        f(signo, unsafe { &*si });
    }
}

/// Call a program's signal handler as the kernel would for `flags`.
fn invoke(
    handler: usize,
    flags: u64,
    signo: libc::c_int,
    si: *mut libc::siginfo_t,
    uc: *mut libc::c_void,
) {
    if flags & libc::SA_SIGINFO as u64 != 0 {
        // SAFETY: the program registered this address as an SA_SIGINFO
        // handler; we call it as the kernel would have.
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { std::mem::transmute(handler) };
        f(signo, si, uc);
    } else {
        // SAFETY: as above, for a one-argument handler.
        let f: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(handler) };
        f(signo);
    }
}

/// Whether this process shares its memory with its parent: a vfork or
/// posix_spawn child (`CLONE_VM`) between clone and exec. `kcmp(2)`
/// compares the two address spaces; where it is unavailable, the answer
/// is no.
fn memory_shared_with_parent() -> bool {
    const KCMP_VM: u64 = 1;
    let pid = raw::getpid() as u64;
    // SAFETY: getppid and kcmp(KCMP_VM) take and change no memory.
    unsafe {
        let ppid = arch::gate_native(Sysno::getppid.id() as u64, [0; 6]) as u64;
        arch::gate_native(Sysno::kcmp.id() as u64, [pid, ppid, KCMP_VM, 0, 0, 0]) == 0
    }
}

/// A signal a call sends to its own thread (`raise`, `abort`), held
/// blocked on this thread from before the call until its exit hooks have
/// run. Otherwise the kernel would deliver it as the call returns to the
/// gate, and a fatal one would end the process before its exit hooks saw
/// the call (the tracer's `tgkill(...) = 0` line). Released when dropped:
/// the signal is then delivered, as it would have been on return.
#[must_use = "the signal is released when the guard is dropped"]
pub(crate) struct HeldSignal {
    old: u64,
}

pub(crate) fn hold_own_signal(info: &SyscallInfo) -> Option<HeldSignal> {
    const TKILL: u64 = 200;
    if info.abi != Abi::X86_64 {
        return None;
    }
    let (tid, sig) = match info.nr {
        nr::TGKILL => (info.args[1], info.args[2]),
        TKILL => (info.args[0], info.args[1]),
        _ => return None,
    };
    let unblockable = [libc::SIGKILL as u64, libc::SIGSTOP as u64, libc::SIGSYS as u64];
    if !(1..=64).contains(&sig) || unblockable.contains(&sig) || tid != raw::gettid() as u64 {
        return None;
    }
    let block = bit(sig as i32);
    let mut old = 0u64;
    let r = raw::sigprocmask(libc::SIG_BLOCK, Some(&block), Some(&mut old));
    (r == 0).then_some(HeldSignal { old })
}

impl Drop for HeldSignal {
    fn drop(&mut self) {
        raw::sigprocmask(libc::SIG_SETMASK, Some(&self.old), None);
    }
}

fn raise_sigsys() {
    let (pid, tid) = (raw::getpid() as u64, raw::gettid() as u64);
    // SAFETY: tgkill takes no pointers; SIGSYS reaches our own handler.
    unsafe { arch::gate_native(nr::TGKILL, [pid, tid, libc::SIGSYS as u64, 0, 0, 0]) };
}

/// Die of SIGSYS as the program would without us: default action, raised.
fn die_of_sigsys() -> ! {
    let dfl = KernelSigaction::default();
    let dfl_at = &raw const dfl as u64;
    // SAFETY: the kernel reads the live `dfl`: SIG_DFL, no handler to run.
    unsafe { arch::gate_native(nr::RT_SIGACTION, [libc::SIGSYS as u64, dfl_at, 0, 8, 0, 0]) };
    raw::sigprocmask(libc::SIG_UNBLOCK, Some(&SIGSYS_BIT), None);
    raise_sigsys();
    // SAFETY: unreachable in practice: the default action of SIGSYS ends
    // the process; abort is the fallback if something held it off.
    unsafe { libc::abort() }
}

/// A SIGSYS that our filter did not send: another seccomp filter's trap, or
/// a signal the program sent. Deliver it as the program's disposition says.
pub(crate) fn deliver_foreign(
    signo: libc::c_int,
    si: *mut libc::siginfo_t,
    uc: *mut libc::c_void,
    from_seccomp: bool,
) {
    let act = virtual_sigsys();
    if thread::sigsys_blocked() {
        if from_seccomp {
            die_of_sigsys(); // the kernel force-delivers seccomp traps
        }
        thread::set_sigsys_pending();
        return;
    }
    match act.handler as usize {
        libc::SIG_DFL => die_of_sigsys(),
        libc::SIG_IGN if from_seccomp => die_of_sigsys(),
        libc::SIG_IGN => {}
        handler => call_program_handler(handler, &act, signo, si, uc),
    }
}

fn call_program_handler(
    handler: usize,
    act: &KernelSigaction,
    signo: libc::c_int,
    si: *mut libc::siginfo_t,
    uc: *mut libc::c_void,
) {
    if act.flags & libc::SA_RESETHAND as u64 != 0 {
        set_virtual_sigsys(&KernelSigaction::default());
    }
    let was_blocked = thread::sigsys_blocked();
    if act.flags & libc::SA_NODEFER as u64 == 0 || act.mask & SIGSYS_BIT != 0 {
        thread::set_sigsys_blocked(true);
    }
    observe(signo, si);
    thread::count_handler_run();
    let hook_span = thread::suspend_hook_span();
    let block = act.mask & !SIGSYS_BIT;
    let mut saved = 0u64;
    raw::sigprocmask(libc::SIG_BLOCK, Some(&block), Some(&mut saved));
    invoke(handler, act.flags, signo, si, uc);
    thread::resume_hooks(hook_span);
    raw::sigprocmask(libc::SIG_SETMASK, Some(&saved), None);
    // A SIGSYS the handler raised while it held SIGSYS blocked runs now.
    end_sigsys_blocked(was_blocked);
}
