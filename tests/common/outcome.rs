//! Running a command and keeping what it did.

use std::fs::File;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// How one run ended and what it printed.
pub struct Outcome {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Outcome {
    /// Run `cmd` to its end with its output in pipes.
    pub fn of(cmd: &mut Command) -> Outcome {
        let start = Instant::now();
        let out = cmd.output().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        Outcome::from_output(out, start.elapsed())
    }

    pub fn from_output(out: Output, took: Duration) -> Outcome {
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        Outcome { status: out.status, stdout: text(out.stdout), stderr: text(out.stderr), took }
    }

    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Standard error's lines (where the trace goes without `-o`).
    pub fn lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    /// "exited with 3", "killed by SIGABRT (core dumped)".
    pub fn ending(&self) -> String {
        ending(self.status)
    }

    /// The run's whole story, for assertion messages.
    pub fn describe(&self) -> String {
        format!("{}\n--- stdout\n{}\n--- stderr\n{}", self.ending(), self.stdout, self.stderr)
    }
}

/// An exit status as strace words a process's end.
pub fn ending(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with {code}"),
        (None, Some(sig)) => {
            let core = if status.core_dumped() { " (core dumped)" } else { "" };
            format!("killed by {}{core}", signal_name(sig))
        }
        _ => format!("{status:?}"),
    }
}

/// The name of a signal (`SIGSEGV`), or `signal N` for one not listed.
pub fn signal_name(sig: i32) -> String {
    let names = [
        (libc::SIGABRT, "SIGABRT"),
        (libc::SIGSEGV, "SIGSEGV"),
        (libc::SIGSYS, "SIGSYS"),
        (libc::SIGKILL, "SIGKILL"),
        (libc::SIGBUS, "SIGBUS"),
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGTRAP, "SIGTRAP"),
        (libc::SIGILL, "SIGILL"),
        (libc::SIGFPE, "SIGFPE"),
        (libc::SIGINT, "SIGINT"),
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGPIPE, "SIGPIPE"),
        (libc::SIGUSR1, "SIGUSR1"),
        (libc::SIGUSR2, "SIGUSR2"),
    ];
    names
        .iter()
        .find(|(n, _)| *n == sig)
        .map_or_else(|| format!("signal {sig}"), |(_, name)| name.to_string())
}

/// Wait for `child` for at most `limit`; past it, kill its process group
/// (the child was started as a group leader) and return `None`.
pub fn wait_or_kill(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > limit {
            // SAFETY: kill(2) on the process group the caller started.
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Run `cmd` with its output in files under `logs` (not pipes: a
/// descendant left behind must not keep the test waiting for EOF), in its
/// own process group so that a run past `limit` can be killed whole; a run
/// past `limit` fails the test.
pub fn run(mut cmd: Command, logs: &Path, tag: &str, limit: Duration) -> Outcome {
    let out_path = logs.join(format!("{tag}.stdout"));
    let err_path = logs.join(format!("{tag}.stderr"));
    cmd.stdin(Stdio::null())
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&err_path).unwrap())
        .process_group(0);
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let Some(status) = wait_or_kill(&mut child, limit) else {
        panic!(
            "{tag} run of {cmd:?} still running after {limit:?}; killed\n--- stdout\n{}\n--- stderr\n{}",
            std::fs::read_to_string(&out_path).unwrap_or_default(),
            std::fs::read_to_string(&err_path).unwrap_or_default()
        );
    };
    let took = start.elapsed();
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    Outcome { status, stdout: read(&out_path), stderr: read(&err_path), took }
}
