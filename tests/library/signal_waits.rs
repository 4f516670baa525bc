//! Signal protection, continued (`signals.rs` has masks and the program's
//! own SIGSYS): program handlers during re-issued blocking calls, waits
//! with SIGSYS in the wait mask, and traps nested in hooks and handlers.
//! Each test runs in its own process (see `common`).

#[path = "../common/mod.rs"]
mod common;
#[path = "signal_support.rs"]
mod support;

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::in_child;
use selftrace::{Action, Builder, Hook, SyscallInfo, Sysno};
use support::*;

// ---------------- c. program handlers during a re-issued blocking read

static USR1_RUNS: AtomicUsize = AtomicUsize::new(0);
static USR1_PID_OK: AtomicUsize = AtomicUsize::new(0);
static USR1_HOOKED: AtomicUsize = AtomicUsize::new(0);
static DEVNULL: AtomicI32 = AtomicI32::new(-1);

/// A program handler that makes hooked calls (getpid, write) and checks
/// that they returned right and reached the hooks.
extern "C" fn usr1_makes_calls(_: libc::c_int) {
    USR1_RUNS.fetch_add(1, Ordering::SeqCst);
    let real = selftrace::raw::getpid() as i32;
    let (p0, w0) =
        (GETPID_HOOK_CALLS.load(Ordering::SeqCst), WRITE_HOOK_CALLS.load(Ordering::SeqCst));
    let pid_ok = libc_getpid() == real;
    let msg = b"from the handler";
    // SAFETY: write of a live buffer to /dev/null.
    let wrote =
        unsafe { libc::write(DEVNULL.load(Ordering::SeqCst), msg.as_ptr().cast(), msg.len()) };
    let (p1, w1) =
        (GETPID_HOOK_CALLS.load(Ordering::SeqCst), WRITE_HOOK_CALLS.load(Ordering::SeqCst));
    if pid_ok && wrote == msg.len() as isize {
        USR1_PID_OK.fetch_add(1, Ordering::SeqCst);
    }
    if p1 == p0 + 1 && w1 == w0 + 1 {
        USR1_HOOKED.fetch_add(1, Ordering::SeqCst);
    }
}

/// What the program observed of an interrupted read.
#[derive(Debug, PartialEq, Eq)]
struct ReadOutcome {
    ret: isize,
    errno: i32,
    data: Vec<u8>,
    handler_runs: usize,
    handler_calls_ok: usize,
}

/// Block in `read` on an empty pipe; a helper sends SIGUSR1 (handled with
/// or without SA_RESTART) while the read blocks, then writes data later.
fn interrupted_read(restart: bool) -> ReadOutcome {
    USR1_RUNS.store(0, Ordering::SeqCst);
    USR1_PID_OK.store(0, Ordering::SeqCst);
    USR1_HOOKED.store(0, Ordering::SeqCst);
    let flags = if restart { libc::SA_RESTART } else { 0 };
    install_handler(libc::SIGUSR1, plain(usr1_makes_calls), flags, empty_set());
    let mut fds = [0; 2];
    // SAFETY: pipe fills the two-element array.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let (rfd, wfd) = (fds[0], fds[1]);
    let me = Thread::me();
    let tid = gettid();
    let helper = std::thread::spawn(move || {
        wait_until_blocked_in(tid, libc::SYS_read);
        me.kill(libc::SIGUSR1);
        // Long after the handler ran: with SA_RESTART the read is blocked
        // again by now, without it the read has long returned.
        std::thread::sleep(Duration::from_millis(300));
        let msg = b"late data";
        // SAFETY: write of a live buffer to the pipe.
        assert_eq!(unsafe { libc::write(wfd, msg.as_ptr().cast(), msg.len()) }, msg.len() as isize);
    });
    let mut buf = [0u8; 64];
    // SAFETY: read into a live buffer.
    let ret = unsafe { libc::read(rfd, buf.as_mut_ptr().cast(), buf.len()) };
    let err = if ret < 0 { errno() } else { 0 };
    helper.join().unwrap();
    // SAFETY: closing the pipe we opened.
    unsafe {
        libc::close(rfd);
        libc::close(wfd);
    }
    ReadOutcome {
        ret,
        errno: err,
        data: buf[..ret.max(0) as usize].to_vec(),
        handler_runs: USR1_RUNS.load(Ordering::SeqCst),
        handler_calls_ok: USR1_PID_OK.load(Ordering::SeqCst),
    }
}

/// Run the interrupted read untraced, then traced with `read`, `getpid`
/// and `write` hooked; both must look the same to the program.
fn interrupted_read_traced_and_untraced(restart: bool) -> ReadOutcome {
    // SAFETY: opening /dev/null with a static C string.
    let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY) };
    assert!(fd >= 0);
    DEVNULL.store(fd, Ordering::SeqCst);
    TEST_TID.store(gettid(), Ordering::SeqCst);
    let untraced = interrupted_read(restart);
    assert_eq!(USR1_HOOKED.load(Ordering::SeqCst), 0, "nothing is hooked yet");

    let reads = Count::new();
    reads.bind_here();
    Builder::new()
        .hook(Sysno::read, reads.clone())
        .on_entry(Sysno::getpid, count_getpid)
        .on_entry(Sysno::write, count_write)
        .install()
        .unwrap();
    let traced = interrupted_read(restart);
    assert_eq!(traced, untraced, "traced and untraced runs look the same to the program");
    assert_eq!(USR1_HOOKED.load(Ordering::SeqCst), 1, "the handler's calls reached the hooks");
    assert_eq!(reads.n(), 1, "the program's read was trapped once");
    assert_eq!(reads.exits.load(Ordering::SeqCst), 1);
    let raw_result = if traced.ret < 0 { -(traced.errno as i64) } else { traced.ret as i64 };
    assert_eq!(
        reads.last_rval.load(Ordering::SeqCst),
        raw_result,
        "the hook saw the result the program got"
    );
    traced
}

#[test]
fn handler_without_sa_restart_interrupts_reissued_read_with_eintr() {
    in_child("handler_without_sa_restart_interrupts_reissued_read_with_eintr", || {
        let o = interrupted_read_traced_and_untraced(false);
        assert_eq!((o.ret, o.errno), (-1, libc::EINTR));
        assert_eq!((o.handler_runs, o.handler_calls_ok), (1, 1));
    });
}

#[test]
fn handler_with_sa_restart_restarts_reissued_read() {
    in_child("handler_with_sa_restart_restarts_reissued_read", || {
        let o = interrupted_read_traced_and_untraced(true);
        assert_eq!(o.data, b"late data", "the restarted read returned the later data");
        assert_eq!((o.handler_runs, o.handler_calls_ok), (1, 1));
    });
}

// ------------------------------- d. waiting with SIGSYS in the wait mask

static AWAITED_RUNS: AtomicUsize = AtomicUsize::new(0);
static AWAITED_SAW_SIGSYS_BLOCKED: AtomicBool = AtomicBool::new(false);

extern "C" fn awaited(_: libc::c_int) {
    AWAITED_RUNS.fetch_add(1, Ordering::SeqCst);
    let mut m = empty_set();
    // SAFETY: NULL set only reads the mask.
    if unsafe { libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut m) } == 0 {
        AWAITED_SAW_SIGSYS_BLOCKED.store(has(&m, libc::SIGSYS), Ordering::SeqCst);
    }
}

/// Block SIGUSR1, call `wait` (which must block in syscall `nr` with a
/// mask of everything but SIGUSR1, SIGSYS included), send SIGUSR1 from a
/// helper, and return what `wait` returned with errno, and whether the
/// handler saw SIGSYS blocked (the wait's mask applies while it runs).
fn wait_with_full_mask(nr: i64, wait: impl FnOnce(&libc::sigset_t) -> i32) -> (i32, i32, bool) {
    AWAITED_RUNS.store(0, Ordering::SeqCst);
    AWAITED_SAW_SIGSYS_BLOCKED.store(false, Ordering::SeqCst);
    install_handler(libc::SIGUSR1, plain(awaited), 0, empty_set());
    sigprocmask(libc::SIG_BLOCK, &set_of(&[libc::SIGUSR1]));
    let before = current_mask();
    let me = Thread::me();
    let tid = gettid();
    let helper = std::thread::spawn(move || {
        wait_until_blocked_in(tid, nr);
        me.kill(libc::SIGUSR1);
    });
    let mask = full_set_minus(libc::SIGUSR1);
    assert!(has(&mask, libc::SIGSYS));
    let r = wait(&mask);
    let e = errno();
    helper.join().unwrap();
    assert_eq!(AWAITED_RUNS.load(Ordering::SeqCst), 1, "the awaited signal's handler ran once");
    let after = current_mask();
    assert!(has(&after, libc::SIGUSR1), "the wait restored the mask");
    assert!(!has(&after, libc::SIGSYS));
    assert_eq!(has(&before, libc::SIGTERM), has(&after, libc::SIGTERM));
    sigprocmask(libc::SIG_UNBLOCK, &set_of(&[libc::SIGUSR1]));
    (r, e, AWAITED_SAW_SIGSYS_BLOCKED.load(Ordering::SeqCst))
}

fn traced_wait_test(nr: i64, wait: fn(&libc::sigset_t) -> i32) {
    let untraced = wait_with_full_mask(nr, wait);
    assert_eq!(untraced, (-1, libc::EINTR, true), "untraced baseline");
    let hook = Count::new();
    hook.bind_here();
    Builder::new().hook(Sysno::getpid, hook.clone()).install().unwrap();
    hooked_getpids_work(&hook, 3);
    let traced = wait_with_full_mask(nr, wait);
    assert_eq!(traced.0, -1, "traced: interrupted by the awaited signal");
    assert_eq!(traced.1, libc::EINTR);
    assert!(traced.2, "the handler saw SIGSYS blocked by the wait's mask, as untraced");
    hooked_getpids_work(&hook, 3);
}

#[test]
fn sigsuspend_with_sigsys_in_mask() {
    in_child("sigsuspend_with_sigsys_in_mask", || {
        // SAFETY: sigsuspend with a valid mask; returns after a handler.
        traced_wait_test(libc::SYS_rt_sigsuspend, |m| unsafe { libc::sigsuspend(m) });
    });
}

#[test]
fn ppoll_with_sigsys_in_mask() {
    in_child("ppoll_with_sigsys_in_mask", || {
        traced_wait_test(libc::SYS_ppoll, |m| {
            // SAFETY: no descriptors, no timeout, a valid mask.
            unsafe { libc::ppoll(std::ptr::null_mut(), 0, std::ptr::null(), m) }
        });
    });
}

#[test]
fn pselect_with_sigsys_in_mask() {
    in_child("pselect_with_sigsys_in_mask", || {
        traced_wait_test(libc::SYS_pselect6, |m| {
            // SAFETY: no descriptor sets, no timeout, a valid mask.
            unsafe {
                libc::pselect(
                    0,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null(),
                    m,
                )
            }
        });
    });
}

static SIGSUSPEND_DONE: AtomicBool = AtomicBool::new(false);

/// Block SIGSYS and SIGUSR1, raise SIGSYS (pending), then sigsuspend with
/// an empty mask: the pending SIGSYS is delivered and ends the wait. A
/// helper sends SIGUSR1 after a second in case it does not, so the test
/// fails instead of hanging. Returns (sigsuspend errno, SIGSYS handler
/// runs right after the wait).
fn pending_sigsys_then_sigsuspend() -> (i32, usize) {
    SYS_RUNS.store(0, Ordering::SeqCst);
    SIGSUSPEND_DONE.store(false, Ordering::SeqCst);
    install_handler(libc::SIGSYS, info(own_sigsys), libc::SA_SIGINFO, empty_set());
    install_handler(libc::SIGUSR1, plain(awaited), 0, empty_set());
    sigprocmask(libc::SIG_BLOCK, &set_of(&[libc::SIGSYS, libc::SIGUSR1]));
    // SAFETY: raising a blocked, handled signal.
    assert_eq!(unsafe { libc::raise(libc::SIGSYS) }, 0);
    assert_eq!(sys_runs(), 0);
    let me = Thread::me();
    let helper = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(1);
        while !SIGSUSPEND_DONE.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        // Blocked outside the wait, so harmless if the wait already ended.
        me.kill(libc::SIGUSR1);
    });
    let empty = empty_set();
    // SAFETY: sigsuspend with a valid mask.
    let r = unsafe { libc::sigsuspend(&empty) };
    let e = errno();
    let runs = sys_runs();
    SIGSUSPEND_DONE.store(true, Ordering::SeqCst);
    helper.join().unwrap();
    assert_eq!(r, -1);
    assert!(sigsys_blocked(), "the mask is back after the wait");
    // Let the helper's SIGUSR1 and anything else pending run.
    sigprocmask(libc::SIG_UNBLOCK, &set_of(&[libc::SIGSYS, libc::SIGUSR1]));
    (e, runs)
}

#[test]
fn pending_sigsys_ends_a_sigsuspend_that_unblocks_it() {
    in_child("pending_sigsys_ends_a_sigsuspend_that_unblocks_it", || {
        let untraced = pending_sigsys_then_sigsuspend();
        assert_eq!(untraced, (libc::EINTR, 1), "untraced baseline");
        let hook = install_getpid_counter();
        let traced = pending_sigsys_then_sigsuspend();
        assert_eq!(traced, untraced, "the SIGSYS pending for the program ended the wait");
        hooked_getpids_work(&hook, 3);
    });
}

#[test]
fn sigtimedwait_on_a_set_with_sigsys() {
    in_child("sigtimedwait_on_a_set_with_sigsys", || {
        let hook = install_getpid_counter();
        let set = set_of(&[libc::SIGSYS, libc::SIGUSR2]);
        sigprocmask(libc::SIG_BLOCK, &set_of(&[libc::SIGUSR2]));
        let timeout = libc::timespec { tv_sec: 0, tv_nsec: 100_000_000 };
        let start = Instant::now();
        // SAFETY: valid set and timeout, no siginfo wanted.
        let r = unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &timeout) };
        assert_eq!((r, errno()), (-1, libc::EAGAIN), "nothing pending: times out");
        assert!(start.elapsed() >= Duration::from_millis(80), "it did wait");
        hooked_getpids_work(&hook, 3);

        // SAFETY: raising a blocked signal leaves it pending.
        assert_eq!(unsafe { libc::raise(libc::SIGUSR2) }, 0);
        // SAFETY: zeroed siginfo is a valid output buffer.
        let mut si: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: valid set, siginfo and timeout.
        let r = unsafe { libc::sigtimedwait(&set, &mut si, &timeout) };
        assert_eq!(r, libc::SIGUSR2, "a pending signal of the set is taken");
        assert_eq!(si.si_signo, libc::SIGUSR2);
        assert!(!has(&current_mask(), libc::SIGSYS));
        hooked_getpids_work(&hook, 3);
    });
}

// --------------------------------------------------- e. nested traps

/// A hook whose own libc calls hit hooked numbers.
struct CallsLibc {
    entries: AtomicUsize,
    ok: AtomicUsize,
}

impl Hook for CallsLibc {
    fn enter(&self, _: &mut SyscallInfo) -> Action {
        self.entries.fetch_add(1, Ordering::SeqCst);
        // Both are hooked, so both trap: they must skip hooks.
        // SAFETY: getppid and getpid take no arguments.
        let (ppid, pid) = unsafe { (libc::getppid(), libc::getpid()) };
        let msg = b"";
        // SAFETY: an empty write to stderr.
        let w = unsafe { libc::write(2, msg.as_ptr().cast(), 0) };
        // SAFETY: getppid through the gate never traps.
        let raw_ppid = unsafe { selftrace::raw::syscall(Sysno::getppid, &[]) }.unwrap() as i32;
        if ppid == raw_ppid && pid == selftrace::raw::getpid() as i32 && w == 0 {
            self.ok.fetch_add(1, Ordering::SeqCst);
        }
        Action::Run
    }
}

#[test]
fn hooks_calling_hooked_libc_functions_do_not_reenter_hooks() {
    in_child("hooks_calling_hooked_libc_functions_do_not_reenter_hooks", || {
        let hook = Arc::new(CallsLibc { entries: AtomicUsize::new(0), ok: AtomicUsize::new(0) });
        let tid = gettid();
        let mine = move || selftrace::raw::gettid() as i32 == tid;
        let h = hook.clone();
        let filtered = move |c: &mut SyscallInfo| if mine() { h.enter(c) } else { Action::Run };
        Builder::new()
            .on_entry(Sysno::getpid, filtered.clone())
            .on_entry(Sysno::getppid, filtered.clone())
            .on_entry(Sysno::write, filtered)
            .install()
            .unwrap();
        let real = selftrace::raw::getpid() as i32;
        for i in 1..=20 {
            assert_eq!(libc_getpid(), real);
            assert_eq!(hook.entries.load(Ordering::SeqCst), i, "one hook run per program call");
        }
        assert_eq!(hook.ok.load(Ordering::SeqCst), 20, "the hook's own calls returned right");
    });
}

static IN_SLOW_HOOK: AtomicBool = AtomicBool::new(false);
static SLOW_HOOK_RELEASE: AtomicBool = AtomicBool::new(false);

extern "C" fn usr1_during_hook(_: libc::c_int) {
    usr1_makes_calls(libc::SIGUSR1);
    SLOW_HOOK_RELEASE.store(true, Ordering::SeqCst);
}

#[test]
fn program_handler_interrupting_a_hook_makes_working_calls() {
    in_child("program_handler_interrupting_a_hook_makes_working_calls", || {
        // SAFETY: opening /dev/null with a static C string.
        let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY) };
        DEVNULL.store(fd, Ordering::SeqCst);
        TEST_TID.store(gettid(), Ordering::SeqCst);
        Builder::new()
            .on_entry(Sysno::getuid, |_| {
                IN_SLOW_HOOK.store(true, Ordering::SeqCst);
                let deadline = Instant::now() + Duration::from_secs(5);
                while !SLOW_HOOK_RELEASE.load(Ordering::SeqCst) && Instant::now() < deadline {
                    std::hint::spin_loop();
                }
                Action::value(4321)
            })
            .on_entry(Sysno::getpid, count_getpid)
            .on_entry(Sysno::write, count_write)
            .install()
            .unwrap();
        install_handler(libc::SIGUSR1, plain(usr1_during_hook), 0, empty_set());
        let me = Thread::me();
        let helper = std::thread::spawn(move || {
            while !IN_SLOW_HOOK.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(5));
            }
            std::thread::sleep(Duration::from_millis(50));
            me.kill(libc::SIGUSR1);
        });
        // SAFETY: getuid, emulated by the slow hook.
        let uid = unsafe { libc::getuid() };
        helper.join().unwrap();
        assert_eq!(uid, 4321, "the interrupted hook finished its call");
        assert_eq!(USR1_RUNS.load(Ordering::SeqCst), 1, "the handler ran inside the hook");
        assert_eq!(
            USR1_PID_OK.load(Ordering::SeqCst),
            1,
            "its nested trapped calls returned right"
        );
        let hooked = USR1_HOOKED.load(Ordering::SeqCst);
        // Observed, not required: calls from a program handler that
        // interrupted a hook currently skip hooks (the hook depth is
        // per thread). Printed so the report can say what happens.
        eprintln!("calls of a handler that interrupted a hook reached hooks: {}", hooked == 1);
        assert_eq!(libc_getpid(), selftrace::raw::getpid() as i32);
    });
}

// ------------------------------------ handlers that interrupt a hook

static HANDLER_GETPPIDS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn handler_calling_getppid(_: libc::c_int) {
    // SAFETY: getppid is async-signal-safe and takes no arguments.
    unsafe { libc::getppid() };
}

#[test]
fn a_handler_that_interrupts_a_hook_has_its_calls_hooked() {
    in_child("a_handler_that_interrupts_a_hook_has_its_calls_hooked", || {
        Builder::new()
            .on_entry(Sysno::getppid, |_| {
                HANDLER_GETPPIDS.fetch_add(1, Ordering::SeqCst);
                Action::Run
            })
            .on_entry(Sysno::getpid, |_| {
                // The hook's own call delivers SIGUSR1 to this thread while
                // the hook runs: the program's handler runs inside it.
                let tid = selftrace::raw::gettid() as u64;
                let pid = selftrace::raw::getpid() as u64;
                // SAFETY: tgkill to our own thread.
                let _ = unsafe {
                    selftrace::raw::syscall(Sysno::tgkill, &[pid, tid, libc::SIGUSR1 as u64])
                };
                Action::Run
            })
            .install()
            .unwrap();
        // SAFETY: installing a plain handler for SIGUSR1.
        unsafe {
            libc::signal(libc::SIGUSR1, handler_calling_getppid as *const () as libc::sighandler_t)
        };
        // SAFETY: getpid takes no arguments.
        unsafe { libc::getpid() };
        assert_eq!(
            HANDLER_GETPPIDS.load(Ordering::SeqCst),
            1,
            "the handler's getppid reached its hook"
        );
        // SAFETY: as above.
        unsafe { libc::getppid() };
        assert_eq!(HANDLER_GETPPIDS.load(Ordering::SeqCst), 2);
    });
}

static WOKEN: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_wakeup(_: libc::c_int) {
    WOKEN.fetch_add(1, Ordering::SeqCst);
}

extern "C" fn give_up(_: libc::c_int) {
    // SAFETY: _exit is async-signal-safe.
    unsafe { libc::_exit(99) };
}

#[test]
fn pause_returns_eintr_for_a_handler_that_ran_after_the_trap() {
    in_child("pause_returns_eintr_for_a_handler_that_ran_after_the_trap", || {
        // The signal lands after pause trapped, before it is re-issued
        // (here: sent by the hook itself). Waiting then would wait forever.
        Builder::new()
            .on_entry(Sysno::pause, |_| {
                let (pid, tid) = (selftrace::raw::getpid() as u64, selftrace::raw::gettid() as u64);
                // SAFETY: tgkill to our own thread.
                let _ = unsafe {
                    selftrace::raw::syscall(Sysno::tgkill, &[pid, tid, libc::SIGUSR2 as u64])
                };
                Action::Run
            })
            .install()
            .unwrap();
        // SAFETY: plain handlers; alarm bounds a hang at 10 s.
        unsafe {
            libc::signal(libc::SIGUSR2, count_wakeup as *const () as libc::sighandler_t);
            libc::signal(libc::SIGALRM, give_up as *const () as libc::sighandler_t);
            libc::alarm(10);
        }
        // SAFETY: pause has no arguments.
        let r = unsafe { libc::pause() };
        let e = std::io::Error::last_os_error().raw_os_error();
        assert_eq!((r, e), (-1, Some(libc::EINTR)));
        assert_eq!(WOKEN.load(Ordering::SeqCst), 1, "the handler ran once");
        // SAFETY: cancel the alarm.
        unsafe { libc::alarm(0) };
    });
}
