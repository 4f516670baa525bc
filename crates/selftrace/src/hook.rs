//! Hooks: what runs when a trapped call enters and leaves.

use std::sync::Arc;

use crate::info::{Abi, SyscallInfo};
use crate::sys::{arch, raw};
use crate::Errno;

/// What a hook decides at entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Run the call with the (possibly rewritten) arguments in the info.
    Run,
    /// Do not run the call; the program sees this result instead.
    Emulate(Return),
}

impl Action {
    /// Skip the call and return `value`.
    pub fn value(value: i64) -> Action {
        Action::Emulate(Return::Value(value))
    }

    /// Skip the call and fail it with `errno` (e.g. `Errno::EPERM`).
    pub fn errno(errno: Errno) -> Action {
        Action::Emulate(Return::Errno(errno))
    }
}

/// The result of an emulated call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Return {
    Value(i64),
    Errno(Errno),
}

impl Return {
    /// The raw kernel encoding: the value, or `-errno`.
    pub fn raw(self) -> i64 {
        match self {
            Return::Value(v) => v,
            Return::Errno(e) => raw::error_return(e),
        }
    }
}

/// Code run on a trapped call.
///
/// Hooks run inside the SIGSYS handler, on the thread that made the call,
/// possibly while that thread holds malloc's or stdio's locks. A hook must
/// therefore be async-signal-safe: no allocation, no locks the program may
/// hold, no `println!`. [`crate::sys::raw`] gives it syscalls that never trap;
/// calls it makes through libc are trapped but skip hooks.
pub trait Hook: Send + Sync + 'static {
    /// Called before the call runs; may rewrite `info.args` or emulate.
    fn enter(&self, info: &mut SyscallInfo) -> Action {
        let _ = info;
        Action::Run
    }

    /// Called after the call ran or was emulated; may change `info.rval`.
    fn exit(&self, info: &mut SyscallInfo) {
        let _ = info;
    }
}

/// A shared hook, so the code that registered it can keep reading its state.
impl<H: Hook> Hook for Arc<H> {
    fn enter(&self, info: &mut SyscallInfo) -> Action {
        (**self).enter(info)
    }

    fn exit(&self, info: &mut SyscallInfo) {
        (**self).exit(info)
    }
}

/// A hook made of an entry closure.
pub(crate) struct OnEntry<F>(pub F);

impl<F: Fn(&mut SyscallInfo) -> Action + Send + Sync + 'static> Hook for OnEntry<F> {
    fn enter(&self, info: &mut SyscallInfo) -> Action {
        (self.0)(info)
    }
}

/// A hook made of an exit closure.
pub(crate) struct OnExit<F>(pub F);

impl<F: Fn(&mut SyscallInfo) + Send + Sync + 'static> Hook for OnExit<F> {
    fn exit(&self, info: &mut SyscallInfo) {
        (self.0)(info)
    }
}

pub(crate) type HookRef = Arc<dyn Hook>;

/// Which calls a hook is registered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Native(u32),
    I386(u32),
    All,
}

/// Hooks by ABI and number, frozen at installation so the handler reads
/// it without locks.
pub(crate) struct Registry {
    native: Box<[Box<[HookRef]>]>,
    i386: Box<[Box<[HookRef]>]>,
    all: Box<[HookRef]>,
}

impl Registry {
    pub(crate) fn new(hooks: &[(Target, HookRef)]) -> Registry {
        let mut native = vec![Vec::new(); arch::TABLE_SIZE];
        let mut i386 = vec![Vec::new(); arch::TABLE_SIZE];
        let mut all = Vec::new();
        for (target, hook) in hooks {
            match *target {
                Target::Native(nr) => native[nr as usize].push(hook.clone()),
                Target::I386(nr) => i386[nr as usize].push(hook.clone()),
                Target::All => all.push(hook.clone()),
            }
        }
        let freeze = |t: Vec<Vec<HookRef>>| t.into_iter().map(Vec::into_boxed_slice).collect();
        Registry { native: freeze(native), i386: freeze(i386), all: all.into_boxed_slice() }
    }

    /// Hooks for one call: those for its number first, then catch-alls.
    /// x32 calls share x86_64 numbering below 512.
    pub(crate) fn for_call(&self, abi: Abi, nr: u64) -> (&[HookRef], &[HookRef]) {
        let table = match abi {
            Abi::X86_64 | Abi::X32 => &self.native,
            Abi::I386 => &self.i386,
        };
        let idx = (nr & !arch::X32_SYSCALL_BIT) as usize;
        let specific = table.get(idx).map(|b| &b[..]).unwrap_or(&[]);
        (specific, &self.all)
    }

    pub(crate) fn has_catch_all(&self) -> bool {
        !self.all.is_empty()
    }

    pub(crate) fn hooked(&self, abi: Abi) -> impl Iterator<Item = u32> + '_ {
        let table = if abi == Abi::I386 { &self.i386 } else { &self.native };
        table.iter().enumerate().filter(|(_, h)| !h.is_empty()).map(|(nr, _)| nr as u32)
    }
}
