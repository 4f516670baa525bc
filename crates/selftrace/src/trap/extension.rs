//! The installed runtime's door for hooks added after installation
//! (`crate::scope`), possibly from another copy of this crate.
//!
//! A test binary links the library; run under the preload or the CLI, the
//! process holds a second copy, the preload's, which owns the filter and
//! the SIGSYS handler. Scopes created in the test binary must reach that
//! handler, so the door is plain C: [`RuntimeV1`], found by its exported
//! symbol, lets a copy trap more call numbers and register one pair of
//! extension functions that the handler calls with a [`CallV1`] after its
//! own hooks' entries and before their exits. Within one copy the same
//! table is used directly.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::Error;
use crate::info::{Abi, Op, SyscallInfo};
use crate::sys::arch;
use crate::trap::filter::{self, Spec, TrapSet};

/// A call as the extension sees it: `ptrace_syscall_info`'s facts.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CallV1 {
    /// 0 at entry, 1 at exit.
    pub op: u32,
    /// `AUDIT_ARCH_*` of the call's ABI.
    pub arch: u32,
    pub nr: u64,
    pub instruction_pointer: u64,
    pub stack_pointer: u64,
    pub frame_pointer: u64,
    pub args: [u64; 6],
    pub rval: i64,
    /// Set by the extension at entry, handed back at exit.
    pub token: u64,
}

/// What the extension's entry decided.
pub const ENTRY_NONE: u32 = 0;
/// Hooks ran and the call is to be performed with `args`; call `exit`.
pub const ENTRY_RUN: u32 = 1;
/// Hooks ran and the call is emulated with `rval`; call `exit`.
pub const ENTRY_EMULATE: u32 = 2;

pub type EnterFn = unsafe extern "C" fn(call: *mut CallV1) -> u32;
pub type ExitFn = unsafe extern "C" fn(call: *mut CallV1);

/// The runtime's C door. Version 1; a later layout gets a new symbol.
#[repr(C)]
pub struct RuntimeV1 {
    /// Whether this copy's runtime is installed (1) or not (0).
    pub installed: extern "C" fn() -> u32,
    /// Register the extension; 0, or -1 if another one is registered.
    pub set_extension: extern "C" fn(enter: EnterFn, exit: ExitFn) -> i32,
    /// Trap these x86_64 (and x32) numbers from now on, on every thread;
    /// 0, or a negative [`door_error`] code.
    pub trap_native: extern "C" fn(nrs: *const u32, len: usize) -> i32,
}

/// The door of this copy, exported for other copies in the process.
#[no_mangle]
#[used]
pub static selftrace_runtime_v1: RuntimeV1 =
    RuntimeV1 { installed, set_extension, trap_native: trap_native_c };

extern "C" fn installed() -> u32 {
    crate::is_installed() as u32
}

static ENTER: AtomicUsize = AtomicUsize::new(0);
static EXIT: AtomicUsize = AtomicUsize::new(0);

extern "C" fn set_extension(enter: EnterFn, exit: ExitFn) -> i32 {
    let (e, x) = (enter as usize, exit as usize);
    match ENTER.compare_exchange(0, e, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => {
            EXIT.store(x, Ordering::Release);
            0
        }
        Err(current) if current == e => 0,
        Err(_) => -1,
    }
}

/// What the handler keeps between the extension's entry and exit.
#[derive(Clone, Copy, Default)]
pub(crate) struct Entered {
    token: u64,
    active: bool,
}

impl Entered {
    pub(crate) fn active(&self) -> bool {
        self.active
    }
}

fn call_of(info: &SyscallInfo, token: u64) -> CallV1 {
    CallV1 {
        op: info.op as u32,
        arch: info.arch(),
        nr: info.nr,
        instruction_pointer: info.instruction_pointer,
        stack_pointer: info.stack_pointer,
        frame_pointer: info.frame_pointer,
        args: info.args,
        rval: info.rval,
        token,
    }
}

/// Whether an extension is set: without one, a call pays nothing for scopes.
pub(crate) fn is_set() -> bool {
    ENTER.load(Ordering::Relaxed) != 0
}

/// Run the extension's entry, if there is one; with the result of an
/// emulated call.
pub(crate) fn enter(info: &mut SyscallInfo) -> (Entered, Option<i64>) {
    let f = ENTER.load(Ordering::Acquire);
    if f == 0 {
        return (Entered::default(), None);
    }
    // SAFETY: a non-zero ENTER was stored from an `EnterFn`.
    let enter: EnterFn = unsafe { std::mem::transmute::<usize, EnterFn>(f) };
    let mut call = call_of(info, 0);
    // SAFETY: the extension's contract: it reads and writes `call` only.
    let decided = unsafe { enter(&mut call) };
    let entered = Entered { token: call.token, active: decided != ENTRY_NONE };
    info.args = call.args;
    match decided {
        ENTRY_EMULATE => (entered, Some(call.rval)),
        _ => (entered, None),
    }
}

/// Run the extension's exit for a call whose entry it saw.
pub(crate) fn exit(info: &mut SyscallInfo, entered: Entered) {
    let f = EXIT.load(Ordering::Acquire);
    if !entered.active || f == 0 {
        return;
    }
    // SAFETY: EXIT was stored from an `ExitFn` together with ENTER.
    let exit: ExitFn = unsafe { std::mem::transmute::<usize, ExitFn>(f) };
    let mut call = call_of(info, entered.token);
    call.op = Op::Exit as u32;
    // SAFETY: as in `enter`.
    unsafe { exit(&mut call) };
    info.rval = call.rval;
}

/// What later filters are generated from: the installation's code ranges
/// and the numbers that trap already.
struct Trapped {
    ranges: Option<Vec<(u64, u64)>>,
    /// `None`: every number traps (a catch-all hook).
    native: Option<BTreeSet<u32>>,
    /// Filters stacked after installation.
    stacked: usize,
}

static TRAPPED: Mutex<Option<Trapped>> = Mutex::new(None);

/// More filters than this and the kernel's per-call cost (every filter
/// runs on every call not in its action cache) is not worth a scope.
const MAX_STACKED: usize = 32;

/// Remember what installation trapped, for [`trap_native`].
pub(crate) fn installed_with(native: &TrapSet, ranges: Option<Vec<(u64, u64)>>) {
    let native = match native {
        TrapSet::Only(list) => Some(list.iter().copied().collect()),
        TrapSet::AllExcept(_) => None,
    };
    let mut t = TRAPPED.lock().unwrap_or_else(|e| e.into_inner());
    *t = Some(Trapped { ranges, native, stacked: 0 });
}

/// Trap `nrs` (x86_64 numbers, and the same x32 calls) from now on: those
/// not trapped yet get a filter of their own, stacked on the others and
/// put on every thread.
pub(crate) fn trap_native(nrs: &[u32]) -> Result<(), Error> {
    let mut guard = TRAPPED.lock().unwrap_or_else(|e| e.into_inner());
    let Some(t) = guard.as_mut() else { return Err(Error::NotInstalled) };
    let Some(trapped) = t.native.as_mut() else { return Ok(()) };
    let mut new: Vec<u32> = nrs.iter().copied().filter(|n| !trapped.contains(n)).collect();
    new.sort_unstable();
    new.dedup();
    if new.is_empty() {
        return Ok(());
    }
    if t.stacked >= MAX_STACKED {
        return Err(Error::TooManyFilters { limit: MAX_STACKED });
    }
    let x32: Vec<u32> = new.iter().copied().filter(|&n| n < 512).collect();
    let spec = Spec {
        native: TrapSet::Only(new.clone()),
        x32: TrapSet::Only(x32),
        i386: TrapSet::Only(Vec::new()),
        gates: arch::gate_addresses(),
        ranges: t.ranges.clone(),
    };
    filter::install(&filter::build(&spec)?)?;
    trapped.extend(new);
    t.stacked += 1;
    Ok(())
}

extern "C" fn trap_native_c(nrs: *const u32, len: usize) -> i32 {
    let nrs = if len == 0 {
        &[][..]
    } else {
        // SAFETY: the caller passes `len` readable numbers at `nrs`.
        unsafe { std::slice::from_raw_parts(nrs, len) }
    };
    match trap_native(nrs) {
        Ok(()) => 0,
        Err(e) => door_error(&e),
    }
}

/// The door's encoding of an error: a negative code per kind.
pub fn door_error(e: &Error) -> i32 {
    match e {
        Error::NotInstalled => -1,
        Error::TooManyFilters { .. } => -2,
        Error::ThreadSync { .. } => -3,
        Error::FilterTooLarge { .. } => -4,
        _ => -5,
    }
}

/// The error a door code stands for.
pub fn door_error_of(code: i32) -> Error {
    match code {
        -1 => Error::NotInstalled,
        -2 => Error::TooManyFilters { limit: MAX_STACKED },
        -3 => Error::ThreadSync { tid: 0 },
        -4 => Error::FilterTooLarge { instructions: 0 },
        _ => Error::SeccompUnavailable(crate::sys::raw::Errno::EINVAL),
    }
}

/// The ABI of a [`CallV1`]'s `arch` and number.
pub fn abi_of(arch: u32, nr: u64) -> Option<Abi> {
    arch::abi_of(arch, nr)
}
