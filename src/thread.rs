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
    /// Whether the program believes SIGSYS is blocked on this thread.
    static SIGSYS_BLOCKED: Cell<bool> = const { Cell::new(false) };
    /// A foreign SIGSYS arrived while the program had it blocked.
    static SIGSYS_PENDING: Cell<bool> = const { Cell::new(false) };
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

/// Whether hooks should see a call made now on this thread.
pub(crate) fn hooks_apply() -> bool {
    HOOK_DEPTH.try_with(Cell::get).unwrap_or(1) == 0 && is_enabled()
}

/// Marks the span in which a hook runs; calls made inside skip hooks.
pub(crate) struct InHook(());

impl InHook {
    pub(crate) fn enter() -> InHook {
        let _ = HOOK_DEPTH.try_with(|d| d.set(d.get() + 1));
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
