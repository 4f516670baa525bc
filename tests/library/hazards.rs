//! Hazards of docs/design.md not covered elsewhere: the vDSO,
//! async-signal-safety under load, and a kernel that refuses filters.

#[path = "../common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{in_child, Count};
use selftrace::{Action, Builder, Error, Sysno};

/// vDSO calls never enter the kernel, so they cannot be trapped; the same
/// call made as a real syscall is.
#[test]
fn vdso_clock_gettime_is_not_trapped_but_the_syscall_is() {
    in_child("vdso_clock_gettime_is_not_trapped_but_the_syscall_is", || {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        Builder::new().hook(Sysno::clock_gettime, count.clone()).install().unwrap();
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        for _ in 0..100 {
            // SAFETY: ts is a valid timespec to fill.
            assert_eq!(unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) }, 0);
        }
        assert_eq!(count.0.load(Ordering::SeqCst), 0, "answered in the vDSO");
        // SAFETY: the raw syscall with the same arguments.
        let r = unsafe { libc::syscall(libc::SYS_clock_gettime, libc::CLOCK_MONOTONIC, &mut ts) };
        assert_eq!(r, 0);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
    });
}

static ALARM_CALLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_alarm(_: libc::c_int) {
    // Trapped calls from a signal handler that may have interrupted malloc,
    // a stdio lock holder, or the SIGSYS handler itself.
    // SAFETY: getppid and write are async-signal-safe.
    unsafe {
        libc::getppid();
        libc::write(-1, std::ptr::null(), 0);
    }
    ALARM_CALLS.fetch_add(1, Ordering::Relaxed);
}

/// The handler interrupts allocation-heavy threads thousands of times and
/// the program keeps going: nothing on the trap path allocates or locks.
#[test]
fn traps_inside_signal_handlers_that_interrupt_malloc_do_not_deadlock() {
    in_child("traps_inside_signal_handlers_that_interrupt_malloc_do_not_deadlock", || {
        std::thread::spawn(|| {
            std::thread::sleep(Duration::from_secs(60));
            eprintln!("watchdog: deadlock");
            std::process::abort();
        });
        let count = Arc::new(Count(AtomicUsize::new(0)));
        Builder::new()
            .hook(Sysno::getppid, count.clone())
            .hook(Sysno::write, count.clone())
            .hook(Sysno::brk, count.clone())
            .hook(Sysno::mmap, count.clone())
            .hook(Sysno::munmap, count.clone())
            .install()
            .unwrap();
        // SAFETY: installs a plain handler for SIGALRM and a 200 us timer.
        unsafe {
            libc::signal(libc::SIGALRM, on_alarm as *const () as libc::sighandler_t);
            let t = libc::timeval { tv_sec: 0, tv_usec: 200 };
            let it = libc::itimerval { it_interval: t, it_value: t };
            libc::setitimer(libc::ITIMER_REAL, &it, std::ptr::null_mut());
        }
        let workers: Vec<_> = (0..2)
            .map(|i| {
                std::thread::spawn(move || {
                    let end = Instant::now() + Duration::from_millis(800);
                    let mut kept = Vec::new();
                    let mut sum = 0usize;
                    while Instant::now() < end {
                        let v: Vec<u8> = vec![i as u8; 1 + (sum % 300_000)];
                        sum = sum.wrapping_add(v.len());
                        kept.push(v);
                        if kept.len() > 64 {
                            kept.clear();
                        }
                        let s = format!("{sum}");
                        std::hint::black_box(s);
                    }
                    sum
                })
            })
            .collect();
        for w in workers {
            assert!(w.join().unwrap() > 0);
        }
        // SAFETY: stops the timer.
        unsafe {
            let zero = libc::itimerval {
                it_interval: libc::timeval { tv_sec: 0, tv_usec: 0 },
                it_value: libc::timeval { tv_sec: 0, tv_usec: 0 },
            };
            libc::setitimer(libc::ITIMER_REAL, &zero, std::ptr::null_mut());
        }
        assert!(
            ALARM_CALLS.load(Ordering::Relaxed) > 100,
            "{}",
            ALARM_CALLS.load(Ordering::Relaxed)
        );
        assert!(count.0.load(Ordering::SeqCst) > 200);
    });
}

/// Under a sandbox that refuses seccomp(2), installation fails with a typed
/// error, leaves the program's SIGSYS disposition as it was, and the
/// program carries on.
#[test]
fn a_kernel_refusing_filters_gives_a_typed_error() {
    in_child("a_kernel_refusing_filters_gives_a_typed_error", || {
        deny_seccomp_syscall();
        let real = selftrace::raw::getpid();
        let e = Builder::new().on_entry(Sysno::getpid, |_| Action::value(1)).install().unwrap_err();
        assert!(matches!(e, Error::SeccompUnavailable(_)), "{e:?}");
        assert!(e.to_string().starts_with("seccomp filters are not available: ENOSYS"), "{e}");
        // SAFETY: getpid, no arguments.
        assert_eq!(unsafe { libc::getpid() } as u32, real);
        // SAFETY: reading the current SIGSYS disposition.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: a null new action only reads the disposition into `old`.
        unsafe { libc::sigaction(libc::SIGSYS, std::ptr::null(), &mut old) };
        assert_eq!(old.sa_sigaction, libc::SIG_DFL, "the handler was taken back");
    });
}

/// A filter of our own, loaded with prctl, that fails seccomp(2) with ENOSYS.
fn deny_seccomp_syscall() {
    let f = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    let prog = [
        f(0x20, 0, 0, 0),                                 // A = nr
        f(0x15, 0, 1, libc::SYS_seccomp as u32),          // nr == seccomp?
        f(0x06, 0, 0, 0x0005_0000 | libc::ENOSYS as u32), // RET_ERRNO|ENOSYS
        f(0x06, 0, 0, 0x7fff_0000),                       // RET_ALLOW
    ];
    let fprog = libc::sock_fprog { len: prog.len() as u16, filter: prog.as_ptr() as *mut _ };
    // SAFETY: a valid, short filter program that outlives the call.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &fprog), 0);
    }
}
