//! Shared test harness: scenarios in child processes (here), scratch
//! directories (`dir`), runs and how they ended (`outcome`), and a program
//! run untraced and traced, compared (`pair`), fixtures built (`build`).
//!
//! The runtime is installed once per process and cannot be removed, so
//! every scenario runs in a fresh child: the test binary re-runs itself
//! with a filter selecting one test and `SELFTRACE_TEST_CHILD` naming it.
#![allow(dead_code)]

mod build;
mod dir;
mod outcome;
mod pair;

// Each test file uses some of these.
#[allow(unused_imports)]
pub use build::{build, build_dir, cc};
#[allow(unused_imports)]
pub use dir::TempDir;
#[allow(unused_imports)]
pub use outcome::{ending, run, signal_name, wait_or_kill, Outcome};
#[allow(unused_imports)]
pub use pair::{Both, Pair};

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

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

/// The real python3 (not a wrapper script that would add processes).
pub fn python() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let out = Command::new(need("python3", "python3"))
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .unwrap();
        assert!(out.status.success(), "python3 -c failed: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
}

/// The calling thread's errno.
pub fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// waitpid(2) for our child `pid`, returning the raw status.
pub fn wait_status(pid: libc::pid_t, flags: libc::c_int) -> libc::c_int {
    let mut status = 0;
    // SAFETY: waitpid on our own child with a valid status pointer.
    let r = unsafe { libc::waitpid(pid, &mut status, flags) };
    assert_eq!(r, pid, "waitpid failed: errno {}", errno());
    status
}

/// The exit code of our child `pid`, which must exit normally.
pub fn wait_exit_code(pid: libc::pid_t, flags: libc::c_int) -> i32 {
    let status = wait_status(pid, flags);
    assert!(libc::WIFEXITED(status), "child did not exit normally: status {status:#x}");
    libc::WEXITSTATUS(status)
}
