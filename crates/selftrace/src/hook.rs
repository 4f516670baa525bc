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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::Sysno;

    /// A hook as a user would write one: refuses `unlink` of one path
    /// (by address, for the test), and counts the `read`s that failed.
    #[derive(Default)]
    struct Guarded {
        failed_reads: AtomicUsize,
    }

    const PROTECTED: u64 = 0x1000;

    impl Hook for Guarded {
        fn enter(&self, call: &mut SyscallInfo) -> Action {
            if call.is(Sysno::unlink) && call.args[0] == PROTECTED {
                return Action::errno(Errno::EPERM);
            }
            Action::Run
        }

        fn exit(&self, call: &mut SyscallInfo) {
            if call.is(Sysno::read) && call.errno() == Some(Errno::EINTR) {
                self.failed_reads.fetch_add(1, Ordering::Relaxed);
                // Make the program retry rather than see EINTR.
                call.set_errno(Errno::EAGAIN);
            }
        }
    }

    fn call(sysno: Sysno, args: [u64; 6]) -> SyscallInfo {
        SyscallInfo::entry(Abi::X86_64, sysno.id() as u64, args)
    }

    #[test]
    fn hooks_are_tested_on_made_up_calls() {
        let hook = Arc::new(Guarded::default());
        let mut unlink = call(Sysno::unlink, [PROTECTED, 0, 0, 0, 0, 0]);
        assert_eq!(hook.enter(&mut unlink), Action::errno(Errno::EPERM));
        assert_eq!(Action::errno(Errno::EPERM), Action::Emulate(Return::Errno(Errno::EPERM)));
        assert_eq!(Return::Errno(Errno::EPERM).raw(), -(libc::EPERM as i64));
        let mut other = call(Sysno::unlink, [PROTECTED + 1, 0, 0, 0, 0, 0]);
        assert_eq!(hook.enter(&mut other), Action::Run);
        // The same number in the i386 table is another call.
        let mut i386 = SyscallInfo::entry(Abi::I386, Sysno::unlink.id() as u64, [PROTECTED; 6]);
        assert_eq!(hook.enter(&mut i386), Action::Run);

        let read = call(Sysno::read, [3, 0, 10, 0, 0, 0]);
        let mut interrupted = read.at_exit(raw::error_return(Errno::EINTR));
        assert!(interrupted.is_error());
        hook.exit(&mut interrupted);
        assert_eq!(interrupted.errno(), Some(Errno::EAGAIN));
        assert_eq!(interrupted.rval, -(libc::EAGAIN as i64));
        let mut done = read.at_exit(10);
        hook.exit(&mut done);
        assert_eq!((done.rval, done.errno()), (10, None));
        assert_eq!(hook.failed_reads.load(Ordering::Relaxed), 1);
    }
}
