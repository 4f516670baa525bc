//! The preload library in unmodified programs.

use std::path::PathBuf;
use std::process::{Command, Output};

fn preload() -> PathBuf {
    // Built next to the test binaries: the root crate dev-depends on it.
    let lib = std::env::current_exe().unwrap().parent().unwrap().join("libselftrace_preload.so");
    assert!(lib.exists(), "{} missing", lib.display());
    lib
}

fn traced(trace: &str, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env("LD_PRELOAD", preload())
        .env("SELFTRACE_TRACE", trace)
        .output()
        .expect("run traced program")
}

#[test]
fn a_pipeline_is_traced_through_exec_and_keeps_its_output_and_status() {
    let out = traced("execve,write,exit_group", "/bin/sh", &["-c", "printf abc | wc -c; exit 7"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
    let lines: Vec<&str> = stderr.lines().collect();
    // wc is exec'd (printf is a shell builtin) and traced in its new image.
    assert!(lines.iter().any(|l| l.contains("] execve(")), "{stderr}");
    let wc_write = lines.iter().find(|l| l.contains("] write(0x1, ") && l.ends_with(") = 2"));
    assert!(wc_write.is_some(), "wc's write of \"3\\n\": {stderr}");
    let exits = lines.iter().filter(|l| l.contains("] exit_group(") && l.ends_with(") = ?")).count();
    assert!(exits >= 2, "the shell's and wc's exit_group: {stderr}");
}

#[test]
fn the_last_lines_survive_a_program_that_closes_stderr() {
    // cat closes stdout and stderr before exit_group.
    let out = traced("close,exit_group", "/bin/cat", &["/proc/self/comm"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success());
    assert!(stderr.lines().any(|l| l.starts_with("[pid ") && l.contains("close(0x2,")), "{stderr}");
    assert!(stderr.lines().last().unwrap().contains("exit_group(0x0,"), "{stderr}");
}

#[test]
fn an_unknown_name_is_reported_and_the_program_runs_untraced() {
    let out = traced("openat,no_such_call", "/bin/echo", &["still runs"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "still runs\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "selftrace: unknown system call name \"no_such_call\"; the program runs untraced\n"
    );
}

#[test]
fn every_call_trapped_leaves_a_real_program_unharmed() {
    let plain = Command::new("/bin/ls").args(["-la", "/usr"]).output().unwrap();
    let out = traced("all", "/bin/ls", &["-la", "/usr"]);
    assert_eq!(out.status.code(), plain.status.code());
    assert_eq!(out.stdout, plain.stdout);
    assert!(String::from_utf8_lossy(&out.stderr).lines().count() > 20);
}
