//! What the signal tests share: a counting hook, signal sets, handler
//! installation, and waiting for a thread to block in a call.
#![allow(dead_code)]

use std::sync::atomic::{AtomicI32, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::common::errno;
use selftrace::{Action, Builder, Hook, SyscallInfo, Sysno};

/// Counts the calls of the thread it is bound to (or of every thread while
/// unbound) and keeps the last exit value. Lock-free: it runs in the
/// SIGSYS handler.
pub struct Count {
    pub tid: AtomicI64,
    pub entries: AtomicUsize,
    pub exits: AtomicUsize,
    pub last_rval: AtomicI64,
}

impl Count {
    pub fn new() -> Arc<Count> {
        Arc::new(Count {
            tid: AtomicI64::new(0),
            entries: AtomicUsize::new(0),
            exits: AtomicUsize::new(0),
            last_rval: AtomicI64::new(0),
        })
    }

    /// Count only the calls of the calling thread from now on.
    pub fn bind_here(&self) {
        self.tid.store(selftrace::raw::gettid() as i64, Ordering::SeqCst);
    }

    pub fn mine(&self) -> bool {
        let t = self.tid.load(Ordering::SeqCst);
        t == 0 || t == selftrace::raw::gettid() as i64
    }

    pub fn n(&self) -> usize {
        self.entries.load(Ordering::SeqCst)
    }
}

/// Install the runtime with a counter of this thread's `getpid` calls.
pub fn install_getpid_counter() -> Arc<Count> {
    let hook = Count::new();
    hook.bind_here();
    Builder::new().hook(Sysno::getpid, hook.clone()).install().unwrap();
    hook
}

impl Hook for Count {
    fn enter(&self, _: &mut SyscallInfo) -> Action {
        if self.mine() {
            self.entries.fetch_add(1, Ordering::SeqCst);
        }
        Action::Run
    }

    fn exit(&self, call: &mut SyscallInfo) {
        if self.mine() {
            self.exits.fetch_add(1, Ordering::SeqCst);
            self.last_rval.store(call.rval, Ordering::SeqCst);
        }
    }
}

pub fn gettid() -> i32 {
    selftrace::raw::gettid() as i32
}

pub fn empty_set() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the zeroed set it is given.
    unsafe {
        let mut s: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut s);
        s
    }
}

pub fn set_of(sigs: &[libc::c_int]) -> libc::sigset_t {
    let mut s = empty_set();
    for &sig in sigs {
        // SAFETY: `s` is an initialised set and `sig` a valid signal.
        unsafe { libc::sigaddset(&mut s, sig) };
    }
    s
}

/// Every signal but `except`.
pub fn full_set_minus(except: libc::c_int) -> libc::sigset_t {
    // SAFETY: sigfillset/sigdelset on a set we own.
    unsafe {
        let mut s: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut s);
        libc::sigdelset(&mut s, except);
        s
    }
}

pub fn has(set: &libc::sigset_t, sig: libc::c_int) -> bool {
    // SAFETY: `set` is an initialised sigset.
    unsafe { libc::sigismember(set, sig) == 1 }
}

/// The calling thread's mask as `sigprocmask(SIG_BLOCK, NULL, &old)` shows it.
pub fn current_mask() -> libc::sigset_t {
    let mut old = empty_set();
    // SAFETY: a NULL set only reads the mask into `old`.
    let r = unsafe { libc::sigprocmask(libc::SIG_BLOCK, std::ptr::null(), &mut old) };
    assert_eq!(r, 0, "sigprocmask readback failed: errno {}", errno());
    old
}

pub fn sigsys_blocked() -> bool {
    has(&current_mask(), libc::SIGSYS)
}

pub fn sigprocmask(how: libc::c_int, set: &libc::sigset_t) {
    // SAFETY: valid set, no old set requested.
    let r = unsafe { libc::sigprocmask(how, set, std::ptr::null_mut()) };
    assert_eq!(r, 0, "sigprocmask({how}) failed: errno {}", errno());
}

/// A plain (one-argument) handler.
pub type Plain = extern "C" fn(libc::c_int);
/// An `SA_SIGINFO` handler.
pub type Info = extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);

pub fn install_handler(sig: libc::c_int, handler: usize, flags: libc::c_int, mask: libc::sigset_t) {
    // SAFETY: a zeroed sigaction is valid; we fill the fields we use.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = handler;
    sa.sa_flags = flags;
    sa.sa_mask = mask;
    // SAFETY: `handler` is SIG_DFL, SIG_IGN or an extern "C" handler of
    // the kind `flags` says; `sa` is fully initialised.
    let r = unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) };
    assert_eq!(r, 0, "sigaction({sig}) failed: errno {}", errno());
}

pub fn plain(h: Plain) -> usize {
    h as usize
}

pub fn info(h: Info) -> usize {
    h as usize
}

pub fn read_sigaction(sig: libc::c_int) -> libc::sigaction {
    // SAFETY: zeroed sigaction is valid as an output buffer.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: NULL act only reads the disposition into `old`.
    let r = unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) };
    assert_eq!(r, 0, "sigaction readback of {sig} failed: errno {}", errno());
    old
}

/// A hooked call with a known answer: getpid through libc.
pub fn libc_getpid() -> i32 {
    // SAFETY: getpid has no arguments and cannot fail.
    unsafe { libc::getpid() }
}

/// Check that `n` hooked getpid calls reach `hook` and return the right pid.
pub fn hooked_getpids_work(hook: &Count, n: usize) {
    let real = selftrace::raw::getpid() as i32;
    let before = hook.n();
    for _ in 0..n {
        assert_eq!(libc_getpid(), real);
    }
    assert_eq!(hook.n() - before, n, "every hooked getpid reached the hook");
}

/// Wait until thread `tid` is blocked in syscall `nr` (as
/// `/proc/<tid>/syscall` shows it, whether it was issued by the program or
/// re-issued from the SIGSYS handler), then a generous margin more.
pub fn wait_until_blocked_in(tid: i32, nr: i64) {
    let path = format!("/proc/self/task/{tid}/syscall");
    let want = nr.to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = std::fs::read_to_string(&path).unwrap_or_default();
        if s.split_whitespace().next() == Some(want.as_str()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "thread {tid} never blocked in syscall {nr} (last: {s:?})"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(100));
}

/// The pthread handle of the calling thread, sendable to a helper.
#[derive(Clone, Copy)]
pub struct Thread(pub libc::pthread_t);
// SAFETY: a pthread_t is an opaque id, valid from any thread while the
// thread it names is alive (the tests join helpers before it ends).
unsafe impl Send for Thread {}

impl Thread {
    pub fn me() -> Thread {
        // SAFETY: pthread_self cannot fail.
        Thread(unsafe { libc::pthread_self() })
    }

    pub fn kill(self, sig: libc::c_int) {
        // SAFETY: the thread is alive (see the Send impl) and `sig` valid.
        let r = unsafe { libc::pthread_kill(self.0, sig) };
        assert_eq!(r, 0, "pthread_kill failed: {r}");
    }
}

// ------------------------------- hooks and handlers that count

pub static WRITE_HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);
pub static GETPID_HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);
/// The thread whose calls the static-counter hooks count (0: any).
pub static TEST_TID: AtomicI32 = AtomicI32::new(0);

pub fn on_test_thread() -> bool {
    let t = TEST_TID.load(Ordering::SeqCst);
    t == 0 || t == gettid()
}

pub fn count_getpid(_: &mut SyscallInfo) -> Action {
    if on_test_thread() {
        GETPID_HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    }
    Action::Run
}

pub fn count_write(_: &mut SyscallInfo) -> Action {
    if on_test_thread() {
        WRITE_HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    }
    Action::Run
}

pub static SYS_RUNS: AtomicUsize = AtomicUsize::new(0);
pub static SYS_LAST_CODE: AtomicI32 = AtomicI32::new(0);
pub static SYS_LAST_SIGNO: AtomicI32 = AtomicI32::new(0);

pub extern "C" fn own_sigsys(sig: libc::c_int, si: *mut libc::siginfo_t, _: *mut libc::c_void) {
    SYS_RUNS.fetch_add(1, Ordering::SeqCst);
    SYS_LAST_SIGNO.store(sig, Ordering::SeqCst);
    // SAFETY: the kernel (or the runtime, on its behalf) passes a valid siginfo.
    SYS_LAST_CODE.store(unsafe { (*si).si_code }, Ordering::SeqCst);
}

pub fn sys_runs() -> usize {
    SYS_RUNS.load(Ordering::SeqCst)
}

pub fn wait_for_sys_runs(n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while sys_runs() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
}
