//! Shared test harness.
//!
//! The runtime is installed once per process and cannot be removed, so
//! every scenario runs in a fresh child: the test binary re-runs itself
//! with a filter selecting one test and `SELFTRACE_TEST_CHILD` naming it.
#![allow(dead_code)]

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use selftrace::{Action, Hook, SyscallInfo};

const CHILD_ENV: &str = "SELFTRACE_TEST_CHILD";
const DONE: &str = "selftrace-test-child-finished:";

/// Run `body` in a child process and assert that it finished normally.
/// `name` must be the test function's name (the libtest filter).
pub fn in_child(name: &str, body: impl FnOnce()) {
    if std::env::var(CHILD_ENV).as_deref() == Ok(name) {
        body();
        println!("{DONE}{name}");
        std::process::exit(0);
    }
    let out = run_child(name);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(&format!("{DONE}{name}")),
        "child for {name} failed: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Run test `name` in a child and return what it did, for tests that
/// expect something other than a clean exit.
pub fn run_child(name: &str) -> Output {
    Command::new(std::env::current_exe().expect("current_exe"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, name)
        .output()
        .expect("spawn test child")
}

/// Whether this process is the child running `name`.
pub fn is_child(name: &str) -> bool {
    std::env::var(CHILD_ENV).as_deref() == Ok(name)
}

/// A hook that counts the calls it sees at entry and lets them run.
pub struct Count(pub AtomicUsize);

impl Hook for Count {
    fn enter(&self, _: &mut SyscallInfo) -> Action {
        self.0.fetch_add(1, Ordering::SeqCst);
        Action::Run
    }
}

/// The preload library cargo built for these tests: beside the test
/// binaries (a fresh `cargo test` does not copy it next to the CLI).
pub fn preload_library() -> std::path::PathBuf {
    let lib = std::env::current_exe().unwrap().parent().unwrap().join("libselftrace_preload.so");
    assert!(lib.exists(), "{} missing", lib.display());
    lib
}

/// The `selftrace` command, pointed at this build's preload library.
pub fn selftrace_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_selftrace"));
    cmd.env("SELFTRACE_PRELOAD", preload_library());
    cmd
}

/// Wait for `child` for at most `limit`; past it, kill its process group
/// (the child was started as a group leader) and return `None`.
pub fn wait_or_kill(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
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
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// A fresh directory `selftrace-NAME-PID-N` in the temporary directory,
/// removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("selftrace-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `tool` as found on PATH; a clear failure, naming the Debian package
/// that ships it, when it is not there.
pub fn need(tool: &str, debian_package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| {
            use std::os::unix::fs::PermissionsExt;
            p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
        .unwrap_or_else(|| {
            panic!("`{tool}` is not on PATH: this test needs it (Debian: apt-get install {debian_package}; CI must install it)")
        })
}

/// How one run ended and what it printed.
pub struct Outcome {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Outcome {
    pub fn describe(&self) -> String {
        format!("{}\n--- stdout\n{}\n--- stderr\n{}", self.status, self.stdout, self.stderr)
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
