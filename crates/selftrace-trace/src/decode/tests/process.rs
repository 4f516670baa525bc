//! Processes, memory, signals, time and the rest: exec, wait, clone,
//! mmap, the signal calls, limits, futexes, prctl, ids.

use crate::decode::process::CloneArgs;
use crate::decode::signal::tests::{addr, line, line_cx, BAD};
use crate::decode::sys::Rlimit;
use crate::decode::time::Timezone;
use crate::decode::Context;
use selftrace::Sysno;

#[test]
fn memory() {
    // strace 6.1, on a small C program making these calls.
    assert_eq!(
        line(Sysno::mmap, &[0, 8192, 3, 0x22, u64::MAX, 0], 0x7fe63db51000),
        "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fe63db51000"
    );
    assert_eq!(
        line(Sysno::mmap, &[0x1000, 4096, 1, 0x800011, 99, 0x1000], -9),
        "mmap(0x1000, 4096, PROT_READ, MAP_SHARED|MAP_FIXED|0x800000, 99, 0x1000) = -1 EBADF (Bad file descriptor)"
    );
    assert_eq!(
        line(Sysno::mmap, &[0, 4096, 0x80, 3, 3, 0], -9),
        "mmap(NULL, 4096, 0x80 /* PROT_??? */, MAP_SHARED_VALIDATE, 3, 0) = -1 EBADF (Bad file descriptor)"
    );
    assert_eq!(
        line(Sysno::mmap, &[0, 4096, 1, 0x2 | 0x20 | 0x4000 | 0x8000 | 0x100 | 0x20000 | 0x40000 | (21 << 26), u64::MAX, 0], -22),
        "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_POPULATE|MAP_GROWSDOWN|MAP_STACK|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::mmap, &[0, 4096, 7, 0x2 | 0x200 | (30 << 26), u64::MAX, 0], -9),
        "mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|0x200|30<<MAP_HUGE_SHIFT, -1, 0) = -1 EBADF (Bad file descriptor)"
    );
    assert_eq!(
        line(Sysno::mmap, &[0, 4096, 7, 0x17, u64::MAX, 0], -9),
        "mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, 0x7 /* MAP_??? */|MAP_FIXED, -1, 0) = -1 EBADF (Bad file descriptor)"
    );
    assert_eq!(
        line(Sysno::mmap, &[0, 4096, 1, 0x20, u64::MAX, 0], -22),
        "mmap(NULL, 4096, PROT_READ, MAP_FILE|MAP_ANONYMOUS, -1, 0) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::mmap, &[0, 4096, 1, 0, u64::MAX, u64::MAX], -22),
        "mmap(NULL, 4096, PROT_READ, MAP_FILE, -1, 0xffffffffffffffff) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::mprotect, &[0x7fe63db51000, 4096, 0], 0),
        "mprotect(0x7fe63db51000, 4096, PROT_NONE) = 0"
    );
    assert_eq!(
        line(Sysno::mprotect, &[0x7fe63db51000, 4096, 0x105], -22),
        "mprotect(0x7fe63db51000, 4096, PROT_READ|PROT_EXEC|0x100) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::mprotect, &[0, 4096, 0x10], -22),
        "mprotect(NULL, 4096, 0x10 /* PROT_??? */) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(line(Sysno::brk, &[0], 0x55911d445000), "brk(NULL) = 0x55911d445000");
    assert_eq!(line(Sysno::munmap, &[0, 0], -22), "munmap(NULL, 0) = -1 EINVAL (Invalid argument)");
    assert_eq!(
        line(Sysno::madvise, &[0x7fe63db51000, 8192, 77], -22),
        "madvise(0x7fe63db51000, 8192, 0x4d /* MADV_??? */) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::madvise, &[0x7fe63db51000, 8192, 14], 0),
        "madvise(0x7fe63db51000, 8192, MADV_HUGEPAGE) = 0"
    );
    assert_eq!(
        line(Sysno::mremap, &[0x7fe63db51000, 8192, 16384, 7, 0x10000], -22),
        "mremap(0x7fe63db51000, 8192, 16384, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 0x10000) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::mremap, &[0, 4096, 4096, 0x12, 0x10000], -22),
        "mremap(NULL, 4096, 4096, MREMAP_FIXED|0x10) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::mremap, &[0, 4096, 4096, 0x40, 0], -22),
        "mremap(NULL, 4096, 4096, 0x40 /* MREMAP_??? */) = -1 EINVAL (Invalid argument)"
    );
}

fn cstrs<const N: usize>(strs: [&'static [u8]; N]) -> [u64; N] {
    strs.map(|s| if s.is_empty() { 0 } else { s.as_ptr() as u64 })
}

#[test]
fn exec() {
    // strace 6.1 -s 10, on a small C program making these calls.
    let cx = Context { string_limit: 10, fd_paths: false };
    let argv =
        cstrs([b"ls\0", b"-l\0", b"a\"b\n\0", b"0123456789012345678901234567890123456789\0", b""]);
    let env = cstrs([b"A=1\0", b"B=2\0", b""]);
    let e = addr(&env);
    assert_eq!(
        line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, addr(&argv), e], -2, cx),
        format!("execve(\"/nonexistent\", [\"ls\", \"-l\", \"a\\\"b\\n\", \"0123456789\"...], {e:#x} /* 2 vars */) = -1 ENOENT (No such file or directory)")
    );
    assert_eq!(
        line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, 0, 0], -2, cx),
        "execve(\"/nonexistent\", NULL, NULL) = -1 ENOENT (No such file or directory)"
    );
    assert_eq!(
        line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, BAD, BAD], -2, cx),
        "execve(\"/nonexistent\", 0x8, 0x8) = -1 ENOENT (No such file or directory)"
    );
    let mut many = [c"x".as_ptr() as u64; 40];
    many[39] = 0;
    assert_eq!(
        line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, addr(&many), e], -2, cx),
        format!("execve(\"/nonexistent\", [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", ...], {e:#x} /* 2 vars */) = -1 ENOENT (No such file or directory)")
    );
    let bad = [c"a".as_ptr() as u64, BAD, 0];
    assert_eq!(
        line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, addr(&bad), e], -2, cx),
        format!("execve(\"/nonexistent\", [\"a\", 0x8], {e:#x} /* 2 vars */) = -1 ENOENT (No such file or directory)")
    );
    assert_eq!(
        line_cx(Sysno::execveat, &[5, c"".as_ptr() as u64, addr(&argv), e, 0x10], -2, cx),
        format!("execveat(5, \"\", [\"ls\", \"-l\", \"a\\\"b\\n\", \"0123456789\"...], {e:#x} /* 2 vars */, 0x10 /* AT_??? */) = -1 ENOENT (No such file or directory)")
    );
    assert_eq!(
        line_cx(Sysno::execveat, &[libc::AT_FDCWD as u64, c"/x".as_ptr() as u64, 0, 0, 0x1100], -2, cx),
        "execveat(AT_FDCWD, \"/x\", NULL, NULL, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH) = -1 ENOENT (No such file or directory)"
    );
    assert_eq!(line(Sysno::exit_group, &[3], 0), "exit_group(3) = 0");
}

#[test]
fn waiting() {
    // strace 6.1, on a small C program making these calls.
    let mut st: i32 = 0;
    assert_eq!(
        line(Sysno::wait4, &[u64::MAX, addr(&st), 0, 0], 1234),
        "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 1234"
    );
    st = libc::SIGKILL;
    assert_eq!(
        line(Sysno::wait4, &[7848, addr(&st), 0, 0], 7848),
        "wait4(7848, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 7848"
    );
    st = libc::SIGSEGV | 0x80;
    assert_eq!(
        line(Sysno::wait4, &[7848, addr(&st), 0, 0], 7848),
        "wait4(7848, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], 0, NULL) = 7848"
    );
    st = 0x137f;
    assert_eq!(
        line(Sysno::wait4, &[7850, addr(&st), 2, 0], 7850),
        "wait4(7850, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, NULL) = 7850"
    );
    st = 0xffff;
    assert_eq!(
        line(Sysno::wait4, &[7850, addr(&st), 8, 0], 7850),
        "wait4(7850, [{WIFCONTINUED(s)}], WCONTINUED, NULL) = 7850"
    );
    let a = addr(&st);
    assert_eq!(
        line(Sysno::wait4, &[7850, a, 1, 0], 0),
        format!("wait4(7850, {a:#x}, WNOHANG, NULL) = 0")
    );
    assert_eq!(
        line(Sysno::wait4, &[7850, a, 0x8000000b, 0], -10),
        format!("wait4(7850, {a:#x}, WNOHANG|WSTOPPED|WCONTINUED|__WCLONE, NULL) = -1 ECHILD (No child processes)")
    );
    assert_eq!(
        line(Sysno::wait4, &[u64::MAX, 0, 0xe0000100, 0], -22),
        "wait4(-1, NULL, __WCLONE|__WALL|__WNOTHREAD|0x100, NULL) = -1 EINVAL (Invalid argument)"
    );
    // SAFETY: rusage is plain C data.
    // SAFETY: rusage is plain integers; all zeroes is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    ru.ru_utime.tv_usec = 88;
    st = 3 << 8;
    assert_eq!(
        line(Sysno::wait4, &[7849, addr(&st), 0x40000000, addr(&ru)], 7849),
        "wait4(7849, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], __WALL, {ru_utime={tv_sec=0, tv_usec=88}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 7849"
    );
    let mut si = [0u64; 16];
    si[0] = libc::SIGCHLD as u64;
    si[1] = libc::CLD_EXITED as u64;
    si[2] = 7851;
    si[3] = 3;
    assert_eq!(
        line(Sysno::waitid, &[1, 7851, addr(&si), 4, 0], 0),
        "waitid(P_PID, 7851, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=7851, si_uid=0, si_status=3, si_utime=0, si_stime=0}, WEXITED, NULL) = 0"
    );
    let empty = [0u64; 16];
    assert_eq!(
        line(Sysno::waitid, &[1, 19107, addr(&empty), 5, 0], 0),
        "waitid(P_PID, 19107, {}, WNOHANG|WEXITED, NULL) = 0"
    );
    let e = addr(&empty);
    assert_eq!(
        line(Sysno::waitid, &[7, 3, e, 0x10e, 0], -22),
        format!("waitid(0x7 /* P_??? */, 3, {e:#x}, WEXITED|WSTOPPED|WCONTINUED|0x100, NULL) = -1 EINVAL (Invalid argument)")
    );
}

#[test]
fn cloning() {
    // strace 6.1, on a small C program making these calls.
    assert_eq!(
        line(Sysno::clone, &[0x1200011, 0, 0, 0x7f2cd0806a10, 0], 7847),
        "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f2cd0806a10) = 7847"
    );
    assert_eq!(
        line(Sysno::clone, &[0x1003d0f00 , 0x1000, 0x2000, 0x3000, 0x4000], 7863),
        "clone(child_stack=0x1000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|0x100000000, parent_tid=0x2000, tls=0x4000, child_tidptr=0x3000) = 7863"
    );
    assert_eq!(
        line(Sysno::clone, &[0xff, 0x1000, 8, 16, 24], 19108),
        "clone(child_stack=0x1000, flags=255) = 19108"
    );
    assert_eq!(
        line(Sysno::clone, &[0, 0x1000, 8, 16, 24], 19109),
        "clone(child_stack=0x1000, flags=0) = 19109"
    );
    assert_eq!(
        line(Sysno::clone, &[0x10000000 | 17, 0, 0, 0, 0], 7861),
        "clone(child_stack=NULL, flags=CLONE_NEWUSER|SIGCHLD) = 7861"
    );
    let ptid: i32 = 7860;
    assert_eq!(
        line(Sysno::clone, &[0x100000 | 17, 0, addr(&ptid), 0, 0], 7860),
        "clone(child_stack=NULL, flags=CLONE_PARENT_SETTID|SIGCHLD, parent_tid=[7860]) = 7860"
    );
    let mut ca = CloneArgs { flags: 0x4100, exit_signal: 17, ..CloneArgs::default() };
    assert_eq!(
        line(Sysno::clone3, &[addr(&ca), 88], 7855),
        "clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 7855"
    );
    let pidfd: i32 = 3;
    ca.flags = 0x1000 | 0x100000 | 0x1000000;
    ca.pidfd = addr(&pidfd);
    ca.parent_tid = addr(&ptid);
    ca.child_tid = 0x7ffe9162b854;
    assert_eq!(
        line(Sysno::clone3, &[addr(&ca), 88], 7860),
        format!(
            "clone3({{flags=CLONE_PIDFD|CLONE_PARENT_SETTID|CLONE_CHILD_SETTID, pidfd={:#x}, child_tid=0x7ffe9162b854, parent_tid={:#x}, exit_signal=SIGCHLD, stack=NULL, stack_size=0}} => {{pidfd=[3], parent_tid=[7860]}}, 88) = 7860",
            addr(&pidfd),
            addr(&ptid)
        )
    );
    let tids = [1i32, 2];
    let ca = CloneArgs {
        flags: 0x20000 | 0x80000 | 0x100000000 | 0x200000000 | 0x800000000,
        exit_signal: 77,
        stack: 0x1000,
        stack_size: 0x2000,
        tls: 0x3000,
        set_tid: addr(&tids),
        set_tid_size: 2,
        cgroup: 5,
        ..CloneArgs::default()
    };
    assert_eq!(
        line(Sysno::clone3, &[addr(&ca), 88], -22),
        "clone3({flags=CLONE_NEWNS|CLONE_SETTLS|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP|0x800000000, exit_signal=77, stack=0x1000, stack_size=0x2000, tls=0x3000, set_tid=[1, 2], set_tid_size=2, cgroup=5}, 88) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::clone3, &[addr(&ca), 64], -22),
        "clone3({flags=CLONE_NEWNS|CLONE_SETTLS|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP|0x800000000, exit_signal=77, stack=0x1000, stack_size=0x2000, tls=0x3000}, 64) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(line(Sysno::clone3, &[0, 88], -14), "clone3(NULL, 88) = -1 EFAULT (Bad address)");
    assert_eq!(line(Sysno::clone3, &[BAD, 88], -14), "clone3(0x8, 88) = -1 EFAULT (Bad address)");
    assert_eq!(line(Sysno::vfork, &[], 7852), "vfork() = 7852");
}

#[repr(C)]
struct Ksa {
    h: u64,
    flags: u64,
    restorer: u64,
    mask: u64,
}

#[test]
fn signals() {
    // strace 6.1, on a small C program making these calls.
    assert_eq!(
        line(Sysno::kill, &[99999, 35], -3),
        "kill(99999, SIGRT_3) = -1 ESRCH (No such process)"
    );
    assert_eq!(line(Sysno::kill, &[99999, 65], -3), "kill(99999, 65) = -1 ESRCH (No such process)");
    assert_eq!(
        line(Sysno::kill, &[99999, 0x100000001], -3),
        "kill(99999, SIGHUP) = -1 ESRCH (No such process)"
    );
    assert_eq!(line(Sysno::kill, &[0, 0], 0), "kill(0, 0) = 0");
    assert_eq!(line(Sysno::tgkill, &[20591, 20591, 12], 0), "tgkill(20591, 20591, SIGUSR2) = 0");
    let act = Ksa { h: 0x5633fde3e159, flags: 0x04000000 | 0x10000000, restorer: 0x1234, mask: 0 };
    let old = Ksa { h: 0, flags: 0, restorer: 0, mask: 0 };
    assert_eq!(
        line(Sysno::rt_sigaction, &[2, addr(&act), addr(&old), 8], 0),
        "rt_sigaction(SIGINT, {sa_handler=0x5633fde3e159, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x1234}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0"
    );
    let act = Ksa {
        h: 0,
        flags: 0x08000000 | 0x40000000 | 0x80000000 | 7 | 0x10c00,
        restorer: 0,
        mask: !0,
    };
    assert_eq!(
        line(Sysno::rt_sigaction, &[10, addr(&act), 0, 8], 0),
        "rt_sigaction(SIGUSR1, {sa_handler=SIG_DFL, sa_mask=~[], sa_flags=SA_ONSTACK|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0x10c00}, NULL, 8) = 0"
    );
    let act = Ksa { h: 1, flags: 0x80000000, restorer: 0, mask: !((1 << 8) | (1 << 18)) };
    let o = addr(&old);
    assert_eq!(
        line(Sysno::rt_sigaction, &[9, addr(&act), o, 8], -22),
        format!("rt_sigaction(SIGKILL, {{sa_handler=SIG_IGN, sa_mask=~[KILL STOP], sa_flags=SA_RESETHAND}}, {o:#x}, 8) = -1 EINVAL (Invalid argument)")
    );
    assert_eq!(
        line(Sysno::rt_sigaction, &[10, 8, 16, 8], -14),
        "rt_sigaction(SIGUSR1, 0x8, 0x10, 8) = -1 EFAULT (Bad address)"
    );
    let set: u64 = 1 << 16;
    let oset: u64 = 0;
    assert_eq!(
        line(Sysno::rt_sigprocmask, &[0, addr(&set), addr(&oset), 8], 0),
        "rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8) = 0"
    );
    let (s, os) = (addr(&set), addr(&oset));
    assert_eq!(
        line(Sysno::rt_sigprocmask, &[0, s, os, 16], -22),
        format!("rt_sigprocmask(SIG_BLOCK, {s:#x}, {os:#x}, 16) = -1 EINVAL (Invalid argument)")
    );
    assert_eq!(
        line(Sysno::rt_sigprocmask, &[5, addr(&oset), 0, 8], -22),
        "rt_sigprocmask(0x5 /* SIG_??? */, [], NULL, 8) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(line(Sysno::rt_sigpending, &[addr(&oset), 8], 0), "rt_sigpending([], 8) = 0");
    assert_eq!(
        line(Sysno::rt_sigpending, &[8, 8], -14),
        "rt_sigpending(0x8, 8) = -1 EFAULT (Bad address)"
    );
    assert_eq!(
        line(Sysno::rt_sigsuspend, &[s, 7], -22),
        format!("rt_sigsuspend({s:#x}, 7) = -1 EINVAL (Invalid argument)")
    );
    let ss = libc::stack_t { ss_sp: 0x1000 as *mut libc::c_void, ss_flags: 0, ss_size: 8192 };
    let oss = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: 2, ss_size: 0 };
    assert_eq!(
        line(Sysno::sigaltstack, &[addr(&ss), addr(&oss)], 0),
        "sigaltstack({ss_sp=0x1000, ss_flags=0, ss_size=8192}, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}) = 0"
    );
    let ss2 = libc::stack_t {
        ss_sp: 0x1000 as *mut libc::c_void,
        ss_flags: 1 | (1 << 31) | 0x10,
        ss_size: 8192,
    };
    assert_eq!(
        line(Sysno::sigaltstack, &[addr(&ss2), 8], -22),
        "sigaltstack({ss_sp=0x1000, ss_flags=SS_ONSTACK|SS_AUTODISARM|0x10, ss_size=8192}, 0x8) = -1 EINVAL (Invalid argument)"
    );
    let usr2: u64 = 1 << 11;
    let ts = libc::timespec { tv_sec: 0, tv_nsec: 1000 };
    let mut si = [0u64; 16];
    si[0] = 12;
    si[1] = libc::SI_TKILL as u32 as u64;
    si[2] = 20591;
    assert_eq!(
        line(Sysno::rt_sigtimedwait, &[addr(&usr2), addr(&si), addr(&ts), 8], 12),
        "rt_sigtimedwait([USR2], {si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=20591, si_uid=0}, {tv_sec=0, tv_nsec=1000}, 8) = 12 (SIGUSR2)"
    );
    let sip = addr(&si);
    assert_eq!(
        line(Sysno::rt_sigtimedwait, &[addr(&usr2), sip, addr(&ts), 8], -11),
        format!("rt_sigtimedwait([USR2], {sip:#x}, {{tv_sec=0, tv_nsec=1000}}, 8) = -1 EAGAIN (Resource temporarily unavailable)")
    );
}

#[test]
fn limits_random_futex() {
    // strace 6.1, on a small C program making these calls.
    let r = Rlimit { cur: 8192 * 1024, max: u64::MAX };
    assert_eq!(
        line(Sysno::prlimit64, &[0, 3, 0, addr(&r)], 0),
        "prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0"
    );
    let n = Rlimit { cur: 1025, max: 4096 };
    let o = Rlimit { cur: 20000, max: 20000 };
    assert_eq!(
        line(Sysno::prlimit64, &[0, 7, addr(&n), addr(&o)], 0),
        "prlimit64(0, RLIMIT_NOFILE, {rlim_cur=1025, rlim_max=4*1024}, {rlim_cur=20000, rlim_max=20000}) = 0"
    );
    let oa = addr(&o);
    assert_eq!(
        line(Sysno::prlimit64, &[1, 99, 0, oa], -22),
        format!(
            "prlimit64(1, 0x63 /* RLIMIT_??? */, NULL, {oa:#x}) = -1 EINVAL (Invalid argument)"
        )
    );
    assert_eq!(
        line(Sysno::getrlimit, &[4, addr(&Rlimit { cur: 0, max: u64::MAX })], 0),
        "getrlimit(RLIMIT_CORE, {rlim_cur=0, rlim_max=RLIM64_INFINITY}) = 0"
    );
    let rnd = [0x29u8, 0x1e, 0xe8, 0x37, 0x11, 0xdb, 0x50, 0x02];
    assert_eq!(
        line(Sysno::getrandom, &[addr(&rnd), 8, 1], 8),
        r#"getrandom("\x29\x1e\xe8\x37\x11\xdb\x50\x02", 8, GRND_NONBLOCK) = 8"#
    );
    let big = [0xabu8; 40];
    assert_eq!(
        line(Sysno::getrandom, &[addr(&big), 40, 0], 40),
        format!("getrandom(\"{}\"..., 40, 0) = 40", "\\xab".repeat(32))
    );
    let b = addr(&rnd);
    assert_eq!(
        line(Sysno::getrandom, &[b, 4, 0xe], -22),
        format!(
            "getrandom({b:#x}, 4, GRND_RANDOM|GRND_INSECURE|0x8) = -1 EINVAL (Invalid argument)"
        )
    );
    let f: i32 = 0;
    let fa = addr(&f);
    let ts = libc::timespec { tv_sec: 0, tv_nsec: 1 };
    assert_eq!(
        line(Sysno::futex, &[fa, 129, 1, 0, 0, 0], 0),
        format!("futex({fa:#x}, FUTEX_WAKE_PRIVATE, 1) = 0")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 128, 1, 0, 0, 0], -11),
        format!("futex({fa:#x}, FUTEX_WAIT_PRIVATE, 1, NULL) = -1 EAGAIN (Resource temporarily unavailable)")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 0x189, 0, addr(&ts), 0, 0xffffffff], -110),
        format!("futex({fa:#x}, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, {{tv_sec=0, tv_nsec=1}}, FUTEX_BITSET_MATCH_ANY) = -1 ETIMEDOUT (Connection timed out)")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 10, 1, 0, 0, 5], 0),
        format!("futex({fa:#x}, FUTEX_WAKE_BITSET, 1, 0x5) = 0")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 131, 1, 2, fa, 0], 0),
        format!("futex({fa:#x}, FUTEX_REQUEUE_PRIVATE, 1, 2, {fa:#x}) = 0")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 132, 1, 2, fa, 0], 0),
        format!("futex({fa:#x}, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, {fa:#x}, 0) = 0")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 133, 1, 2, fa, 0x04000001], 0),
        format!("futex({fa:#x}, FUTEX_WAKE_OP_PRIVATE, 1, 2, {fa:#x}, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1) = 0")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 134, 0, 0, 0, 0], 0),
        format!("futex({fa:#x}, FUTEX_LOCK_PI_PRIVATE, NULL) = 0")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 135, 0, 0, 0, 0], 0),
        format!("futex({fa:#x}, FUTEX_UNLOCK_PI_PRIVATE) = 0")
    );
    assert_eq!(
        line(Sysno::futex, &[fa, 99, 0, 0, 0, 0], -38),
        format!("futex({fa:#x}, 0x63 /* FUTEX_??? */, 0, NULL, NULL, 0) = -1 ENOSYS (Function not implemented)")
    );
}

#[test]
fn time_and_system() {
    // strace 6.1, on a small C program making these calls.
    let ts = libc::timespec { tv_sec: 0, tv_nsec: 1000 };
    let rem = ts;
    let r = addr(&rem);
    assert_eq!(
        line(Sysno::nanosleep, &[addr(&ts), r], 0),
        format!("nanosleep({{tv_sec=0, tv_nsec=1000}}, {r:#x}) = 0")
    );
    assert_eq!(
        line(Sysno::nanosleep, &[8, 0], -14),
        "nanosleep(0x8, NULL) = -1 EFAULT (Bad address)"
    );
    let neg = libc::timespec { tv_sec: 0, tv_nsec: -1 };
    assert_eq!(
        line(Sysno::nanosleep, &[addr(&neg), 0], -22),
        "nanosleep({tv_sec=0, tv_nsec=18446744073709551615}, NULL) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::nanosleep, &[addr(&ts), r], -4),
        "nanosleep({tv_sec=0, tv_nsec=1000}, {tv_sec=0, tv_nsec=1000}) = -1 EINTR (Interrupted system call)"
    );
    assert_eq!(
        line(Sysno::clock_nanosleep, &[0, 1, addr(&ts), 0], 0),
        "clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, {tv_sec=0, tv_nsec=1000}, NULL) = 0"
    );
    assert_eq!(
        line(Sysno::clock_nanosleep, &[99, 2, addr(&ts), 0], -22),
        "clock_nanosleep(0x63 /* CLOCK_??? */, 0x2 /* TIMER_??? */, {tv_sec=0, tv_nsec=1000}, NULL) = -1 EINVAL (Invalid argument)"
    );
    let now = libc::timespec { tv_sec: 1795443536, tv_nsec: 707555909 };
    assert_eq!(
        line(Sysno::clock_gettime, &[0, addr(&now)], 0),
        "clock_gettime(CLOCK_REALTIME, {tv_sec=1795443536, tv_nsec=707555909}) = 0"
    );
    assert_eq!(
        line(Sysno::clock_gettime, &[7, 8], -14),
        "clock_gettime(CLOCK_BOOTTIME, 0x8) = -1 EFAULT (Bad address)"
    );
    assert_eq!(
        line(Sysno::clock_gettime, &[(-2i64) as u64, addr(&now)], 0),
        "clock_gettime(0xfffffffe /* CLOCK_??? */, {tv_sec=1795443536, tv_nsec=707555909}) = 0"
    );
    let tv = libc::timeval { tv_sec: 1795443536, tv_usec: 707745 };
    let tz = Timezone { minuteswest: 0, dsttime: 0 };
    assert_eq!(
        line(Sysno::gettimeofday, &[addr(&tv), addr(&tz)], 0),
        "gettimeofday({tv_sec=1795443536, tv_usec=707745}, {tz_minuteswest=0, tz_dsttime=0}) = 0"
    );
    // SAFETY: utsname, sysinfo and rusage are plain C data.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    for (d, s) in u.sysname.iter_mut().zip(b"Linux") {
        *d = *s as libc::c_char;
    }
    for (d, s) in u.nodename.iter_mut().zip(b"vm") {
        *d = *s as libc::c_char;
    }
    assert_eq!(
        line(Sysno::uname, &[addr(&u)], 0),
        "uname({sysname=\"Linux\", nodename=\"vm\", ...}) = 0"
    );
    assert_eq!(line(Sysno::uname, &[8], -14), "uname(0x8) = -1 EFAULT (Bad address)");
    // SAFETY: sysinfo is plain integers; all zeroes is a valid value.
    let mut s: libc::sysinfo = unsafe { std::mem::zeroed() };
    s.uptime = 5922;
    s.loads = [20800, 27904, 23552];
    s.totalram = 25276514304;
    s.freeram = 23784448000;
    s.sharedram = 8998912;
    s.bufferram = 3588096;
    s.procs = 88;
    s.mem_unit = 1;
    assert_eq!(
        line(Sysno::sysinfo, &[addr(&s)], 0),
        "sysinfo({uptime=5922, loads=[20800, 27904, 23552], totalram=25276514304, freeram=23784448000, sharedram=8998912, bufferram=3588096, totalswap=0, freeswap=0, procs=88, totalhigh=0, freehigh=0, mem_unit=1}) = 0"
    );
    // SAFETY: rusage is plain integers; all zeroes is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    ru.ru_utime.tv_usec = 853;
    assert_eq!(
        line(Sysno::getrusage, &[0, addr(&ru)], 0),
        "getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=853}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0"
    );
    assert_eq!(
        line(Sysno::getrusage, &[u64::MAX, addr(&ru)], 0),
        "getrusage(RUSAGE_CHILDREN, {ru_utime={tv_sec=0, tv_usec=853}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0"
    );
    let ra = addr(&ru);
    assert_eq!(
        line(Sysno::getrusage, &[5, ra], -22),
        format!("getrusage(0x5 /* RUSAGE_??? */, {ra:#x}) = -1 EINVAL (Invalid argument)")
    );
}

#[test]
fn prctl_and_friends() {
    // strace 6.1, on a small C program making these calls.
    let name = *b"hello\0";
    assert_eq!(line(Sysno::prctl, &[15, addr(&name)], 0), "prctl(PR_SET_NAME, \"hello\") = 0");
    assert_eq!(line(Sysno::prctl, &[16, addr(&name)], 0), "prctl(PR_GET_NAME, \"hello\") = 0");
    assert_eq!(line(Sysno::prctl, &[1, 9], 0), "prctl(PR_SET_PDEATHSIG, SIGKILL) = 0");
    let sig: i32 = 9;
    assert_eq!(line(Sysno::prctl, &[2, addr(&sig)], 0), "prctl(PR_GET_PDEATHSIG, [SIGKILL]) = 0");
    assert_eq!(
        line(Sysno::prctl, &[38, 1, 0, 0, 0], 0),
        "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0"
    );
    assert_eq!(line(Sysno::prctl, &[4, 1], 0), "prctl(PR_SET_DUMPABLE, SUID_DUMP_USER) = 0");
    assert_eq!(line(Sysno::prctl, &[3], 1), "prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)");
    assert_eq!(line(Sysno::prctl, &[23, 1], 1), "prctl(PR_CAPBSET_READ, CAP_DAC_OVERRIDE) = 1");
    assert_eq!(
        line(Sysno::prctl, &[999, 1, 2, 3, 4], -22),
        "prctl(0x3e7 /* PR_??? */, 0x1, 0x2, 0x3, 0x4) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::prctl, &[22, 2, 0], -14),
        "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL) = -1 EFAULT (Bad address)"
    );
    assert_eq!(line(Sysno::prctl, &[29, 50000], 0), "prctl(PR_SET_TIMERSLACK, 50000) = 0");
    let fs: u64 = 0x7f53eaf47740;
    assert_eq!(
        line(Sysno::arch_prctl, &[0x1003, addr(&fs)], 0),
        "arch_prctl(ARCH_GET_FS, [0x7f53eaf47740]) = 0"
    );
    assert_eq!(
        line(Sysno::arch_prctl, &[0x1002, fs], 0),
        "arch_prctl(ARCH_SET_FS, 0x7f53eaf47740) = 0"
    );
    assert_eq!(
        line(Sysno::arch_prctl, &[0x9999, 0], -22),
        "arch_prctl(0x9999 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)"
    );
    let zero: u64 = 0;
    assert_eq!(
        line(Sysno::arch_prctl, &[0x1004, addr(&zero)], 0),
        "arch_prctl(ARCH_GET_GS, [NULL]) = 0"
    );
    assert_eq!(line(Sysno::arch_prctl, &[0x1011, 0], 1), "arch_prctl(ARCH_GET_CPUID) = 1");
    assert_eq!(
        line(Sysno::arch_prctl, &[0x1012, 1], -19),
        "arch_prctl(ARCH_SET_CPUID, 0x1) = -1 ENODEV (No such device)"
    );
    assert_eq!(
        line(Sysno::set_tid_address, &[0x7fff1099042c], 21098),
        "set_tid_address(0x7fff1099042c) = 21098"
    );
    assert_eq!(line(Sysno::set_robust_list, &[0x1000, 24], 0), "set_robust_list(0x1000, 24) = 0");
    assert_eq!(
        line(Sysno::rseq, &[0x1000, 32, 0, 0x53053053], -22),
        "rseq(0x1000, 0x20, 0, 0x53053053) = -1 EINVAL (Invalid argument)"
    );
    let cpus = [3u8; 128];
    assert_eq!(
        line(Sysno::sched_getaffinity, &[0, 128, addr(&cpus)], 8),
        "sched_getaffinity(0, 128, [0 1 8 9 16 17 24 25 32 33 40 41 48 49 56 57]) = 8"
    );
    let one = [3u8, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        line(Sysno::sched_getaffinity, &[0, 8, addr(&one)], 8),
        "sched_getaffinity(0, 8, [0 1]) = 8"
    );
    let ca = addr(&one);
    assert_eq!(
        line(Sysno::sched_getaffinity, &[0, 3, ca], -22),
        format!("sched_getaffinity(0, 3, {ca:#x}) = -1 EINVAL (Invalid argument)")
    );
    assert_eq!(line(Sysno::sched_yield, &[], 0), "sched_yield() = 0");
}

#[test]
fn identity() {
    // strace 6.1, on a small C program making these calls.
    assert_eq!(line(Sysno::getpid, &[], 21098), "getpid() = 21098");
    assert_eq!(line(Sysno::getpgrp, &[], 21093), "getpgrp() = 21093");
    assert_eq!(
        line(Sysno::setuid, &[0xffffffff], -22),
        "setuid(-1) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(line(Sysno::setreuid, &[0xffffffff, 0], 0), "setreuid(-1, 0) = 0");
    assert_eq!(line(Sysno::setresuid, &[0xffffffff, 0, 1], 0), "setresuid(-1, 0, 1) = 0");
    let (a, b, c) = (0u32, 0u32, 1u32);
    assert_eq!(
        line(Sysno::getresuid, &[addr(&a), addr(&b), addr(&c)], 0),
        "getresuid([0], [0], [1]) = 0"
    );
    assert_eq!(line(Sysno::setpgid, &[0, 0], 0), "setpgid(0, 0) = 0");
    assert_eq!(line(Sysno::setsid, &[], -1), "setsid() = -1 EPERM (Operation not permitted)");
    assert_eq!(line(Sysno::getsid, &[0], 3515), "getsid(0) = 3515");
    let g = [0u32, 5, 0, 0, 0, 0, 0, 0];
    assert_eq!(line(Sysno::getgroups, &[0, 0], 0), "getgroups(0, NULL) = 0");
    assert_eq!(line(Sysno::getgroups, &[8, addr(&g)], 0), "getgroups(8, []) = 0");
    assert_eq!(line(Sysno::getgroups, &[8, addr(&g)], 2), "getgroups(8, [0, 5]) = 2");
    assert_eq!(line(Sysno::setgroups, &[2, addr(&g)], 0), "setgroups(2, [0, 5]) = 0");
    assert_eq!(line(Sysno::setgroups, &[0, 0], 0), "setgroups(0, NULL) = 0");
}

#[test]
fn ptrace_shows_the_arguments_its_request_takes() {
    // strace 6.1 on raw ptrace calls, each of these requests.
    assert_eq!(line(Sysno::ptrace, &[0, 0, 0, 0], 0), "ptrace(PTRACE_TRACEME) = 0");
    assert_eq!(
        line(Sysno::ptrace, &[16, 1, 0, 0], -1),
        "ptrace(PTRACE_ATTACH, 1) = -1 EPERM (Operation not permitted)"
    );
    assert_eq!(
        line(Sysno::ptrace, &[17, 1, 0, 0], -3),
        "ptrace(PTRACE_DETACH, 1, NULL, 0) = -1 ESRCH (No such process)"
    );
    assert_eq!(
        line(Sysno::ptrace, &[2, 1, 0x1000, 0x2000], -3),
        "ptrace(PTRACE_PEEKDATA, 1, 0x1000, 0x2000) = -1 ESRCH (No such process)"
    );
    assert_eq!(
        line(Sysno::ptrace, &[12, 1, 0, 0x3000], -3),
        "ptrace(PTRACE_GETREGS, 1, 0x3000) = -1 ESRCH (No such process)"
    );
    assert_eq!(
        line(Sysno::ptrace, &[0x4200, 1, 0, 0], -3),
        "ptrace(PTRACE_SETOPTIONS, 1, NULL, 0) = -1 ESRCH (No such process)"
    );
    assert_eq!(
        line(Sysno::ptrace, &[0x4242, 1, 0x10, 0x20], -3),
        "ptrace(0x4242 /* PTRACE_??? */, 1, 0x10, 0x20) = -1 ESRCH (No such process)"
    );
}

#[test]
fn memory_locks_priorities_and_signal_descriptors_decode_as_strace_does() {
    // strace 6.1 on a small C program making these calls.
    assert_eq!(line(Sysno::getpriority, &[0, 0], 20), "getpriority(PRIO_PROCESS, 0) = 20");
    let page = 0x5641_d201_1000;
    assert_eq!(line(Sysno::mlock, &[page, 4096], 0), "mlock(0x5641d2011000, 4096) = 0");
    assert_eq!(line(Sysno::munlock, &[page, 4096], 0), "munlock(0x5641d2011000, 4096) = 0");
    assert_eq!(line(Sysno::mlockall, &[5], 0), "mlockall(MCL_CURRENT|MCL_ONFAULT) = 0");
    assert_eq!(
        line(Sysno::mlockall, &[0x40], -22),
        "mlockall(0x40 /* MCL_??? */) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(line(Sysno::munlockall, &[], 0), "munlockall() = 0");
    assert_eq!(
        line(Sysno::shmdt, &[page], -22),
        "shmdt(0x5641d2011000) = -1 EINVAL (Invalid argument)"
    );
    // SIGINT and SIGUSR1: bits 1 and 9.
    let set: u64 = (1 << 1) | (1 << 9);
    assert_eq!(
        line(Sysno::signalfd4, &[u64::MAX, addr(&set), 8, 0x80800], 3),
        "signalfd4(-1, [INT USR1], 8, SFD_CLOEXEC|SFD_NONBLOCK) = 3"
    );
    assert_eq!(
        line(Sysno::signalfd, &[u64::MAX, addr(&set), 8], 4),
        "signalfd(-1, [INT USR1], 8) = 4"
    );
    assert_eq!(
        line(Sysno::landlock_restrict_self, &[9999, 0], -9),
        "landlock_restrict_self(9999, 0) = -1 EBADF (Bad file descriptor)"
    );
}

#[test]
fn interval_timers_decode_as_strace_does() {
    // strace 6.1 on a small C program making these calls.
    let v = libc::itimerval {
        it_interval: libc::timeval { tv_sec: 0, tv_usec: 0 },
        it_value: libc::timeval { tv_sec: 1, tv_usec: 500 },
    };
    let shown = "{it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=1, tv_usec=500}}";
    assert_eq!(
        line(Sysno::setitimer, &[0, addr(&v), addr(&v)], 0),
        format!("setitimer(ITIMER_REAL, {shown}, {shown}) = 0")
    );
    assert_eq!(
        line(Sysno::getitimer, &[0, addr(&v)], 0),
        format!("getitimer(ITIMER_REAL, {shown}) = 0")
    );
    assert_eq!(
        line(Sysno::setitimer, &[7, addr(&v), 0], -22),
        format!("setitimer(0x7 /* ITIMER_??? */, {shown}, NULL) = -1 EINVAL (Invalid argument)")
    );
}
