//! The tracer's own life, as the traced program sees it: killing
//! `selftrace` leaves the program running unharmed (design hazard 18), the
//! fatal signals act as strace's `-I` says, and the program starts with
//! the signal state `selftrace` was given.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../common/mod.rs"]
mod common;

use common::{in_child, selftrace_command, TempDir};

/// Iterations of [`writer`]'s loop.
const ROUNDS: usize = 40;

/// A shell loop that writes a line to `out` and, through an exec'd
/// `/bin/echo`, one file per round, then exits 5.
fn writer(dir: &TempDir) -> String {
    format!(
        "i=0; while [ $i -lt {ROUNDS} ]; do i=$((i+1)); echo \"line $i\" >> {d}/out; \
         /bin/echo \"file $i\" > {d}/f.$i; sleep 0.02; done; exit 5",
        d = dir.as_str()
    )
}

fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |s| s.lines().count())
}

/// The program's output is all there: every line and every file.
fn assert_complete(dir: &TempDir) {
    let out = std::fs::read_to_string(dir.path("out")).unwrap();
    let want: Vec<String> = (1..=ROUNDS).map(|i| format!("line {i}")).collect();
    assert_eq!(out.lines().collect::<Vec<_>>(), want);
    for i in 1..=ROUNDS {
        let f = std::fs::read_to_string(dir.path(&format!("f.{i}"))).unwrap();
        assert_eq!(f, format!("file {i}\n"), "f.{i}");
    }
}

fn become_subreaper() {
    // SAFETY: prctl with integer arguments.
    assert_eq!(unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }, 0);
}

/// The raw wait status of `pid`, a child of ours (or, once orphaned, of
/// this subreaper), waited for at most `limit`; `None` if it is not ours
/// to wait for (`selftrace` reaped it).
fn wait_for(pid: i32, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes the status it is given.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            return Some(status);
        }
        if r < 0 {
            return None;
        }
        assert!(start.elapsed() < limit, "pid {pid} still running after {limit:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reap whatever else is left (the loop's last children), for at most a second.
fn reap_the_rest() {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        let mut status = 0;
        // SAFETY: waitpid writes the status it is given.
        let r = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if r < 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn exit_code(status: i32) -> Option<i32> {
    libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status))
}

fn term_signal(status: i32) -> Option<i32> {
    libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status))
}

/// The pid of `parent`'s only child.
fn only_child(parent: u32) -> i32 {
    let start = Instant::now();
    loop {
        let children =
            std::fs::read_to_string(format!("/proc/{parent}/task/{parent}/children")).unwrap();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no child of {parent}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

struct Killed {
    /// How `selftrace` ended (raw wait status).
    selftrace: i32,
    /// How the program it started ended, if `selftrace` did not reap it.
    program: Option<i32>,
    stderr: String,
}

/// Start [`writer`] under `selftrace OPTIONS`, send `signal` to the
/// `selftrace` process once the program has written a few lines, and wait
/// for both. Runs in a test child, as a subreaper, so that the program,
/// orphaned if `selftrace` dies, is still ours to wait for.
fn signal_while_writing(dir: &TempDir, options: &[&str], signal: i32) -> Killed {
    become_subreaper();
    let stderr = dir.path("stderr");
    let mut cmd = selftrace_command();
    cmd.args(options)
        .args(["--", "sh", "-c", &writer(dir)])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .process_group(0);
    // Waited for with waitpid below, with the orphans.
    let selftrace = cmd.spawn().unwrap().id();
    let program = only_child(selftrace);
    let start = Instant::now();
    while line_count(&dir.path("out")) < 5 {
        assert!(start.elapsed() < Duration::from_secs(20), "the program did not start writing");
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(selftrace as i32, signal) };
    let limit = Duration::from_secs(30);
    let selftrace_status = wait_for(selftrace as i32, limit).unwrap();
    // If selftrace outlived the program and reaped it, its exit code is the
    // program's (checked by the caller).
    let program_status = match wait_for(program, limit) {
        None if exit_code(selftrace_status).is_some() => Some(selftrace_status),
        status => status,
    };
    reap_the_rest();
    Killed {
        selftrace: selftrace_status,
        program: program_status,
        stderr: std::fs::read_to_string(&stderr).unwrap(),
    }
}

/// The program went on as if untraced: exit 5, all its output, and no
/// word of the broken channel on the standard error it shares.
fn assert_unharmed(dir: &TempDir, k: &Killed) {
    let program = k.program.expect("the program was reaped by a dead selftrace");
    assert_eq!(
        exit_code(program),
        Some(5),
        "the program ended with status {program:#x} (signal {:?})\n{}",
        term_signal(program),
        k.stderr
    );
    assert_complete(dir);
    for bad in ["EPIPE", "cannot write", "cannot open", "SIGPIPE"] {
        assert!(!k.stderr.contains(bad), "{bad} in\n{}", k.stderr);
    }
}

#[test]
fn sigkill_of_selftrace_leaves_the_program_unharmed() {
    in_child("sigkill_of_selftrace_leaves_the_program_unharmed", || {
        let dir = TempDir::new("lifecycle-kill");
        let trace = dir.at("trace");
        let k = signal_while_writing(&dir, &["-e", "trace=write", "-o", &trace], libc::SIGKILL);
        assert_eq!(term_signal(k.selftrace), Some(libc::SIGKILL));
        assert_unharmed(&dir, &k);
        // What was traced before the kill reached the file.
        let text = std::fs::read_to_string(&trace).unwrap();
        assert!(text.contains("\"line 1\\n\""), "{text}");
        drop(dir);
    });
}

#[test]
fn sigkill_of_selftrace_leaves_a_followed_tree_unharmed() {
    in_child("sigkill_of_selftrace_leaves_a_followed_tree_unharmed", || {
        // Trace on standard error: the program shares it with selftrace.
        let dir = TempDir::new("lifecycle-kill-f");
        let k = signal_while_writing(&dir, &["-f", "-e", "trace=write,execve"], libc::SIGKILL);
        assert_eq!(term_signal(k.selftrace), Some(libc::SIGKILL));
        assert_unharmed(&dir, &k);
        assert!(k.stderr.contains("execve(\"/bin/echo\""), "{}", k.stderr);
        drop(dir);
    });
}

#[test]
fn sigkill_of_selftrace_with_ff_leaves_the_program_unharmed() {
    in_child("sigkill_of_selftrace_with_ff_leaves_the_program_unharmed", || {
        let dir = TempDir::new("lifecycle-kill-ff");
        let base = dir.at("trace");
        let k = signal_while_writing(&dir, &["-ff", "-o", &base], libc::SIGKILL);
        assert_unharmed(&dir, &k);
        drop(dir);
    });
}

#[test]
fn after_sigkill_a_program_that_fills_the_pipe_does_not_stall() {
    // 200000 traced calls after the kill: far more records than the pipe
    // holds, so the tracer finds it full and must see that selftrace is
    // gone instead of waiting for room forever.
    in_child("after_sigkill_a_program_that_fills_the_pipe_does_not_stall", || {
        become_subreaper();
        let dir = TempDir::new("lifecycle-full");
        let (ready, go, done) = (dir.at("ready"), dir.at("go"), dir.at("done"));
        let script = format!(
            "import os, time\nopen('{ready}', 'w').close()\n\
             while not os.path.exists('{go}'): time.sleep(0.01)\n\
             for i in range(200000): os.getppid()\n\
             open('{done}', 'w').write('done')\nraise SystemExit(5)\n"
        );
        let mut cmd = selftrace_command();
        cmd.args(["-e", "trace=getppid", "-o", &dir.at("trace"), "--", common::python(), "-c"])
            .arg(&script)
            .stdin(Stdio::null())
            .process_group(0);
        // Waited for with waitpid below.
        let selftrace = cmd.spawn().unwrap().id();
        let program = only_child(selftrace);
        let start = Instant::now();
        while !dir.path("ready").exists() {
            assert!(start.elapsed() < Duration::from_secs(20), "the program did not start");
            std::thread::sleep(Duration::from_millis(2));
        }
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(selftrace as i32, libc::SIGKILL) };
        std::fs::write(&go, "").unwrap();
        let limit = Duration::from_secs(60);
        wait_for(selftrace as i32, limit).unwrap();
        let status = wait_for(program, limit).unwrap();
        assert_eq!(exit_code(status), Some(5), "status {status:#x}");
        assert_eq!(std::fs::read_to_string(&done).unwrap(), "done");
        drop(dir);
    });
}

#[test]
fn sigterm_with_o_is_ignored_and_the_trace_is_complete() {
    // strace's -I 3, its default for `-o FILE PROG`.
    in_child("sigterm_with_o_is_ignored_and_the_trace_is_complete", || {
        for follow in [false, true] {
            let dir = TempDir::new("lifecycle-term-o");
            let trace = dir.at("trace");
            let mut options = vec!["-e", "trace=write,exit_group", "-o", &trace];
            if follow {
                options.insert(0, "-f");
            }
            let k = signal_while_writing(&dir, &options, libc::SIGTERM);
            assert_eq!(exit_code(k.selftrace), Some(5), "selftrace: {:#x}", k.selftrace);
            assert_unharmed(&dir, &k);
            let text = std::fs::read_to_string(&trace).unwrap();
            for i in 1..=ROUNDS {
                assert!(text.contains(&format!("\"line {i}\\n\"")), "line {i} untraced:\n{text}");
            }
            assert!(text.trim_end().ends_with("+++ exited with 5 +++"), "{text}");
            drop(dir);
        }
    });
}

#[test]
fn sigterm_at_level_1_kills_selftrace_only() {
    in_child("sigterm_at_level_1_kills_selftrace_only", || {
        for follow in [&[][..], &["-f"][..]] {
            let dir = TempDir::new("lifecycle-term-1");
            let options = [follow, &["-I", "1", "-e", "trace=write"]].concat();
            let k = signal_while_writing(&dir, &options, libc::SIGTERM);
            assert_eq!(term_signal(k.selftrace), Some(libc::SIGTERM));
            assert_unharmed(&dir, &k);
            drop(dir);
        }
    });
}

#[test]
fn sigterm_at_the_default_level_goes_on_to_the_program_as_strace_sends_it() {
    // strace's -I 2 without -o: the program it started gets the signal,
    // and strace dies of it.
    in_child("sigterm_at_the_default_level_goes_on_to_the_program_as_strace_sends_it", || {
        let dir = TempDir::new("lifecycle-term-2");
        let k = signal_while_writing(&dir, &["-e", "trace=none"], libc::SIGTERM);
        assert_eq!(term_signal(k.selftrace), Some(libc::SIGTERM), "{}", k.stderr);
        // Reaped by selftrace, which shows how it ended.
        assert_eq!(k.program, None);
        assert!(k.stderr.contains("+++ killed by SIGTERM +++"), "{}", k.stderr);
        drop(dir);
    });
}

/// `selftrace OPTIONS -- sh -c 'trap "exit 7" INT; loop'` in its own
/// process group, sent SIGINT as a group (as Ctrl-C sends it).
fn interrupt_group(options: &[&str]) -> (std::process::ExitStatus, String) {
    let dir = TempDir::new("lifecycle-int");
    let ready = dir.at("ready");
    let script = format!("trap 'exit 7' INT; : > {ready}; while :; do sleep 0.02; done");
    let mut cmd = selftrace_command();
    cmd.args(options)
        .args(["-e", "trace=none", "--", "sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.path("stderr")).unwrap())
        .process_group(0);
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    while !dir.path("ready").exists() {
        assert!(start.elapsed() < Duration::from_secs(20), "the program did not start");
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: kill(2) on the process group we started.
    unsafe { libc::kill(-(child.id() as i32), libc::SIGINT) };
    let status = common::wait_or_kill(&mut child, Duration::from_secs(20))
        .expect("selftrace still running after SIGINT");
    (status, std::fs::read_to_string(dir.path("stderr")).unwrap())
}

#[test]
fn sigint_to_the_process_group_reaches_the_program() {
    use std::os::unix::process::ExitStatusExt;
    // Default level: selftrace dies of SIGINT too, as strace does, after
    // the program's end is in the trace.
    let (status, stderr) = interrupt_group(&[]);
    assert_eq!(status.signal(), Some(libc::SIGINT), "{stderr}");
    assert!(stderr.contains("+++ exited with 7 +++"), "{stderr}");
    // -I 3: selftrace ignores it and ends as the program did.
    let (status, stderr) = interrupt_group(&["-I", "never"]);
    assert_eq!(status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("+++ exited with 7 +++"), "{stderr}");
}

#[test]
fn level_4_ignores_ctrl_z() {
    let dir = TempDir::new("lifecycle-tstp");
    let mut cmd = selftrace_command();
    cmd.args(["-I", "4", "-o", &dir.at("trace"), "--", "sleep", "0.5"])
        .stdin(Stdio::null())
        .process_group(0);
    let mut child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTSTP) };
    let status = common::wait_or_kill(&mut child, Duration::from_secs(10))
        .expect("selftrace stopped on SIGTSTP");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_bad_interruptible_level_is_one_line_and_exit_2() {
    for bad in [&["-I", "5"][..], &["--interruptible=sometimes"][..]] {
        let out = selftrace_command().args(bad).args(["--", "true"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{bad:?}: {err}");
        assert!(err.contains("interruptible"), "{err}");
    }
}

/// The raw `rt_sigaction` (glibc refuses its own signals 32 and 33).
fn set_disposition(sig: i32, handler: libc::sighandler_t) {
    let act: [u64; 4] = [handler as u64, 0, 0, 0];
    // SAFETY: the kernel's sigaction layout (handler, flags, restorer, mask).
    unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, act.as_ptr(), 0usize, 8usize) };
}

/// `SigIgn` and `SigBlk` as the program reads them, started (untraced or
/// traced) with SIGUSR2 and SIGPIPE ignored, SIGUSR1 blocked, and glibc's
/// 32 and 33 at their defaults. (`grep` itself: a shell would change its
/// children's mask.)
fn signal_state(traced: bool) -> String {
    let read = ["-E", "^Sig(Ign|Blk)", "/proc/self/status"];
    let mut cmd = if traced {
        let mut c = selftrace_command();
        c.args(["-e", "trace=none", "-q", "--", "grep"]).args(read);
        c
    } else {
        let mut c = Command::new("grep");
        c.args(read);
        c
    };
    // SAFETY: between fork and exec: raw rt_sigaction and sigprocmask only.
    unsafe {
        cmd.pre_exec(|| {
            set_disposition(libc::SIGUSR2, libc::SIG_IGN);
            set_disposition(libc::SIGPIPE, libc::SIG_IGN);
            set_disposition(32, libc::SIG_DFL);
            set_disposition(33, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGUSR1);
            libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
            Ok(())
        })
    };
    let out = cmd.stderr(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_program_starts_with_the_signal_state_selftrace_was_given() {
    let untraced = signal_state(false);
    let usr1 = 1u64 << (libc::SIGUSR1 - 1);
    let ignored = (1u64 << (libc::SIGUSR2 - 1)) | (1u64 << (libc::SIGPIPE - 1));
    assert_eq!(untraced, format!("SigBlk:\t{usr1:016x}\nSigIgn:\t{ignored:016x}\n"));
    assert_eq!(signal_state(true), untraced);
}

#[test]
fn a_descriptor_limit_below_the_private_range_still_traces() {
    // `ulimit -n 256` lowers the hard limit too: the private descriptor
    // cannot be numbered 500 or above, so it goes as high as the limit
    // allows.
    let selftrace = env!("CARGO_BIN_EXE_selftrace");
    let script =
        format!("ulimit -n 256 && exec {selftrace} -f -e trace=execve -- sh -c 'echo limited'");
    let mut sh = std::process::Command::new("sh");
    sh.env("SELFTRACE_PRELOAD", common::preload_library()).args(["-c", &script]);
    let run = common::Outcome::of(&mut sh);
    assert_eq!(run.code(), Some(0), "{}", run.describe());
    assert_eq!(run.stdout, "limited\n", "{}", run.describe());
    assert!(!run.stderr.contains("runs untraced"), "{}", run.describe());
    assert!(run.lines().iter().any(|l| l.starts_with("execve(")), "{}", run.describe());
}
