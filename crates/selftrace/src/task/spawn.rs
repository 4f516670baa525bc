//! Calls that create tasks: `clone`, `clone3`, `vfork` (and `fork`).
//!
//! Re-issued from the handler like any other call, a child on a new stack
//! would wake inside the gate on a stack that holds none of the handler's
//! frames, and a vfork child would run the program on the parent's stack,
//! over the parent's signal frame (docs/design.md, hazards 4 and 5). So these
//! calls go through the spawn gate, and the child never returns through the
//! handler unless it has a copy of the parent's memory:
//!
//! - a child on a new stack (threads, `posix_spawn`) resumes the program at
//!   the call's return address with the program's registers, from a
//!   [`ResumePoint`] written at the top of its new stack;
//! - a child that shares the parent's stack (`vfork`, `CLONE_VM` without a
//!   stack) resumes the program the same way from a per-thread slot; the
//!   parent, once the child has exec'd or exited, runs the exit hooks on
//!   the program's stack and resumes the program from the same slot,
//!   never returning through its signal frame, which the child overwrote;
//! - a child with its own copy of memory and no new stack (`fork`) returns
//!   through the handler as the parent does.
//!
//! As under ptrace, only the parent sees the call's exit: no child runs
//! exit hooks.

use std::cell::{Cell, UnsafeCell};
use std::mem::MaybeUninit;

use crate::info::{Abi, Op, SyscallInfo};
use crate::sys::arch::{self, nr, Frame, ResumePoint};
use crate::sys::mem;
use crate::sys::raw::fail::{EAGAIN, EFAULT};
use crate::task::block::{ThreadLocal, Zeroed};
use crate::trap::handler::Hooked;

const CLONE_VM: u64 = 0x100;
/// `CLONE_ARGS_SIZE_VER0`: the smallest `struct clone_args`.
const CLONE_ARGS_MIN: u64 = 64;

/// Where the child of a task-creating call runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Child {
    /// On a new stack whose top is this address.
    NewStack(u64),
    /// On the parent's stack, in the parent's memory.
    SharedStack,
    /// On its own copy of the parent's stack.
    Copy,
}

/// Whether `info` creates a task, and where its child runs. A `clone3`
/// whose arguments cannot be read counts as `Copy`: the kernel will fail
/// it (or a filter of the program's will answer it) without a child.
pub(crate) fn child_of(info: &SyscallInfo) -> Option<Child> {
    if info.abi == Abi::I386 {
        return None;
    }
    let (flags, stack) = match info.nr & !arch::X32_SYSCALL_BIT {
        nr::CLONE => (info.args[0], info.args[1]),
        nr::CLONE3 => match clone3_stack(info.args[0], info.args[1]) {
            Some(fs) => fs,
            None => return Some(Child::Copy),
        },
        nr::VFORK => (CLONE_VM, 0),
        nr::FORK => (0, 0),
        _ => return None,
    };
    Some(match (stack, flags & CLONE_VM != 0) {
        (0, true) => Child::SharedStack,
        (0, false) => Child::Copy,
        (top, _) => Child::NewStack(top),
    })
}

/// `clone3`'s flags and the top of its new stack (`stack + stack_size`;
/// 0 without one), read from its `struct clone_args`.
fn clone3_stack(args: u64, size: u64) -> Option<(u64, u64)> {
    if size < CLONE_ARGS_MIN {
        return None;
    }
    let flags = mem::read_u64(args).ok()?;
    let stack = mem::read_u64(args + 40).ok()?;
    let stack_size = mem::read_u64(args + 48).ok()?;
    Some((flags, if stack == 0 { 0 } else { stack.wrapping_add(stack_size) }))
}

/// Perform a task-creating call. Returns in the parent (and in a `Copy`
/// child, with 0); a `SharedStack` parent returns only if the call failed,
/// otherwise it resumes the program from [`after_shared_child`] with the
/// exit hooks of `hooked` run.
/// `depth` is the trap depth before this call's trap, which a `SharedStack`
/// parent restores (its handler never returns to do so).
/// `level` is the runtime stacks in use before the trap, given back too.
pub(crate) fn perform(
    frame: &Frame,
    info: &SyscallInfo,
    child: Child,
    hooked: Hooked,
    depth: u32,
    level: u64,
) -> i64 {
    match child {
        Child::Copy => {
            // SAFETY: without a resume point both tasks return here.
            let r = unsafe { arch::gate_spawn(info.nr, info.args, std::ptr::null(), false) };
            if r == 0 {
                // The child's copy of the block is the child's.
                if let Some(block) = crate::task::block::current() {
                    block.set_owner(crate::sys::raw::gettid());
                }
                crate::trap::dispatch::enable_here();
            }
            r
        }
        Child::NewStack(top) => on_new_stack(frame, info, top),
        Child::SharedStack => on_shared_stack(frame, info, hooked, depth, level),
    }
}

fn on_new_stack(frame: &Frame, info: &SyscallInfo, top: u64) -> i64 {
    let mut point = frame.resume_point();
    point.sp = top;
    let at = top.wrapping_sub(arch::RESUME_POINT_ROOM) & !15;
    // SAFETY: ResumePoint is plain old data; viewing it as bytes is sound.
    let bytes = unsafe {
        std::slice::from_raw_parts((&raw const point).cast::<u8>(), size_of::<ResumePoint>())
    };
    // A stack the child could not even start on: fail as the child would
    // have faulted, rather than start it.
    // SAFETY: `at` is below the top of the stack the program gave the
    // child, which nothing uses before the child starts on it.
    if unsafe { mem::write(at, bytes) }.is_err() {
        return EFAULT;
    }
    // SAFETY: the point lies below the child's stack top, in memory the
    // child starts with (shared, or copied at the call), unused until the
    // child resumes from it.
    unsafe { arch::gate_spawn(info.nr, info.args, at as *const ResumePoint, false) }
}

/// A vfork child's resume point, and what its parent needs to finish the
/// call once the child has left the shared stack. `point` comes first:
/// the gate hands [`after_shared_child`] a pointer to it.
#[repr(C)]
#[derive(Clone, Copy)]
struct Slot {
    point: ResumePoint,
    info: SyscallInfo,
    hooked: Hooked,
    depth: usize,
    trap_depth: u32,
    /// Runtime stacks in use before the call trapped, given back when the
    /// parent resumes the program.
    level: u64,
}

/// vforks in flight on this thread (a vfork child may vfork again).
const SLOTS: usize = 4;

/// vforks in flight on this thread. A vfork child shares its parent's
/// block: it takes the next slot for its own vfork and leaves the parent's
/// alone.
struct Shared {
    /// Written before they are read: a slot is only read by the parent
    /// whose call wrote it.
    slots: UnsafeCell<[MaybeUninit<Slot>; SLOTS]>,
    depth: Cell<usize>,
}

// SAFETY: any bytes are valid uninitialised slots, zero a valid depth.
unsafe impl Zeroed for Shared {}

static SHARED: ThreadLocal<Shared> = ThreadLocal::new();

fn on_shared_stack(
    frame: &Frame,
    info: &SyscallInfo,
    hooked: Hooked,
    trap_depth: u32,
    level: u64,
) -> i64 {
    let Some((slots, depth)) = SHARED.with(|s| (s.slots.get().cast::<Slot>(), s.depth.get()))
    else {
        return EAGAIN;
    };
    if depth >= SLOTS {
        return if info.nr & !arch::X32_SYSCALL_BIT == nr::VFORK {
            // Deeper than any real program goes: a fork behaves the same
            // for a child that only execs or exits.
            // SAFETY: as in `perform`'s Copy case.
            unsafe {
                arch::gate_spawn(info.nr - nr::VFORK + nr::FORK, [0; 6], std::ptr::null(), false)
            }
        } else {
            EAGAIN
        };
    }
    let slot = slots.wrapping_add(depth);
    let mut point = frame.resume_point();
    point.parent_after = after_shared_child as *const () as u64;
    // The parent finishes the call on this stack, below this frame: the
    // child runs on the program's stack, and its own traps on stacks of the
    // block past this trap's.
    let here = 0u8;
    point.after_sp = (&raw const here as u64).wrapping_sub(AFTER_MARGIN);
    // SAFETY: `slot` is this thread's, in bounds (depth < SLOTS), and
    // nothing else on this thread uses it until the parent resumes.
    unsafe { slot.write(Slot { point, info: *info, hooked, depth, trap_depth, level }) };
    set_depth(depth + 1);
    // SAFETY: the slot outlives the child's use of it (the parent is
    // suspended until the child execs or exits); `after_shared_child`
    // has the type `parent_after` requires and catches hook panics.
    let r = unsafe { arch::gate_spawn(info.nr, info.args, slot.cast::<ResumePoint>(), true) };
    // Only a failed call returns here: nothing shares the stack.
    set_depth(depth);
    r
}

/// Room left between `on_shared_stack`'s frame and the stack
/// `after_shared_child` runs on.
const AFTER_MARGIN: u64 = 1024;

fn set_depth(depth: usize) {
    let _ = SHARED.with(|s| s.depth.set(depth));
}

/// Run by a vfork parent once its child has exec'd or exited: the exit
/// hooks, then the result the program resumes with.
extern "C" fn after_shared_child(rval: i64, point: *mut ResumePoint) -> i64 {
    // SAFETY: the gate passes the point it was given, the first field of
    // this thread's `Slot` written by `on_shared_stack`.
    let slot = unsafe { &*point.cast::<Slot>() };
    set_depth(slot.depth);
    // The child's exec or exit left its own trap counted here, and its
    // runtime stack taken; this call's trap, which this function finishes,
    // counts until the exit hooks are done. Its stack is given back when
    // the program resumes.
    crate::task::thread::leave_trap(slot.trap_depth + 1);
    let mut info = slot.info;
    info.op = Op::Exit;
    info.rval = rval;
    crate::trap::handler::exit_hooks(&mut info, slot.hooked);
    crate::task::thread::leave_trap(slot.trap_depth);
    if let Some(block) = crate::task::block::current() {
        block.level.store(slot.level, std::sync::atomic::Ordering::Relaxed);
    }
    info.rval
}
