//! Process hazards with every call hooked (docs/design.md, hazards 4, 5, 6,
//! 8): fork, vfork, posix_spawn, exec, threads, and a program that runs
//! its own seccomp filter. Each test runs in its own process (see `common`).

#[path = "../common/mod.rs"]
mod common;

use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{errno, in_child, wait_status};
use selftrace::{Action, Builder, Hook, SyscallInfo, Sysno};

/// Counts every trapped call by number (lock-free: runs in the handler,
/// and in vfork children on the parent's memory).
struct PerCall {
    entries: [AtomicUsize; 512],
    total: AtomicUsize,
}

impl PerCall {
    fn new() -> Arc<PerCall> {
        Arc::new(PerCall {
            entries: [const { AtomicUsize::new(0) }; 512],
            total: AtomicUsize::new(0),
        })
    }

    fn n(&self, sysno: Sysno) -> usize {
        self.entries[sysno.id() as usize].load(Ordering::SeqCst)
    }
}

impl Hook for PerCall {
    fn enter(&self, call: &mut SyscallInfo) -> Action {
        self.total.fetch_add(1, Ordering::SeqCst);
        if let Some(slot) = self.entries.get(call.nr as usize) {
            slot.fetch_add(1, Ordering::SeqCst);
        }
        Action::Run
    }
}

fn install_hook_all() -> Arc<PerCall> {
    let calls = PerCall::new();
    Builder::new().hook_all(calls.clone()).install().unwrap();
    calls
}

fn exit_code(status: libc::c_int) -> Option<i32> {
    libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status))
}

// ------------------------------------------------------------------ fork

#[test]
fn fork_child_makes_hooked_calls_and_exits_with_its_code() {
    in_child("fork_child_makes_hooked_calls_and_exits_with_its_code", || {
        let calls = install_hook_all();
        let mut fds = [0; 2];
        // SAFETY: pipe fills the two-element array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: the child only makes async-signal-safe calls and _exits.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed: errno {}", errno());
        if pid == 0 {
            let before = calls.n(Sysno::getpid);
            // SAFETY: getpid and getppid take no arguments.
            let (me, parent) = unsafe { (libc::getpid(), libc::getppid()) };
            let ok = me == selftrace::raw::getpid() as i32
                && calls.n(Sysno::getpid) == before + 1
                && parent != me;
            let msg = me.to_ne_bytes();
            // SAFETY: write of a live buffer, then _exit without unwinding.
            unsafe {
                libc::write(fds[1], msg.as_ptr().cast(), msg.len());
                libc::_exit(if ok { 42 } else { 1 });
            }
        }
        let mut buf = [0u8; 4];
        // SAFETY: read into a live buffer.
        let n = unsafe { libc::read(fds[0], buf.as_mut_ptr().cast(), 4) };
        assert_eq!(n, 4);
        assert_eq!(i32::from_ne_bytes(buf), pid, "the child reported its own pid");
        let status = wait_status(pid, 0);
        assert_eq!(exit_code(status), Some(42), "child status {status:#x}");
        assert!(calls.n(Sysno::wait4) >= 1, "the parent's wait was trapped too");
    });
}

// ------------------------------------------------------- spawn and exec

#[test]
fn command_runs_sh_with_output_and_exit_code() {
    in_child("command_runs_sh_with_output_and_exit_code", || {
        let calls = install_hook_all();
        let out = Command::new("/bin/sh").args(["-c", "echo hi; exit 3"]).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "hi\n");
        assert_eq!(out.status.code(), Some(3), "{:?}, stderr {:?}", out.status, out.stderr);
        assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(calls.total.load(Ordering::SeqCst) > 0);
        // Twice in a row, and the parent keeps working.
        let out = Command::new("/bin/sh").args(["-c", "echo again; exit 0"]).output().unwrap();
        assert_eq!(
            (String::from_utf8_lossy(&out.stdout).as_ref(), out.status.code()),
            ("again\n", Some(0))
        );
        // SAFETY: getpid has no arguments.
        assert_eq!(unsafe { libc::getpid() }, selftrace::raw::getpid() as i32);
    });
}

#[test]
fn command_with_pre_exec_runs_through_fork() {
    in_child("command_with_pre_exec_runs_through_fork", || {
        install_hook_all();
        let mut cmd = Command::new("/bin/sh");
        cmd.args(["-c", "echo forked; exit 4"]);
        // SAFETY: the closure makes one async-signal-safe call.
        unsafe {
            cmd.pre_exec(|| {
                // A hooked call in the forked child before exec.
                if libc::getpid() == selftrace::raw::getpid() as i32 {
                    Ok(())
                } else {
                    Err(std::io::Error::other("getpid in the child was wrong"))
                }
            })
        };
        let out = cmd.output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "forked\n");
        assert_eq!(out.status.code(), Some(4), "{:?}, stderr {:?}", out.status, out.stderr);
    });
}

fn fork_exec(path: &str) -> libc::c_int {
    // Everything the child needs is built before fork: it must not allocate.
    let prog = CString::new(path).unwrap();
    let argv = [prog.as_ptr(), std::ptr::null()];
    // SAFETY: the child only calls execv and _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        // SAFETY: a NUL-terminated path and a NULL-terminated argv.
        unsafe {
            libc::execv(prog.as_ptr(), argv.as_ptr());
            libc::_exit(127);
        }
    }
    wait_status(pid, 0)
}

#[test]
fn forked_child_execs_bin_true_and_bin_false() {
    in_child("forked_child_execs_bin_true_and_bin_false", || {
        install_hook_all();
        let s = fork_exec("/bin/true");
        assert_eq!(exit_code(s), Some(0), "/bin/true: status {s:#x}");
        let s = fork_exec("/bin/false");
        assert_eq!(exit_code(s), Some(1), "/bin/false: status {s:#x}");
    });
}

// ----------------------------------------------------------------- vfork

static VFORK_CHILD_PID: AtomicI64 = AtomicI64::new(0);

/// vfork; the child stores its (hooked) getpid in a static and `_exit`s
/// with `code`. Kept in its own small frame that the child never returns
/// from: the compiler does not know vfork returns twice (the reason libc
/// deprecates it), so the child must not touch anything the parent's path
/// relies on.
#[inline(never)]
#[allow(deprecated)]
fn vfork_and_exit(code: i32) -> libc::pid_t {
    // SAFETY: the child only calls getpid, stores to a static and _exits;
    // it never returns from this frame.
    let pid = unsafe { libc::vfork() };
    if pid == 0 {
        // SAFETY: as above.
        unsafe {
            VFORK_CHILD_PID.store(libc::getpid() as i64, Ordering::SeqCst);
            libc::_exit(code);
        }
    }
    pid
}

#[test]
fn vfork_child_exits_with_its_code() {
    in_child("vfork_child_exits_with_its_code", || {
        let calls = install_hook_all();
        let exits_before = calls.n(Sysno::exit_group);
        let getpids_before = calls.n(Sysno::getpid);
        let pid = vfork_and_exit(7);
        assert!(pid > 0, "vfork failed: errno {}", errno());
        let status = wait_status(pid, 0);
        assert_eq!(exit_code(status), Some(7), "status {status:#x}");
        assert_eq!(
            VFORK_CHILD_PID.load(Ordering::SeqCst),
            pid as i64,
            "the child's hooked getpid was right"
        );
        // The child shares our memory: its hooks counted here.
        assert_eq!(
            calls.n(Sysno::getpid),
            getpids_before + 1,
            "the child's getpid reached the hook"
        );
        assert_eq!(
            calls.n(Sysno::exit_group),
            exits_before + 1,
            "the child's _exit reached the hook"
        );
        assert_eq!(
            // SAFETY: getpid has no arguments.
            unsafe { libc::getpid() },
            selftrace::raw::getpid() as i32,
            "the parent goes on"
        );
    });
}

// --------------------------------------------------------------- threads

#[test]
fn four_threads_make_hooked_calls() {
    in_child("four_threads_make_hooked_calls", || {
        const CALLS: usize = 2000;
        let calls = install_hook_all();
        let before = calls.n(Sysno::gettid);
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    let tid = selftrace::raw::gettid() as i64;
                    let pid = selftrace::raw::getpid() as i32;
                    for _ in 0..CALLS {
                        // SAFETY: gettid and getpid take no arguments.
                        assert_eq!(unsafe { libc::syscall(libc::SYS_gettid) }, tid);
                        // SAFETY: as above.
                        assert_eq!(unsafe { libc::getpid() }, pid);
                    }
                    tid
                })
            })
            .collect();
        let mut tids: Vec<i64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        tids.sort_unstable();
        tids.dedup();
        assert_eq!(tids.len(), 4, "four distinct threads");
        assert!(calls.n(Sysno::gettid) >= before + 4 * CALLS, "every thread's calls were trapped");
    });
}

// -------------------------------------------------- posix_spawn children

static PROGRAM_SIGSYS_RUNS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn program_sigsys(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
    PROGRAM_SIGSYS_RUNS.fetch_add(1, Ordering::SeqCst);
}

type Info = extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void);

fn set_sigsys_handler(h: Info) {
    // SAFETY: zeroed sigaction is valid; we fill handler, flags and mask.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = h as *const () as usize;
    sa.sa_flags = libc::SA_SIGINFO;
    // SAFETY: `h` is an SA_SIGINFO handler.
    assert_eq!(unsafe { libc::sigaction(libc::SIGSYS, &sa, std::ptr::null_mut()) }, 0);
}

fn sigsys_handler_now() -> usize {
    // SAFETY: zeroed sigaction is a valid output buffer; NULL act reads.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        assert_eq!(libc::sigaction(libc::SIGSYS, std::ptr::null(), &mut old), 0);
        old.sa_sigaction
    }
}

/// posix_spawn's child shares the parent's memory until it execs, and
/// resets every handled signal to SIG_DFL before exec. It must not reset
/// the parent's view of its own SIGSYS handler.
#[test]
fn spawning_a_child_keeps_the_programs_sigsys_handler() {
    in_child("spawning_a_child_keeps_the_programs_sigsys_handler", || {
        install_hook_all();
        set_sigsys_handler(program_sigsys);
        assert_eq!(sigsys_handler_now(), program_sigsys as *const () as usize);
        let status = Command::new("/bin/true").status().unwrap();
        assert!(status.success());
        assert_eq!(
            sigsys_handler_now(),
            program_sigsys as *const () as usize,
            "after spawning, sigaction(SIGSYS) still reads back the program's handler"
        );
        // SAFETY: raising a signal the program handles.
        assert_eq!(unsafe { libc::raise(libc::SIGSYS) }, 0);
        assert_eq!(PROGRAM_SIGSYS_RUNS.load(Ordering::SeqCst), 1, "and it still runs");
    });
}

extern "C" fn noop(_: libc::c_int) {}

#[test]
fn spawning_a_child_keeps_sigsys_in_a_handlers_sa_mask() {
    in_child("spawning_a_child_keeps_sigsys_in_a_handlers_sa_mask", || {
        install_hook_all();
        // SAFETY: zeroed sigaction, then a full mask and a plain handler.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: sigfillset on a set we own.
        unsafe { libc::sigfillset(&mut sa.sa_mask) };
        sa.sa_sigaction = noop as extern "C" fn(libc::c_int) as usize;
        // SAFETY: a valid sigaction for a plain handler.
        assert_eq!(unsafe { libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()) }, 0);
        let status = Command::new("/bin/true").status().unwrap();
        assert!(status.success());
        // SAFETY: zeroed sigaction as an output buffer; NULL act reads.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        assert_eq!(unsafe { libc::sigaction(libc::SIGUSR1, std::ptr::null(), &mut old) }, 0);
        assert_eq!(old.sa_sigaction, noop as extern "C" fn(libc::c_int) as usize);
        // SAFETY: sigismember on an initialised set.
        assert_eq!(unsafe { libc::sigismember(&old.sa_mask, libc::SIGSYS) }, 1);
    });
}

// ------------------------------------------ g. the program's own filters

const RET_ALLOW: u32 = 0x7fff_0000;
const RET_ERRNO: u32 = 0x0005_0000;
const RET_TRAP: u32 = 0x0003_0000;

/// Install, on the calling thread, a filter that answers `nr` with
/// `action` and allows everything else.
fn install_own_filter(nr: i64, action: u32) {
    let op = |code: u16, k: u32, jt: u8, jf: u8| libc::sock_filter { code, jt, jf, k };
    let prog = [
        op(0x20, 0, 0, 0),         // ld [nr]
        op(0x15, nr as u32, 0, 1), // jeq nr
        op(0x06, action, 0, 0),    // ret action
        op(0x06, RET_ALLOW, 0, 0), // ret allow
    ];
    let fprog = libc::sock_fprog { len: prog.len() as u16, filter: prog.as_ptr() as *mut _ };
    // SAFETY: prctl with valid arguments; no_new_privs is already set by
    // the runtime, setting it again is harmless.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        let prog_ptr = &fprog as *const libc::sock_fprog;
        let r = libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, prog_ptr);
        assert_eq!(r, 0, "installing the program's own filter failed: errno {}", errno());
    }
}

/// Records what the exit side of a hooked call saw.
struct LastExit {
    entries: AtomicUsize,
    rval: AtomicI64,
}

impl Hook for LastExit {
    fn enter(&self, _: &mut SyscallInfo) -> Action {
        self.entries.fetch_add(1, Ordering::SeqCst);
        Action::Run
    }

    fn exit(&self, call: &mut SyscallInfo) {
        self.rval.store(call.rval, Ordering::SeqCst);
    }
}

#[test]
fn own_filter_errno_applies_to_reissued_calls() {
    in_child("own_filter_errno_applies_to_reissued_calls", || {
        let hook = Arc::new(LastExit { entries: AtomicUsize::new(0), rval: AtomicI64::new(0) });
        let pids = PerCall::new();
        Builder::new()
            .hook(Sysno::getuid, hook.clone())
            .hook(Sysno::getpid, pids.clone())
            .install()
            .unwrap();
        // SAFETY: getuid has no arguments.
        let real_uid = unsafe { libc::getuid() };
        assert_eq!(hook.rval.load(Ordering::SeqCst), real_uid as i64);
        install_own_filter(libc::SYS_getuid, RET_ERRNO | libc::EPERM as u32);
        // SAFETY: raw getuid, so the error shows as -1 and errno.
        let r = unsafe { libc::syscall(libc::SYS_getuid) };
        assert_eq!(
            (r, errno()),
            (-1, libc::EPERM),
            "the program's filter answered the re-issued call"
        );
        assert_eq!(hook.entries.load(Ordering::SeqCst), 2, "the call was still trapped and hooked");
        assert_eq!(
            hook.rval.load(Ordering::SeqCst),
            -(libc::EPERM as i64),
            "the hook saw EPERM at exit"
        );
        // Everything else still works, hooked or not.
        // SAFETY: getpid takes no arguments.
        assert_eq!(unsafe { libc::getpid() }, selftrace::raw::getpid() as i32);
        assert!(pids.n(Sysno::getpid) >= 1);
        // SAFETY: getppid takes no arguments.
        assert_eq!(unsafe { libc::getppid() } as u32, std::os::unix::process::parent_id());
    });
}

#[test]
fn own_filter_errno_on_an_unhooked_call() {
    in_child("own_filter_errno_on_an_unhooked_call", || {
        let pids = PerCall::new();
        Builder::new().hook(Sysno::getpid, pids.clone()).install().unwrap();
        install_own_filter(libc::SYS_uname, RET_ERRNO | libc::EPERM as u32);
        // SAFETY: zeroed utsname as the output buffer.
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        // SAFETY: uname fills the struct it is given.
        let r = unsafe { libc::uname(&mut u) };
        assert_eq!((r, errno()), (-1, libc::EPERM));
        // SAFETY: getpid has no arguments.
        assert_eq!(unsafe { libc::getpid() }, selftrace::raw::getpid() as i32);
        assert_eq!(pids.n(Sysno::getpid), 1);
    });
}

static FOREIGN_TRAP_DATA: AtomicI64 = AtomicI64::new(-1);
static FOREIGN_TRAP_NR: AtomicI64 = AtomicI64::new(-1);

/// The program's own SIGSYS handler for its own filter's traps: emulates
/// the call by writing the result into the interrupted context.
extern "C" fn emulate_foreign(_: libc::c_int, si: *mut libc::siginfo_t, uc: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo and ucontext; for a
    // seccomp SIGSYS si_syscall is the int at offset 24.
    unsafe {
        FOREIGN_TRAP_DATA.store((*si).si_errno as i64, Ordering::SeqCst);
        FOREIGN_TRAP_NR.store(*(si.cast::<u8>().add(24).cast::<i32>()) as i64, Ordering::SeqCst);
        let uc = uc.cast::<libc::ucontext_t>();
        (*uc).uc_mcontext.gregs[libc::REG_RAX as usize] = 4321;
    }
}

#[test]
fn own_filter_traps_reach_the_programs_sigsys_handler() {
    in_child("own_filter_traps_reach_the_programs_sigsys_handler", || {
        let calls = install_hook_all();
        set_sigsys_handler(emulate_foreign);
        install_own_filter(libc::SYS_getppid, RET_TRAP | 0x77);
        // SAFETY: getppid, emulated by the program's own handler.
        let r = unsafe { libc::syscall(libc::SYS_getppid) };
        assert_eq!(r, 4321, "the program's handler emulated its own trap");
        assert_eq!(FOREIGN_TRAP_DATA.load(Ordering::SeqCst), 0x77, "with its own filter's data");
        assert_eq!(FOREIGN_TRAP_NR.load(Ordering::SeqCst), libc::SYS_getppid);
        let before = calls.n(Sysno::getpid);
        // SAFETY: getpid has no arguments.
        assert_eq!(unsafe { libc::getpid() }, selftrace::raw::getpid() as i32);
        assert_eq!(calls.n(Sysno::getpid), before + 1, "our traps keep working beside theirs");
    });
}
