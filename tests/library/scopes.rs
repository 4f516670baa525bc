//! Scoped hooks and injection as a test suite uses them: every test here
//! runs in the same process, in parallel with the others, each with its
//! own scope, and each sees only its own effects. (No child processes:
//! that is the point.)

#[path = "../common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use selftrace::{Action, Errno, Sysno};
use selftrace_trace::inject::{Rule, When};
use selftrace_trace::testing::{self, ScopeExt, Value};

fn pipe() -> (std::fs::File, std::fs::File) {
    let mut fds = [0; 2];
    // SAFETY: pipe fills the array with two new descriptors we own.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    use std::os::fd::FromRawFd;
    // SAFETY: each descriptor is new and owned by one File.
    unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1])) }
}

fn raw_write(fd: i32, b: &[u8]) -> Result<usize, i32> {
    // SAFETY: writing from a live buffer.
    let n = unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
    if n < 0 {
        Err(common::errno())
    } else {
        Ok(n as usize)
    }
}

fn gettid() -> u32 {
    // SAFETY: gettid takes no arguments.
    unsafe { libc::gettid() as u32 }
}

/// Ten tests alike: test `k` fails its own k-th write with its own errno
/// and records its writes. Run in parallel, each sees exactly its own
/// failure, at its own count, and only its own thread's calls.
fn own_failure_only(k: u64, errno: Errno) {
    use std::os::fd::AsRawFd;
    let (r, w) = pipe();
    let fd = w.as_raw_fd();
    let scope = testing::scope()
        .inject(Rule::new([Sysno::write]).error(errno).when(When::nth(k)))
        .record([Sysno::write])
        .enter()
        .unwrap();
    let mut results = Vec::new();
    for i in 0..k + 2 {
        results.push(raw_write(fd, format!("{k}:{i}").as_bytes()));
        // Let the other tests' threads interleave with this one.
        std::thread::yield_now();
    }
    let calls = scope.calls();
    drop(scope);
    for (i, r) in results.iter().enumerate() {
        if i as u64 + 1 == k {
            assert_eq!(*r, Err(errno.into_raw()), "write {} of test {k}", i + 1);
        } else {
            assert!(r.is_ok(), "write {} of test {k}: {r:?}", i + 1);
        }
    }
    assert_eq!(calls.len() as u64, k + 2, "test {k} recorded {calls:#?}");
    let me = gettid();
    for (i, c) in calls.iter().enumerate() {
        assert_eq!((c.name, c.tid), ("write", me));
        assert_eq!(c.arg("fd").map(|a| &a.value), Some(&Value::Fd(fd)));
        let text = format!("{k}:{i}");
        let bytes = Value::Bytes { bytes: text.clone().into_bytes(), truncated: false };
        assert_eq!(c.arg("buf").map(|a| &a.value), Some(&bytes), "{c:?}");
        let failed = i as u64 + 1 == k;
        assert_eq!(c.errno, failed.then_some(errno));
        let ret =
            if failed { format!("-1 {}", errno.name().unwrap()) } else { text.len().to_string() };
        let line = format!("write({fd}, \"{text}\", {}) = {ret}", text.len());
        assert!(c.text.starts_with(&line), "{:?} is not {line:?}...", c.text);
    }
    // Outside the scope, the same call runs unhooked.
    assert_eq!(raw_write(fd, b"x"), Ok(1));
    drop(w);
    let mut got = String::new();
    BufReader::new(r).read_to_string(&mut got).unwrap();
    assert_eq!(
        got.matches(&format!("{k}:")).count() as u64,
        k + 1,
        "the failed write wrote nothing"
    );
}

#[test]
fn t01_own_failure() {
    own_failure_only(1, Errno::ENOSPC);
}
#[test]
fn t02_own_failure() {
    own_failure_only(2, Errno::EIO);
}
#[test]
fn t03_own_failure() {
    own_failure_only(3, Errno::EPIPE);
}
#[test]
fn t04_own_failure() {
    own_failure_only(4, Errno::EAGAIN);
}
#[test]
fn t05_own_failure() {
    own_failure_only(5, Errno::EINTR);
}
#[test]
fn t06_own_failure() {
    own_failure_only(6, Errno::EFBIG);
}
#[test]
fn t07_own_failure() {
    own_failure_only(7, Errno::EDQUOT);
}
#[test]
fn t08_own_failure() {
    own_failure_only(8, Errno::ENOBUFS);
}
#[test]
fn t09_own_failure() {
    own_failure_only(9, Errno::EBADF);
}
#[test]
fn t10_own_failure() {
    own_failure_only(10, Errno::EACCES);
}

/// A scope with a plain closure hook, for a number nothing else in this
/// process traps: entering it stacks a filter while other threads run,
/// and those threads' calls of it still reach the kernel.
#[test]
fn a_scope_added_after_other_threads_exist_leaves_them_alone() {
    // SAFETY: getppid takes no arguments.
    let real = unsafe { libc::getppid() };
    let stop = Arc::new(AtomicBool::new(false));
    let seen_wrong = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(Barrier::new(2));
    let other = {
        let (stop, seen_wrong, started) = (stop.clone(), seen_wrong.clone(), started.clone());
        std::thread::spawn(move || {
            started.wait();
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) || n < 1000 {
                // SAFETY: as above.
                if unsafe { libc::getppid() } != real {
                    seen_wrong.fetch_add(1, Ordering::SeqCst);
                }
                n += 1;
            }
        })
    };
    started.wait();
    let scope =
        selftrace::scope().on_entry(Sysno::getppid, |_| Action::value(4242)).enter().unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { libc::getppid() }, 4242);
    std::thread::sleep(Duration::from_millis(20));
    drop(scope);
    // SAFETY: as above.
    assert_eq!(unsafe { libc::getppid() }, real, "the scope ended");
    stop.store(true, Ordering::SeqCst);
    other.join().unwrap();
    assert_eq!(seen_wrong.load(Ordering::SeqCst), 0, "another thread saw this test's hook");
}

/// Threads spawned in an inheriting scope get it; without inheritance
/// they do not.
#[test]
fn spawned_threads_inherit_the_scope_only_when_asked() {
    for inherit in [true, false] {
        let mut s = testing::scope()
            .inject(Rule::new([Sysno::fdatasync]).error(Errno::EIO))
            .record([Sysno::fdatasync]);
        if inherit {
            s = s.inherit();
        }
        let scope = s.enter().unwrap();
        let (_r, w) = pipe();
        use std::os::fd::AsRawFd;
        let fd = w.as_raw_fd();
        // SAFETY: fdatasync on a descriptor we own (a pipe: EINVAL natively).
        let child =
            std::thread::spawn(move || (unsafe { libc::fdatasync(fd) }, common::errno(), gettid()))
                .join()
                .unwrap();
        let calls = scope.calls();
        drop(scope);
        if inherit {
            assert_eq!((child.0, child.1), (-1, libc::EIO), "the child has the scope");
            assert_eq!(calls.len(), 1, "{calls:?}");
            assert_eq!(calls[0].tid, child.2, "recorded as the child's call");
        } else {
            assert_eq!((child.0, child.1), (-1, libc::EINVAL), "the child runs unhooked");
            assert!(calls.is_empty(), "{calls:?}");
        }
    }
}

/// A short read is a legal partial transfer: buffered readers and
/// `read_to_end` see all the data, in more reads.
#[test]
fn short_reads_reach_a_bufreader_and_read_to_end_whole() {
    let dir = common::TempDir::new("scopes-short");
    let text: String = (0..40).map(|i| format!("line {i}\n")).collect();
    let path = dir.write("data", &text);
    let scope = testing::scope()
        .inject(Rule::new([Sysno::read]).short(7))
        .record([Sysno::read])
        .enter()
        .unwrap();
    let lines: Vec<String> =
        BufReader::new(std::fs::File::open(&path).unwrap()).lines().map(Result::unwrap).collect();
    let mut whole = Vec::new();
    std::fs::File::open(&path).unwrap().read_to_end(&mut whole).unwrap();
    let calls = scope.calls();
    drop(scope);
    assert_eq!(lines.len(), 40);
    assert_eq!(lines.join("\n") + "\n", text);
    assert_eq!(whole, text.as_bytes());
    assert!(calls.len() as u64 >= 2 * text.len() as u64 / 7, "{} reads", calls.len());
    for c in &calls {
        let Some(&Value::Int(count)) = c.arg("count").map(|a| &a.value) else { panic!("{c:?}") };
        assert!(count <= 7 && c.rval <= 7, "{}", c.text);
    }
    assert!(calls.iter().filter(|c| c.rval == 7).count() >= 10, "most reads were cut to 7");
}

/// EINTR without running the call (a signal before anything moved), on
/// the first read only: a loop that retries gets all the data; one that
/// does not sees the error. `fail_after` runs the call first, as close(2)
/// does when interrupted: the descriptor is gone although EINTR came back.
#[test]
fn eintr_is_retried_by_retry_loops_and_seen_by_others() {
    let (mut r, mut w) = pipe();
    w.write_all(b"hello").unwrap();
    {
        let _scope = testing::scope()
            .inject(Rule::new([Sysno::read]).error(Errno::EINTR).when(When::nth(1)))
            .enter()
            .unwrap();
        let mut buf = [0u8; 5];
        // read_exact retries on Interrupted.
        r.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hello");
    }
    w.write_all(b"again").unwrap();
    {
        let _scope = testing::scope()
            .inject(Rule::new([Sysno::read]).error(Errno::EINTR).when(When::nth(1)))
            .enter()
            .unwrap();
        let mut buf = [0u8; 5];
        let e = r.read(&mut buf).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::Interrupted);
        assert_eq!(r.read(&mut buf).unwrap(), 5, "the data was left for the retry");
    }
    let (r2, w2) = pipe();
    use std::os::fd::IntoRawFd;
    let fd = w2.into_raw_fd();
    {
        let _scope = testing::scope()
            .inject(Rule::new([Sysno::close]).fail_after(Errno::EINTR))
            .enter()
            .unwrap();
        // SAFETY: closing a descriptor this test owns.
        assert_eq!((unsafe { libc::close(fd) }, common::errno()), (-1, libc::EINTR));
    }
    // SAFETY: F_GETFD on a number; no memory involved.
    assert_eq!((unsafe { libc::fcntl(fd, libc::F_GETFD) }, common::errno()), (-1, libc::EBADF));
    drop(r2);
}

/// The spelling: `selftrace::scope().inject(...)`.
#[test]
fn a_plain_scope_takes_rules_too() {
    let (_r, w) = pipe();
    use std::os::fd::AsRawFd;
    let _scope = selftrace::scope()
        .inject(Rule::new([Sysno::ftruncate]).error(Errno::EROFS))
        .enter()
        .unwrap();
    // SAFETY: ftruncate on a descriptor we own.
    assert_eq!((unsafe { libc::ftruncate(w.as_raw_fd(), 0) }, common::errno()), (-1, libc::EROFS));
}

/// The tests above, run again by this binary with the preload in it, and
/// under `selftrace -f`: the preload's runtime owns the process there, and
/// the scopes reach it through its door.
const AGAIN: &[&str] = &[
    "t03_own_failure",
    "t07_own_failure",
    "spawned_threads_inherit_the_scope_only_when_asked",
    "short_reads_reach_a_bufreader_and_read_to_end_whole",
    "eintr_is_retried_by_retry_loops_and_seen_by_others",
    "a_scope_added_after_other_threads_exist_leaves_them_alone",
];

fn again(mut cmd: std::process::Command) -> std::process::Output {
    cmd.args(AGAIN).arg("--exact").env("SELFTRACE_SCOPES_AGAIN", "1");
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(&format!("{} passed", AGAIN.len())),
        "{:?}\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_same_tests_pass_under_the_preload() {
    if std::env::var_os("SELFTRACE_SCOPES_AGAIN").is_some() {
        return; // this is the run under test
    }
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.env("LD_PRELOAD", common::preload_library()).env("SELFTRACE_TRACE", "none");
    let out = again(cmd);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("runs untraced"), "{stderr}");
}

#[test]
fn the_same_tests_pass_under_selftrace_and_show_in_its_trace() {
    if std::env::var_os("SELFTRACE_SCOPES_AGAIN").is_some() {
        return;
    }
    let dir = common::TempDir::new("scopes-cli");
    let trace = dir.path("trace");
    let mut cmd = common::selftrace_command();
    cmd.args(["-f", "-e", "trace=write,fdatasync", "-o"]).arg(&trace).arg("--");
    cmd.arg(std::env::current_exe().unwrap());
    again(cmd);
    let text = std::fs::read_to_string(&trace).unwrap();
    // The tracer sees what the scope did to the call: test 3's third
    // write failed with EPIPE, test 7's seventh with EDQUOT.
    let line =
        |call: &str, result: &str| text.lines().any(|l| l.contains(call) && l.contains(result));
    assert!(line("\"3:2\", 3)", "= -1 EPIPE (Broken pipe)"), "{text}");
    assert!(line("\"7:6\", 3)", "= -1 EDQUOT"), "{text}");
    assert!(line("\"7:5\", 3)", "= 3"), "{text}");
    assert!(line("fdatasync(", "= -1 EIO"), "the inherited scope's injection: {text}");
    assert!(line("fdatasync(", "= -1 EINVAL"), "the thread without it: {text}");
}

/// A scope entered inside another runs its entries first; exits run in
/// the reverse order; ending the inner one leaves the outer one in force.
#[test]
fn nested_scopes_enter_inner_first_and_exit_in_reverse() {
    use std::sync::atomic::AtomicI64;
    static ENTRIES: AtomicI64 = AtomicI64::new(0);
    // SAFETY: getegid takes no arguments.
    let real = unsafe { libc::getegid() } as i64;
    let outer = selftrace::scope().hook(Sysno::getegid, Digit(1, |r| r.rval = 7)).enter().unwrap();
    let inner = selftrace::scope()
        .hook(Sysno::getegid, Digit(2, |r| r.rval = r.rval * 10 + 3))
        .enter()
        .unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { libc::getegid() }, 73, "outer's exit, then inner's");
    assert_eq!(ENTRIES.swap(0, Ordering::SeqCst), 21, "inner's entry, then outer's");
    drop(inner);
    // SAFETY: as above.
    assert_eq!(unsafe { libc::getegid() }, 7);
    assert_eq!(ENTRIES.swap(0, Ordering::SeqCst), 1);
    drop(outer);
    // SAFETY: as above.
    assert_eq!(unsafe { libc::getegid() } as i64, real);
    assert_eq!(ENTRIES.load(Ordering::SeqCst), 0);

    /// Appends its digit to ENTRIES at entry; `exit` at exit.
    struct Digit(i64, fn(&mut selftrace::SyscallInfo));
    impl selftrace::Hook for Digit {
        fn enter(&self, _: &mut selftrace::SyscallInfo) -> Action {
            let _ =
                ENTRIES.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| Some(v * 10 + self.0));
            Action::Run
        }
        fn exit(&self, info: &mut selftrace::SyscallInfo) {
            (self.1)(info)
        }
    }
}
