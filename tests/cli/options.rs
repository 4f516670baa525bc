//! strace's command line: long options mean what their short forms mean,
//! and `-n`, `-i`, `-a`, `-A`, `-E`, `-w`, `--seccomp-bpf` behave as in
//! strace 6.1, compared with strace on the same program where it prints.
//!
//! strace must be installed (CI installs it): without it the comparisons
//! fail.

#[path = "../common/mod.rs"]
mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{need, Outcome, TempDir};

const LIMIT: Duration = Duration::from_secs(60);

/// `tracer ARGS -o FILE -- PROG...` with the program's output thrown
/// away; the trace.
fn trace(mut tracer: Command, dir: &TempDir, tag: &str, args: &[&str], prog: &[&str]) -> String {
    let out = dir.path(&format!("{tag}.txt"));
    tracer.args(args).arg("-o").arg(&out).arg("--").args(prog).stdout(Stdio::null());
    let run = common::run(tracer, &dir.0, tag, LIMIT);
    assert_eq!(run.code(), Some(0), "{tag}: {}", run.describe());
    std::fs::read_to_string(&out).unwrap()
}

fn ours(dir: &TempDir, tag: &str, args: &[&str], prog: &[&str]) -> String {
    trace(common::selftrace_command(), dir, tag, args, prog)
}

/// Numbers (and hex addresses) to `N`, for lines with times, pids or
/// addresses in them.
fn digits_out(text: &str) -> String {
    let hex = regex_lite::Regex::new(r"0x[0-9a-f]+|\[[0-9a-f]{16}\]").unwrap();
    let text = hex.replace_all(text, "0xN");
    let mut out = String::new();
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    // Columns widen with their numbers.
    out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") + "\n").collect()
}

#[test]
fn long_options_mean_their_short_forms() {
    let dir = TempDir::new("options");
    let echo = ["/bin/echo", "hello there"];
    let failing = ["sh", "-c", "/bin/cat /nonexistent; exit 0"];
    let failing = &failing[..];
    let writer = &["sh", "-c", "echo hi; exit 0"][..];
    for (i, (long, short, prog, timed)) in [
        (
            &["--follow-forks", "--string-limit=4", "--trace=write,exit_group"][..],
            &["-f", "-s", "4", "-e", "trace=write,exit_group"][..],
            &echo[..],
            true,
        ),
        (&["--successful-only", "--trace=openat"], &["-z", "-e", "trace=openat"], failing, false),
        (&["--failed-only"], &["-Z"], failing, false),
        (
            &["--status=failed", "--trace=%file"],
            &["-e", "status=failed", "-e", "trace=%file"],
            failing,
            false,
        ),
        (&["--decode-fds=path", "--trace=write"], &["-y", "-e", "trace=write"], &echo, false),
        (&["--decode-fds", "--trace=write"], &["-y", "-e", "trace=write"], &echo, false),
        (
            &["--inject=write:error=EIO", "--trace=write"],
            &["-e", "inject=write:error=EIO", "-e", "trace=write"],
            writer,
            false,
        ),
        (
            &["--fault=write", "--trace=write"],
            &["-e", "fault=write", "-e", "trace=write"],
            writer,
            false,
        ),
        (&["--syscall-times", "--trace=write"], &["-T", "-e", "trace=write"], &echo, true),
        (&["--absolute-timestamps", "--trace=write"], &["-t", "-e", "trace=write"], &echo, true),
        (
            &["--absolute-timestamps=time,us", "--trace=write"],
            &["-tt", "-e", "trace=write"],
            &echo,
            true,
        ),
        (
            &["--absolute-timestamps=format:unix,precision:us", "--trace=write"],
            &["-ttt", "-e", "trace=write"],
            &echo,
            true,
        ),
        (&["--relative-timestamps", "--trace=write"], &["-r", "-e", "trace=write"], &echo, true),
        (&["--summary-only", "--summary-sort-by=name"], &["-c", "-S", "name"], &echo, true),
        (&["--summary", "--trace=write"], &["-C", "-e", "trace=write"], &echo, true),
        (
            &["--syscall-number", "--instruction-pointer", "--columns=20", "--trace=write"],
            &["-n", "-i", "-a", "20", "-e", "trace=write"],
            &echo,
            true,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        // The program's output goes to a file named after the run.
        let a = ours(&dir, &format!("long{i}"), long, prog)
            .replace(&format!("long{i}."), &format!("short{i}."));
        let b = ours(&dir, &format!("short{i}"), short, prog);
        // Pids of children and times differ from run to run.
        let (a, b) =
            if timed || prog == failing { (digits_out(&a), digits_out(&b)) } else { (a, b) };
        assert_eq!(a, b, "{long:?} against {short:?}");
        assert!(!a.is_empty(), "{long:?} traced something");
    }
}

#[test]
fn long_and_short_trace_expressions_keep_their_order() {
    let dir = TempDir::new("options");
    let prog = ["/bin/echo", "hi"];
    let later_wins = |args: &[&str], shown: &str, hidden: &str| {
        let text = ours(&dir, shown, args, &prog);
        assert!(text.contains(&format!("{shown}(")), "{args:?} shows {shown}:\n{text}");
        assert!(!text.contains(&format!("\n{hidden}(")), "{args:?} hides {hidden}:\n{text}");
    };
    later_wins(&["-e", "trace=close", "--trace=write"], "write", "close");
    later_wins(&["--trace=write", "-e", "trace=close"], "close", "write");
}

/// The lines of `-n -i` traces of the same program with the instruction
/// pointers cut to their page offsets (the only part address space layout
/// randomization keeps).
fn page_offsets(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| match (l.find("] ["), l.find("] ").and_then(|_| l.match_indices("] ").nth(1))) {
            (Some(open), Some((close, _))) if close > open + 3 => {
                let ip = &l[open + 3..close];
                let offset = if ip.starts_with('?') { ip } else { &ip[ip.len() - 3..] };
                format!("{}] [{offset}{}", &l[..open], &l[close..])
            }
            _ => l.to_string(),
        })
        .collect()
}

#[test]
fn numbers_and_instruction_pointers_are_straces() {
    need("strace", "strace");
    let dir = TempDir::new("options");
    let args = ["-n", "-i", "-e", "trace=write,exit_group"];
    let prog = ["/bin/echo", "hi"];
    let theirs = trace(Command::new("strace"), &dir, "strace", &args, &prog);
    let ours = ours(&dir, "selftrace", &args, &prog);
    assert_eq!(page_offsets(&ours), page_offsets(&theirs), "strace:\n{theirs}\nselftrace:\n{ours}");
    assert!(ours.contains("[   1] ["), "{ours}");
    assert!(ours.contains("[ 231] [????????????????] +++ exited with 0 +++"), "{ours}");
}

#[test]
fn result_column_is_straces() {
    need("strace", "strace");
    let dir = TempDir::new("options");
    for column in ["20", "60", "0"] {
        let args = ["-a", column, "-e", "trace=write,exit_group"];
        let prog = ["/bin/echo", "hi"];
        let theirs = trace(Command::new("strace"), &dir, &format!("strace{column}"), &args, &prog);
        let ours = ours(&dir, &format!("ours{column}"), &args, &prog);
        assert_eq!(ours, theirs, "-a {column}");
    }
}

#[test]
fn append_mode_keeps_what_the_file_held() {
    let dir = TempDir::new("options");
    let file = dir.at("appended.txt");
    std::fs::write(&file, "before\n").unwrap();
    for args in [&["-A", "-o", &file][..], &["--output-append-mode", "--output", &file]] {
        let run = Outcome::of(common::selftrace_command().args(args).args([
            "-e",
            "trace=write",
            "--",
            "/bin/echo",
            "hi",
        ]));
        assert_eq!(run.code(), Some(0), "{}", run.describe());
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("before\nwrite(1, \"hi\\n\", 3)"), "{text}");
    assert_eq!(text.matches("write(1").count(), 2, "{text}");
    let run = Outcome::of(common::selftrace_command().args([
        "-o",
        &file,
        "-e",
        "trace=write",
        "--",
        "/bin/true",
    ]));
    assert_eq!(run.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "+++ exited with 0 +++\n",
        "without -A the file starts anew"
    );
}

#[test]
fn env_sets_and_removes_variables_as_strace_does() {
    need("strace", "strace");
    let script = ["sh", "-c", "echo ${FOO-unset} ${HOME-unset} ${BAR-unset}"];
    let run = |mut tracer: Command| {
        tracer
            .args(["-E", "FOO=bar baz", "--env=BAR=", "-E", "HOME", "-e", "trace=none", "--"])
            .args(script)
            .env("HOME", "/home");
        Outcome::of(&mut tracer)
    };
    let (theirs, ours) = (run(Command::new("strace")), run(common::selftrace_command()));
    assert_eq!(ours.stdout, theirs.stdout);
    assert_eq!(ours.stdout, "bar baz unset\n");
}

#[test]
fn options_that_need_nothing_here_are_accepted() {
    let dir = TempDir::new("options");
    let prog = ["/bin/echo", "hi"];
    let plain = ours(&dir, "plain", &["-e", "trace=write"], &prog);
    for (i, extra) in
        [&["-w"][..], &["--seccomp-bpf"], &["--summary-wall-clock"]].iter().enumerate()
    {
        let args: Vec<&str> = extra.iter().copied().chain(["-e", "trace=write"]).collect();
        assert_eq!(ours(&dir, &format!("accepted{i}"), &args, &prog), plain, "{extra:?}");
    }
}

#[test]
fn bad_values_are_one_line_and_exit_2() {
    for (args, says) in [
        (&["--absolute-timestamps=unix,ns"][..], "unix with ns precision is not supported"),
        (&["--absolute-timestamps=bogus"], "unknown format or precision 'bogus'"),
        (&["-E", "=x"], "-E '=x': expected VAR=VAL or VAR"),
        (&["--decode-fds=socket"], "socket"),
        (&["--trace=no_such_call"], "no_such_call"),
    ] {
        let run = Outcome::of(common::selftrace_command().args(args).args(["--", "true"]));
        assert_eq!(run.code(), Some(2), "{args:?}: {}", run.describe());
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.describe());
        assert!(run.stderr.contains(says), "{args:?}: {}", run.describe());
    }
}

#[test]
fn without_follow_the_ends_of_children_are_not_shown() {
    need("strace", "strace");
    let dir = TempDir::new("options");
    let args = ["-e", "trace=wait4"];
    let prog = ["sh", "-c", "/bin/true & wait"];
    let ends =
        |t: &str| t.lines().filter(|l| l.contains("+++")).map(str::to_string).collect::<Vec<_>>();
    let theirs = trace(Command::new("strace"), &dir, "strace", &args, &prog);
    let ours = ours(&dir, "selftrace", &args, &prog);
    assert_eq!(ends(&ours), ends(&theirs), "strace:\n{theirs}\nselftrace:\n{ours}");
    assert_eq!(ends(&ours), ["+++ exited with 0 +++"]);
}

#[test]
fn strings_in_hex_are_straces() {
    need("strace", "strace");
    let dir = TempDir::new("options");
    let data = dir.at("bytes");
    std::fs::write(&data, b"a\x01\xffb\n\t\"\\ and 7\x008").unwrap();
    let prog = ["head", "-c", "20", &data];
    for (i, style) in [
        &["-x"][..],
        &["-xx"],
        &["--strings-in-hex"],
        &["--strings-in-hex=non-ascii"],
        &["--strings-in-hex=non-ascii-chars"],
        &["--strings-in-hex=none"],
        &[],
    ]
    .into_iter()
    .enumerate()
    {
        let args: Vec<&str> =
            style.iter().copied().chain(["-e", "trace=execve,openat,read"]).collect();
        // The environment differs (selftrace's variables): its pointer and count.
        let envp = regex_lite::Regex::new(r", 0x[0-9a-f]+ /\* \d+ vars \*/").unwrap();
        let of_data = |t: &str| {
            t.lines()
                .map(|l| envp.replace(l, "").into_owned())
                .filter(|l| {
                    l.starts_with("execve(")
                        || l.contains(", 20)")
                        || l.contains("O_RDONLY) = 3") && !l.contains(".so")
                })
                .collect::<Vec<_>>()
        };
        let theirs =
            of_data(&trace(Command::new("strace"), &dir, &format!("strace{i}"), &args, &prog));
        let ours = of_data(&ours(&dir, &format!("ours{i}"), &args, &prog));
        assert_eq!(ours, theirs, "{style:?}");
        assert!(ours.len() >= 3, "{style:?}: {ours:?}");
    }
}

#[test]
fn quiet_levels_and_signal_sets_are_straces() {
    need("strace", "strace");
    let dir = TempDir::new("options");
    let python = common::python();
    let usr1 = "import signal, os\n\
                signal.signal(signal.SIGUSR1, lambda *a: None)\n\
                os.kill(os.getpid(), signal.SIGUSR1)";
    let kill_self = ["sh", "-c", "kill -9 $$"];
    let signaller = [python, "-S", "-c", usr1];
    let messages = |t: &str| {
        digits_out(t)
            .lines()
            .filter(|l| l.starts_with("---") || l.starts_with("+++"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for (i, (args, prog, expected)) in [
        (&["-qq", "-e", "trace=none"][..], &kill_self[..], &["+++ killed by SIGKILL +++"][..]),
        (&["-qqq", "-e", "trace=none"], &["/bin/true"], &[]),
        (&["-e", "quiet=exit", "-e", "trace=none"], &["/bin/true"], &[]),
        (&["--quiet=!attach", "-e", "trace=none"], &["/bin/true"], &[]),
        (&["-e", "quiet=none", "-e", "trace=none"], &["/bin/true"], &["+++ exited with N +++"]),
        (
            &["-e", "trace=kill"],
            &signaller,
            &[
                "--- SIGUSRN {si_signo=SIGUSRN, si_code=SI_USER, si_pid=N, si_uid=N} ---",
                "+++ exited with N +++",
            ],
        ),
        (&["-e", "signal=none", "-e", "trace=kill"], &signaller, &["+++ exited with N +++"]),
        (&["--signal=SIGTERM,SIGCHLD", "-e", "trace=kill"], &signaller, &["+++ exited with N +++"]),
        (&["-e", "signal=!usr1", "-e", "trace=kill"], &signaller, &["+++ exited with N +++"]),
        (
            &["-e", "signal=10", "-e", "trace=kill"],
            &signaller,
            &[
                "--- SIGUSRN {si_signo=SIGUSRN, si_code=SI_USER, si_pid=N, si_uid=N} ---",
                "+++ exited with N +++",
            ],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let run = |mut tracer: Command, tag: &str| {
            let out = dir.path(&format!("{tag}{i}.txt"));
            tracer.args(args).arg("-o").arg(&out).arg("--").args(prog);
            common::run(tracer, &dir.0, &format!("{tag}{i}"), LIMIT);
            messages(&std::fs::read_to_string(&out).unwrap())
        };
        let theirs = run(Command::new("strace"), "strace");
        let ours = run(common::selftrace_command(), "ours");
        assert_eq!(ours, theirs, "{args:?}");
        assert_eq!(ours, expected, "{args:?}");
    }
    for (args, says) in [
        (&["-e", "quiet=bogus"][..], "invalid quiet 'bogus'"),
        (&["-e", "signal=bogus"], "invalid signal 'bogus'"),
    ] {
        let run = Outcome::of(common::selftrace_command().args(args).args(["--", "true"]));
        assert_eq!(run.code(), Some(2), "{args:?}: {}", run.describe());
        assert_eq!(run.stderr.trim(), format!("selftrace: {says}"));
    }
}
