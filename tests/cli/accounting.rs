//! The trace's accounts of processes: `-c` tables that keep the calls of
//! processes killed by a signal and of successful execs, compared with
//! strace's on the same programs, and exactly one end line
//! (`+++ exited with N +++` / `+++ killed by SIG +++`) per traced task,
//! whoever reaps it.
//!
//! strace must be installed (CI installs it): without it the comparisons
//! fail.

#[path = "../common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::time::Duration;

use common::{need, Outcome, TempDir};

const LIMIT: Duration = Duration::from_secs(60);

/// Calls the dynamic loader and libc's start-up make before the preload's
/// constructor installs the tracer: selftrace cannot see them, so its
/// counts of these may be lower than strace's (never higher).
const LOADER: &[&str] = &[
    "access",
    "arch_prctl",
    "brk",
    "close",
    "getrandom",
    "mmap",
    "mprotect",
    "munmap",
    "newfstatat",
    "openat",
    "pread64",
    "prlimit64",
    "read",
    "rseq",
    "set_robust_list",
    "set_tid_address",
];

/// Calls the kernel must see from where the program made them: never
/// trapped, never counted by selftrace.
const UNTRAPPABLE: &[&str] = &["rt_sigreturn", "restart_syscall"];

/// A `-c` table's rows: name → (calls, errors), the total left out.
fn table(text: &str) -> BTreeMap<String, (u64, u64)> {
    let mut rows = BTreeMap::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.starts_with("% time") {
            in_table = true;
            continue;
        }
        if !in_table || line.starts_with("------") {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let (calls, errors, name) = match f.len() {
            6 => (f[3], f[4], f[5]),
            5 => (f[3], "0", f[4]),
            _ => panic!("not a table row: {line:?} in\n{text}"),
        };
        if name != "total" {
            rows.insert(name.to_string(), (calls.parse().unwrap(), errors.parse().unwrap()));
        }
    }
    assert!(in_table, "no table in:\n{text}");
    rows
}

/// `tracer -f -c -o FILE -- sh -c SCRIPT` in `dir`; the table.
fn counts(
    mut tracer: Command,
    dir: &TempDir,
    tag: &str,
    script: &str,
) -> BTreeMap<String, (u64, u64)> {
    let out = dir.path(&format!("{tag}.table"));
    tracer
        .args(["-f", "-c", "-o"])
        .arg(&out)
        .args(["--", "sh", "-c", script])
        .current_dir(&dir.0)
        .env("LC_ALL", "C");
    let run = common::run(tracer, &dir.0, tag, LIMIT);
    assert_eq!(run.code(), Some(0), "{tag}: {}", run.describe());
    table(&std::fs::read_to_string(&out).unwrap())
}

/// selftrace's table against strace's for `script`: equal for every call
/// but the loader's (at most strace's) and the untrappable ones.
fn assert_counts_match_strace(script: &str) -> BTreeMap<String, (u64, u64)> {
    need("strace", "strace");
    let dir = TempDir::new("accounting");
    let theirs = counts(Command::new("strace"), &dir, "strace", script);
    let ours = counts(common::selftrace_command(), &dir, "selftrace", script);
    let names: BTreeSet<&String> = theirs.keys().chain(ours.keys()).collect();
    let mut report = String::from("call: strace calls/errors, selftrace calls/errors\n");
    let mut wrong = Vec::new();
    for name in names {
        let t = theirs.get(name).copied().unwrap_or((0, 0));
        let o = ours.get(name).copied().unwrap_or((0, 0));
        report.push_str(&format!("{name}: {}/{}, {}/{}\n", t.0, t.1, o.0, o.1));
        let fine = if UNTRAPPABLE.contains(&name.as_str()) {
            o == (0, 0)
        } else if LOADER.contains(&name.as_str()) {
            o.0 <= t.0 && o.1 <= t.1
        } else {
            o == t
        };
        if !fine {
            wrong.push(name.clone());
        }
    }
    eprintln!("{script}\n{report}");
    assert!(wrong.is_empty(), "{script}: counts differ from strace's for {wrong:?}\n{report}");
    ours
}

#[test]
fn summary_counts_a_writer_killed_by_sigpipe_as_strace_does() {
    // `sleep` never reads: seq fills the pipe, blocks in its next write,
    // and dies of SIGPIPE when sleep exits; its writes are the same in
    // every run (strace: 16 calls, 1 error).
    let ours = assert_counts_match_strace("seq 1 200000 | sleep 1");
    let (writes, errors) = ours.get("write").copied().unwrap_or_default();
    assert!(writes >= 2 && errors == 1, "seq's writes counted: {ours:?}");
}

#[test]
fn summary_counts_successful_and_failed_execs_once() {
    // Four images exec'd (sh, seq, cat, sleep); the missing program's execve
    // fails, in a child that then exits 127. seq writes to a reader that
    // drains it (`sleep 0` as the reader raced seq's write: EPIPE in one
    // run, success in the other).
    let ours = assert_counts_match_strace(
        "seq 1 3 | cat >/dev/null; sleep 0; /no/such/program 2>/dev/null; true",
    );
    let (calls, errors) = ours.get("execve").copied().unwrap_or_default();
    assert!((calls, errors) == (5, 1), "execve counted: {ours:?}");
}

#[test]
fn summary_with_trace_counts_the_writes_it_shows_of_a_writer_killed_by_sigpipe() {
    // The issue's pipeline: how many writes seq makes before it dies
    // depends on the run, so the table is held to the run's own lines.
    let dir = TempDir::new("accounting");
    let out = dir.path("trace");
    let mut cmd = common::selftrace_command();
    cmd.args(["-f", "-C", "-o"]).arg(&out).args(["--", "sh", "-c", "seq 1 200000 | head -1"]);
    let run = common::run(cmd, &dir.0, "selftrace", LIMIT);
    assert_eq!(run.code(), Some(0), "{}", run.describe());
    let text = std::fs::read_to_string(&out).unwrap();
    let shown = text
        .lines()
        .filter(|l| {
            l.split_once(' ').is_some_and(|(_, rest)| rest.trim_start().starts_with("write("))
        })
        .count() as u64;
    let rows = table(&text);
    let counted = rows.get("write").map_or(0, |r| r.0);
    assert!(shown >= 2, "head's write and at least one of seq's:\n{text}");
    assert_eq!(counted, shown, "the table counts every write the trace shows:\n{text}");
    assert!(text.contains("+++ killed by SIGPIPE +++"), "seq died of SIGPIPE:\n{text}");
}

/// The pid of every line of a `-f -o` trace (`PID  text`) and the text.
fn lines_by_pid(text: &str) -> Vec<(u32, &str)> {
    text.lines()
        .filter_map(|l| {
            let (pid, rest) = l.split_once(' ')?;
            Some((pid.parse().ok()?, rest.trim_start()))
        })
        .collect()
}

fn is_end(line: &str) -> bool {
    line.starts_with("+++ exited with ") || line.starts_with("+++ killed by ")
}

/// `selftrace -f -o FILE -- ARGS`: the run and the trace.
fn follow(dir: &TempDir, args: &[&str]) -> (Outcome, String) {
    let out = dir.path("trace");
    let mut cmd = common::selftrace_command();
    cmd.args(["-f", "-o"]).arg(&out).arg("--").args(args).current_dir(&dir.0);
    let run = common::run(cmd, &dir.0, "selftrace", LIMIT);
    (run, std::fs::read_to_string(&out).unwrap())
}

/// Every pid of the trace has exactly one end line, its last.
fn assert_one_end_each(text: &str) {
    let lines = lines_by_pid(text);
    let pids: BTreeSet<u32> = lines.iter().map(|l| l.0).collect();
    for pid in pids {
        let own: Vec<&str> = lines.iter().filter(|l| l.0 == pid).map(|l| l.1).collect();
        let ends = own.iter().filter(|l| is_end(l)).count();
        assert_eq!(ends, 1, "pid {pid} has {ends} end lines:\n{text}");
        assert!(is_end(own.last().unwrap()), "pid {pid}'s end line is not its last:\n{text}");
    }
}

/// The pid that exec'd `program` (its `execve("...program", ...) = 0`).
fn pid_of(text: &str, program: &str) -> u32 {
    lines_by_pid(text)
        .iter()
        .find(|(_, l)| {
            l.starts_with("execve(") && l.contains(&format!("/{program}\"")) && l.ends_with("= 0")
        })
        .unwrap_or_else(|| panic!("no execve of {program}:\n{text}"))
        .0
}

#[test]
fn child_killed_and_reaped_by_its_traced_parent_has_its_killed_line() {
    let dir = TempDir::new("accounting");
    let (run, text) = follow(&dir, &["timeout", "1", "sleep", "5"]);
    assert_eq!(run.code(), Some(124), "{}", run.describe());
    let sleep = pid_of(&text, "sleep");
    let line = format!("{sleep:<5} +++ killed by SIGTERM +++");
    assert!(text.lines().any(|l| l == line), "no {line:?}:\n{text}");
    assert_one_end_each(&text);
}

#[test]
fn children_reaped_by_wait4_and_waitid_end_once_each() {
    // sh reaps with wait4: one child killed, one exiting; python reaps
    // one killed child with waitid and one with waitpid(pid, NULL, 0)
    // (no status for the program, one for the trace); the last sh is an
    // orphan the CLI reaps.
    let python = common::python();
    let script = format!(
        "sleep 5 & kill -KILL $!; wait; sh -c 'exit 3'; \
         {python} -S -c 'import os, signal, time\n\
pid = os.fork()\n\
if pid == 0:\n    time.sleep(5)\n    os._exit(0)\n\
os.kill(pid, signal.SIGTERM)\n\
os.waitid(os.P_PID, pid, os.WEXITED)\n\
import ctypes\n\
pid = os.fork()\n\
if pid == 0:\n    time.sleep(5)\n    os._exit(0)\n\
os.kill(pid, signal.SIGUSR1)\n\
ctypes.CDLL(None).waitpid(pid, None, 0)'; \
         (sh -c 'sleep 0.3; exit 4' &) ; sleep 0.6"
    );
    let dir = TempDir::new("accounting");
    let (run, text) = follow(&dir, &["sh", "-c", &script]);
    assert_eq!(run.code(), Some(0), "{}", run.describe());
    let lines = lines_by_pid(&text);
    let count = |end: &str| lines.iter().filter(|l| l.1 == end).count();
    assert_eq!(count("+++ killed by SIGKILL +++"), 1, "{text}");
    assert_eq!(count("+++ killed by SIGTERM +++"), 1, "{text}");
    assert_eq!(count("+++ exited with 3 +++"), 1, "{text}");
    assert_eq!(count("+++ exited with 4 +++"), 1, "{text}");
    assert_eq!(count("+++ killed by SIGUSR1 +++"), 1, "{text}");
    let null = regex_lite::Regex::new(r"^wait4\((\d+), NULL, 0, NULL\) += (\d+)$").unwrap();
    assert!(
        lines.iter().any(|l| null.captures(l.1).is_some_and(|c| c[1] == c[2])),
        "the program's NULL status pointer is shown as it passed it:\n{text}"
    );
    assert_one_end_each(&text);
}

/// `tracer -c -U COLUMNS -o FILE -- ARGS...`; the table's lines.
fn table_with_columns(
    mut tracer: Command,
    dir: &TempDir,
    tag: &str,
    columns: &str,
    args: &[&str],
) -> String {
    let out = dir.path(&format!("{tag}.table"));
    tracer.args(["-f", "-c", "-U", columns, "-o"]).arg(&out).arg("--").args(args);
    let run = common::run(tracer, &dir.0, tag, LIMIT);
    assert_eq!(run.code(), Some(0), "{tag}: {}", run.describe());
    std::fs::read_to_string(&out).unwrap()
}

#[test]
fn summary_columns_are_headed_and_ruled_as_straces() {
    need("strace", "strace");
    let dir = TempDir::new("accounting");
    for (i, columns) in [
        "name,calls,min-time,max-time,avg-time,total-time,time-percent,errors",
        "longest,count",
        "calls",
        "syscall,error",
        "time-min,time-max,time-avg,time-total,time",
    ]
    .into_iter()
    .enumerate()
    {
        let theirs = table_with_columns(
            Command::new("strace"),
            &dir,
            &format!("strace{i}"),
            columns,
            &["true"],
        );
        let ours = table_with_columns(
            common::selftrace_command(),
            &dir,
            &format!("ours{i}"),
            columns,
            &["true"],
        );
        let head = |t: &str| t.lines().take(2).map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            head(&ours),
            head(&theirs),
            "-U {columns}:\nstrace:\n{theirs}\nselftrace:\n{ours}"
        );
        // The rule above the total line: the same widths at the end too
        // (errors differ: selftrace does not see the loader's calls).
        let rule = |t: &str| t.lines().rev().nth(1).map(str::to_string);
        assert_eq!(rule(&ours), rule(&theirs), "-U {columns}: the closing rule");
    }
}

#[test]
fn percentiles_put_known_sleeps_in_their_buckets_across_processes() {
    // Two processes, each 50 sleeps of 1 ms and 5 of 20 ms: 110 calls,
    // p50 and p90 among the short ones, p99 among the long ones.
    let python = common::python();
    let sleeper = format!(
        "{python} -S -c 'import time\nfor _ in range(50): time.sleep(0.001)\nfor _ in range(5): time.sleep(0.02)'"
    );
    let script = format!("{sleeper} & {sleeper}; wait");
    let dir = TempDir::new("accounting");
    let text = table_with_columns(
        common::selftrace_command(),
        &dir,
        "sleeps",
        "calls,min-time,p50-time,p90-time,p99-time,max-time",
        &["sh", "-c", &script],
    );
    let row = text
        .lines()
        .find(|l| l.ends_with(" clock_nanosleep"))
        .unwrap_or_else(|| panic!("no clock_nanosleep row:\n{text}"));
    let f: Vec<&str> = row.split_whitespace().collect();
    let secs = |i: usize| f[i].parse::<f64>().unwrap_or_else(|_| panic!("{row}"));
    assert_eq!(f[0], "110", "{text}");
    let (shortest, p50, p90, p99, longest) = (secs(1), secs(2), secs(3), secs(4), secs(5));
    // A loaded machine oversleeps, never undersleeps; the buckets are at
    // most 12.5% wide, so a quantile may sit that far below a time.
    assert!(shortest >= 0.001, "{row}");
    assert!((0.000875..0.010).contains(&p50), "p50 of 1 ms sleeps: {row}");
    assert!((0.000875..0.010).contains(&p90), "p90 of 1 ms sleeps: {row}");
    assert!((0.0175..0.1).contains(&p99), "p99 of 20 ms sleeps: {row}");
    assert!(longest >= 0.020 && longest >= p99, "{row}");
}

#[test]
fn bad_summary_columns_are_refused_in_one_line() {
    for (columns, says) in [
        ("calls,bogus", "unknown column name: 'bogus'"),
        ("calls,count", "call summary column has been provided more than once: 'count'"),
    ] {
        let run =
            Outcome::of(common::selftrace_command().args(["-c", "-U", columns, "--", "true"]));
        assert_eq!(run.code(), Some(2), "{}", run.describe());
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.describe());
        assert!(run.stderr.contains(says), "{}", run.describe());
    }
}
