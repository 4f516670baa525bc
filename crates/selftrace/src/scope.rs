//! Scoped hooks: hooks for one thread (and, if asked, the threads it
//! spawns), added at any time and gone when their guard is dropped.
//!
//! What a test suite needs: cargo runs tests as threads of one process, so
//! each test enters its own scope and sees only its own effects.
//!
//! ```no_run
//! use selftrace::{Action, Errno, Sysno};
//!
//! let _scope = selftrace::scope()
//!     .on_entry(Sysno::fsync, |_call| Action::errno(Errno::EIO))
//!     .enter()
//!     .expect("enter the scope");
//! // This thread's fsync fails with EIO until `_scope` is dropped; other
//! // threads' calls run as before.
//! ```
//!
//! The runtime installs itself on first use, without hooks of its own. A
//! number no filter trapped yet gets a filter of its own, stacked on the
//! others on every thread; filters cannot be removed, so the number stays
//! trapped (other threads' calls of it pay a trap, and run unhooked). Where
//! another copy of the runtime owns the process (a test binary run under
//! the preload or the CLI), scopes go through that copy's door
//! (`trap::extension`).
//!
//! Scopes hook x86_64 (and x32) calls. Entries run in the order hooks were
//! added, a scope entered while another is active on the thread before the
//! outer one's; an entry that emulates the call ends the entries. Exits run
//! in the reverse order, for the hooks whose entries ran. Guards are not
//! `Send` and are dropped in the reverse order of entering. A hook in a
//! scope follows the rules of [`Hook`]: it runs in the SIGSYS handler.
//!
//! Per thread, scopes are found by thread id in a fixed table of
//! [`MAX_THREADS`] slots, never through thread-local storage: the handler
//! that calls them may belong to another copy of this crate.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::Error;
use crate::hook::{Action, Hook, HookRef, OnEntry, OnExit};
use crate::info::{Abi, Caller, Op, SyscallInfo};
use crate::sys::{arch, mem, raw};
use crate::trap::extension::{self as door, CallV1, RuntimeV1};
use crate::Sysno;

/// Threads that can be in scopes at once (guards' threads and the threads
/// they passed their scopes to).
pub const MAX_THREADS: usize = 256;

/// Start building a scope.
pub fn scope() -> Scope {
    Scope::default()
}

/// Hooks to activate for the current thread; see the module docs.
#[derive(Default)]
#[must_use = "a Scope does nothing until `.enter()` is called"]
pub struct Scope {
    hooks: Vec<(u32, HookRef)>,
    inherit: bool,
    error: Option<Error>,
}

impl Scope {
    /// Run `hook` on this thread's calls `sysno`.
    pub fn hook(self, sysno: Sysno, hook: impl Hook) -> Scope {
        self.hook_each([sysno], hook)
    }

    /// Run one `hook` on each of `calls`.
    pub fn hook_each(mut self, calls: impl IntoIterator<Item = Sysno>, hook: impl Hook) -> Scope {
        let hook: HookRef = Arc::new(hook);
        for sysno in calls {
            let nr = sysno.id() as u32;
            if let Some(reason) = crate::untrappable_reason(nr, arch::NEVER_TRAP_NATIVE) {
                self.error.get_or_insert(Error::Untrappable { name: sysno.name(), reason });
            }
            self.hooks.push((nr, hook.clone()));
        }
        self
    }

    /// Shorthand for a hook with only an entry side.
    pub fn on_entry<F>(self, sysno: Sysno, f: F) -> Scope
    where
        F: Fn(&mut SyscallInfo) -> Action + Send + Sync + 'static,
    {
        self.hook(sysno, OnEntry(f))
    }

    /// Shorthand for a hook with only an exit side.
    pub fn on_exit<F>(self, sysno: Sysno, f: F) -> Scope
    where
        F: Fn(&mut SyscallInfo) + Send + Sync + 'static,
    {
        self.hook(sysno, OnExit(f))
    }

    /// Threads this thread creates while the scope is active get it too
    /// (until the guard is dropped), and pass it on to theirs.
    pub fn inherit(mut self) -> Scope {
        self.inherit = true;
        self
    }

    /// This scope's hooks, then `other`'s, in one scope (inheriting if
    /// either does).
    pub fn then(mut self, other: Scope) -> Scope {
        self.hooks.extend(other.hooks);
        self.inherit |= other.inherit;
        self.error = self.error.or(other.error);
        self
    }

    /// Activate the hooks for this thread until the guard is dropped.
    pub fn enter(self) -> Result<ScopeGuard, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let runtime = runtime()?;
        let mut nrs: Vec<u32> = self.hooks.iter().map(|&(nr, _)| nr).collect();
        if self.inherit {
            // The scope passes itself on at the calls that create threads.
            nrs.extend([arch::nr::CLONE as u32, arch::nr::CLONE3 as u32]);
        }
        nrs.sort_unstable();
        nrs.dedup();
        match (runtime.trap_native)(nrs.as_ptr(), nrs.len()) {
            0 => {}
            code => return Err(door::door_error_of(code)),
        }
        let tid = raw::gettid();
        let outer = slots::find(tid).map(|busy| {
            // SAFETY: the Busy keeps the scope alive; the new strong
            // reference is dropped outside the trap path.
            unsafe { Arc::from_raw(slots::clone_ref(busy.ptr())) }
        });
        let active = Arc::new(Active {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            hooks: self.hooks.into_boxed_slice(),
            inherit: self.inherit,
            outer,
            ended: AtomicBool::new(false),
        });
        let slot = match slots::own_slot(tid) {
            Some(i) => {
                slots::replace(i, Arc::clone(&active));
                i
            }
            None => slots::claim(tid, Arc::clone(&active))
                .ok_or(Error::TooManyScopedThreads { limit: MAX_THREADS })?,
        };
        Ok(ScopeGuard { active, slot, _thread_bound: std::marker::PhantomData })
    }
}

/// Keeps a scope active; dropping it ends the scope on every thread that
/// has it.
#[must_use = "the scope ends when the guard is dropped"]
pub struct ScopeGuard {
    active: Arc<Active>,
    slot: usize,
    // Not Send: the guard ends the scope of the thread that entered it.
    _thread_bound: std::marker::PhantomData<*const ()>,
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        self.active.ended.store(true, Ordering::SeqCst);
        let me = Arc::as_ptr(&self.active);
        pending::release_all(me);
        // The entering thread's slot goes back to the scope around this
        // one, if that one is still active; other slots are released.
        let outer = live_outer(&self.active);
        slots::release_matching(me, Some((self.slot, outer)));
    }
}

/// The nearest enclosing scope not ended yet.
fn live_outer(active: &Active) -> Option<Arc<Active>> {
    let mut at = active.outer.as_ref();
    while let Some(a) = at {
        if !a.ended.load(Ordering::SeqCst) {
            return Some(Arc::clone(a));
        }
        at = a.outer.as_ref();
    }
    None
}

/// Most scoped hooks one call runs (the thread's scopes together).
const MAX_HOOKS_PER_CALL: usize = 64;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A scope as the trap path sees it.
struct Active {
    id: u64,
    hooks: Box<[(u32, HookRef)]>,
    inherit: bool,
    outer: Option<Arc<Active>>,
    ended: AtomicBool,
}

impl Active {
    /// This scope, then the scopes around it, skipping ended ones.
    fn chain(&self) -> impl Iterator<Item = &Active> {
        std::iter::successors(Some(self), |a| a.outer.as_deref())
            .filter(|a| !a.ended.load(Ordering::Relaxed))
    }

    /// The hooks for native call `nr`, in the order they run.
    fn hooks_for(&self, nr: u32) -> impl Iterator<Item = &HookRef> {
        self.chain().flat_map(move |a| a.hooks.iter().filter(move |h| h.0 == nr).map(|h| &h.1))
    }
}

/// The runtime scopes go through: this copy's, installed here if need be,
/// or the installed runtime of another copy in the process.
fn runtime() -> Result<&'static RuntimeV1, Error> {
    static CHOSEN: Mutex<Option<&'static RuntimeV1>> = Mutex::new(None);
    let mut chosen = CHOSEN.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = *chosen {
        return Ok(r);
    }
    let r = match foreign_runtime() {
        Some(r) => r,
        None => {
            match crate::Builder::new().install() {
                Ok(_) | Err(Error::AlreadyInstalled) => {}
                Err(e) => return Err(e),
            }
            &door::selftrace_runtime_v1
        }
    };
    if (r.set_extension)(scope_enter, scope_exit) != 0 {
        return Err(Error::ExtensionTaken);
    }
    *chosen = Some(r);
    Ok(r)
}

/// Another copy's door, where that copy's runtime is installed and this
/// one's is not.
fn foreign_runtime() -> Option<&'static RuntimeV1> {
    if crate::is_installed() {
        return None;
    }
    // SAFETY: dlsym with a NUL-terminated name; RTLD_DEFAULT searches the
    // global scope (the preload is in it).
    let found = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"selftrace_runtime_v1".as_ptr()) };
    let own = &raw const door::selftrace_runtime_v1;
    if found.is_null() || found.cast_const().cast::<RuntimeV1>() == own {
        return None;
    }
    // SAFETY: the symbol of that name is a RuntimeV1 of a copy of this
    // crate's version-1 door, a static that lives as long as the process.
    let foreign = unsafe { &*found.cast::<RuntimeV1>() };
    ((foreign.installed)() == 1).then_some(foreign)
}

const CLONE_THREAD: u64 = 0x0001_0000;
const CLONE_PARENT_SETTID: u64 = 0x0010_0000;

/// A thread-creating call's flags and where the kernel writes the new
/// thread's id in the parent (0 without `CLONE_PARENT_SETTID`).
fn thread_clone(info: &SyscallInfo) -> Option<(u64, u64)> {
    let (flags, ptid) = match info.nr & !arch::X32_SYSCALL_BIT {
        arch::nr::CLONE => (info.args[0], info.args[2]),
        arch::nr::CLONE3 if info.args[1] >= 64 => {
            (mem::read_u64(info.args[0]).ok()?, mem::read_u64(info.args[0] + 24).ok()?)
        }
        _ => return None,
    };
    (flags & CLONE_THREAD != 0)
        .then_some((flags, if flags & CLONE_PARENT_SETTID != 0 { ptid } else { 0 }))
}

fn info_of(call: &CallV1, abi: Abi, op: Op, tid: u32) -> SyscallInfo {
    SyscallInfo {
        op,
        abi,
        nr: call.nr,
        instruction_pointer: call.instruction_pointer,
        stack_pointer: call.stack_pointer,
        frame_pointer: call.frame_pointer,
        args: call.args,
        rval: call.rval,
        caller: Caller { pid: 0, tid },
    }
}

/// The extension's entry: the hooks of this thread's scopes.
unsafe extern "C" fn scope_enter(call: *mut CallV1) -> u32 {
    if !slots::any() && !pending::any() {
        return door::ENTRY_NONE;
    }
    // SAFETY: the runtime passes its live CallV1.
    let call = unsafe { &mut *call };
    let Some(abi @ (Abi::X86_64 | Abi::X32)) = door::abi_of(call.arch, call.nr) else {
        return door::ENTRY_NONE;
    };
    let tid = raw::gettid();
    let Some(busy) = slots::find(tid).or_else(|| pending::adopt(tid)) else {
        return door::ENTRY_NONE;
    };
    let mut info = info_of(call, abi, Op::Entry, tid);
    let nr = (call.nr & !arch::X32_SYSCALL_BIT) as u32;
    if nr == arch::nr::EXIT as u32 {
        slots::forget_thread(tid);
    }
    let mut entered = 0u64;
    let mut emulated = None;
    for hook in busy.active().hooks_for(nr).take(MAX_HOOKS_PER_CALL) {
        entered += 1;
        if let Ok(Action::Emulate(r)) = catch_unwind(AssertUnwindSafe(|| hook.enter(&mut info))) {
            emulated = Some(r.raw());
            break;
        }
    }
    let clone = if busy.active().inherit { thread_clone(&info) } else { None };
    if let (Some((_, ptid)), None) = (clone, emulated) {
        if ptid != 0 {
            pending::offer(ptid, tid, busy.ptr());
        }
        entered = entered.max(1);
    }
    if entered == 0 {
        return door::ENTRY_NONE;
    }
    call.args = info.args;
    call.token = (busy.active().id << 16) | entered.min(0xffff);
    match emulated {
        Some(r) => {
            call.rval = r;
            door::ENTRY_EMULATE
        }
        None => door::ENTRY_RUN,
    }
}

/// The extension's exit: the exits of the hooks whose entries ran.
unsafe extern "C" fn scope_exit(call: *mut CallV1) {
    // SAFETY: the runtime passes its live CallV1.
    let call = unsafe { &mut *call };
    let Some(abi) = door::abi_of(call.arch, call.nr) else { return };
    let tid = raw::gettid();
    let Some(busy) = slots::find(tid) else { return };
    if busy.active().id != call.token >> 16 {
        return; // the scope changed while the call ran
    }
    let mut info = info_of(call, abi, Op::Exit, tid);
    let nr = (call.nr & !arch::X32_SYSCALL_BIT) as u32;
    let entered = (call.token & 0xffff) as usize;
    // Exits run in the reverse order of entries: the first hook entered
    // (a recorder, say) sees the result every other hook left.
    let mut stack: [Option<&HookRef>; MAX_HOOKS_PER_CALL] = [None; MAX_HOOKS_PER_CALL];
    let mut n = 0;
    for hook in busy.active().hooks_for(nr).take(entered.min(MAX_HOOKS_PER_CALL)) {
        stack[n] = Some(hook);
        n += 1;
    }
    for hook in stack[..n].iter().rev().flatten() {
        let _ = catch_unwind(AssertUnwindSafe(|| hook.exit(&mut info)));
    }
    call.rval = info.rval;
    if busy.active().inherit {
        if let Some((_, ptid)) = thread_clone(&info) {
            pass_on(busy.ptr(), tid, ptid, info.rval);
        }
    }
}

/// After a thread-creating call of an inheriting scope: the child gets the
/// scope if it did not take it itself already.
fn pass_on(active: *const Active, parent: u32, ptid: u64, rval: i64) {
    let offered = if ptid != 0 { pending::withdraw(ptid, parent) } else { None };
    if rval <= 0 {
        // No child: the reference goes to a dead slot, released with the scope.
        if let Some(a) = offered {
            slots::park(a);
        }
        return;
    }
    let child = rval as u32;
    if slots::find(child).is_some() {
        if let Some(a) = offered {
            slots::park(a);
        }
        return;
    }
    let a = match offered {
        Some(a) => a,
        // No offer to take over: a clone without CLONE_PARENT_SETTID, whose
        // child is found here only (its first calls may miss the scope).
        None => slots::clone_ref(active),
    };
    if let Err(a) = slots::claim_raw(child, a) {
        slots::park(a);
    }
}

/// The table of threads in scopes, by thread id.
mod slots {
    use super::*;

    /// A slot: free (`tid` 0, no scope), a thread's (its tid and a strong
    /// reference to its scope), or held (`HELD`: being set up, or a dead
    /// thread's reference waiting for its scope's end).
    pub(super) struct Slot {
        tid: AtomicU32,
        active: AtomicPtr<Active>,
        busy: AtomicU32,
    }

    const HELD: u32 = u32::MAX;

    #[allow(clippy::declare_interior_mutable_const)]
    const FREE: Slot = Slot {
        tid: AtomicU32::new(0),
        active: AtomicPtr::new(std::ptr::null_mut()),
        busy: AtomicU32::new(0),
    };

    static TABLE: [Slot; MAX_THREADS] = [FREE; MAX_THREADS];
    /// Slots not free.
    static USED: AtomicUsize = AtomicUsize::new(0);
    /// Every slot ever used is below this.
    static HIGH: AtomicUsize = AtomicUsize::new(0);
    pub(super) fn any() -> bool {
        USED.load(Ordering::SeqCst) != 0
    }

    /// A slot's scope in use by the trap path: the slot keeps its strong
    /// reference (and the scope alive) until this is dropped. No reference
    /// count is touched, so the trap path never frees a scope.
    pub(super) struct Busy {
        slot: &'static Slot,
        active: *const Active,
    }

    impl Busy {
        pub(super) fn active(&self) -> &Active {
            // SAFETY: the slot's strong reference is not released while
            // `busy` is raised (see `release_matching` and `replace`).
            unsafe { &*self.active }
        }

        pub(super) fn ptr(&self) -> *const Active {
            self.active
        }
    }

    impl Drop for Busy {
        fn drop(&mut self) {
            self.slot.busy.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// The scope of thread `tid`.
    pub(super) fn find(tid: u32) -> Option<Busy> {
        if !any() {
            return None;
        }
        let high = HIGH.load(Ordering::SeqCst);
        TABLE[..high].iter().find_map(|slot| {
            if slot.tid.load(Ordering::SeqCst) != tid {
                return None;
            }
            slot.busy.fetch_add(1, Ordering::SeqCst);
            let p = slot.active.load(Ordering::SeqCst);
            if slot.tid.load(Ordering::SeqCst) != tid || p.is_null() {
                slot.busy.fetch_sub(1, Ordering::SeqCst);
                return None;
            }
            Some(Busy { slot, active: p })
        })
    }

    /// The slot of thread `tid`, if it has one (its own thread asks).
    pub(super) fn own_slot(tid: u32) -> Option<usize> {
        let high = HIGH.load(Ordering::SeqCst);
        TABLE[..high].iter().position(|s| s.tid.load(Ordering::SeqCst) == tid)
    }

    /// A new strong reference to the scope `p` a [`Busy`] holds.
    pub(super) fn clone_ref(p: *const Active) -> *const Active {
        // SAFETY: `p` is kept alive by a raised `busy`; this only adds to
        // the strong count, without allocating.
        unsafe { Arc::increment_strong_count(p) };
        p
    }

    /// Give thread `tid` a slot holding `active`.
    pub(super) fn claim(tid: u32, active: Arc<Active>) -> Option<usize> {
        claim_raw(tid, Arc::into_raw(active))
            .map_err(|p| {
                // SAFETY: the pointer of `into_raw` just above, not stored.
                drop(unsafe { Arc::from_raw(p) })
            })
            .ok()
    }

    /// Give thread `tid` (or `HELD`) a slot holding the strong reference
    /// `p`; the reference back when the table is full.
    pub(super) fn claim_raw(tid: u32, p: *const Active) -> Result<usize, *const Active> {
        for (i, slot) in TABLE.iter().enumerate() {
            if slot.tid.compare_exchange(0, HELD, Ordering::SeqCst, Ordering::SeqCst).is_err() {
                continue;
            }
            if !slot.active.load(Ordering::SeqCst).is_null() {
                slot.tid.store(0, Ordering::SeqCst);
                continue;
            }
            USED.fetch_add(1, Ordering::SeqCst);
            HIGH.fetch_max(i + 1, Ordering::SeqCst);
            slot.active.store(p.cast_mut(), Ordering::SeqCst);
            slot.tid.store(tid, Ordering::SeqCst);
            return Ok(i);
        }
        Err(p)
    }

    /// Keep the strong reference `p` in a held slot until its scope ends
    /// (the trap path never drops the last reference).
    pub(super) fn park(p: *const Active) {
        // With the table full, one reference leaks rather than be freed here.
        let _ = claim_raw(HELD, p);
    }

    /// The thread's slot now holds `active` (a nested scope).
    pub(super) fn replace(i: usize, active: Arc<Active>) {
        let slot = &TABLE[i];
        let old = slot.active.swap(Arc::into_raw(active).cast_mut(), Ordering::SeqCst);
        wait_idle(slot);
        if !old.is_null() {
            // SAFETY: the slot's previous strong reference, no longer
            // reachable from the table and no longer in use.
            drop(unsafe { Arc::from_raw(old) });
        }
    }

    /// A thread that ends keeps its slot's reference in a held slot.
    pub(super) fn forget_thread(tid: u32) {
        let high = HIGH.load(Ordering::SeqCst);
        for slot in &TABLE[..high] {
            let _ = slot.tid.compare_exchange(tid, HELD, Ordering::SeqCst, Ordering::SeqCst);
        }
    }

    fn wait_idle(slot: &Slot) {
        while slot.busy.load(Ordering::SeqCst) != 0 {
            // SAFETY: sched_yield takes no arguments.
            unsafe { libc::sched_yield() };
        }
    }

    /// End scope `me` in the table: the slot `keep.0` of the entering
    /// thread gets `keep.1` (the scope around) if there is one, every
    /// other slot of `me` is freed.
    pub(super) fn release_matching(me: *const Active, keep: Option<(usize, Option<Arc<Active>>)>) {
        let high = HIGH.load(Ordering::SeqCst);
        let (keep_at, outer) = match keep {
            Some((i, o)) => (Some(i), o),
            None => (None, None),
        };
        for (i, slot) in TABLE[..high].iter().enumerate() {
            if slot.active.load(Ordering::SeqCst).cast_const() != me {
                continue;
            }
            if let (Some(k), Some(o)) = (keep_at, outer.as_ref()) {
                if k == i {
                    replace(i, Arc::clone(o));
                    continue;
                }
            }
            slot.tid.store(HELD, Ordering::SeqCst);
            let p = slot.active.swap(std::ptr::null_mut(), Ordering::SeqCst);
            wait_idle(slot);
            if !p.is_null() {
                // SAFETY: the slot's strong reference, unreachable now and
                // not in use (busy is 0).
                drop(unsafe { Arc::from_raw(p) });
            }
            slot.tid.store(0, Ordering::SeqCst);
            USED.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Scopes offered to threads not started yet: a parent in a
/// thread-creating call with `CLONE_PARENT_SETTID` leaves its scope here
/// under the address where the kernel writes the child's id before the
/// child runs; the child, at its first trapped call, finds its id there.
mod pending {
    use super::*;

    pub(super) struct Offer {
        ptid: AtomicU64,
        parent: AtomicU32,
        active: AtomicPtr<Active>,
    }

    const OFFERS: usize = 32;
    #[allow(clippy::declare_interior_mutable_const)]
    const NONE: Offer = Offer {
        ptid: AtomicU64::new(0),
        parent: AtomicU32::new(0),
        active: AtomicPtr::new(std::ptr::null_mut()),
    };
    static TABLE: [Offer; OFFERS] = [NONE; OFFERS];
    static USED: AtomicUsize = AtomicUsize::new(0);

    pub(super) fn any() -> bool {
        USED.load(Ordering::SeqCst) != 0
    }

    /// Offer `active` to the child whose id the kernel will write at `ptid`.
    pub(super) fn offer(ptid: u64, parent: u32, active: *const Active) {
        for o in &TABLE {
            if o.ptid.compare_exchange(0, ptid, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                o.parent.store(parent, Ordering::SeqCst);
                let p = slots::clone_ref(active);
                o.active.store(p.cast_mut(), Ordering::SeqCst);
                USED.fetch_add(1, Ordering::SeqCst);
                return;
            }
        }
    }

    /// The child's side: take an offer made for thread `tid`.
    pub(super) fn adopt(tid: u32) -> Option<slots::Busy> {
        if !any() {
            return None;
        }
        for o in &TABLE {
            let at = o.ptid.load(Ordering::SeqCst);
            if at == 0 || o.active.load(Ordering::SeqCst).is_null() {
                continue;
            }
            let mut b = [0u8; 4];
            if mem::read(at, &mut b).is_err() || u32::from_ne_bytes(b) != tid {
                continue;
            }
            let p = o.active.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if p.is_null() {
                continue;
            }
            if let Err(p) = slots::claim_raw(tid, p) {
                slots::park(p);
                return None;
            }
            return slots::find(tid);
        }
        None
    }

    /// The parent's side after the call: its offer back, if not taken.
    pub(super) fn withdraw(ptid: u64, parent: u32) -> Option<*const Active> {
        for o in &TABLE {
            if o.ptid.load(Ordering::SeqCst) == ptid && o.parent.load(Ordering::SeqCst) == parent {
                let p = o.active.swap(std::ptr::null_mut(), Ordering::SeqCst);
                o.parent.store(0, Ordering::SeqCst);
                o.ptid.store(0, Ordering::SeqCst);
                USED.fetch_sub(1, Ordering::SeqCst);
                return (!p.is_null()).then_some(p.cast_const());
            }
        }
        None
    }

    /// At a scope's end: its offers not taken are dropped.
    pub(super) fn release_all(me: *const Active) {
        for o in &TABLE {
            if o.active.load(Ordering::SeqCst).cast_const() != me {
                continue;
            }
            let p = o.active.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: the offer's strong reference, taken out of the
                // table by this swap.
                drop(unsafe { Arc::from_raw(p) });
            }
        }
    }
}
