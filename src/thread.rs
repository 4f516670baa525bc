//! Per-thread state: the tracing switch (the `PTRACE_SELF_OFF` /
//! `PTRACE_SELF_ON` pair) and what the trap path needs to remember.
//!
//! Everything here is a `const`-initialised thread-local without a
//! destructor: touching it from the SIGSYS handler allocates nothing.
//!
//! Switching a thread off stops its hooks, not its traps: the filter is
//! process-wide, so a thread that is off still pays for a trap on hooked
//! calls, and the signal protection keeps working for it.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

const FOLLOW: u8 = 0;
const ON: u8 = 1;
const OFF: u8 = 2;

/// What threads that never called [`enable`] or [`disable`] do.
static DEFAULT_ON: AtomicBool = AtomicBool::new(true);

thread_local! {
    static SWITCH: Cell<u8> = const { Cell::new(FOLLOW) };
    /// How many hooks are running on this thread; > 0 means calls made now
    /// come from a hook and run without hooks.
    static HOOK_DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Stack pointer of the outermost running hook: calls from hooks are
    /// made below it, on the same stack.
    static HOOK_SP: Cell<u64> = const { Cell::new(0) };
    /// Whether the program believes SIGSYS is blocked on this thread.
    static SIGSYS_BLOCKED: Cell<bool> = const { Cell::new(false) };
    /// A foreign SIGSYS arrived while the program had it blocked.
    static SIGSYS_PENDING: Cell<bool> = const { Cell::new(false) };
    /// How many of our traps are being handled on this thread (a program
    /// signal handler's call nests inside the call it interrupted).
    static TRAP_DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Program signal handlers run on this thread so far (wrapping count).
    static HANDLER_RUNS: Cell<u32> = const { Cell::new(0) };
}

/// Count a run of a program signal handler on this thread.
pub(crate) fn count_handler_run() {
    let _ = HANDLER_RUNS.try_with(|n| n.set(n.get().wrapping_add(1)));
}

/// Program signal handlers run on this thread so far: compare two
/// readings to learn whether one ran in between.
pub(crate) fn handler_runs() -> u32 {
    HANDLER_RUNS.try_with(Cell::get).unwrap_or(0)
}

/// Count a trap in; returns the depth before it.
pub(crate) fn enter_trap() -> u32 {
    TRAP_DEPTH.try_with(|d| d.replace(d.get() + 1)).unwrap_or(0)
}

/// Put the trap depth back to `before` (as [`enter_trap`] returned it).
pub(crate) fn leave_trap(before: u32) {
    let _ = TRAP_DEPTH.try_with(|d| d.set(before));
}

/// Traps being handled on this thread now, this one included: 1 in a hook
/// of a call the program made, 2 in a hook of a call made by a program
/// signal handler that interrupted the first, and so on. A task sharing
/// this thread's memory without its own thread storage (a vfork child,
/// `CLONE_VM` without `CLONE_SETTLS`) shares the count.
pub fn trap_depth() -> u32 {
    TRAP_DEPTH.try_with(Cell::get).unwrap_or(0)
}

/// Let the calls of a program signal handler reach hooks although the
/// handler interrupted a hook (or the handler around it): they are the
/// program's calls. Returns what [`resume_hooks`] puts back.
pub(crate) fn suspend_hook_span() -> u32 {
    HOOK_DEPTH.try_with(|d| d.replace(0)).unwrap_or(0)
}

pub(crate) fn resume_hooks(depth: u32) {
    let _ = HOOK_DEPTH.try_with(|d| d.set(depth));
}

pub(crate) fn set_default(on: bool) {
    DEFAULT_ON.store(on, Ordering::Relaxed);
}

fn set(state: u8) -> u8 {
    SWITCH.try_with(|s| s.replace(state)).unwrap_or(FOLLOW)
}

/// Run hooks for this thread's calls from now on.
pub fn enable() {
    set(ON);
}

/// Stop running hooks for this thread's calls (they still run, unhooked).
pub fn disable() {
    set(OFF);
}

/// Whether this thread's calls currently reach hooks.
pub fn is_enabled() -> bool {
    match SWITCH.try_with(Cell::get).unwrap_or(FOLLOW) {
        ON => true,
        OFF => false,
        _ => DEFAULT_ON.load(Ordering::Relaxed),
    }
}

/// Restores the thread's previous switch state when dropped.
#[must_use = "the switch reverts when the guard is dropped"]
pub struct Scope {
    previous: u8,
    // Not Send: the guard restores the state of the thread that made it.
    _thread_bound: std::marker::PhantomData<*const ()>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        set(self.previous);
    }
}

/// Trace this thread until the guard is dropped.
pub fn enabled() -> Scope {
    Scope { previous: set(ON), _thread_bound: std::marker::PhantomData }
}

/// Do not trace this thread until the guard is dropped.
pub fn disabled() -> Scope {
    Scope { previous: set(OFF), _thread_bound: std::marker::PhantomData }
}

/// How far below a hook's stack pointer its own calls may trap.
const HOOK_STACK_SPAN: u64 = 1 << 20;

/// Whether hooks should see a call made now on this thread, with stack
/// pointer `sp`. A call made while a hook runs is the hook's own (and
/// skips hooks) only if it was made on the hook's stack: a task that
/// shares this thread's storage (`CLONE_VM` without `CLONE_SETTLS`) runs on
/// a stack of its own, and its calls are the program's.
pub(crate) fn hooks_apply(sp: u64) -> bool {
    if !is_enabled() {
        return false;
    }
    match HOOK_DEPTH.try_with(Cell::get) {
        Ok(0) => true,
        Ok(_) => {
            let hook_sp = HOOK_SP.try_with(Cell::get).unwrap_or(0);
            !(sp <= hook_sp && hook_sp - sp < HOOK_STACK_SPAN)
        }
        Err(_) => false,
    }
}

/// Marks the span in which a hook runs; calls made inside skip hooks.
pub(crate) struct InHook(());

impl InHook {
    pub(crate) fn enter() -> InHook {
        let here = 0u8;
        let sp = (&raw const here) as u64;
        let _ = HOOK_DEPTH.try_with(|d| {
            if d.get() == 0 {
                let _ = HOOK_SP.try_with(|s| s.set(sp));
            }
            d.set(d.get() + 1)
        });
        InHook(())
    }
}

impl Drop for InHook {
    fn drop(&mut self) {
        let _ = HOOK_DEPTH.try_with(|d| d.set(d.get().saturating_sub(1)));
    }
}

pub(crate) fn sigsys_blocked() -> bool {
    SIGSYS_BLOCKED.try_with(Cell::get).unwrap_or(false)
}

pub(crate) fn set_sigsys_blocked(blocked: bool) {
    let _ = SIGSYS_BLOCKED.try_with(|c| c.set(blocked));
}

pub(crate) fn take_sigsys_pending() -> bool {
    SIGSYS_PENDING.try_with(|c| c.replace(false)).unwrap_or(false)
}

pub(crate) fn set_sigsys_pending() {
    let _ = SIGSYS_PENDING.try_with(|c| c.set(true));
}
