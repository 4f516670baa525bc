//! The SIGSYS handler: decode, run hooks, perform, write the result back.
//!
//! Runs on the trapping thread, possibly on top of another trap (installed
//! with `SA_NODEFER`, so hooks and the program's signal handlers may trap
//! again). Nothing here allocates or locks: the registry is immutable after
//! installation and reached through an atomic pointer.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicPtr, Ordering};

use crate::hook::{Action, HookRef, Registry};
use crate::info::{Op, SyscallInfo};
use crate::signals;
use crate::sys::arch::{self, Frame};
use crate::task::block::{self, Header};
use crate::task::exec;
use crate::task::spawn;
use crate::task::thread::{self, InHook};
use crate::trap::extension::{self, Entered};
use crate::trap::filter::TRAP_TAG;

/// `SYS_SECCOMP`: si_code of a seccomp trap.
const SYS_SECCOMP: i32 = 1;
/// `SYS_USER_DISPATCH`: si_code of a call from low code (`dispatch`).
const SYS_USER_DISPATCH: i32 = 2;

static REGISTRY: AtomicPtr<Registry> = AtomicPtr::new(std::ptr::null_mut());

/// Publish the hooks. The registry is leaked: handlers may read it at any
/// moment for the rest of the process's life.
pub(crate) fn publish(registry: Registry) {
    REGISTRY.store(Box::into_raw(Box::new(registry)), Ordering::Release);
}

fn registry() -> Option<&'static Registry> {
    // SAFETY: the pointer is null or a leaked Box that is never freed.
    unsafe { REGISTRY.load(Ordering::Acquire).as_ref() }
}

/// The SIGSYS handler proper, called by the assembly entry
/// (`arch::sigsys_entry`, installed with `SA_SIGINFO | SA_NODEFER |
/// SA_ONSTACK`) on one of the thread's runtime stacks, with the copied
/// signal frame. `block` is the thread's block (null if it has none) and
/// `level` the runtime stacks in use before this trap took one.
pub(crate) extern "C" fn on_sigsys(
    signo: libc::c_int,
    si: *mut libc::siginfo_t,
    uc: *mut libc::c_void,
    block: *const Header,
    level: u64,
) {
    // SAFETY: `uc` is this handler's live ucontext.
    let mut frame = unsafe { Frame::new(uc) };
    // SAFETY: the kernel passes a valid siginfo; the SIGSYS fields
    // (`_sigsys`) follow the common header: call_addr at 16, arch at 28.
    let (code, tag, arch) =
        unsafe { ((*si).si_code, (*si).si_errno, *(si.cast::<u8>().add(28).cast::<u32>())) };
    let dispatched = code == SYS_USER_DISPATCH && crate::trap::dispatch::enabled();
    let ours = dispatched || (code == SYS_SECCOMP && tag == TRAP_TAG as i32);
    let nr = frame.number();
    // Signals other than SIGSYS were held off until this point (the
    // handler's sa_mask): let them in again, now that they land here,
    // but for those the call itself would raise.
    signals::unmask_for_handler(&frame, if ours { signals::held_for_call(arch, nr) } else { 0 });
    // SAFETY: the entry passes this thread's block or null.
    let block = unsafe { block.as_ref() };
    // errno is reached through %fs: only where %fs is libc's.
    let errno = block.filter(|b| b.libc_usable()).map(|_| Errno::save());
    if !ours {
        signals::deliver_foreign(signo, si, uc, code == SYS_SECCOMP);
        if let Some(e) = errno {
            e.restore();
        }
        return;
    }
    if dispatched && arch == arch::AUDIT_ARCH_NATIVE && nr == arch::nr::RT_SIGRETURN {
        // The program's own signal return, from low code: made for it. This
        // trap ends here, never returning through its frame.
        if let Some(block) = block {
            block.level.store(level, std::sync::atomic::Ordering::Relaxed);
        }
        // SAFETY: the program was about to make rt_sigreturn with this
        // stack pointer; its frame is below it, as the kernel wants it.
        unsafe { arch::sigreturn_at(frame.stack_pointer()) }
    }
    let depth = thread::enter_trap();
    let handler_runs = thread::handler_runs();
    let rval = match arch::abi_of(arch, nr) {
        Some(abi) => {
            let info = SyscallInfo {
                op: Op::Entry,
                abi,
                nr,
                instruction_pointer: frame.instruction_pointer(),
                stack_pointer: frame.stack_pointer(),
                frame_pointer: frame.frame_pointer(),
                args: frame.args(abi),
                rval: 0,
                caller: crate::info::Caller::UNKNOWN,
            };
            dispatch(&mut frame, info, Trap { depth, handler_runs, level })
        }
        None => crate::sys::raw::fail::ENOSYS,
    };
    thread::leave_trap(depth);
    frame.set_return(rval);
    if let Some(e) = errno {
        e.restore();
    }
}

/// What the thread looked like when the call trapped.
#[derive(Clone, Copy)]
struct Trap {
    /// Traps in progress on this thread before this one.
    depth: u32,
    /// [`thread::handler_runs`] then.
    handler_runs: u32,
    /// Runtime stacks in use before this trap (see `task::block`).
    level: u64,
}

fn dispatch(frame: &mut Frame, mut info: SyscallInfo, trap: Trap) -> i64 {
    let (specific, all) = hooks_for(&info);
    // The hooks of the call as it trapped, even if one rewrote its number.
    let hooked = Hooked { abi: info.abi, nr: info.nr, entered: 0, scoped: Entered::default() };
    let mut entered = 0;
    let mut emulated = None;
    if !specific.is_empty() || !all.is_empty() {
        let _in_hook = InHook::enter();
        for hook in specific.iter().chain(all) {
            entered += 1;
            // A panicking hook must not unwind through the signal frame;
            // its call then runs as if the hook had said Run.
            if let Ok(Action::Emulate(ret)) =
                catch_unwind(AssertUnwindSafe(|| hook.enter(&mut info)))
            {
                emulated = Some(ret.raw());
                break;
            }
        }
    }
    // Scoped hooks (`crate::scope`) come after the process's: a tracer
    // among those sees the call as the program made it, and its result as
    // the scope left it. Scopes are explicit, so the thread's switch does
    // not silence them; a hook's own calls never reach them.
    let mut scoped = Entered::default();
    if emulated.is_none() && extension::is_set() && thread::outside_hook_span(info.stack_pointer) {
        let _in_hook = InHook::enter();
        (scoped, emulated) = extension::enter(&mut info);
    }
    let hooked = Hooked { entered, scoped, ..hooked };
    let held =
        if emulated.is_none() && hooked.any() { signals::hold_own_signal(&info) } else { None };
    info.rval = match emulated {
        Some(v) => v,
        None => match perform(frame, &info, hooked, trap) {
            Performed::Result(r) => r,
            Performed::InChild => return 0, // only the parent sees the exit
        },
    };
    exit_hooks(&mut info, hooked);
    drop(held);
    info.rval
}

enum Performed {
    Result(i64),
    /// A fork child returning through the handler.
    InChild,
}

/// Run the call for real: task-creating calls through the spawn gate,
/// execs with their environment kept, the rest with the signal protection.
fn perform(frame: &mut Frame, info: &SyscallInfo, hooked: Hooked, trap: Trap) -> Performed {
    if let Some(child) = spawn::child_of(info) {
        return match spawn::perform(frame, info, child, hooked, trap.depth, trap.level) {
            0 => Performed::InChild,
            r => Performed::Result(r),
        };
    }
    if exec::is_exec(info) {
        return Performed::Result(exec::perform(info));
    }
    if info.is(crate::Sysno::exit) {
        block::exit_thread(info.args[0]);
    }
    Performed::Result(signals::run(frame, info, trap.handler_runs))
}

/// The hooks for a call on this thread now: none inside a hook or where
/// the thread is switched off.
fn hooks_for(info: &SyscallInfo) -> (&'static [HookRef], &'static [HookRef]) {
    match registry() {
        Some(r) if thread::hooks_apply(info.stack_pointer) => r.for_call(info.abi, info.nr),
        _ => (&[], &[]),
    }
}

/// The hooks a call's exit goes to: the first `entered` (those whose
/// entry ran) of the hooks for `nr` in `abi`.
#[derive(Clone, Copy)]
pub(crate) struct Hooked {
    pub abi: crate::info::Abi,
    pub nr: u64,
    pub entered: usize,
    /// What the scoped hooks' entry left for their exit.
    pub scoped: Entered,
}

impl Hooked {
    fn any(&self) -> bool {
        self.entered > 0 || self.scoped.active()
    }
}

/// Show the call's exit to its hooks, which may change `info.rval`: the
/// scoped ones first, then the process's, the reverse of entry.
pub(crate) fn exit_hooks(info: &mut SyscallInfo, hooked: Hooked) {
    if !hooked.any() {
        return;
    }
    info.op = Op::Exit;
    let _in_hook = InHook::enter();
    extension::exit(info, hooked.scoped);
    let (specific, all) = match registry() {
        Some(r) => r.for_call(hooked.abi, hooked.nr),
        None => (&[][..], &[][..]),
    };
    for hook in specific.iter().chain(all).take(hooked.entered) {
        let _ = catch_unwind(AssertUnwindSafe(|| hook.exit(info)));
    }
}

/// The interrupted code's errno, kept across hooks that call libc: its
/// slot as found at the trap, so that a call that changes `%fs`
/// (`arch_prctl(ARCH_SET_FS)`) has it put back where it was taken.
struct Errno {
    slot: *mut i32,
    value: i32,
}

impl Errno {
    fn save() -> Errno {
        // SAFETY: __errno_location returns this thread's errno slot (the
        // caller checked that %fs is libc's).
        let slot = unsafe { libc::__errno_location() };
        // SAFETY: the slot is live thread memory.
        Errno { slot, value: unsafe { *slot } }
    }

    fn restore(self) {
        // SAFETY: the slot of `save`, in libc's thread storage, which lives
        // as long as the thread.
        unsafe { *self.slot = self.value }
    }
}
