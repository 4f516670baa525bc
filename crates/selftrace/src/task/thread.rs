//! Per-thread state: the tracing switch (the `PTRACE_SELF_OFF` /
//! `PTRACE_SELF_ON` pair) and what the trap path needs to remember.
//!
//! Everything here lives in the runtime's per-thread block, not in TLS:
//! touching it from the SIGSYS handler allocates nothing and works in
//! threads whose `%fs` is not libc's.
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

/// This thread's state, in its runtime block (see `task::block`).
struct State {
    switch: Cell<u8>,
    /// How many hooks are running on this thread; > 0 means calls made now
    /// come from a hook and run without hooks.
    hook_depth: Cell<u32>,
    /// Stack pointer of the outermost running hook: calls from hooks are
    /// made below it, on the same stack.
    hook_sp: Cell<u64>,
    /// Whether the program believes SIGSYS is blocked on this thread.
    sigsys_blocked: Cell<bool>,
    /// A foreign SIGSYS arrived while the program had it blocked.
    sigsys_pending: Cell<bool>,
    /// How many of our traps are being handled on this thread (a program
    /// signal handler's call nests inside the call it interrupted).
    trap_depth: Cell<u32>,
    /// Program signal handlers run on this thread so far (wrapping count).
    handler_runs: Cell<u32>,
}

// SAFETY: every field is a Cell of an integer or bool, zero = the defaults
// (FOLLOW, no hooks, nothing blocked or pending).
unsafe impl Zeroed for State {}

static STATE: ThreadLocal<State> = ThreadLocal::new();

/// Read a field of this thread's state; `default` without a block.
fn get<T: Copy>(field: impl FnOnce(&State) -> &Cell<T>, default: T) -> T {
    STATE.with(|s| field(s).get()).unwrap_or(default)
}

/// Replace a field of this thread's state; returns the old value, or
/// `default` without a block.
fn replace<T: Copy>(field: impl FnOnce(&State) -> &Cell<T>, value: T, default: T) -> T {
    STATE.with(|s| field(s).replace(value)).unwrap_or(default)
}

/// Count a run of a program signal handler on this thread.
pub(crate) fn count_handler_run() {
    let _ = STATE.with(|s| s.handler_runs.set(s.handler_runs.get().wrapping_add(1)));
}

/// Program signal handlers run on this thread so far: compare two
/// readings to learn whether one ran in between.
pub(crate) fn handler_runs() -> u32 {
    get(|s| &s.handler_runs, 0)
}

/// Count a trap in; returns the depth before it.
pub(crate) fn enter_trap() -> u32 {
    STATE.with(|s| s.trap_depth.replace(s.trap_depth.get() + 1)).unwrap_or(0)
}

/// Put the trap depth back to `before` (as [`enter_trap`] returned it).
pub(crate) fn leave_trap(before: u32) {
    replace(|s| &s.trap_depth, before, 0);
}

/// Traps being handled on this thread now, this one included: 1 in a hook
/// of a call the program made, 2 in a hook of a call made by a program
/// signal handler that interrupted the first, and so on. A task sharing
/// this thread's memory without its own thread storage (a vfork child,
/// `CLONE_VM` without `CLONE_SETTLS`) shares the count.
pub fn trap_depth() -> u32 {
    get(|s| &s.trap_depth, 0)
}

/// Let the calls of a program signal handler reach hooks although the
/// handler interrupted a hook (or the handler around it): they are the
/// program's calls. Returns what [`resume_hooks`] puts back.
pub(crate) fn suspend_hook_span() -> u32 {
    replace(|s| &s.hook_depth, 0, 0)
}

pub(crate) fn resume_hooks(depth: u32) {
    replace(|s| &s.hook_depth, depth, 0);
}

pub(crate) fn set_default(on: bool) {
    DEFAULT_ON.store(on, Ordering::Relaxed);
}

fn set(state: u8) -> u8 {
    replace(|s| &s.switch, state, FOLLOW)
}

/// Run hooks for this thread's calls from now on.
pub fn enable() {
    set(ON);
}

/// Stop running hooks for this thread's calls (they still run, unhooked).
pub fn disable() {
    set(OFF);
}

pub use crate::task::block::{libc_usable, ThreadLocal, Zeroed};

/// Whether this thread's calls currently reach hooks.
pub fn is_enabled() -> bool {
    match get(|s| &s.switch, FOLLOW) {
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
    is_enabled() && outside_hook_span(sp)
}

/// Whether a call made now with stack pointer `sp` is the program's and
/// not a running hook's own (see [`hooks_apply`]), whatever the switch says.
pub(crate) fn outside_hook_span(sp: u64) -> bool {
    match STATE.with(|s| (s.hook_depth.get(), s.hook_sp.get())) {
        Some((0, _)) => true,
        Some((_, hook_sp)) => !(sp <= hook_sp && hook_sp - sp < HOOK_STACK_SPAN),
        None => false,
    }
}

/// Marks the span in which a hook runs; calls made inside skip hooks.
#[must_use = "the hook's span ends when the guard is dropped"]
pub(crate) struct InHook(());

impl InHook {
    pub(crate) fn enter() -> InHook {
        let here = 0u8;
        let sp = (&raw const here) as u64;
        let _ = STATE.with(|s| {
            if s.hook_depth.get() == 0 {
                s.hook_sp.set(sp);
            }
            s.hook_depth.set(s.hook_depth.get() + 1)
        });
        InHook(())
    }
}

impl Drop for InHook {
    fn drop(&mut self) {
        let _ = STATE.with(|s| s.hook_depth.set(s.hook_depth.get().saturating_sub(1)));
    }
}

pub(crate) fn sigsys_blocked() -> bool {
    get(|s| &s.sigsys_blocked, false)
}

pub(crate) fn set_sigsys_blocked(blocked: bool) {
    replace(|s| &s.sigsys_blocked, blocked, false);
}

pub(crate) fn take_sigsys_pending() -> bool {
    replace(|s| &s.sigsys_pending, false, false)
}

pub(crate) fn set_sigsys_pending() {
    replace(|s| &s.sigsys_pending, true, false);
}
