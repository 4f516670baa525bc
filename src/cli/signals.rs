//! selftrace's own signals: the state it was given, handed on unchanged to
//! the program it starts, and strace's `-I` levels for the fatal signals.
//!
//! The given state is read before `main`: Rust's runtime then sets SIGPIPE
//! to SIG_IGN, and `std::process::Command` empties the child's signal mask
//! and (through `posix_spawn`) may leave glibc's internal signals 32 and 33
//! ignored. [`restore_given`] undoes all of that in the child.

use std::sync::atomic::{AtomicU64, Ordering};

/// The fatal signals of strace's `-I`.
pub const FATAL: [libc::c_int; 5] =
    [libc::SIGHUP, libc::SIGINT, libc::SIGQUIT, libc::SIGPIPE, libc::SIGTERM];

/// Signals 1..=64 selftrace started with ignored (bit `sig - 1`).
static GIVEN_IGNORED: AtomicU64 = AtomicU64::new(0);
/// The signal mask selftrace started with.
static GIVEN_MASK: AtomicU64 = AtomicU64::new(0);

/// The kernel's `struct sigaction` (x86-64), for signals glibc's
/// `sigaction` will not touch (its internal 32 and 33).
#[repr(C)]
struct KernelSigaction {
    handler: usize,
    flags: u64,
    restorer: usize,
    mask: u64,
}

fn bit(sig: libc::c_int) -> u64 {
    1u64 << (sig - 1)
}

/// `rt_sigaction(sig, act, old)`, raw. Async-signal-safe.
fn rt_sigaction(
    sig: libc::c_int,
    act: Option<&KernelSigaction>,
    old: Option<&mut KernelSigaction>,
) {
    let act = act.map_or(std::ptr::null(), |a| a as *const KernelSigaction);
    let old = old.map_or(std::ptr::null_mut(), |o| o as *mut KernelSigaction);
    // SAFETY: the kernel reads `act` and writes `old`, each a live
    // reference or null, of the kernel's layout with an 8-byte mask.
    unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, act, old, 8usize) };
}

/// `rt_sigprocmask(how, set, old)` on the calling thread, raw.
fn rt_sigprocmask(how: libc::c_int, set: Option<&u64>, old: Option<&mut u64>) {
    let set = set.map_or(std::ptr::null(), |s| s as *const u64);
    let old = old.map_or(std::ptr::null_mut(), |o| o as *mut u64);
    // SAFETY: the kernel reads 8 bytes at `set` and writes 8 at `old`, each
    // a live reference or null.
    unsafe { libc::syscall(libc::SYS_rt_sigprocmask, how, set, old, 8usize) };
}

/// Read the given state, before Rust's runtime changes it.
extern "C" fn capture_given() {
    let mut ignored = 0;
    for sig in 1..=64 {
        let mut old = KernelSigaction { handler: 0, flags: 0, restorer: 0, mask: 0 };
        rt_sigaction(sig, None, Some(&mut old));
        if old.handler == libc::SIG_IGN {
            ignored |= bit(sig);
        }
    }
    let mut mask = 0;
    rt_sigprocmask(libc::SIG_BLOCK, None, Some(&mut mask));
    GIVEN_IGNORED.store(ignored, Ordering::Relaxed);
    GIVEN_MASK.store(mask, Ordering::Relaxed);
}

// Run by the loader before `main`, so before Rust's runtime sets SIGPIPE.
#[used]
#[link_section = ".init_array"]
static CAPTURE_GIVEN: extern "C" fn() = capture_given;

/// Whether `sig` was ignored when selftrace started.
pub fn given_ignored(sig: libc::c_int) -> bool {
    GIVEN_IGNORED.load(Ordering::Relaxed) & bit(sig) != 0
}

/// In the child, between fork and exec: every disposition back to what
/// selftrace was given (ignored, or default: handlers do not survive exec
/// anyway), and the given mask. Only raw system calls: async-signal-safe.
pub fn restore_given() {
    let ignored = GIVEN_IGNORED.load(Ordering::Relaxed);
    for sig in 1..=64 {
        if sig == libc::SIGKILL || sig == libc::SIGSTOP {
            continue;
        }
        let handler = if ignored & bit(sig) != 0 { libc::SIG_IGN } else { libc::SIG_DFL };
        rt_sigaction(sig, Some(&KernelSigaction { handler, flags: 0, restorer: 0, mask: 0 }), None);
    }
    rt_sigprocmask(libc::SIG_SETMASK, Some(&GIVEN_MASK.load(Ordering::Relaxed)), None);
}

/// Set a disposition (not for a handler).
fn set(sig: libc::c_int, handler: libc::sighandler_t) {
    rt_sigaction(sig, Some(&KernelSigaction { handler, flags: 0, restorer: 0, mask: 0 }), None);
}

/// strace's `-I`: when fatal signals (SIGHUP, SIGINT, SIGQUIT, SIGPIPE,
/// SIGTERM) can interrupt selftrace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interruptible {
    /// `-I 1`: always, by their default action: selftrace dies at once and
    /// the program goes on untraced.
    Anywhere,
    /// `-I 2` (the default without `-o`): selftrace acts on them between
    /// records: it sends the signal on to the program it started, waits a
    /// moment for its end, writes what it collected and the `-c` table, and
    /// dies of the same signal.
    Waiting,
    /// `-I 3` (the default with `-o FILE`): never; they are ignored.
    Never,
    /// `-I 4`: never, and SIGTSTP (Ctrl-Z) is ignored too.
    NeverTstp,
}

impl Interruptible {
    /// `-I`'s argument: 1..4 or strace's names for them.
    pub fn parse(s: &str) -> Result<Interruptible, String> {
        match s {
            "1" | "anywhere" => Ok(Interruptible::Anywhere),
            "2" | "waiting" => Ok(Interruptible::Waiting),
            "3" | "never" => Ok(Interruptible::Never),
            "4" | "never_tstp" => Ok(Interruptible::NeverTstp),
            _ => Err(format!(
                "invalid interruptible level '{s}' (expected 1-4, anywhere, waiting, never or never_tstp)"
            )),
        }
    }
}

/// Signals the main thread waits for (through a signalfd): SIGCHLD, and
/// with `-I 2` the fatal signals selftrace was not given ignored. Set up
/// before any thread starts, so that every thread blocks them.
pub fn set_up(level: Interruptible) -> u64 {
    // waitpid needs SIGCHLD not ignored; the program gets it back as given.
    set(libc::SIGCHLD, libc::SIG_DFL);
    let mut waited = bit(libc::SIGCHLD);
    for sig in FATAL {
        match level {
            // Rust's runtime ignores SIGPIPE: the given disposition again.
            Interruptible::Anywhere if !given_ignored(sig) => set(sig, libc::SIG_DFL),
            Interruptible::Anywhere => {}
            Interruptible::Waiting if !given_ignored(sig) => waited |= bit(sig),
            Interruptible::Waiting => set(sig, libc::SIG_IGN),
            Interruptible::Never | Interruptible::NeverTstp => set(sig, libc::SIG_IGN),
        }
    }
    if level == Interruptible::NeverTstp {
        set(libc::SIGTSTP, libc::SIG_IGN);
    }
    rt_sigprocmask(libc::SIG_BLOCK, Some(&waited), None);
    waited
}

/// A signalfd for the signals in `set` (all blocked).
pub fn signalfd(set: u64) -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: sigset_t is plain data; sigemptyset/sigaddset fill it.
    let mut sigset: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above, on our own set.
    unsafe { libc::sigemptyset(&mut sigset) };
    for sig in 1..=64 {
        if set & bit(sig) != 0 {
            // SAFETY: as above.
            unsafe { libc::sigaddset(&mut sigset, sig) };
        }
    }
    // SAFETY: signalfd returns a new descriptor or -1.
    let fd = unsafe { libc::signalfd(-1, &sigset, libc::SFD_CLOEXEC | libc::SFD_NONBLOCK) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: the descriptor is new and owned by nobody else.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}
