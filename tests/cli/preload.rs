//! The preload library used alone, configured by SELFTRACE_* variables.

use std::path::PathBuf;
use std::process::{Command, Output};

#[path = "../common/mod.rs"]
mod common;

fn preload() -> PathBuf {
    common::preload_library()
}

fn traced(vars: &[(&str, &str)], program: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(program);
    cmd.args(args).env("LD_PRELOAD", preload());
    for name in
        ["SELFTRACE_ROOT_PID", "SELFTRACE_FOLLOW", "SELFTRACE_OUTPUT", "SELFTRACE_COLLECTOR"]
    {
        cmd.env_remove(name);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("run traced program")
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr).lines().map(str::to_string).collect()
}

#[test]
fn with_follow_a_pipeline_is_traced_through_exec_with_pid_prefixes() {
    let vars = [("SELFTRACE_TRACE", "execve,write,exit_group"), ("SELFTRACE_FOLLOW", "1")];
    let out = traced(&vars, "/bin/sh", &["-c", "printf abc | wc -c; exit 7"]);
    let lines = lines(&out);
    assert_eq!(out.status.code(), Some(7), "{lines:#?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
    assert!(lines.iter().all(|l| l.starts_with("[pid ")), "{lines:#?}");
    // wc is exec'd (printf is a shell builtin): its new image prints the
    // execve that started it.
    assert!(
        lines.iter().any(|l| l.contains("] execve(\"/usr/bin/wc\", [\"wc\", \"-c\"], ")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("] write(") && l.ends_with("= 2")),
        "wc's write of \"3\\n\": {lines:#?}"
    );
    let exits = lines.iter().filter(|l| l.contains("] +++ exited with ")).count();
    assert!(exits >= 2, "the shell's and wc's exits: {lines:#?}");
}

#[test]
fn without_follow_only_the_first_process_is_traced() {
    let out = traced(
        &[("SELFTRACE_TRACE", "execve,exit_group")],
        "/bin/sh",
        &["-c", "/bin/true; exit 3"],
    );
    let lines = lines(&out);
    assert_eq!(out.status.code(), Some(3));
    // The shell's own lines, without prefixes; /bin/true (a child) is not traced.
    assert_eq!(lines.iter().filter(|l| l.starts_with("execve(")).count(), 1, "{lines:#?}");
    assert!(lines[0].starts_with("execve(\"/bin/sh\", [\"/bin/sh\", \"-c\", "), "{lines:#?}");
    assert_eq!(lines.last().map(String::as_str), Some("+++ exited with 3 +++"), "{lines:#?}");
    // The shell's SIGCHLD handler runs when /bin/true ends.
    assert!(
        lines[1].starts_with("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid="),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 4, "{lines:#?}");
}

#[test]
fn lines_are_padded_to_column_40_as_strace_pads_them() {
    let out = traced(&[("SELFTRACE_TRACE", "exit_group")], "/bin/true", &[]);
    let lines = lines(&out);
    assert_eq!(lines[0].find("= ?"), Some(40), "{lines:#?}");
    assert!(lines[0].starts_with("exit_group("), "{lines:#?}");
}

#[test]
fn the_last_lines_survive_a_program_that_closes_stderr() {
    // cat closes stdout and stderr before exit_group.
    let out = traced(&[("SELFTRACE_TRACE", "close,exit_group")], "/bin/cat", &["/proc/self/comm"]);
    let lines = lines(&out);
    assert!(out.status.success());
    assert!(lines.iter().any(|l| l.starts_with("close(2")), "{lines:#?}");
    assert_eq!(lines.last().map(String::as_str), Some("+++ exited with 0 +++"));
}

#[test]
fn output_goes_to_the_file_named_by_selftrace_output() {
    let dir = std::env::temp_dir().join(format!("selftrace-preload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("trace.txt");
    let out = traced(
        &[("SELFTRACE_TRACE", "exit_group"), ("SELFTRACE_OUTPUT", file.to_str().unwrap())],
        "/bin/true",
        &[],
    );
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.ends_with("+++ exited with 0 +++\n"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_setting_is_one_line_and_the_program_runs_untraced() {
    for (var, value, message) in [
        (
            "SELFTRACE_TRACE",
            "openat,no_such_call",
            "SELFTRACE_TRACE: invalid system call 'no_such_call'",
        ),
        ("SELFTRACE_STRSIZE", "many", "SELFTRACE_STRSIZE: invalid string size 'many'"),
        ("SELFTRACE_COLUMNS", "calls,bogus", "SELFTRACE_COLUMNS: unknown column name: 'bogus'"),
    ] {
        let mut vars = vec![(var, value)];
        if var != "SELFTRACE_TRACE" {
            vars.push(("SELFTRACE_TRACE", "all"));
        }
        let out = traced(&vars, "/bin/echo", &["still runs"]);
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), "still runs\n");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("selftrace: {message}; the program runs untraced\n")
        );
    }
}

#[test]
fn every_call_trapped_leaves_a_real_program_unharmed() {
    let plain = Command::new("/bin/ls").args(["-la", "/usr"]).output().unwrap();
    let out = traced(&[("SELFTRACE_TRACE", "all")], "/bin/ls", &["-la", "/usr"]);
    assert_eq!(out.status.code(), plain.status.code());
    assert_eq!(out.stdout, plain.stdout);
    assert!(lines(&out).len() > 20);
}
