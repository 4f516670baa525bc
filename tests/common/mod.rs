//! Shared test harness.
//!
//! The runtime is installed once per process and cannot be removed, so
//! every scenario runs in a fresh child: the test binary re-runs itself
//! with a filter selecting one test and `SELFTRACE_TEST_CHILD` naming it.
#![allow(dead_code)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

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
pub fn wait_or_kill(child: &mut std::process::Child, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
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
