//! The `selftrace` command on real programs: option errors, exit statuses,
//! the lines it prints and the files it writes.
//! Expected lines are strace 6.1's for the same calls.

#[path = "../common/mod.rs"]
mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

use common::{python, TempDir};
use regex_lite::{escape, Regex};

/// What one run of `selftrace ARGS` did.
type Run = common::Outcome;

fn selftrace_in(dir: &Path, args: &[&str]) -> Run {
    Run::of(common::selftrace_command().args(args).current_dir(dir))
}

fn selftrace(args: &[&str]) -> Run {
    selftrace_in(&std::env::temp_dir(), args)
}

/// `selftrace -o DIR/trace.txt ARGS`: the run, and the trace apart from
/// the program's own stderr.
fn traced_to_file(dir: &TempDir, args: &[&str]) -> (Run, String) {
    let trace = dir.path("trace.txt");
    let mut all = vec!["-o", trace.to_str().unwrap()];
    all.extend(args);
    let run = selftrace_in(&dir.0, &all);
    let text = std::fs::read_to_string(&trace).unwrap();
    (run, text)
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap()
}

/// Index of the first line at or after `from` that is the call `decoded`
/// (a regex of `name(args)`) with a result matching `result` (a regex).
fn find(lines: &[&str], from: usize, decoded: &str, result: &str) -> Option<usize> {
    let decoded = re(&format!("^{decoded} += {result}$"));
    (from..lines.len()).find(|&i| decoded.is_match(lines[i]))
}

fn must_find(lines: &[&str], from: usize, decoded: &str, result: &str) -> usize {
    find(lines, from, decoded, result).unwrap_or_else(|| {
        panic!("no line {decoded} = {result} after line {from} in:\n{}", lines.join("\n"))
    })
}

/// A call line without its `[pid N] ` prefix; `None` for `+++` lines and
/// anything else that is not a call.
fn call_text(line: &str) -> Option<&str> {
    let body = line
        .strip_prefix("[pid ")
        .map_or(line, |rest| rest.split_once("] ").map_or(line, |(_, b)| b));
    (!body.starts_with("+++") && !body.starts_with("selftrace:") && body.contains('('))
        .then_some(body)
}

/// The name of the call on a line, prefix and timestamps aside.
fn call_name(line: &str) -> Option<&str> {
    call_text(line).map(|b| b.split('(').next().unwrap().rsplit(' ').next().unwrap())
}

/// strace's column: `= ` starts at column 40 when the text before it
/// (prefix included) is shorter, else one space after it.
fn assert_aligned(line: &str) {
    let m = re(r"^(.*\)) += ").find(line).unwrap_or_else(|| panic!("no ` = ` in {line:?}"));
    let text = line[..m.end()].trim_end_matches("= ").trim_end();
    let column = m.end() - 2;
    assert_eq!(column, (text.len() + 1).max(40), "result column of {line:?}");
}

/// Pids named by `[pid N] ` prefixes.
fn prefixed_pids(lines: &[&str]) -> std::collections::BTreeSet<u32> {
    let pid = re(r"^\[pid +(\d+)\] ");
    lines.iter().filter_map(|l| pid.captures(l)).map(|c| c[1].parse().unwrap()).collect()
}

// ---- option errors: exit 2, one line, the program never runs ----

/// `selftrace OPTIONS -- sh -c 'touch MARKER'` is refused before the
/// program starts, with one line naming `what`.
fn assert_rejected(options: &[&str], what: &str) {
    let dir = TempDir::new("cli");
    let mut args = options.to_vec();
    args.extend(["--", "sh", "-c", "touch MARKER"]);
    let run = selftrace_in(&dir.0, &args);
    assert_eq!(run.code(), Some(2), "{options:?}: {}", run.stderr);
    assert_eq!(run.lines().len(), 1, "{options:?}: one line: {:?}", run.stderr);
    assert!(run.stderr.starts_with("selftrace: "), "{options:?}: {:?}", run.stderr);
    assert!(run.stderr.contains(what), "{options:?}: {:?} should name {what:?}", run.stderr);
    assert!(!dir.path("MARKER").exists(), "{options:?}: the program ran");
    assert_eq!(run.stdout, "");
}

#[test]
fn unknown_syscall_in_trace_is_rejected() {
    assert_rejected(&["-e", "trace=openat,nosuchcall"], "'nosuchcall'");
}

#[test]
fn unknown_class_is_rejected() {
    assert_rejected(&["-e", "trace=%nosuchclass"], "%nosuchclass");
}

#[test]
fn bad_regex_is_rejected() {
    assert_rejected(&["-e", "trace=/open(at"], "regular expression");
}

#[test]
fn empty_trace_set_is_rejected() {
    assert_rejected(&["-e", "trace="], "empty");
}

#[test]
fn bad_status_is_rejected() {
    assert_rejected(&["-e", "status=sometimes"], "'sometimes'");
}

#[test]
fn unknown_qualifier_is_rejected() {
    assert_rejected(&["-e", "verbose=all"], "'verbose'");
}

#[test]
fn bad_string_size_is_rejected() {
    assert_rejected(&["-s", "many"], "'many'");
    assert_rejected(&["-s", "-1"], "'-1'");
}

#[test]
fn bad_sort_key_is_rejected() {
    assert_rejected(&["-c", "-S", "colour"], "'colour'");
}

#[test]
fn unknown_option_is_rejected() {
    assert_rejected(&["--bogus"], "--bogus");
    assert_rejected(&["-Q"], "-Q");
}

#[test]
fn summary_only_and_summary_with_trace_conflict() {
    assert_rejected(&["-c", "-C"], "-C");
}

#[test]
fn successful_and_failed_only_conflict() {
    assert_rejected(&["-z", "-Z"], "-Z");
}

#[test]
fn relative_and_absolute_timestamps_conflict() {
    assert_rejected(&["-r", "-t"], "-t");
    assert_rejected(&["-r", "-ttt"], "-t");
}

#[test]
fn json_and_summary_only_conflict() {
    assert_rejected(&["--json", "-c"], "--json");
}

#[test]
fn missing_prog_is_an_error() {
    for args in [&[][..], &["-f"][..], &["-f", "--"][..]] {
        let run = selftrace(args);
        assert_eq!(run.code(), Some(2), "{args:?}: {}", run.stderr);
        assert_eq!(run.lines().len(), 1, "{args:?}: {:?}", run.stderr);
        assert!(run.stderr.starts_with("selftrace: "), "{:?}", run.stderr);
    }
}

#[test]
fn missing_prog_message_names_prog() {
    let run = selftrace(&["-f"]);
    assert!(run.stderr.contains("PROG"), "{:?}", run.stderr);
}

#[test]
fn help_documents_the_main_options() {
    let run = selftrace(&["--help"]);
    assert_eq!(run.code(), Some(0));
    for needle in [
        "trace=",
        "-c",
        "--json",
        "-y",
        "--follow-forks",
        "-o, --output <FILE>",
        "status=",
        "--summary-columns",
        "--perfetto",
    ] {
        assert!(run.stdout.contains(needle), "--help should mention {needle}:\n{}", run.stdout);
    }
    assert_eq!(run.stderr, "");
}

#[test]
fn the_manual_page_and_completions_cover_every_option() {
    let man = selftrace(&["--man-page"]);
    assert_eq!(man.code(), Some(0), "{}", man.stderr);
    assert!(man.stdout.contains(".TH selftrace 1"), "{}", man.stdout);
    let bash = selftrace(&["--completions", "bash"]);
    assert_eq!(bash.code(), Some(0), "{}", bash.stderr);
    for option in [
        "--output",
        "--follow-forks",
        "--summary-columns",
        "--perfetto",
        "--syscall-number",
        "--instruction-pointer",
        "--absolute-timestamps",
        "--env",
    ] {
        // roff escapes the dashes of options.
        assert!(man.stdout.contains(&option.replace('-', "\\-")), "the manual names {option}");
        assert!(bash.stdout.contains(option), "bash completes {option}");
    }
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(bash.stdout.as_bytes())?;
            c.wait()
        })
        .unwrap();
    assert!(syntax.success(), "the bash completions parse");
    let unknown = selftrace(&["--completions", "tcsh"]);
    assert_eq!(unknown.code(), Some(2));
    assert_eq!(unknown.lines().len(), 1, "{}", unknown.stderr);
}

#[test]
fn missing_program_is_reported_as_strace_does() {
    let run = selftrace(&["no-such-prog", "arg"]);
    assert_eq!(run.code(), Some(1));
    assert_eq!(run.stderr, "selftrace: Can't stat 'no-such-prog': No such file or directory\n");
    let run = selftrace(&["-f", "--", "./no/such/prog"]);
    assert_eq!(run.code(), Some(1));
    assert_eq!(run.stderr, "selftrace: Can't stat './no/such/prog': No such file or directory\n");
}

// ---- how the program ended ----

#[test]
fn exit_code_is_the_programs() {
    let run = selftrace(&["sh", "-c", "exit 7"]);
    assert_eq!(run.code(), Some(7), "{}", run.stderr);
    assert_eq!(run.lines().last(), Some(&"+++ exited with 7 +++"));
    let run = selftrace(&["-f", "sh", "-c", "sh -c 'exit 3'; exit 5"]);
    assert_eq!(run.code(), Some(5), "{}", run.stderr);
    assert!(
        run.lines()
            .iter()
            .any(|l| l.starts_with("[pid ") && l.ends_with("] +++ exited with 3 +++")),
        "{}",
        run.stderr
    );
    assert_eq!(run.lines().last(), Some(&"+++ exited with 5 +++"));
}

/// selftrace dies of the signal that killed the program, and the trace's
/// last line says so.
fn assert_killed(script: &str, signal: i32) -> Run {
    let run = selftrace(&["sh", "-c", script]);
    assert_eq!(run.status.signal(), Some(signal), "{:?}: {}", run.status, run.stderr);
    assert_eq!(run.code(), None);
    let last = *run.lines().last().unwrap();
    assert!(last.starts_with("+++ killed by ") && last.ends_with(" +++"), "{last:?}");
    run
}

#[test]
fn killed_program_kills_selftrace_with_the_same_signal() {
    assert_killed("kill -KILL $$", libc::SIGKILL);
    assert_killed("ulimit -c 0; kill -ABRT $$", libc::SIGABRT);
}

#[test]
fn killed_line_names_the_signal() {
    let run = assert_killed("kill -KILL $$", libc::SIGKILL);
    assert_eq!(run.lines().last(), Some(&"+++ killed by SIGKILL +++"));
    let run = assert_killed("kill -ABRT $$", libc::SIGABRT);
    let last = *run.lines().last().unwrap();
    assert!(
        last == "+++ killed by SIGABRT +++" || last == "+++ killed by SIGABRT (core dumped) +++",
        "{last:?}"
    );
    let run = selftrace(&["--json", "sh", "-c", "kill -KILL $$"]);
    assert!(run.lines().last().unwrap().contains(r#""signal":"SIGKILL""#), "{}", run.stderr);
}

// ---- the lines of real programs ----

#[test]
fn cat_of_a_file() {
    let dir = TempDir::new("cli");
    let file = dir.write("f.txt", "hello\n");
    let run = selftrace(&["cat", &file]);
    assert_eq!((run.code(), run.stdout.as_str()), (Some(0), "hello\n"), "{}", run.stderr);
    let lines = run.lines();
    assert!(
        lines[0].starts_with(&format!(r#"execve("/usr/bin/cat", ["cat", "{file}"], 0x"#))
            || lines[0].starts_with(r#"execve("/bin/cat""#),
        "{}",
        lines[0]
    );
    let open =
        must_find(&lines, 0, &format!(r#"openat\(AT_FDCWD, "{}", O_RDONLY\)"#, escape(&file)), "3");
    let read = must_find(&lines, open, r#"read\(3, "hello\\n", \d+\)"#, "6");
    let write = must_find(&lines, read, r#"write\(1, "hello\\n", 6\)"#, "6");
    let eof = must_find(&lines, write, r#"read\(3, "", \d+\)"#, "0");
    must_find(&lines, eof, r"close\(3\)", "0");
    assert!(find(&lines, 0, r"exit_group\(0\)", r"\?") == Some(lines.len() - 2), "{}", run.stderr);
    assert_eq!(lines.last(), Some(&"+++ exited with 0 +++"));
    for l in &lines[..lines.len() - 1] {
        assert_aligned(l);
    }
}

#[test]
fn ls_of_a_directory() {
    let dir = TempDir::new("cli");
    dir.write("a.txt", "");
    dir.write("b.txt", "");
    let path = dir.0.to_str().unwrap();
    let run = selftrace(&["ls", path]);
    assert_eq!((run.code(), run.stdout.as_str()), (Some(0), "a.txt\nb.txt\n"), "{}", run.stderr);
    let lines = run.lines();
    let flags = "O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY";
    let open =
        must_find(&lines, 0, &format!(r#"openat\(AT_FDCWD, "{}", {flags}\)"#, escape(path)), "3");
    // ".", "..", "a.txt", "b.txt": 24 + 24 + 32 + 32 bytes of dirents.
    let dents =
        must_find(&lines, open, r"getdents64\(3, 0x[0-9a-f]+ /\* 4 entries \*/, \d+\)", "112");
    let end = must_find(&lines, dents, r"getdents64\(3, 0x[0-9a-f]+ /\* 0 entries \*/, \d+\)", "0");
    must_find(&lines, end, r#"write\(1, "a.txt\\nb.txt\\n", 12\)"#, "12");
    assert_eq!(lines.last(), Some(&"+++ exited with 0 +++"));
    lines[..lines.len() - 1].iter().for_each(|l| assert_aligned(l));
}

#[test]
fn cat_of_a_missing_file() {
    let dir = TempDir::new("cli");
    let missing = dir.path("missing.txt");
    let missing = missing.to_str().unwrap();
    let (run, trace) = traced_to_file(&dir, &["cat", missing]);
    assert_eq!(run.code(), Some(1), "{trace}");
    assert_eq!(run.stderr, format!("cat: {missing}: No such file or directory\n"));
    let lines: Vec<&str> = trace.lines().collect();
    let enoent = r"-1 ENOENT \(No such file or directory\)";
    let open = must_find(
        &lines,
        0,
        &format!(r#"openat\(AT_FDCWD, "{}", O_RDONLY\)"#, escape(missing)),
        enoent,
    );
    // The message, in pieces, between the trace lines on the same stderr.
    let w = must_find(&lines, open, r#"write\(2, "cat: ", 5\)"#, "5");
    // strace's -s 32 cuts the path in the write, with `...` after the quote.
    let shown = match missing.get(..32) {
        Some(head) if missing.len() > 32 => format!(r#""{}"\.\.\."#, escape(head)),
        _ => format!(r#""{}""#, escape(missing)),
    };
    let w = must_find(
        &lines,
        w,
        &format!(r#"write\(2, {shown}, {}\)"#, missing.len()),
        &missing.len().to_string(),
    );
    let w = must_find(&lines, w, r#"write\(2, ": No such file or directory", 27\)"#, "27");
    must_find(&lines, w, r"exit_group\(1\)", r"\?");
    assert_eq!(lines.last(), Some(&"+++ exited with 1 +++"), "{trace}");
    lines.iter().filter(|l| l.contains(") = -1 ") || l.contains(" = -1 E")).for_each(|l| {
        assert!(re(r" = -1 E[A-Z0-9]+ \([^)]+\)$").is_match(l), "errno text: {l:?}");
        assert_aligned(l);
    });
}

// ---- where the trace goes: -o, -f, -ff ----

#[test]
fn output_file_takes_the_trace_and_leaves_stderr_to_the_program() {
    let dir = TempDir::new("cli");
    let trace = dir.path("trace.txt");
    let run = selftrace(&["-o", trace.to_str().unwrap(), "sh", "-c", "echo out; echo err >&2"]);
    assert_eq!((run.code(), run.stdout.as_str(), run.stderr.as_str()), (Some(0), "out\n", "err\n"));
    let text = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(r#"execve("/usr/bin/sh", ["sh", "-c", "echo out; echo err >&2"], 0x"#)
            || lines[0].starts_with(r#"execve("/bin/sh""#),
        "{text}"
    );
    must_find(&lines, 0, r#"write\(1, "out\\n", 4\)"#, "4");
    // dash moves fd 2 onto fd 1 for `>&2` and writes to 1 (strace shows the same).
    let out = must_find(&lines, 0, r#"write\(1, "out\\n", 4\)"#, "4");
    must_find(&lines, out + 1, r#"write\(1, "err\\n", 4\)"#, "4");
    assert_eq!(lines.last(), Some(&"+++ exited with 0 +++"));
    assert_eq!(lines.iter().filter(|l| l.starts_with("+++")).count(), 1, "{text}");
}

#[test]
fn output_file_takes_the_trace_of_bash() {
    let dir = TempDir::new("cli");
    let trace = dir.path("trace.txt");
    let run = selftrace(&["-o", trace.to_str().unwrap(), "bash", "-c", "echo out"]);
    assert_eq!((run.code(), run.stdout.as_str(), run.stderr.as_str()), (Some(0), "out\n", ""));
    let text = std::fs::read_to_string(&trace).unwrap();
    assert!(text.starts_with("execve("), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("+++")).count(), 1, "{text}");
}

const PIPELINE: &str = "cat F | wc -c; echo x >/dev/null";

/// A directory with F, and the pipeline's script reading it.
fn pipeline_dir() -> (TempDir, String) {
    let dir = TempDir::new("cli");
    let file = dir.write("F", "hello\n");
    (dir, PIPELINE.replace('F', &file))
}

#[test]
fn follow_prefixes_lines_with_pids_while_several_run() {
    let (_dir, script) = pipeline_dir();
    let run = selftrace(&["-f", "bash", "-c", &format!("{script}; echo $$")]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let (count, bash) = run.stdout.split_once('\n').unwrap();
    assert_eq!(count, "6");
    let bash: u32 = bash.trim().parse().unwrap();
    let lines = run.lines();
    let mut children = prefixed_pids(&lines);
    children.remove(&bash);
    assert_eq!(children.len(), 2, "cat and wc: {children:?}\n{}", run.stderr);
    for program in ["cat", "wc"] {
        let exec = format!(r#"^\[pid +\d+\] execve\("/usr/bin/{program}", \["{program}", "#);
        assert!(lines.iter().any(|l| re(&exec).is_match(l)), "{exec}\n{}", run.stderr);
    }
    for pid in &children {
        let end = format!("[pid {pid:5}] +++ exited with 0 +++");
        assert!(lines.contains(&end.as_str()), "{end}\n{}", run.stderr);
    }
    // bash is alone at the start and at the end: no prefix.
    assert!(lines[0].starts_with("execve(\"/usr/bin/bash\""), "{}", lines[0]);
    assert_eq!(lines.last(), Some(&"+++ exited with 0 +++"));
    lines.iter().filter(|l| call_text(l).is_some()).for_each(|l| assert_aligned(l));
}

#[test]
fn follow_into_a_file_prefixes_every_line_with_the_pid() {
    let (dir, script) = pipeline_dir();
    let trace = dir.path("trace.txt");
    let run = selftrace(&["-f", "-o", trace.to_str().unwrap(), "bash", "-c", &script]);
    assert_eq!((run.code(), run.stdout.as_str(), run.stderr.as_str()), (Some(0), "6\n", ""));
    let text = std::fs::read_to_string(&trace).unwrap();
    let prefix = re(r"^(\d+) +\S");
    let mut pids = std::collections::BTreeSet::new();
    for l in text.lines() {
        let c = prefix.captures(l).unwrap_or_else(|| panic!("no PID prefix: {l:?}"));
        assert!(l.starts_with(&format!("{:<5} ", &c[1])), "strace's `%-5d ` prefix: {l:?}");
        pids.insert(c[1].to_string());
        if call_text(l).is_some() {
            assert_aligned(l);
        }
    }
    assert!(pids.len() >= 3, "{pids:?}\n{text}");
    assert!(!text.contains("[pid"), "{text}");
}

#[test]
fn follow_forks_writes_one_file_per_process() {
    let (dir, script) = pipeline_dir();
    let base = dir.path("trace");
    let run = selftrace(&["-ff", "-o", base.to_str().unwrap(), "bash", "-c", &script]);
    assert_eq!((run.code(), run.stdout.as_str(), run.stderr.as_str()), (Some(0), "6\n", ""));
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.file_name().unwrap().to_str().unwrap().starts_with("trace."));
    assert!(files.len() >= 3, "{files:?}");
    let mut programs = Vec::new();
    for f in &files {
        let pid = f.extension().unwrap().to_str().unwrap();
        assert!(pid.parse::<u32>().is_ok(), "{f:?}");
        let text = std::fs::read_to_string(f).unwrap();
        for l in text.lines() {
            assert!(!l.starts_with("[pid") && !re(r"^\d+ ").is_match(l), "{f:?}: prefix on {l:?}");
        }
        assert_eq!(text.lines().last(), Some("+++ exited with 0 +++"), "{f:?}:\n{text}");
        programs.extend(
            text.lines()
                .filter_map(|l| l.strip_prefix("execve(\""))
                .map(|l| l.split('"').next().unwrap().to_string()),
        );
    }
    programs.sort();
    assert_eq!(programs, ["/usr/bin/bash", "/usr/bin/cat", "/usr/bin/wc"]);
}

// ---- what is shown: -e trace=, -e status=, -z, -Z ----

/// The call names of a trace, and checks that only `+++` lines are not calls.
fn names<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    lines
        .iter()
        .filter(|l| !l.starts_with("+++"))
        .map(|l| call_name(l).unwrap_or_else(|| panic!("not a call: {l:?}")))
        .collect()
}

#[test]
fn trace_set_shows_only_those_calls() {
    let (dir, _) = pipeline_dir();
    let run = selftrace(&["-e", "trace=openat,close", "cat", dir.path("F").to_str().unwrap()]);
    assert_eq!(run.code(), Some(0));
    let names = names(&run.lines());
    assert!(names.iter().all(|n| *n == "openat" || *n == "close"), "{names:?}");
    assert!(names.contains(&"openat") && names.contains(&"close"), "{names:?}");
    assert_eq!(run.lines().last(), Some(&"+++ exited with 0 +++"));
}

#[test]
fn trace_regex_and_bare_names_select_calls() {
    let (dir, _) = pipeline_dir();
    let file = dir.path("F");
    for opts in [&["-e", "trace=/^(read|close)$"][..], &["-e", "read,close"][..]] {
        let mut args = opts.to_vec();
        args.extend(["cat", file.to_str().unwrap()]);
        let run = selftrace(&args);
        assert_eq!(run.code(), Some(0), "{opts:?}");
        let names = names(&run.lines());
        assert!(names.iter().all(|n| *n == "read" || *n == "close"), "{opts:?}: {names:?}");
        assert!(names.contains(&"read") && names.contains(&"close"), "{opts:?}: {names:?}");
    }
}

#[test]
fn repeated_trace_options_keep_the_last_as_strace_does() {
    let (dir, _) = pipeline_dir();
    let run = selftrace(&["-e", "read", "-e", "close", "cat", dir.path("F").to_str().unwrap()]);
    let names = names(&run.lines());
    assert!(!names.is_empty() && names.iter().all(|n| *n == "close"), "{names:?}");
}

#[test]
fn trace_class_file_shows_only_file_calls() {
    let (dir, _) = pipeline_dir();
    let run = selftrace(&["-e", "trace=%file", "cat", dir.path("F").to_str().unwrap()]);
    assert_eq!(run.code(), Some(0));
    let names = names(&run.lines());
    let file_calls = [
        "execve",
        "openat",
        "newfstatat",
        "access",
        "faccessat",
        "faccessat2",
        "readlink",
        "readlinkat",
        "statx",
        "stat",
        "lstat",
    ];
    assert!(names.iter().all(|n| file_calls.contains(n)), "{names:?}");
    assert!(names.contains(&"openat") && names.contains(&"execve"), "{names:?}");
}

#[test]
fn negated_trace_set_hides_those_calls() {
    let (dir, _) = pipeline_dir();
    let run = selftrace(&["-e", "trace=!write", "cat", dir.path("F").to_str().unwrap()]);
    assert_eq!((run.code(), run.stdout.as_str()), (Some(0), "hello\n"));
    let names = names(&run.lines());
    assert!(!names.contains(&"write"), "{names:?}");
    assert!(
        names.contains(&"read") && names.contains(&"close") && names.contains(&"exit_group"),
        "{names:?}"
    );
}

#[test]
fn failed_only_shows_only_errors() {
    for opts in [&["-Z"][..], &["-e", "status=failed"][..]] {
        let mut args = opts.to_vec();
        args.extend(["cat", "/no/such/file"]);
        let (run, trace) = traced_to_file(&TempDir::new("cli"), &args);
        assert_eq!(run.code(), Some(1));
        let lines: Vec<&str> = trace.lines().collect();
        // The execve line is a known bug (failed_only_hides_the_successful_execve).
        let calls = &lines[1..lines.len() - 1];
        assert!(
            calls.iter().all(|l| re(r" = -1 E[A-Z0-9]+ \(.*\)$").is_match(l)),
            "{opts:?}:\n{trace}"
        );
        must_find(
            calls,
            0,
            r#"openat\(AT_FDCWD, "/no/such/file", O_RDONLY\)"#,
            r"-1 ENOENT \(No such file or directory\)",
        );
        assert_eq!(lines.last(), Some(&"+++ exited with 1 +++"));
    }
}

#[test]
fn failed_only_hides_the_successful_execve() {
    let (_, trace) = traced_to_file(&TempDir::new("cli"), &["-Z", "cat", "/no/such/file"]);
    assert!(!trace.contains("execve("), "{trace}");
}

#[test]
fn successful_only_hides_errors() {
    let (run, trace) = traced_to_file(&TempDir::new("cli"), &["-z", "cat", "/no/such/file"]);
    assert_eq!(run.code(), Some(1));
    assert!(!trace.contains(" = -1 "), "{trace}");
    let lines: Vec<&str> = trace.lines().collect();
    assert!(lines.iter().filter(|l| call_text(l).is_some()).count() > 10, "{trace}");
    must_find(&lines, 0, r#"write\(2, "cat: ", 5\)"#, "5");
    must_find(&lines, 0, r"close\(1\)", "0");
}

// ---- how lines look: -s, -y, -T, -t, -tt, -ttt, -r ----

#[test]
fn string_size_cuts_strings() {
    let (run, trace) = traced_to_file(
        &TempDir::new("cli"),
        &["-s", "5", "/bin/sh", "-c", "echo hello-long-string"],
    );
    assert_eq!(run.stdout, "hello-long-string\n");
    let lines: Vec<&str> = trace.lines().collect();
    // argv is cut at -s; the path is shown whole.
    let exec = r#"^execve\("/bin/sh", \["/bin/"\.\.\., "-c", "echo "\.\.\.\], 0x[0-9a-f]+ /\* \d+ vars \*/\) += 0$"#;
    assert!(re(exec).is_match(lines[0]), "{}", lines[0]);
    must_find(&lines, 0, r#"write\(1, "hello"\.\.\., 18\)"#, "18");
}

#[test]
fn fd_paths_show_the_file_of_each_descriptor() {
    let dir = TempDir::new("cli");
    let file = dir.write("f.txt", "hello\n");
    let run = selftrace(&["-y", "cat", &file]);
    let lines = run.lines();
    let fd = format!("3<{}>", escape(&file));
    // As strace: the working directory too (selftrace runs in temp_dir).
    let cwd = std::env::temp_dir().canonicalize().unwrap();
    let cwd = escape(cwd.to_str().unwrap());
    let open = lines.iter().position(|l| {
        let file = escape(&file);
        re(&format!(r#"^openat\(AT_FDCWD<{cwd}>, "{file}", O_RDONLY\) += {fd}$"#)).is_match(l)
    });
    let read = re(&format!(r#"^read\({fd}, "hello\\n", \d+\) += 6$"#));
    assert!(open.is_some() && lines.iter().any(|l| read.is_match(l)), "{}", run.stderr);
    assert!(
        lines.iter().any(|l| re(r#"^close\(3<.*f\.txt>\) += 0$"#).is_match(l)),
        "{}",
        run.stderr
    );
}

#[test]
fn durations_follow_each_finished_call() {
    let dir = TempDir::new("cli");
    let file = dir.write("f.txt", "hello\n");
    let run = selftrace(&["-T", "cat", &file]);
    let lines = run.lines();
    let timed = re(r"\) += (-?\d+|0x[0-9a-f]+)( E[A-Z]+ \(.*\))? <\d+\.\d{6}>$");
    // The execve line is a known bug (durations_include_the_execve).
    for l in &lines[1..lines.len() - 2] {
        assert!(timed.is_match(l), "{l:?}");
    }
    assert!(
        lines[lines.len() - 2].ends_with(" = ?"),
        "exit_group never returns: {}",
        lines[lines.len() - 2]
    );
    assert_eq!(lines.last(), Some(&"+++ exited with 0 +++"));
}

/// Every call line of `selftrace OPT sh -c ':'` starts with `prefix`.
fn assert_timestamped(opt: &str, prefix: &str) -> Vec<String> {
    let run = selftrace(&[opt, "sh", "-c", ":"]);
    assert_eq!(run.code(), Some(0));
    let calls: Vec<String> =
        run.lines().iter().filter(|l| !l.contains("+++")).map(|l| l.to_string()).collect();
    assert!(calls.len() > 3, "{}", run.stderr);
    let stamped = re(&format!("^{prefix} [a-z_0-9]+\\("));
    for l in &calls {
        assert!(stamped.is_match(l), "{opt}: {l:?}");
        assert_aligned(l);
    }
    run.lines().iter().map(|l| l.to_string()).collect()
}

#[test]
fn timestamps_prefix_every_call_line() {
    assert_timestamped("-t", r"\d\d:\d\d:\d\d");
    assert_timestamped("-tt", r"\d\d:\d\d:\d\d\.\d{6}");
    assert_timestamped("-ttt", r"\d{10}\.\d{6}");
    let lines = assert_timestamped("-r", r" *\d+\.\d{6}");
    assert!(lines[0].starts_with("     0.000000 execve("), "{}", lines[0]);
}

#[test]
fn timestamps_prefix_the_exit_line_too() {
    for (opt, prefix) in
        [("-t", r"\d\d:\d\d:\d\d "), ("-ttt", r"\d{10}\.\d{6} "), ("-r", r" *\d+\.\d{6} ")]
    {
        let lines = assert_timestamped(opt, prefix.trim_end());
        assert!(
            re(&format!("^{prefix}\\+\\+\\+ exited with 0 \\+\\+\\+$"))
                .is_match(lines.last().unwrap()),
            "{opt}: {lines:?}"
        );
    }
}

// ---- -c, -C, -S ----

const TABLE_HEADER: &str = "% time     seconds  usecs/call     calls    errors syscall";
const TABLE_RULE: &str = "------ ----------- ----------- --------- --------- ----------------";

/// The rows of a `-c` table in `text`: (calls, errors, name), total last.
fn table(text: &str) -> Vec<(u64, u64, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let head = lines
        .iter()
        .position(|l| *l == TABLE_HEADER)
        .unwrap_or_else(|| panic!("no table header in:\n{text}"));
    assert_eq!(lines[head + 1], TABLE_RULE);
    let row = re(r"^ *\d+\.\d\d +\d+\.\d{6} +\d+ +(\d+) +(\d+)? +([a-z_0-9]+)$");
    let rows: Vec<_> = lines[head + 2..]
        .iter()
        .filter(|l| **l != TABLE_RULE)
        .map(|l| {
            let c = row.captures(l).unwrap_or_else(|| panic!("not a table row: {l:?}"));
            (
                c[1].parse().unwrap(),
                c.get(2).map_or(0, |e| e.as_str().parse().unwrap()),
                c[3].to_string(),
            )
        })
        .collect();
    assert_eq!(lines[lines.len() - 2], TABLE_RULE, "{text}");
    assert_eq!(rows.last().unwrap().2, "total", "{text}");
    rows
}

#[test]
fn summary_counts_every_call() {
    let run = selftrace(&[
        "-c",
        "-e",
        "trace=getppid",
        python(),
        "-c",
        "import os; [os.getppid() for _ in range(10)]",
    ]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert_eq!(table(&run.stderr), [(10, 0, "getppid".to_string()), (10, 0, "total".to_string())]);
    assert!(
        !run.stderr.contains("getppid()") && !run.stderr.contains("+++"),
        "no trace with -c:\n{}",
        run.stderr
    );
}

#[test]
fn summary_counts_errors_and_sorts_by_name() {
    let (run, trace) = traced_to_file(
        &TempDir::new("cli"),
        &["-c", "-S", "name", "-e", "trace=openat,close,read", "cat", "/no/such/file"],
    );
    assert_eq!(run.code(), Some(1));
    let rows = table(&trace);
    let names: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(names, ["close", "openat", "read", "total"], "{trace}");
    assert!(rows[1].1 >= 1 && rows[1].1 <= rows[1].0, "openat's ENOENT counted: {trace}");
    let sum = |i: fn(&(u64, u64, String)) -> u64| rows[..3].iter().map(i).sum::<u64>();
    assert_eq!((rows[3].0, rows[3].1), (sum(|r| r.0), sum(|r| r.1)), "{trace}");
}

#[test]
fn summary_with_trace_prints_both() {
    let dir = TempDir::new("cli");
    let file = dir.write("f.txt", "hello\n");
    let run = selftrace(&["-C", "-e", "trace=read,close", "cat", &file]);
    assert_eq!(run.code(), Some(0));
    let lines = run.lines();
    let exited = lines.iter().position(|l| *l == "+++ exited with 0 +++").expect("trace");
    must_find(&lines, 0, r#"read\(3, "hello\\n", \d+\)"#, "6");
    let rows = table(&lines[exited..].join("\n"));
    let reads = lines[..exited].iter().filter(|l| l.starts_with("read(")).count() as u64;
    let closes = lines[..exited].iter().filter(|l| l.starts_with("close(")).count() as u64;
    let count = |name: &str| rows.iter().find(|r| r.2 == name).map(|r| r.0);
    assert_eq!(
        (count("read"), count("close"), count("total")),
        (Some(reads), Some(closes), Some(reads + closes)),
        "{}",
        run.stderr
    );
}

#[test]
fn summary_adds_up_child_processes() {
    let script = format!(
        "for i in 1 2 3; do {} -c 'import os; [os.sched_yield() for _ in range(4)]'; done",
        python()
    );
    let run = selftrace(&["-c", "-f", "-e", "trace=sched_yield", "sh", "-c", &script]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    assert_eq!(
        table(&run.stderr),
        [(12, 0, "sched_yield".to_string()), (12, 0, "total".to_string())]
    );
}

// ---- --json ----

/// Every line of a `--json` trace, parsed; syscall objects checked for
/// their fields.
fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}"));
            assert!(v["type"].is_string() && v["pid"].is_u64() && v["tid"].is_u64(), "{l}");
            if v["type"] == "syscall" {
                assert!(
                    v["time"].is_f64() && v["syscall"].is_string() && v["args"].is_object(),
                    "{l}"
                );
                assert!(v.get("return").is_some(), "{l}");
            }
            v
        })
        .collect()
}

#[test]
fn json_gives_back_the_exact_bytes_of_a_buffer() {
    // 0xff alone and the UTF-8 "ÿ" (0xc3 0xbf) must not read back alike.
    let script = "import os; os.write(1, b'A\\xffB\\n'); os.write(1, b'A\\xc3\\xbfB\\n')";
    let args = ["--json", "-e", "trace=write", python(), "-S", "-c", script];
    let (run, trace) = traced_to_file(&TempDir::new("cli"), &args);
    assert_eq!(run.code(), Some(0), "{}", run.describe());
    let bufs: Vec<serde_json::Value> = json_lines(&trace)
        .into_iter()
        .filter(|v| v["syscall"] == "write" && v["args"]["fd"] == 1)
        .map(|v| v["args"]["buf"].clone())
        .collect();
    assert_eq!(
        bufs,
        [serde_json::json!({"hex": "41ff420a"}), serde_json::json!("AÿB\n")],
        "{trace}"
    );
}

#[test]
fn json_lines_are_objects_with_errno_names() {
    let (run, trace) = traced_to_file(&TempDir::new("cli"), &["--json", "cat", "/no/such/file"]);
    assert_eq!(run.code(), Some(1));
    let objects = json_lines(&trace);
    let failed = objects
        .iter()
        .filter(|v| v["syscall"] == "openat" && v["errno"] == "ENOENT")
        .collect::<Vec<_>>();
    assert!(!failed.is_empty(), "{trace}");
    assert!(
        failed.iter().all(|v| v["return"] == -1
            && v["error"].as_str().unwrap().contains("No such file or directory")),
        "{trace}"
    );
    assert!(failed.iter().any(|v| v["args"]["pathname"] == "/no/such/file"), "{trace}");
    let last = objects.last().unwrap();
    assert_eq!((&last["type"], &last["status"]), (&"exited".into(), &1.into()), "{trace}");
    let exit = &objects[objects.len() - 2];
    assert_eq!(
        (&exit["syscall"], &exit["return"]),
        (&"exit_group".into(), &serde_json::Value::Null)
    );
}

#[test]
fn json_follow_shows_several_processes() {
    let (dir, script) = pipeline_dir();
    let (run, trace) = traced_to_file(&dir, &["-f", "--json", "sh", "-c", &script]);
    assert_eq!((run.code(), run.stdout.as_str()), (Some(0), "6\n"));
    let objects = json_lines(&trace);
    let pids: std::collections::BTreeSet<u64> =
        objects.iter().map(|v| v["pid"].as_u64().unwrap()).collect();
    assert!(pids.len() >= 3, "{pids:?}");
    let exits = objects.iter().filter(|v| v["type"] == "exited" && v["status"] == 0).count();
    assert_eq!(exits, pids.len(), "{trace}");
}

#[test]
fn json_shows_the_execve() {
    let run = selftrace(&["--json", "-e", "trace=execve,exit_group", "/usr/bin/true"]);
    let objects = json_lines(&run.stderr);
    assert!(
        objects.iter().any(|v| v["type"] == "execve" || v["syscall"] == "execve"),
        "{}",
        run.stderr
    );
}

// ---- robustness: programs that fight their descriptors, bad outputs ----

#[test]
fn a_program_closing_all_descriptors_stays_traced() {
    let run = selftrace(&[
        "-e",
        "trace=close,close_range,write",
        python(),
        "-c",
        "import os; os.closerange(3, 100000); os.write(1, b'ok')",
    ]);
    assert_eq!((run.code(), run.stdout.as_str()), (Some(0), "ok"), "{}", run.stderr);
    let lines = run.lines();
    must_find(&lines, 0, r#"write\(1, "ok", 2\)"#, "2");
    assert_eq!(lines.last(), Some(&"+++ exited with 0 +++"));
}

#[test]
fn a_shell_closing_every_descriptor_it_finds_stays_traced() {
    // bash's `exec N>&-` on every entry of /proc/self/fd, the trace's own included.
    let script = r#"for f in /proc/self/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&- 2>/dev/null"; done; echo after"#;
    let (run, trace) = traced_to_file(&TempDir::new("cli"), &["-f", "bash", "-c", script]);
    assert_eq!(
        (run.code(), run.stdout.as_str(), run.stderr.as_str()),
        (Some(0), "after\n", ""),
        "{trace}"
    );
    // -f -o: `PID  ` before each line.
    let lines: Vec<&str> =
        trace.lines().map(|l| l.split_once(' ').unwrap().1.trim_start()).collect();
    let closes = lines.iter().filter(|l| l.starts_with("close(")).count();
    assert!(closes >= 2, "{trace}");
    must_find(&lines, 0, r#"write\(1, "after\\n", 6\)"#, "6");
    assert_eq!(lines.last(), Some(&"+++ exited with 0 +++"));
    assert_eq!(trace.matches("+++").count(), 2, "{trace}");
}

#[test]
fn a_program_using_high_descriptors_works_and_is_traced() {
    let code = "import os\nfor fd in range(500, 521): os.dup2(1, fd)\nfor fd in range(500, 521): os.write(fd, b'%d ' % fd)";
    let run = selftrace(&["-e", "trace=dup2,write", python(), "-c", code]);
    let expected: String = (500..521).map(|fd| format!("{fd} ")).collect();
    assert_eq!((run.code(), run.stdout.as_str()), (Some(0), expected.as_str()), "{}", run.stderr);
    let lines = run.lines();
    let mut at = 0;
    for fd in 500..521 {
        at = must_find(&lines, at, &format!(r"dup2\(1, {fd}\)"), &fd.to_string());
    }
    for fd in 500..521 {
        at = must_find(&lines, at, &format!(r#"write\({fd}, "{fd} ", 4\)"#), "4");
    }
    assert_eq!(lines.len(), 21 + 21 + 1, "{}", run.stderr);
}

#[test]
fn an_unwritable_output_is_one_error_and_the_exit_code_is_kept() {
    for follow in [&[][..], &["-f"][..]] {
        let mut args = follow.to_vec();
        args.extend(["-o", "/dev/full", "sh", "-c", "echo out; exit 3"]);
        let run = selftrace(&args);
        assert_eq!((run.code(), run.stdout.as_str()), (Some(3), "out\n"), "{}", run.stderr);
        assert_eq!(run.lines().len(), 1, "{:?}", run.stderr);
        assert!(
            run.stderr.starts_with("selftrace: ") && run.stderr.contains("No space left on device"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn the_runtimes_own_calls_never_show() {
    let (dir, script) = pipeline_dir();
    let (run, trace) = traced_to_file(&dir, &["-f", "-y", "sh", "-c", &script]);
    assert_eq!(run.code(), Some(0));
    assert!(trace.lines().count() > 100, "{trace}");
    for hidden in [
        "process_vm_readv",
        "/proc/self/fd/",
        "rt_sigaction(SIGSYS",
        "rt_sigaction(0x1f,",
        "(0x1f4",
        "(500",
    ] {
        assert!(!trace.contains(hidden), "{hidden} in:\n{trace}");
    }
}

// ---- threads ----

#[test]
fn every_thread_is_traced_with_follow() {
    let code = "import os, threading\n\
                ts = [threading.Thread(target=os.write, args=(1, b't%d\\n' % i)) for i in range(4)]\n\
                [t.start() for t in ts]; [t.join() for t in ts]";
    // execve puts the main thread on record first, so the threads' lines get prefixes.
    let run = selftrace(&["-f", "-e", "trace=execve,write", python(), "-c", code]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr);
    let mut out: Vec<&str> = run.stdout.lines().collect();
    out.sort();
    assert_eq!(out, ["t0", "t1", "t2", "t3"]);
    let lines = run.lines();
    let mut writers = std::collections::BTreeSet::new();
    for i in 0..4 {
        let write = format!(
            r#"^\[pid +(\d+)\] (write\(1, "t{i}\\n", 3\)|write\(0x1, 0x[0-9a-f]+, 0x3\)) += 3$"#
        );
        let tids: Vec<u32> = lines
            .iter()
            .filter_map(|l| re(&write).captures(l))
            .map(|c| c[1].parse().unwrap())
            .collect();
        assert!(!tids.is_empty(), "t{i}: {}", run.stderr);
        writers.extend(tids);
    }
    assert_eq!(writers.len(), 4, "four threads: {writers:?}\n{}", run.stderr);
}

#[test]
fn follow_prefixes_threads_whatever_the_trace_set() {
    let code = "import os, threading\n\
                t = threading.Thread(target=os.write, args=(1, b'x')); t.start(); t.join()";
    let run = selftrace(&["-f", "-e", "trace=write", python(), "-c", code]);
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    assert!(re(r"^\[pid +\d+\] write\(").is_match(lines[0]), "{}", run.stderr);
    assert!(re(r"^\[pid +\d+\] \+\+\+ exited with 0 \+\+\+$").is_match(lines[1]), "{}", run.stderr);
    assert_eq!(lines[2], "+++ exited with 0 +++");
}
