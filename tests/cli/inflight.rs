//! Calls in flight: a call that blocks shows while it blocks, as strace
//! shows it (`read(0,  <unfinished ...>`, then `<... read resumed>...`),
//! a task that dies inside a call ends it with `= ?`, and SIGINT prints
//! the calls in flight before selftrace ends. Expected lines are strace
//! 6.1's; where strace splits the same call on the same run, its lines are
//! compared too.

#[path = "../common/mod.rs"]
mod common;

use std::io::Write;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::TempDir;

/// Longest any run here may take.
const LIMIT: Duration = Duration::from_secs(20);

/// `tracer ARGS` started with its standard input a pipe the test holds
/// (the program's `read(0, ...)` blocks on it) and its standard error in
/// `err`, in a process group of its own.
fn start(mut tracer: Command, args: &[&str], err: &Path) -> (Child, ChildStdin) {
    let mut child = tracer
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(err).unwrap())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {tracer:?}: {e}"));
    let stdin = child.stdin.take().unwrap();
    (child, stdin)
}

/// Wait for `child`; past [`LIMIT`], kill its group and fail.
fn finish(child: &mut Child, what: &str) -> ExitStatus {
    common::wait_or_kill(child, LIMIT).unwrap_or_else(|| panic!("{what}: still running, killed"))
}

/// Wait until `file` holds `text` (or [`LIMIT`] passes).
fn wait_for(file: &Path, text: &str) -> bool {
    let start = Instant::now();
    while start.elapsed() < LIMIT {
        if std::fs::read_to_string(file).unwrap_or_default().contains(text) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn lines(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file).unwrap_or_default().lines().map(str::to_string).collect()
}

/// The lines from the first one equal to `first` on: `first` and the
/// ones after it, as many as `want` has; fails unless they are `want`.
fn assert_run(all: &[String], want: &[&str]) {
    let start = all.iter().position(|l| l == want[0]);
    let got: Vec<&str> = start
        .map_or(Vec::new(), |s| all[s..].iter().map(String::as_str).take(want.len()).collect());
    assert_eq!(got, want, "in the trace:\n{}", all.join("\n"));
}

/// Lines with pids (prefixes and `= PID` results) replaced by `PID`,
/// for comparing two runs.
fn normalise_pids(lines: &[String]) -> Vec<String> {
    let is_pid = |s: &str| s.len() > 1 && s.chars().all(|c| c.is_ascii_digit());
    lines
        .iter()
        .map(|l| {
            let mut out = match l.split_once(' ') {
                Some((pid, rest)) if is_pid(pid) => format!("PID {rest}"),
                _ => l.clone(),
            };
            if let Some((head, result)) = out.rsplit_once(" = ") {
                if is_pid(result) {
                    out = format!("{head} = PID");
                }
            }
            out
        })
        .collect()
}

/// Lines of the trace that split the calls `names` (`<unfinished ...>`
/// and `<... NAME resumed>` lines).
fn split_lines(lines: &[String], names: &[&str]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| {
            names.iter().any(|n| {
                l.contains(&format!("<... {n} resumed>"))
                    || (l.contains(&format!("{n}(")) && l.ends_with("<unfinished ...>"))
            })
        })
        .cloned()
        .collect()
}

/// A read on a pipe fed half a second later: `<unfinished ...>` while it
/// blocks, then `<... read resumed>` with the data.
#[test]
fn blocked_read_shows_unfinished_then_resumed() {
    let dir = TempDir::new("inflight-fed");
    let err = dir.path("err.txt");
    let (mut child, mut stdin) =
        start(common::selftrace_command(), &["-e", "trace=read", "--", "head", "-c", "3"], &err);
    std::thread::sleep(Duration::from_millis(500));
    stdin.write_all(b"abc").unwrap();
    drop(stdin);
    let status = finish(&mut child, "selftrace head");
    assert!(status.success(), "{status:?}\n{}", lines(&err).join("\n"));
    assert_run(
        &lines(&err),
        &[
            "read(0,  <unfinished ...>",
            "<... read resumed>\"abc\", 3)             = 3",
            "+++ exited with 0 +++",
        ],
    );
}

/// The same with `-f` into a file (`PID  ` prefixes), against strace on
/// the same program: the shell's `wait4` blocks for the whole run, and
/// strace splits it too.
#[test]
fn follow_into_file_matches_strace() {
    let strace = common::need("strace", "strace");
    let dir = TempDir::new("inflight-file");
    let args = |out: &Path| {
        let out = out.to_str().unwrap().to_string();
        ["-f", "-o", &out, "-e", "trace=read,wait4", "--", "sh", "-c", "head -c 3; true"]
            .map(str::to_string)
    };
    let mut traces = Vec::new();
    for (name, tracer) in
        [("selftrace", common::selftrace_command()), ("strace", Command::new(&strace))]
    {
        let out = dir.path(&format!("{name}.txt"));
        let a = args(&out);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (mut child, mut stdin) = start(tracer, &a, &dir.path(&format!("{name}.err")));
        std::thread::sleep(Duration::from_millis(500));
        stdin.write_all(b"abc").unwrap();
        drop(stdin);
        let status = finish(&mut child, name);
        assert!(status.success(), "{name}: {status:?}");
        traces.push(lines(&out));
    }
    // The child's read: strace 6.1's split of a read, for a task in front
    // (`PID  ` and the result at column 40).
    let raw = &traces[0];
    let read =
        raw.iter().find(|l| l.ends_with(" read(0,  <unfinished ...>")).expect("a split read");
    let pid = read.split(' ').next().unwrap();
    let resumed = format!("{pid:<5} <... read resumed>\"abc\", 3) ");
    let resumed = format!("{resumed:<40}= 3");
    assert_run(raw, &[read, &resumed]);
    let (ours, theirs) = (&normalise_pids(&traces[0]), &normalise_pids(&traces[1]));
    assert_eq!(
        split_lines(ours, &["wait4"]),
        split_lines(theirs, &["wait4"]),
        "wait4's split lines\n--- selftrace\n{}\n--- strace\n{}",
        ours.join("\n"),
        theirs.join("\n")
    );
    assert_eq!(split_lines(ours, &["wait4"]).len(), 2, "{}", ours.join("\n"));
}

/// The pid of `parent`'s child running `comm`, once it has one (strace
/// starts other children of its own first, to probe the kernel).
fn child_of(parent: u32, comm: &str) -> u32 {
    let path = format!("/proc/{parent}/task/{parent}/children");
    let start = Instant::now();
    while start.elapsed() < LIMIT {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let running = |pid: &&str| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == comm)
        };
        if let Some(pid) = text.split_whitespace().find(running) {
            return pid.parse().unwrap();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{parent} started no {comm}");
}

/// Wait until task `pid` blocks in `read(0, ...)`.
fn blocked_in_read(pid: u32) {
    let path = format!("/proc/{pid}/syscall");
    let start = Instant::now();
    while start.elapsed() < LIMIT {
        if std::fs::read_to_string(&path).unwrap_or_default().starts_with("0 0x0 ") {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{pid} never blocked in read(0, ...)");
}

/// Kill `tracer`'s program with SIGKILL once it blocks in `read` and the
/// trace holds `ready`; the trace's lines.
fn killed_in_read(
    tracer: Command,
    args: &[&str],
    dir: &TempDir,
    tag: &str,
    ready: &str,
) -> Vec<String> {
    let err = dir.path(&format!("{tag}.err"));
    let out = dir.path(&format!("{tag}.txt"));
    let mut all = vec!["-o", out.to_str().unwrap()];
    all.extend(args);
    let (mut child, stdin) = start(tracer, &all, &err);
    let program = child_of(child.id(), "head");
    blocked_in_read(program);
    assert!(wait_for(&out, ready), "{tag}: no {ready:?} in\n{}", lines(&out).join("\n"));
    // SAFETY: kill(2) on the program this test started.
    unsafe { libc::kill(program as i32, libc::SIGKILL) };
    let status = finish(&mut child, tag);
    drop(stdin);
    assert_eq!(status.signal(), Some(libc::SIGKILL), "{tag} ends as its program did");
    lines(&out)
}

/// A program killed while blocked: its call ends with `= ?` before its
/// `+++ killed by SIGKILL +++`, in both of strace's forms.
#[test]
fn killed_while_blocked_ends_the_call() {
    let strace = common::need("strace", "strace");
    let dir = TempDir::new("inflight-killed");
    let args = ["-e", "trace=read", "--", "head", "-c", "3"];
    // Shown first (the threshold passed), then ended.
    let shown =
        killed_in_read(common::selftrace_command(), &args, &dir, "shown", "<unfinished ...>");
    assert_run(
        &shown,
        &[
            "read(0,  <unfinished ...>",
            "<... read resumed> <unfinished ...>)    = ?",
            "+++ killed by SIGKILL +++",
        ],
    );
    // Killed before the threshold: the line strace prints for a call it
    // had not split, compared with strace's on the same program.
    let mut late = common::selftrace_command();
    late.env("SELFTRACE_UNFINISHED_MS", "600000");
    let mut ours = killed_in_read(late, &args, &dir, "unshown", "");
    let theirs = killed_in_read(Command::new(&strace), &args, &dir, "strace", "");
    ours.retain(|l| !l.starts_with("selftrace:"));
    let want = ["read(0,  <unfinished ...>)              = ?", "+++ killed by SIGKILL +++"];
    assert_eq!(&ours[ours.len() - 2..], want, "selftrace:\n{}", ours.join("\n"));
    assert_eq!(&theirs[theirs.len() - 2..], want, "strace:\n{}", theirs.join("\n"));
}

/// SIGINT to selftrace (standard error, strace's default `-I`): the calls
/// in flight in every task print, then selftrace ends as strace does when
/// it detaches, by the signal.
#[test]
fn sigint_prints_the_calls_in_flight() {
    let dir = TempDir::new("inflight-sigint");
    let err = dir.path("err.txt");
    let mut tracer = common::selftrace_command();
    // Only the interrupt can print them.
    tracer.env("SELFTRACE_UNFINISHED_MS", "600000");
    let args = ["-f", "-e", "trace=read,wait4", "--", "sh", "-c", "head -c 3; true"];
    let (mut child, stdin) = start(tracer, &args, &err);
    blocked_in_read(child_of(child_of(child.id(), "sh"), "head"));
    // SAFETY: kill(2) on the selftrace this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > Duration::from_secs(5) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let trace = lines(&err);
    // The program goes on untraced; end it.
    drop(stdin);
    if status.is_none() {
        // SAFETY: kill(2) on the process group this test started.
        unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
        let _ = child.wait();
        panic!("selftrace did not end on SIGINT:\n{}", trace.join("\n"));
    }
    let status = status.unwrap();
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    let prefixed = |l: &str, call: &str| l.starts_with("[pid ") && l.ends_with(call);
    let wait4 = trace.iter().position(|l| prefixed(l, "] wait4(-1,  <unfinished ...>"));
    let read = trace.iter().position(|l| prefixed(l, "] read(0,  <unfinished ...>"));
    assert!(wait4.is_some() && read.is_some(), "in-flight calls missing:\n{}", trace.join("\n"));
    // Nothing of theirs ends after selftrace did.
    assert!(!trace.iter().any(|l| l.contains("resumed>")), "{}", trace.join("\n"));
}
