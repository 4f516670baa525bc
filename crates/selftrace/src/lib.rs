//! selftrace: a program's own system calls, trapped inside the program.
//!
//! A seccomp-BPF filter makes the kernel answer chosen calls with SIGSYS
//! instead of running them (`SECCOMP_RET_TRAP`); the handler decodes the
//! call from the signal frame into a [`SyscallInfo`] and runs [`Hook`]s,
//! which may let it run, rewrite its arguments, emulate it, or change its
//! result. The call is then performed through a gate the filter lets
//! through, and the trap stays armed. No ptrace, no second process.
//!
//! ```no_run
//! use selftrace::{Action, Builder, Sysno};
//!
//! Builder::new()
//!     .on_entry(Sysno::getpid, |_call| Action::value(4242))
//!     .install()
//!     .expect("install selftrace");
//! assert_eq!(unsafe { libc::getpid() }, 4242);
//! ```
//!
//! Hooks can also be added later, for one thread and for as long as a
//! guard lives: [`scope()`] (what a test suite uses, one scope per test).
//!
//! What cannot be trapped: calls answered in the vDSO without entering the
//! kernel (`clock_gettime`, `gettimeofday`, `time`, `getcpu`); calls from
//! the dynamic loader's code and from code mapped after installation;
//! `rt_sigreturn` and `restart_syscall`; i386 task-creating calls.
//! Installing sets `no_new_privs`: setuid programs exec'd from here on do
//! not gain privileges.

// The parts, by what they are about (docs/design.md has the map):
// `sys` talks to the kernel (the gates, raw calls, memory, /proc/self/maps)
// and holds everything architecture-specific; `trap` is the trap path (the
// filter, the SIGSYS handler, Syscall User Dispatch); `task` is threads and
// processes (per-thread state and blocks, clone, exec); `signals` keeps
// SIGSYS ours while the program sees its own masks and dispositions.
pub mod signals;
mod sys;
mod task;
mod trap;

pub mod error;
pub mod fmt;
pub mod hook;
pub mod info;
pub mod scope;

pub use sys::{mem, raw};
pub use task::{exec, image, thread};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub use error::Error;
pub use hook::{Action, Hook, Return};
pub use info::{Abi, Op, SyscallInfo};
pub use scope::{scope, Scope, ScopeGuard};
pub use syscalls::{x86 as i386, Errno, Sysno};
pub use trap::deny::DenyFilter;

use hook::{HookRef, OnEntry, OnExit, Registry, Target};
use signals::KernelSigaction;
use sys::{arch, maps};
use task::{block, siblings};
use trap::deny::{self, Denials};
use trap::filter::{self, Spec, TrapSet};
use trap::{dispatch, handler};

static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Collects hooks, then installs the runtime once for the process.
#[derive(Default)]
#[must_use = "a Builder does nothing until `.install()` is called"]
pub struct Builder {
    hooks: Vec<(Target, HookRef)>,
    threads_off: bool,
    everywhere: bool,
    keep: Vec<exec::Keep>,
    denials: Denials,
    error: Option<Error>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Run `hook` on every x86_64 (and x32) call `sysno`.
    pub fn hook(mut self, sysno: Sysno, hook: impl Hook) -> Builder {
        let nr = sysno.id() as u32;
        if let Some(reason) = untrappable_reason(nr, arch::NEVER_TRAP_NATIVE) {
            self.error.get_or_insert(Error::Untrappable { name: sysno.name(), reason });
        }
        self.hooks.push((Target::Native(nr), Arc::new(hook)));
        self
    }

    /// Run `hook` on every i386 (`int 0x80`) call `sysno`.
    pub fn hook_i386(mut self, sysno: i386::Sysno, hook: impl Hook) -> Builder {
        let nr = sysno.id() as u32;
        if let Some(reason) = untrappable_reason(nr, arch::NEVER_TRAP_COMPAT) {
            self.error.get_or_insert(Error::Untrappable { name: sysno.name(), reason });
        }
        self.hooks.push((Target::I386(nr), Arc::new(hook)));
        self
    }

    /// Run `hook` on every call that can be trapped, in every ABI.
    pub fn hook_all(mut self, hook: impl Hook) -> Builder {
        self.hooks.push((Target::All, Arc::new(hook)));
        self
    }

    /// Have the kernel fail every x86_64 (and x32) call `sysno` with
    /// `errno`, whatever code makes it: code mapped later, the dynamic
    /// loader, programs exec'd from here on (static ones too), every thread.
    /// The denial cannot be undone. Calls from traced code still trap
    /// first, so hooks see them (a hook that lets one run sees it fail).
    /// Calls the runtime makes for itself cannot be denied this way (see
    /// [`can_deny_in_kernel`]).
    pub fn deny_in_kernel(mut self, sysno: Sysno, errno: Errno) -> Builder {
        if !can_deny_in_kernel(sysno) {
            self.error.get_or_insert(Error::Undeniable { name: sysno.name() });
        }
        self.denials.native.push((sysno.id() as u32, errno.into_raw() as u16));
        self
    }

    /// The same for the i386 (`int 0x80`) call `sysno`.
    pub fn deny_in_kernel_i386(mut self, sysno: i386::Sysno, errno: Errno) -> Builder {
        self.denials.i386.push((sysno.id() as u32, errno.into_raw() as u16));
        self
    }

    /// Shorthand for a hook with only an entry side.
    pub fn on_entry<F>(self, sysno: Sysno, f: F) -> Builder
    where
        F: Fn(&mut SyscallInfo) -> Action + Send + Sync + 'static,
    {
        self.hook(sysno, OnEntry(f))
    }

    /// Shorthand for a hook with only an exit side.
    pub fn on_exit<F>(self, sysno: Sysno, f: F) -> Builder
    where
        F: Fn(&mut SyscallInfo) + Send + Sync + 'static,
    {
        self.hook(sysno, OnExit(f))
    }

    /// Start with every thread's hooks off; threads opt in with
    /// [`thread::enable`] or [`thread::enabled`]. Suits tests that must
    /// not see calls from other test threads.
    pub fn threads_off_by_default(mut self) -> Builder {
        self.threads_off = true;
        self
    }

    /// Trap hooked calls from any code, not only the code mapped at
    /// installation. Also traps the dynamic loader and later `dlopen`ed
    /// code, at the price that a program exec'd from this process dies on
    /// its first hooked call (its loader runs before any handler).
    pub fn trap_everywhere(mut self) -> Builder {
        self.everywhere = true;
        self
    }

    /// Programs exec'd from here on get `NAME=VALUE` in their environment
    /// if they left `NAME` out (`env -i`, an empty `envp`). The program's
    /// own value, where it has one, is kept.
    pub fn keep_env_var(mut self, name: &str, value: &str) -> Builder {
        match std::ffi::CString::new(format!("{name}={value}")) {
            Ok(entry) if !name.is_empty() && !name.contains('=') => {
                self.keep.push(exec::Keep::Var { name: name.as_bytes().to_vec(), entry })
            }
            _ => {
                self.error.get_or_insert(Error::InvalidEnvironment { name: name.to_string() });
            }
        }
        self
    }

    /// Programs exec'd from here on get `entry` in the `:`-separated list
    /// `NAME` (as `LD_PRELOAD` is), in front of their own entries, if
    /// they left it out.
    pub fn keep_env_list_entry(mut self, name: &str, entry: &str) -> Builder {
        if name.contains(['=', '\0']) || entry.contains(['\0', ':']) {
            self.error.get_or_insert(Error::InvalidEnvironment { name: name.to_string() });
            return self;
        }
        let (name, entry) = (name.as_bytes().to_vec(), entry.as_bytes().to_vec());
        self.keep.push(exec::Keep::ListEntry { name, entry, add: true });
        self
    }

    /// Programs exec'd from here on whose loader cannot load a glibc
    /// library (musl's) get `entry` taken out of the `:`-separated list
    /// `NAME`, which they would otherwise fail to start with; others keep
    /// the list as it is (nothing is added).
    pub fn drop_env_list_entry_for_other_loaders(mut self, name: &str, entry: &str) -> Builder {
        if name.contains(['=', '\0']) || entry.contains(['\0', ':']) {
            self.error.get_or_insert(Error::InvalidEnvironment { name: name.to_string() });
            return self;
        }
        let (name, entry) = (name.as_bytes().to_vec(), entry.as_bytes().to_vec());
        self.keep.push(exec::Keep::ListEntry { name, entry, add: false });
        self
    }

    /// Install the SIGSYS handler and the filter on every thread.
    pub fn install(self) -> Result<Installed, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if INSTALLED.swap(true, Ordering::AcqRel) {
            return Err(Error::AlreadyInstalled);
        }
        let result = self.install_once();
        if result.is_err() {
            INSTALLED.store(false, Ordering::Release);
        }
        result
    }

    fn install_once(self) -> Result<Installed, Error> {
        let registry = Registry::new(&self.hooks);
        let (ranges, low_code) = if self.everywhere {
            (None, false)
        } else {
            let (ranges, low) = maps::traced_code()?;
            (Some(ranges), low)
        };
        let spec = Spec {
            native: native_traps(&registry),
            x32: x32_traps(&registry),
            i386: i386_traps(&registry),
            gates: arch::gate_addresses(),
            ranges,
        };
        let program = filter::build(&spec)?;
        let denials = (!self.denials.is_empty()).then(|| deny::build(&self.denials)).transpose()?;
        block::detect_cpu();
        // The installing thread's block, before any trap needs it: a %gs
        // left by the image before an exec is cleared by the kernel, but a
        // library installed late may find the program's threads without one.
        block::current().ok_or(Error::ThreadBlock)?;
        thread::set_default(!self.threads_off);
        if self.keep.len() > 64 {
            return Err(Error::InvalidEnvironment { name: "(more than 64 kept entries)".into() });
        }
        exec::set_kept(self.keep);
        handler::publish(registry);
        trap::extension::installed_with(&spec.native, spec.ranges.clone());
        let previous = take_over_sigsys()?;
        // The denials first: a trap filter that fails to load leaves them
        // in place (a restriction asked for), never the other way round.
        let installed = siblings::wait_until_sigsys_unblocked()
            .and_then(|()| denials.as_deref().map_or(Ok(()), filter::install))
            .and_then(|()| filter::install(&program));
        if let Err(e) = installed {
            restore_sigsys(&previous);
            return Err(e);
        }
        if low_code {
            dispatch::enable_for_process();
        }
        Ok(Installed { filter_instructions: program.len() })
    }
}

/// What installation produced.
#[derive(Debug, Clone)]
pub struct Installed {
    /// Length of the BPF program the kernel runs on every call.
    pub filter_instructions: usize,
}

/// Whether this copy of the runtime is installed in the process.
pub fn is_installed() -> bool {
    INSTALLED.load(Ordering::Acquire)
}

/// Whether [`Builder::hook`] accepts `sysno` (a few calls cannot be
/// trapped: see the crate documentation).
pub fn can_hook(sysno: Sysno) -> bool {
    untrappable_reason(sysno.id() as u32, arch::NEVER_TRAP_NATIVE).is_none()
}

/// Whether [`Builder::deny_in_kernel`] accepts `sysno`: not a call the
/// runtime makes for itself (its signal handling, memory, clocks, trace
/// output and the like), which the kernel would then refuse it too.
pub fn can_deny_in_kernel(sysno: Sysno) -> bool {
    !arch::RUNTIME_CALLS.contains(&(sysno.id() as u32))
}

pub(crate) fn untrappable_reason(nr: u32, never: &[u32]) -> Option<&'static str> {
    never.contains(&nr).then_some(
        "the kernel must see it from where the program made it (rt_sigreturn, restart_syscall)",
    )
}

/// Native numbers the protection always owns (see `signals`).
const PROTECTED_NATIVE: &[u64] = &[
    arch::nr::RT_SIGACTION,
    arch::nr::RT_SIGPROCMASK,
    arch::nr::RT_SIGPENDING,
    arch::nr::RT_SIGTIMEDWAIT,
    arch::nr::RT_SIGSUSPEND,
    arch::nr::PSELECT6,
    arch::nr::PPOLL,
    arch::nr::EPOLL_PWAIT,
    arch::nr::EPOLL_PWAIT2,
    arch::nr::SIGNALFD,
    arch::nr::SIGNALFD4,
    arch::nr::EXECVE,
    arch::nr::EXECVEAT,
    // A thread's end unmaps its runtime block.
    arch::nr::EXIT,
    arch::nr::SIGALTSTACK,
    // PTRACE_TRACEME waits for the exec or a signal to oneself (see
    // `exec::defer_traceme`).
    arch::nr::PTRACE,
    arch::nr::KILL,
    arch::nr::TKILL,
    arch::nr::TGKILL,
];
const PROTECTED_I386: &[u64] = &[arch::compat_nr::SIGPROCMASK, arch::compat_nr::RT_SIGPROCMASK];

fn trap_set(
    hooked: impl Iterator<Item = u32>,
    protected: &[u64],
    never: &[u32],
    all: bool,
) -> TrapSet {
    if all {
        return TrapSet::AllExcept(never.to_vec());
    }
    let mut list: Vec<u32> = hooked.chain(protected.iter().map(|&n| n as u32)).collect();
    list.retain(|n| !never.contains(n));
    TrapSet::Only(list)
}

fn native_traps(r: &Registry) -> TrapSet {
    trap_set(r.hooked(Abi::X86_64), PROTECTED_NATIVE, arch::NEVER_TRAP_NATIVE, r.has_catch_all())
}

fn x32_traps(r: &Registry) -> TrapSet {
    // x32 shares x86_64 numbers below 512, except rt_sigaction (512 in x32).
    let protected: Vec<u64> =
        PROTECTED_NATIVE.iter().copied().filter(|&n| n != arch::nr::RT_SIGACTION).collect();
    let hooked = r.hooked(Abi::X32).filter(|&n| n < 512);
    trap_set(hooked, &protected, arch::NEVER_TRAP_X32, r.has_catch_all())
}

fn i386_traps(r: &Registry) -> TrapSet {
    trap_set(r.hooked(Abi::I386), PROTECTED_I386, arch::NEVER_TRAP_COMPAT, r.has_catch_all())
}

/// Make our handler the kernel's SIGSYS disposition, keeping the program's
/// current one as its virtual disposition, and unblock SIGSYS here.
fn take_over_sigsys() -> Result<KernelSigaction, Error> {
    let sigsys = libc::SIGSYS as u64;
    let mut previous = KernelSigaction::default();
    // SA_ONSTACK: where the program set an altstack (Go requires one for
    // every handler), the kernel's frame goes there rather than onto a
    // goroutine's few KiB; the entry then moves it to a stack of ours.
    // sa_mask: every other signal waits until the handler is on a stack of
    // ours and puts the program's mask back (`handler::on_sigsys`), or a
    // signal delivered with ours would land beside our frame on the
    // program's small stack or altstack.
    let ours = KernelSigaction {
        handler: arch::sigsys_entry() as u64,
        flags: (libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_ONSTACK) as u64 | arch::SA_RESTORER,
        restorer: arch::restorer() as u64,
        mask: !signals::SIGSYS_BIT,
    };
    let (new_at, old_at) = (&raw const ours as u64, &raw mut previous as u64);
    // SAFETY: `ours` and `previous` are live locals; the handler is our
    // entry with our restorer, ready before any trap (the filter comes
    // after).
    let r = unsafe { arch::gate_native(arch::nr::RT_SIGACTION, [sigsys, new_at, old_at, 8, 0, 0]) };
    raw::check(r).map_err(Error::SignalHandler)?;
    signals::set_virtual_sigsys(&previous);
    let mut old_mask = 0u64;
    raw::sigprocmask(libc::SIG_UNBLOCK, Some(&signals::SIGSYS_BIT), Some(&mut old_mask));
    thread::set_sigsys_blocked(old_mask & signals::SIGSYS_BIT != 0);
    Ok(previous)
}

fn restore_sigsys(previous: &KernelSigaction) {
    let sigsys = libc::SIGSYS as u64;
    // SAFETY: puts back the disposition the kernel gave `take_over_sigsys`,
    // read from a live reference; no filter sends SIGSYS to ours yet.
    unsafe {
        arch::gate_native(
            arch::nr::RT_SIGACTION,
            [sigsys, previous as *const KernelSigaction as u64, 0, 8, 0, 0],
        )
    };
}
