//! Signal protection (docs/design.md, hazards 1, 2, 8, 9): a traced program
//! may block, ignore, handle, raise and wait for signals, SIGSYS included,
//! and must behave as it would untraced while its hooked calls keep
//! reaching hooks. Each test runs in its own process (see `common`).

#[path = "../common/mod.rs"]
mod common;
#[path = "signal_support.rs"]
mod support;

use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::Duration;

use common::in_child;
use selftrace::{Builder, Sysno};
use support::*;

// ------------------------------------------- a. blocking SIGSYS by masks

#[test]
fn sigprocmask_blocking_sigsys_keeps_hooked_calls_working() {
    in_child("sigprocmask_blocking_sigsys_keeps_hooked_calls_working", || {
        let hook = install_getpid_counter();
        assert!(!sigsys_blocked());

        sigprocmask(libc::SIG_BLOCK, &set_of(&[libc::SIGSYS, libc::SIGUSR2]));
        let m = current_mask();
        assert!(has(&m, libc::SIGSYS), "the program sees SIGSYS blocked as it asked");
        assert!(has(&m, libc::SIGUSR2));
        hooked_getpids_work(&hook, 10);
        assert!(sigsys_blocked(), "hooked calls do not change the program's view");

        // SIG_SETMASK with a set holding SIGSYS, then the old set back.
        let mut old = empty_set();
        let full = full_set_minus(libc::SIGUSR1);
        // SAFETY: valid sets.
        assert_eq!(unsafe { libc::sigprocmask(libc::SIG_SETMASK, &full, &mut old) }, 0);
        assert!(has(&old, libc::SIGSYS) && has(&old, libc::SIGUSR2) && !has(&old, libc::SIGUSR1));
        hooked_getpids_work(&hook, 3);
        let m = current_mask();
        assert!(has(&m, libc::SIGSYS) && has(&m, libc::SIGTERM) && !has(&m, libc::SIGUSR1));
        sigprocmask(libc::SIG_SETMASK, &old);

        sigprocmask(libc::SIG_UNBLOCK, &set_of(&[libc::SIGSYS]));
        let m = current_mask();
        assert!(!has(&m, libc::SIGSYS), "unblocked again");
        assert!(has(&m, libc::SIGUSR2), "the rest of the mask is untouched");
        hooked_getpids_work(&hook, 10);
    });
}

#[test]
fn pthread_sigmask_blocking_sigsys_keeps_hooked_calls_working() {
    in_child("pthread_sigmask_blocking_sigsys_keeps_hooked_calls_working", || {
        use nix::sys::signal::{pthread_sigmask, SigSet, SigmaskHow, Signal};
        let hook = install_getpid_counter();

        let mut sys = SigSet::empty();
        sys.add(Signal::SIGSYS);
        pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&sys), None).unwrap();
        let mut old = SigSet::empty();
        pthread_sigmask(SigmaskHow::SIG_BLOCK, None, Some(&mut old)).unwrap();
        assert!(old.contains(Signal::SIGSYS), "pthread_sigmask readback shows SIGSYS blocked");
        assert!(sigsys_blocked(), "sigprocmask readback agrees");
        hooked_getpids_work(&hook, 10);

        // Everything blocked, as a thread that wants no signals does.
        pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::all()), None).unwrap();
        hooked_getpids_work(&hook, 10);
        assert!(SigSet::thread_get_mask().unwrap().contains(Signal::SIGSYS));

        pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None).unwrap();
        let now = SigSet::thread_get_mask().unwrap();
        assert!(!now.contains(Signal::SIGSYS), "unblocked after SIG_SETMASK(empty)");
        hooked_getpids_work(&hook, 10);
    });
}

#[test]
fn new_threads_inherit_the_programs_view_of_sigsys() {
    in_child("new_threads_inherit_the_programs_view_of_sigsys", || {
        let hook = Count::new();
        Builder::new().hook(Sysno::getpid, hook.clone()).install().unwrap();
        sigprocmask(libc::SIG_BLOCK, &set_of(&[libc::SIGSYS]));
        let (blocked, ok) = std::thread::spawn(|| {
            let blocked = sigsys_blocked();
            let real = selftrace::raw::getpid() as i32;
            let ok = (0..10).all(|_| libc_getpid() == real);
            (blocked, ok)
        })
        .join()
        .unwrap();
        assert!(blocked, "a thread created with SIGSYS blocked sees it blocked");
        assert!(ok, "and its hooked calls work");
        assert!(hook.n() >= 10);
        sigprocmask(libc::SIG_UNBLOCK, &set_of(&[libc::SIGSYS]));
        let blocked = std::thread::spawn(sigsys_blocked).join().unwrap();
        assert!(!blocked, "a thread created with SIGSYS unblocked sees it unblocked");
    });
}

/// What a SIGUSR1 handler saw about its own calls and mask.
static FULL_MASK_RUNS: AtomicUsize = AtomicUsize::new(0);
static FULL_MASK_PID_OK: AtomicUsize = AtomicUsize::new(0);
static FULL_MASK_HOOKED: AtomicUsize = AtomicUsize::new(0);
static FULL_MASK_SIGSYS_SHOWN: AtomicUsize = AtomicUsize::new(0);
static FULL_MASK_USR2_SHOWN: AtomicUsize = AtomicUsize::new(0);
extern "C" fn full_mask_handler(_: libc::c_int) {
    FULL_MASK_RUNS.fetch_add(1, Ordering::SeqCst);
    let real = selftrace::raw::getpid() as i32;
    for _ in 0..5 {
        let before = GETPID_HOOK_CALLS.load(Ordering::SeqCst);
        if libc_getpid() == real {
            FULL_MASK_PID_OK.fetch_add(1, Ordering::SeqCst);
        }
        if GETPID_HOOK_CALLS.load(Ordering::SeqCst) == before + 1 {
            FULL_MASK_HOOKED.fetch_add(1, Ordering::SeqCst);
        }
    }
    let mut m = empty_set();
    // SAFETY: NULL set only reads the mask.
    if unsafe { libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut m) } == 0 {
        if has(&m, libc::SIGSYS) {
            FULL_MASK_SIGSYS_SHOWN.fetch_add(1, Ordering::SeqCst);
        }
        if has(&m, libc::SIGUSR2) {
            FULL_MASK_USR2_SHOWN.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[test]
fn handler_with_full_sa_mask_makes_hooked_calls() {
    in_child("handler_with_full_sa_mask_makes_hooked_calls", || {
        TEST_TID.store(gettid(), Ordering::SeqCst);
        Builder::new().on_entry(Sysno::getpid, count_getpid).install().unwrap();
        // SAFETY: sigfillset on a set we own.
        let mut full: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        unsafe { libc::sigfillset(&mut full) };
        install_handler(libc::SIGUSR1, plain(full_mask_handler), 0, full);
        // SAFETY: raise a signal whose handler we installed.
        assert_eq!(unsafe { libc::raise(libc::SIGUSR1) }, 0);
        assert_eq!(FULL_MASK_RUNS.load(Ordering::SeqCst), 1, "the handler ran once");
        assert_eq!(
            FULL_MASK_PID_OK.load(Ordering::SeqCst),
            5,
            "hooked calls in it returned the pid"
        );
        assert_eq!(FULL_MASK_HOOKED.load(Ordering::SeqCst), 5, "and reached the hook");
        assert_eq!(
            FULL_MASK_USR2_SHOWN.load(Ordering::SeqCst),
            1,
            "sa_mask applied in the handler"
        );
        assert_eq!(
            FULL_MASK_SIGSYS_SHOWN.load(Ordering::SeqCst),
            1,
            "inside a handler whose sa_mask is full, the program sees SIGSYS blocked"
        );
        assert!(!sigsys_blocked(), "after the handler SIGSYS is unblocked again");
        assert!(!has(&current_mask(), libc::SIGUSR2));
        let before = GETPID_HOOK_CALLS.load(Ordering::SeqCst);
        assert_eq!(libc_getpid(), selftrace::raw::getpid() as i32);
        assert_eq!(GETPID_HOOK_CALLS.load(Ordering::SeqCst), before + 1);
    });
}

extern "C" fn noop_handler(_: libc::c_int) {}

#[test]
fn sigaction_readback_shows_sigsys_in_sa_mask() {
    in_child("sigaction_readback_shows_sigsys_in_sa_mask", || {
        Builder::new().install().unwrap();
        // SAFETY: sigfillset on a set we own.
        let mut full: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        unsafe { libc::sigfillset(&mut full) };
        install_handler(libc::SIGUSR1, plain(noop_handler), libc::SA_RESTART, full);
        let old = read_sigaction(libc::SIGUSR1);
        assert_eq!(old.sa_sigaction, plain(noop_handler));
        assert!(old.sa_flags & libc::SA_RESTART != 0);
        assert_eq!(old.sa_flags & libc::SA_SIGINFO, 0, "flags read back as installed");
        assert!(has(&old.sa_mask, libc::SIGSYS), "SIGSYS is in the sa_mask read back");
        assert!(has(&old.sa_mask, libc::SIGTERM));

        // A mask without SIGSYS reads back without it.
        install_handler(libc::SIGUSR1, plain(noop_handler), 0, set_of(&[libc::SIGTERM]));
        let old = read_sigaction(libc::SIGUSR1);
        assert!(!has(&old.sa_mask, libc::SIGSYS));
        assert!(has(&old.sa_mask, libc::SIGTERM));

        // Old and new in one call: the old one comes back as it was.
        let mut new: libc::sigaction = read_sigaction(libc::SIGUSR1);
        new.sa_mask = set_of(&[libc::SIGSYS]);
        // SAFETY: zeroed sigaction is a valid output buffer.
        let mut prev: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: both structs are valid.
        assert_eq!(unsafe { libc::sigaction(libc::SIGUSR1, &new, &mut prev) }, 0);
        assert!(!has(&prev.sa_mask, libc::SIGSYS));
        assert!(has(&read_sigaction(libc::SIGUSR1).sa_mask, libc::SIGSYS));

        // Replacing a handler that had SIGSYS in its mask by another such
        // handler (SA_SIGINFO this time): each reads back as installed.
        let mut new: libc::sigaction = read_sigaction(libc::SIGUSR1);
        new.sa_sigaction = info(usr1_info);
        new.sa_flags = libc::SA_SIGINFO;
        // SAFETY: zeroed sigaction is a valid output buffer.
        let mut prev: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: both structs are valid; usr1_info is an SA_SIGINFO handler.
        assert_eq!(unsafe { libc::sigaction(libc::SIGUSR1, &new, &mut prev) }, 0);
        assert_eq!(prev.sa_sigaction, plain(noop_handler), "the previous handler, not a stand-in");
        assert_eq!(prev.sa_flags & libc::SA_SIGINFO, 0, "and its flags");
        assert!(has(&prev.sa_mask, libc::SIGSYS));
        let now = read_sigaction(libc::SIGUSR1);
        assert_eq!(now.sa_sigaction, info(usr1_info));
        assert!(now.sa_flags & libc::SA_SIGINFO != 0);
        assert!(has(&now.sa_mask, libc::SIGSYS));

        // It runs, with its siginfo.
        // SAFETY: raising a handled signal.
        assert_eq!(unsafe { libc::raise(libc::SIGUSR1) }, 0);
        assert_eq!(USR1_INFO_SIGNO.load(Ordering::SeqCst), libc::SIGUSR1);
        assert_eq!(USR1_INFO_CODE.load(Ordering::SeqCst), libc::SI_TKILL);
    });
}

static USR1_INFO_SIGNO: AtomicI32 = AtomicI32::new(0);
static USR1_INFO_CODE: AtomicI32 = AtomicI32::new(0);

extern "C" fn usr1_info(sig: libc::c_int, si: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
    let (signo, code) = unsafe { ((*si).si_signo, (*si).si_code) };
    if signo == sig {
        USR1_INFO_SIGNO.store(signo, Ordering::SeqCst);
        USR1_INFO_CODE.store(code, Ordering::SeqCst);
    }
}

// ------------------------------------------- b. the program's own SIGSYS

#[test]
fn own_sigsys_handler_runs_when_the_program_raises_sigsys() {
    in_child("own_sigsys_handler_runs_when_the_program_raises_sigsys", || {
        let hook = install_getpid_counter();
        install_handler(libc::SIGSYS, info(own_sigsys), libc::SA_SIGINFO, empty_set());
        let back = read_sigaction(libc::SIGSYS);
        assert_eq!(back.sa_sigaction, info(own_sigsys), "readback gives the program's handler");
        assert!(back.sa_flags & libc::SA_SIGINFO != 0);

        // SAFETY: raise a signal the program handles.
        assert_eq!(unsafe { libc::raise(libc::SIGSYS) }, 0);
        assert_eq!(sys_runs(), 1, "raise runs the program's handler");
        assert_eq!(SYS_LAST_SIGNO.load(Ordering::SeqCst), libc::SIGSYS);
        assert_eq!(
            SYS_LAST_CODE.load(Ordering::SeqCst),
            libc::SI_TKILL,
            "raise sends with SI_TKILL"
        );
        hooked_getpids_work(&hook, 5);

        // SAFETY: tgkill to this very thread with a handled signal.
        let r = unsafe { libc::syscall(libc::SYS_tgkill, libc::getpid(), gettid(), libc::SIGSYS) };
        assert_eq!(r, 0);
        assert_eq!(sys_runs(), 2, "tgkill runs the program's handler");
        hooked_getpids_work(&hook, 5);

        // Process-directed: any thread may take it, so wait for it.
        // SAFETY: kill of our own process with a handled signal.
        assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGSYS) }, 0);
        wait_for_sys_runs(3);
        assert_eq!(sys_runs(), 3, "kill runs the program's handler");
        assert_eq!(SYS_LAST_CODE.load(Ordering::SeqCst), libc::SI_USER);
        hooked_getpids_work(&hook, 5);
        assert_eq!(read_sigaction(libc::SIGSYS).sa_sigaction, info(own_sigsys));
    });
}

#[test]
fn ignored_sigsys_raised_by_the_program_does_nothing() {
    in_child("ignored_sigsys_raised_by_the_program_does_nothing", || {
        let hook = install_getpid_counter();
        install_handler(libc::SIGSYS, libc::SIG_IGN, 0, empty_set());
        assert_eq!(read_sigaction(libc::SIGSYS).sa_sigaction, libc::SIG_IGN);
        for _ in 0..3 {
            // SAFETY: raising an ignored signal.
            assert_eq!(unsafe { libc::raise(libc::SIGSYS) }, 0);
        }
        // SAFETY: kill of our own process with an ignored signal.
        assert_eq!(unsafe { libc::kill(libc::getpid(), libc::SIGSYS) }, 0);
        std::thread::sleep(Duration::from_millis(100));
        hooked_getpids_work(&hook, 5);
        // Back to the default: the readback follows.
        install_handler(libc::SIGSYS, libc::SIG_DFL, 0, empty_set());
        assert_eq!(read_sigaction(libc::SIGSYS).sa_sigaction, libc::SIG_DFL);
        hooked_getpids_work(&hook, 5);
    });
}

#[test]
fn blocked_sigsys_runs_the_handler_once_when_unblocked() {
    in_child("blocked_sigsys_runs_the_handler_once_when_unblocked", || {
        let hook = install_getpid_counter();
        install_handler(libc::SIGSYS, info(own_sigsys), libc::SA_SIGINFO, empty_set());
        sigprocmask(libc::SIG_BLOCK, &set_of(&[libc::SIGSYS]));
        // SAFETY: raising a blocked, handled signal; twice, as a standard
        // signal it stays pending once.
        assert_eq!(unsafe { libc::raise(libc::SIGSYS) }, 0);
        // SAFETY: as above, through tgkill.
        let r = unsafe { libc::syscall(libc::SYS_tgkill, libc::getpid(), gettid(), libc::SIGSYS) };
        assert_eq!(r, 0);
        hooked_getpids_work(&hook, 5);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(sys_runs(), 0, "the handler does not run while SIGSYS is blocked");
        assert!(sigsys_blocked());
        sigprocmask(libc::SIG_UNBLOCK, &set_of(&[libc::SIGSYS]));
        assert_eq!(sys_runs(), 1, "it runs once, on unblocking");
        assert!(!sigsys_blocked());
        hooked_getpids_work(&hook, 5);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(sys_runs(), 1, "and only once");
    });
}

static NESTED_RUNS: AtomicUsize = AtomicUsize::new(0);

/// A SIGSYS handler (without SA_NODEFER) that raises SIGSYS on its first
/// run: the second SIGSYS stays pending until the handler returns.
extern "C" fn raises_again(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    if NESTED_RUNS.fetch_add(1, Ordering::SeqCst) == 0 {
        // SAFETY: raise is async-signal-safe.
        unsafe { libc::raise(libc::SIGSYS) };
        // Still blocked here (no SA_NODEFER): the handler has not re-run.
        assert_eq!(NESTED_RUNS.load(Ordering::SeqCst), 1);
    }
}

fn raise_sigsys_from_its_handler() -> usize {
    NESTED_RUNS.store(0, Ordering::SeqCst);
    install_handler(libc::SIGSYS, info(raises_again), libc::SA_SIGINFO, empty_set());
    // SAFETY: raising a handled signal.
    assert_eq!(unsafe { libc::raise(libc::SIGSYS) }, 0);
    NESTED_RUNS.load(Ordering::SeqCst)
}

#[test]
fn sigsys_raised_in_its_own_handler_runs_after_it_returns() {
    in_child("sigsys_raised_in_its_own_handler_runs_after_it_returns", || {
        let untraced = raise_sigsys_from_its_handler();
        assert_eq!(untraced, 2, "untraced baseline: the pending SIGSYS ran on return");
        let hook = install_getpid_counter();
        let traced = raise_sigsys_from_its_handler();
        assert_eq!(
            traced, untraced,
            "the SIGSYS held back during the handler runs when it returns"
        );
        assert!(!sigsys_blocked());
        hooked_getpids_work(&hook, 3);
    });
}

/// Block SIGSYS, raise it, and report whether sigpending(2) shows it.
fn sigsys_shown_pending() -> bool {
    SYS_RUNS.store(0, Ordering::SeqCst);
    install_handler(libc::SIGSYS, info(own_sigsys), libc::SA_SIGINFO, empty_set());
    sigprocmask(libc::SIG_BLOCK, &set_of(&[libc::SIGSYS]));
    // SAFETY: raising a blocked, handled signal.
    assert_eq!(unsafe { libc::raise(libc::SIGSYS) }, 0);
    let mut pending = empty_set();
    // SAFETY: sigpending fills the set it is given.
    assert_eq!(unsafe { libc::sigpending(&mut pending) }, 0);
    let shown = has(&pending, libc::SIGSYS);
    sigprocmask(libc::SIG_UNBLOCK, &set_of(&[libc::SIGSYS]));
    assert_eq!(sys_runs(), 1);
    shown
}

/// With rt_sigpending hooked (so trapped), the held SIGSYS shows.
#[test]
fn blocked_pending_sigsys_shows_in_hooked_sigpending() {
    in_child("blocked_pending_sigsys_shows_in_hooked_sigpending", || {
        assert!(sigsys_shown_pending(), "untraced baseline");
        let hook = Count::new();
        Builder::new().hook(Sysno::rt_sigpending, hook.clone()).install().unwrap();
        assert!(
            sigsys_shown_pending(),
            "a raised, blocked SIGSYS is pending as sigpending(2) reports it"
        );
        assert!(hook.n() >= 1);
    });
}

/// Without hooks the runtime must still own rt_sigpending for this.
#[test]
fn blocked_pending_sigsys_shows_in_sigpending() {
    in_child("blocked_pending_sigsys_shows_in_sigpending", || {
        Builder::new().install().unwrap();
        assert!(
            sigsys_shown_pending(),
            "a raised, blocked SIGSYS is pending as sigpending(2) reports it"
        );
    });
}
