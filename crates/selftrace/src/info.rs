//! The typed view of a trapped call, modelled on `PTRACE_GET_SYSCALL_INFO`
//! (ptrace(2), `struct ptrace_syscall_info`).

use crate::sys::{arch, raw};
use crate::Errno;

/// Which side of the call a hook is looking at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Before the call runs: arguments may be rewritten or the call emulated.
    Entry,
    /// After the call ran (or was emulated): the return value is known.
    Exit,
}

/// The system-call ABI a call was made through.
///
/// Numbers mean different calls in different ABIs (20 is `writev` for
/// x86_64 and `getpid` for i386), so a number is only meaningful with this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abi {
    /// The native 64-bit `syscall` instruction.
    X86_64,
    /// `int 0x80` from a 64-bit process: i386 numbering and registers.
    I386,
    /// x32: the native instruction with bit 30 set in the number.
    X32,
}

impl Abi {
    /// The `AUDIT_ARCH_*` value ptrace reports for this ABI.
    pub fn audit_arch(self) -> u32 {
        match self {
            Abi::X86_64 | Abi::X32 => arch::AUDIT_ARCH_NATIVE,
            Abi::I386 => arch::AUDIT_ARCH_COMPAT,
        }
    }
}

/// One trapped call, at entry or at exit.
///
/// Hooks receive it mutably: at entry, changing `args` changes what the
/// kernel is asked; at exit, changing `rval` changes what the program sees.
#[derive(Clone, Copy, Debug)]
pub struct SyscallInfo {
    pub op: Op,
    pub abi: Abi,
    /// The number as the program passed it (for x32, with the x32 bit).
    pub nr: u64,
    /// Address after the `syscall` / `int 0x80` instruction.
    pub instruction_pointer: u64,
    pub stack_pointer: u64,
    pub frame_pointer: u64,
    pub args: [u64; 6],
    /// At exit: the raw return value (`-errno` for errors). 0 at entry.
    pub rval: i64,
    /// The task that made the call, read when first asked for.
    pub(crate) caller: Caller,
}

/// Process and thread id of the task that made a call; 0 until read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Caller {
    pub(crate) pid: u32,
    pub(crate) tid: u32,
}

impl Caller {
    pub(crate) const UNKNOWN: Caller = Caller { pid: 0, tid: 0 };
}

impl SyscallInfo {
    /// An x86_64 call 0 at entry with no arguments, to build others from.
    pub(crate) const BLANK: SyscallInfo = SyscallInfo {
        op: Op::Entry,
        abi: Abi::X86_64,
        nr: 0,
        instruction_pointer: 0,
        stack_pointer: 0,
        frame_pointer: 0,
        args: [0; 6],
        rval: 0,
        caller: Caller::UNKNOWN,
    };

    /// Call `nr` of `abi` at entry, as a hook would see it: for testing
    /// hooks and rules without trapping anything. The caller's ids are
    /// read when first asked for, as in a trapped call.
    ///
    /// A hook is a plain value, so a test can hand it made-up calls:
    ///
    /// ```
    /// use selftrace::{Abi, Action, Errno, Hook, SyscallInfo, Sysno};
    ///
    /// /// Refuses to open files for writing.
    /// struct ReadOnly;
    ///
    /// impl Hook for ReadOnly {
    ///     fn enter(&self, call: &mut SyscallInfo) -> Action {
    ///         let flags = call.args[2] as i32;
    ///         if call.is(Sysno::openat) && flags & libc::O_ACCMODE != libc::O_RDONLY {
    ///             return Action::errno(Errno::EROFS);
    ///         }
    ///         Action::Run
    ///     }
    /// }
    ///
    /// let nr = Sysno::openat.id() as u64;
    /// let openat = |f: i32| SyscallInfo::entry(Abi::X86_64, nr, [0, 0, f as u64, 0, 0, 0]);
    /// assert_eq!(ReadOnly.enter(&mut openat(libc::O_WRONLY)), Action::errno(Errno::EROFS));
    /// assert_eq!(ReadOnly.enter(&mut openat(libc::O_RDONLY)), Action::Run);
    /// ```
    pub const fn entry(abi: Abi, nr: u64, args: [u64; 6]) -> SyscallInfo {
        SyscallInfo { abi, nr, args, ..SyscallInfo::BLANK }
    }

    /// The same call at exit, having returned `rval` (`-errno` for errors),
    /// to test exit hooks:
    ///
    /// ```
    /// use selftrace::{raw, Abi, Errno, SyscallInfo, Sysno};
    ///
    /// let call = SyscallInfo::entry(Abi::X86_64, Sysno::kill.id() as u64, [1, 0, 0, 0, 0, 0]);
    /// let failed = call.at_exit(raw::error_return(Errno::ESRCH));
    /// assert_eq!(failed.errno(), Some(Errno::ESRCH));
    /// assert_eq!(call.at_exit(0).errno(), None);
    /// ```
    pub const fn at_exit(self, rval: i64) -> SyscallInfo {
        SyscallInfo { op: Op::Exit, rval, ..self }
    }

    /// Name of the call in its ABI's table (`"getpid"`), if it has one.
    pub fn name(&self) -> Option<&'static str> {
        arch::syscall_name(self.abi, self.nr)
    }

    /// `AUDIT_ARCH_*` of the ABI, as in `ptrace_syscall_info.arch`.
    pub fn arch(&self) -> u32 {
        self.abi.audit_arch()
    }

    /// At exit: whether `rval` is an error, by the kernel's rule
    /// (-4095..=-1), as `ptrace_syscall_info.exit.is_error`.
    pub fn is_error(&self) -> bool {
        self.op == Op::Exit && (-4095..0).contains(&self.rval)
    }

    /// At exit: the errno of a failed call.
    pub fn errno(&self) -> Option<Errno> {
        self.is_error().then(|| Errno::new(-self.rval as i32))
    }

    /// At exit: make the call fail with `errno` (`rval` becomes `-errno`).
    pub fn set_errno(&mut self, errno: Errno) {
        self.rval = raw::error_return(errno);
    }

    /// Thread id of the task that made the call (gettid(2)), read once per
    /// call and kept for its exit: unlike thread-local storage, this is the
    /// caller's own even where tasks share their thread storage (a vfork
    /// child, `CLONE_VM` without `CLONE_SETTLS`).
    pub fn tid(&mut self) -> u32 {
        if self.caller.tid == 0 {
            self.caller.tid = crate::sys::raw::gettid();
        }
        self.caller.tid
    }

    /// Process id of the task that made the call (getpid(2)), read once.
    pub fn pid(&mut self) -> u32 {
        if self.caller.pid == 0 {
            self.caller.pid = crate::sys::raw::getpid();
        }
        self.caller.pid
    }

    /// Whether this is the x86_64 call `sysno` (never true for i386 or x32).
    pub fn is(&self, sysno: syscalls::Sysno) -> bool {
        self.abi == Abi::X86_64 && self.nr == sysno.id() as u64
    }
}

/// Facts of the architecture a [`SyscallInfo`] is read against: the audit
/// arch of native calls, the x32 bit in a call number, the size of a
/// per-number table, and a number's name in an ABI.
pub use crate::sys::arch::{syscall_name, AUDIT_ARCH_NATIVE, TABLE_SIZE, X32_SYSCALL_BIT};
