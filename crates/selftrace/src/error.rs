//! Why installation failed.

use std::fmt;

use crate::sys::raw::Errno;

/// An error from [`crate::Builder::install`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The runtime is already installed in this process (a filter cannot
    /// be removed, so there is one runtime per process image).
    AlreadyInstalled,
    /// The kernel refused `seccomp(2)` filters: built without
    /// `CONFIG_SECCOMP_FILTER`, or a sandbox forbids them.
    SeccompUnavailable(Errno),
    /// `prctl(PR_SET_NO_NEW_PRIVS)` failed.
    NoNewPrivs(Errno),
    /// The generated BPF program exceeds the kernel's 4096 instructions.
    FilterTooLarge { instructions: usize },
    /// `SECCOMP_FILTER_FLAG_TSYNC` could not put the filter on thread `tid`
    /// (it runs under a different filter).
    ThreadSync { tid: u32 },
    /// Thread `tid` kept SIGSYS blocked: with the filter in place it would
    /// kill the process at its next trapped call.
    SigsysBlocked { tid: u32 },
    /// A hook was registered for a call the runtime cannot trap safely.
    Untrappable { name: &'static str, reason: &'static str },
    /// [`crate::Builder::deny_in_kernel`] was asked for a call the runtime
    /// makes for itself.
    Undeniable { name: &'static str },
    /// The runtime's per-thread block (its stacks and state) could not be
    /// mapped.
    ThreadBlock,
    /// Installing the SIGSYS handler failed.
    SignalHandler(Errno),
    /// `/proc/self/maps` could not be read to find the code to trap.
    Maps(String),
    /// An environment entry to keep across exec has a name or value that
    /// cannot be one (`=` or NUL in the name, NUL in the value, `:` in a
    /// list entry), or there are more than 64 of them.
    InvalidEnvironment { name: String },
    /// The runtime is not installed (a call that needs it came first).
    NotInstalled,
    /// Scopes have stacked this many filters already; the kernel runs
    /// every filter on every call, so no more are added.
    TooManyFilters { limit: usize },
    /// More threads are in scopes than the scope table holds.
    TooManyScopedThreads { limit: usize },
    /// Another copy of the library in this process already receives the
    /// runtime's scoped calls.
    ExtensionTaken,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::AlreadyInstalled => write!(f, "selftrace is already installed in this process"),
            Error::SeccompUnavailable(e) => {
                write!(f, "seccomp filters are not available: {}", errno_text(*e))
            }
            Error::NoNewPrivs(e) => write!(f, "cannot set no_new_privs: {}", errno_text(*e)),
            Error::FilterTooLarge { instructions } => write!(
                f,
                "the seccomp filter would have {instructions} instructions; the kernel allows 4096"
            ),
            Error::ThreadSync { tid } => {
                write!(f, "cannot put the filter on thread {tid}: it runs under another filter")
            }
            Error::SigsysBlocked { tid } => write!(
                f,
                "thread {tid} keeps SIGSYS blocked; installing now would kill the process at its next trapped call"
            ),
            Error::Untrappable { name, reason } => write!(f, "cannot hook {name}: {reason}"),
            Error::Undeniable { name } => write!(
                f,
                "cannot deny {name} in the kernel: selftrace makes this call itself"
            ),
            Error::ThreadBlock => write!(f, "cannot map the runtime's per-thread stacks (mmap failed)"),
            Error::SignalHandler(e) => {
                write!(f, "cannot install the SIGSYS handler: {}", errno_text(*e))
            }
            Error::Maps(why) => write!(f, "cannot read /proc/self/maps: {why}"),
            Error::InvalidEnvironment { name } => {
                write!(f, "cannot keep {name:?} in the environment of exec'd programs")
            }
            Error::NotInstalled => write!(f, "selftrace is not installed in this process"),
            Error::TooManyFilters { limit } => write!(
                f,
                "scopes have stacked {limit} seccomp filters already; trap the calls up front instead"
            ),
            Error::TooManyScopedThreads { limit } => {
                write!(f, "more than {limit} threads are in selftrace scopes")
            }
            Error::ExtensionTaken => write!(
                f,
                "another copy of the selftrace library in this process owns the scoped hooks"
            ),
        }
    }
}

impl std::error::Error for Error {}

fn errno_text(e: Errno) -> String {
    match (e.name(), e.description()) {
        (Some(n), Some(d)) => format!("{n} ({d})"),
        _ => format!("errno {}", e.into_raw()),
    }
}
