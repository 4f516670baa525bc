//! Fault injection and path rewriting on real programs (cat, ls, python3),
//! through the CLI and through the preload alone: each effect as the
//! program sees it, exact `when=` counts (also across threads and forks),
//! reproducible `prob=` choices, the `(INJECTED)`/`(DELAYED)` marks, and
//! every way a rule or a policy file can be refused.

#[path = "../common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{python, TempDir};

/// What one run did.
type Run = common::Outcome;

fn finish(out: Output) -> Run {
    Run::from_output(out, Duration::ZERO)
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    finish(common::selftrace_command().args(args).current_dir(dir).output().unwrap())
}

fn run(args: &[&str]) -> Run {
    run_in(&std::env::temp_dir(), args)
}

/// `selftrace -o TRACE ARGS` in `dir`: the run, and the trace lines apart
/// from the program's own stderr.
fn traced(dir: &TempDir, args: &[&str]) -> (Run, Vec<String>) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let trace = dir.at(&format!("trace-{}.txt", N.fetch_add(1, Ordering::Relaxed)));
    let mut all = vec!["-o", trace.as_str()];
    all.extend_from_slice(args);
    let run = run_in(&dir.0, &all);
    let lines = std::fs::read_to_string(&trace)
        .unwrap_or_else(|e| panic!("{trace}: {e}\n{}", run.describe()));
    (run, lines.lines().map(unpadded).collect())
}

/// A trace line without the padding before ` = ` that lines the results
/// up in a column (for lines with no ` = ` in their arguments).
fn unpadded(line: &str) -> String {
    match line.find(" = ") {
        Some(i) => format!("{} = {}", line[..i].trim_end(), &line[i + 3..]),
        None => line.to_string(),
    }
}

/// The real interpreter: `python3` on PATH may be a shell shim that execs.
/// `selftrace OPTS python3 -S -c SCRIPT`, which must exit 0; its stdout.
fn python_run(opts: &[&str], script: &str) -> String {
    let mut args = opts.to_vec();
    args.extend_from_slice(&[python(), "-S", "-c", script]);
    let r = run(&args);
    assert_eq!(r.code(), Some(0), "{opts:?}\n{}", r.describe());
    r.stdout
}

/// The 1-based numbers of the getppid calls (of `n`, one thread) that
/// returned 0: those a `retval=0` rule selected.
fn selected(opts: &[&str], n: u64) -> Vec<u64> {
    let script = format!(
        "import os\nprint(' '.join(str(k) for k in range(1, {n} + 1) if os.getppid() == 0))"
    );
    let mut all = vec!["-e", "trace=none"];
    all.extend_from_slice(opts);
    python_run(&all, &script).split_whitespace().map(|k| k.parse().unwrap()).collect()
}

/// How many of `per` getppid calls in each of `threads` threads returned 0.
fn selected_in_threads(rule: &str, threads: u32, per: u32) -> u64 {
    let script = format!(
        "import os, threading\n\
         hits = []\n\
         def work():\n    hits.append(sum(1 for _ in range({per}) if os.getppid() == 0))\n\
         ts = [threading.Thread(target=work) for _ in range({threads})]\n\
         for t in ts: t.start()\n\
         for t in ts: t.join()\n\
         print(len(hits), sum(hits))"
    );
    let out = python_run(&["-f", "-e", "trace=none", "-e", rule], &script);
    let (n, sum) = out.trim().split_once(' ').unwrap();
    assert_eq!(n, threads.to_string(), "every thread finished");
    sum.parse().unwrap()
}

fn injected(lines: &[String]) -> Vec<&str> {
    lines.iter().filter(|l| l.contains("(INJECTED)")).map(String::as_str).collect()
}

// ---------------------------------------------------------------- error=

#[test]
fn error_fails_the_open_of_the_matched_file_only() {
    let d = TempDir::new("inject");
    let secret = d.write("secret.txt", "hidden\n");
    let other = d.write("other.dat", "visible\n");
    let rule = format!("inject=openat:error=EACCES:path={}/*.txt", d.as_str());
    let (r, lines) = traced(&d, &["-q", "-e", "trace=openat", "-e", &rule, "cat", &secret, &other]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    assert_eq!(r.stderr, format!("cat: {secret}: Permission denied\n"));
    assert_eq!(r.stdout, "visible\n", "the other file is read");
    assert_eq!(
        injected(&lines),
        [format!(
            "openat(AT_FDCWD, \"{secret}\", O_RDONLY) = -1 EACCES (Permission denied) (INJECTED)"
        )]
    );
    let opened = format!("openat(AT_FDCWD, \"{other}\", O_RDONLY) = ");
    let result =
        lines.iter().find_map(|l| l.strip_prefix(&opened)).unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(result.parse::<u32>().is_ok(), "opened, not injected: {result}");
    // cat's own openat calls (locale files) run as usual, and are shown.
    let others = lines.iter().filter(|l| l.starts_with("openat(") && !l.contains(&secret)).count();
    assert!(others >= 2, "{lines:#?}");
}

#[test]
fn a_relative_path_matches_through_the_working_directory() {
    let d = TempDir::new("inject");
    d.write("x.txt", "x\n");
    let rule = format!("inject=openat:error=EACCES:path={}/*.txt", d.as_str());
    let (r, lines) = traced(&d, &["-q", "-e", "trace=openat", "-e", &rule, "cat", "x.txt"]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    assert_eq!(r.stderr, "cat: x.txt: Permission denied\n");
    assert_eq!(
        injected(&lines),
        ["openat(AT_FDCWD, \"x.txt\", O_RDONLY) = -1 EACCES (Permission denied) (INJECTED)"]
    );
}

#[test]
fn a_relative_path_matches_through_the_directory_descriptor() {
    let d = TempDir::new("inject");
    d.write("sub/x.txt", "x\n");
    d.write("sub/y.dat", "y\n");
    let rule = format!("inject=openat:error=EACCES:path={}/sub/*.txt", d.as_str());
    let script = format!(
        "import os\n\
         dfd = os.open({:?}, os.O_RDONLY)\n\
         for name in ('y.dat', 'x.txt'):\n    \
             try:\n        os.close(os.open(name, os.O_RDONLY, dir_fd=dfd)); print(name, 'ok')\n    \
             except OSError as e:\n        print(name, type(e).__name__)",
        d.at("sub")
    );
    // Run from elsewhere: only the descriptor makes x.txt match.
    let out = python_run(&["-e", "trace=none", "-e", &rule], &script);
    assert_eq!(out, "y.dat ok\nx.txt PermissionError\n");
}

#[test]
fn when_counts_only_the_calls_whose_path_matches() {
    let d = TempDir::new("inject");
    for n in ["a", "b", "c"] {
        d.write(&format!("{n}.txt"), &format!("{n}\n"));
    }
    let rule = format!("inject=openat:error=EACCES:when=2:path={}/*.txt", d.as_str());
    let r =
        run_in(&d.0, &["-q", "-e", "trace=none", "-e", &rule, "cat", "a.txt", "b.txt", "c.txt"]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    assert_eq!(r.stdout, "a\nc\n");
    assert!(r.stderr.starts_with("cat: b.txt: Permission denied\n"), "{}", r.describe());
}

#[test]
fn errors_may_be_given_by_number() {
    let d = TempDir::new("inject");
    let f = d.write("f.txt", "x\n");
    let r = run(&[
        "-q",
        "-e",
        "trace=none",
        "-e",
        &format!("inject=openat:error=28:path={f}"),
        "cat",
        &f,
    ]);
    assert_eq!(r.code(), Some(1));
    assert!(
        r.stderr.starts_with(&format!("cat: {f}: No space left on device\n")),
        "{}",
        r.describe()
    );
}

// ---------------------------------------------------- retval= fault= deny=

#[test]
fn retval_is_what_the_program_sees() {
    let d = TempDir::new("inject");
    let script = "import os\nprint(os.getppid(), os.getppid())";
    let (r, lines) = traced(
        &d,
        &[
            "-e",
            "trace=getppid",
            "-e",
            "inject=getppid:retval=4242:when=1",
            python(),
            "-S",
            "-c",
            script,
        ],
    );
    let seen: Vec<&str> = r.stdout.split_whitespace().collect();
    assert_eq!(seen.len(), 2, "{}", r.describe());
    assert_eq!(seen[0], "4242");
    assert_ne!(seen[1], "4242", "when=1 is the first call only");
    let calls: Vec<&String> = lines.iter().filter(|l| l.starts_with("getppid()")).collect();
    assert_eq!(calls.len(), 2, "{lines:#?}");
    assert_eq!(calls[0], "getppid() = 4242 (INJECTED)");
    assert_eq!(calls[1], &format!("getppid() = {}", seen[1]));
}

#[test]
fn fault_gives_enosys_unless_told_otherwise() {
    let script = "import os\ntry:\n    os.getcwd()\nexcept OSError as e:\n    print(e.errno)";
    assert_eq!(
        python_run(&["-e", "trace=none", "-e", "fault=getcwd"], script),
        format!("{}\n", libc::ENOSYS)
    );
    assert_eq!(
        python_run(&["-e", "trace=none", "-e", "fault=getcwd:error=EIO"], script),
        format!("{}\n", libc::EIO)
    );
}

#[test]
fn deny_gives_eperm_and_network_denial_is_a_permission_error() {
    let d = TempDir::new("inject");
    let script = "import socket\ntry:\n    socket.socket()\n    print('created')\nexcept OSError as e:\n    print(type(e).__name__, e.errno)";
    let (r, lines) =
        traced(&d, &["-e", "trace=socket", "-e", "deny=%network", python(), "-S", "-c", script]);
    assert_eq!(r.stdout, format!("PermissionError {}\n", libc::EPERM), "{}", r.describe());
    let sockets: Vec<&String> = lines.iter().filter(|l| l.starts_with("socket(")).collect();
    assert_eq!(sockets.len(), 1, "{lines:#?}");
    assert_eq!(sockets[0], "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = -1 EPERM (Operation not permitted) (INJECTED)");
    let other = python_run(&["-e", "trace=none", "-e", "deny=socket:error=EACCES"], script);
    assert_eq!(other, format!("PermissionError {}\n", libc::EACCES));
    // Calls outside the set are left alone.
    assert_eq!(
        python_run(
            &["-e", "trace=none", "-e", "deny=%network"],
            "import os\nprint(os.getcwd() != '')"
        ),
        "True\n"
    );
}

#[test]
fn the_first_rule_that_applies_decides() {
    let d = TempDir::new("inject");
    d.write("a.txt", "a\n");
    d.write("b.txt", "b\n");
    let first = format!("inject=openat:error=ENOENT:path={}/a.txt", d.as_str());
    let second = format!("deny=openat:path={}/*.txt", d.as_str());
    let (r, _) = traced(
        &d,
        &["-q", "-e", "trace=none", "-e", &first, "-e", &second, "cat", "a.txt", "b.txt"],
    );
    assert_eq!(r.code(), Some(1));
    assert_eq!(
        r.stderr,
        "cat: a.txt: No such file or directory\ncat: b.txt: Operation not permitted\n"
    );
}

// ---------------------------------------------------------------- rewrite

#[test]
fn rewrite_lists_and_reads_the_target_directory() {
    let d = TempDir::new("inject");
    d.write("from/own", "from's own\n");
    d.write("to/name", "to's name\n");
    d.write("to/second", "");
    let (from, to) = (d.at("from"), d.at("to"));
    let rule = format!("rewrite=path:{from}={to}");
    let ls = run(&["-e", "trace=none", "-e", &rule, "ls", &from]);
    assert_eq!((ls.code(), ls.stdout.as_str()), (Some(0), "name\nsecond\n"), "{}", ls.describe());
    let cat = run(&["-e", "trace=none", "-e", &rule, "cat", &format!("{from}/name")]);
    assert_eq!((cat.code(), cat.stdout.as_str()), (Some(0), "to's name\n"), "{}", cat.describe());
    // A trailing slash on either side means the same.
    let slashed = format!("rewrite=path:{from}/={to}/");
    let cat = run(&["-e", "trace=none", "-e", &slashed, "cat", &format!("{from}/name")]);
    assert_eq!(cat.stdout, "to's name\n", "{}", cat.describe());
}

#[test]
fn rewrite_leaves_a_path_that_only_shares_a_string_prefix() {
    let d = TempDir::new("inject");
    d.write("from/own", "");
    d.write("fromx/kept", "fromx's\n");
    d.write("to/name", "");
    d.write("tox/kept", "tox's\n");
    let rule = format!("rewrite=path:{}={}", d.at("from"), d.at("to"));
    let ls = run(&["-e", "trace=none", "-e", &rule, "ls", &d.at("fromx")]);
    assert_eq!((ls.code(), ls.stdout.as_str()), (Some(0), "kept\n"), "{}", ls.describe());
    let cat = run(&["-e", "trace=none", "-e", &rule, "cat", &d.at("fromx/kept")]);
    assert_eq!(cat.stdout, "fromx's\n", "{}", cat.describe());
}

#[test]
fn rewrite_of_the_root_keeps_the_separator() {
    let d = TempDir::new("inject");
    d.write("name", "under to\n");
    let rule = format!("rewrite=path:/={}", d.as_str());
    let cat = run(&["-e", "trace=none", "-e", &rule, "cat", "/name"]);
    assert_eq!((cat.code(), cat.stdout.as_str()), (Some(0), "under to\n"), "{}", cat.describe());
}

#[test]
#[ignore = "bug: rewrite=path: compares the raw argument, so a relative path under FROM (from the working directory) is not rewritten, though path= resolves it"]
fn rewrite_applies_to_relative_paths_under_from() {
    let d = TempDir::new("inject");
    d.write("from/name", "from's\n");
    d.write("to/name", "to's\n");
    let rule = format!("rewrite=path:{}={}", d.at("from"), d.at("to"));
    let cat = run_in(&d.0.join("from"), &["-e", "trace=none", "-e", &rule, "cat", "name"]);
    assert_eq!(cat.stdout, "to's\n", "{}", cat.describe());
}

#[test]
fn python_sees_enospc_on_its_second_write_to_a_file() {
    let d = TempDir::new("inject");
    let target = d.at("out.bin");
    let script = format!(
        "import os\n\
         fd = os.open({target:?}, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)\n\
         seen = []\n\
         for b in (b'a', b'b', b'c'):\n    \
             try:\n        seen.append(str(os.write(fd, b)))\n    \
             except OSError as e:\n        seen.append(type(e).__name__ + ' ' + str(e.errno))\n\
         os.close(fd)\n\
         print(fd, ','.join(seen))"
    );
    let (r, lines) = traced(
        &d,
        &[
            "-e",
            "trace=write",
            "-e",
            "inject=write:error=ENOSPC:when=2",
            python(),
            "-S",
            "-c",
            &script,
        ],
    );
    assert_eq!(r.code(), Some(0), "{}", r.describe());
    let (fd, seen) = r.stdout.trim().split_once(' ').unwrap();
    assert_eq!(seen, "1,OSError 28,1");
    assert_eq!(std::fs::read(&target).unwrap(), b"ac");
    // The trace shows that the writes counted were these three.
    let writes: Vec<&str> =
        lines.iter().filter(|l| l.starts_with("write(")).map(String::as_str).take(3).collect();
    assert_eq!(
        writes,
        [
            format!("write({fd}, \"a\", 1) = 1"),
            format!("write({fd}, \"b\", 1) = -1 ENOSPC (No space left on device) (INJECTED)"),
            format!("write({fd}, \"c\", 1) = 1"),
        ]
    );
    assert_eq!(injected(&lines).len(), 1, "{lines:#?}");
}

// ------------------------------------------------------------ when= prob=

/// Which call numbers a `when=` expression selects.
type Selects = fn(u64) -> bool;

fn expected(n: u64, f: impl Fn(u64) -> bool) -> Vec<u64> {
    (1..=n).filter(|&k| f(k)).collect()
}

#[test]
fn when_selects_exactly_the_calls_of_each_form() {
    let n = 40;
    let cases: [(&str, Selects); 6] = [
        ("7", |k| k == 7),
        ("7+", |k| k >= 7),
        ("3+5", |k| k >= 3 && (k - 3) % 5 == 0),
        ("10..14", |k| (10..=14).contains(&k)),
        ("4..30+6", |k| (4..=30).contains(&k) && (k - 4) % 6 == 0),
        ("41", |_| false),
    ];
    for (when, f) in cases {
        let rule = format!("inject=getppid:retval=0:when={when}");
        assert_eq!(selected(&["-e", &rule], n), expected(n, f), "when={when}");
    }
}

#[test]
fn each_call_of_a_set_is_counted_on_its_own() {
    let script = "import os\nprint([os.getpid() == 0 for _ in range(3)], [os.getppid() == 0 for _ in range(3)])";
    let out =
        python_run(&["-e", "trace=none", "-e", "inject=getpid,getppid:retval=0:when=2"], script);
    assert_eq!(out, "[False, True, False] [False, True, False]\n");
}

#[test]
fn every_rule_counts_every_call() {
    let out = python_run(
        &[
            "-e",
            "trace=none",
            "-e",
            "inject=getppid:retval=1:when=1",
            "-e",
            "inject=getppid:retval=2:when=2",
        ],
        "import os\nprint([os.getppid() for _ in range(3)][:2])",
    );
    assert_eq!(out, "[1, 2]\n");
}

#[test]
fn when_counts_are_exact_across_threads() {
    let total = 8 * 500;
    let count = |f: &dyn Fn(u64) -> bool| (1..=total).filter(|&k| f(k)).count() as u64;
    assert_eq!(
        selected_in_threads("inject=getppid:retval=0:when=3+7", 8, 500),
        count(&|k| k >= 3 && (k - 3) % 7 == 0)
    );
    assert_eq!(
        selected_in_threads("inject=getppid:retval=0:when=100..3000+9", 8, 500),
        count(&|k| (100..=3000).contains(&k) && (k - 100) % 9 == 0)
    );
    assert_eq!(selected_in_threads("inject=getppid:retval=0:when=3999", 8, 500), 1);
}

#[test]
fn a_forked_child_counts_from_one() {
    let script = "import os\n\
                  first = os.getppid() == 0\n\
                  r, w = os.pipe()\n\
                  pid = os.fork()\n\
                  if pid == 0:\n    \
                      os.write(w, str([os.getppid() == 0 for _ in range(3)]).encode())\n    \
                      os._exit(0)\n\
                  os.close(w)\n\
                  child = os.read(r, 100).decode()\n\
                  os.waitpid(pid, 0)\n\
                  print(first, child, [os.getppid() == 0 for _ in range(2)])";
    let out =
        python_run(&["-f", "-e", "trace=none", "-e", "inject=getppid:retval=0:when=2"], script);
    assert_eq!(out, "False [False, True, False] [True, False]\n");
}

#[test]
fn prob_with_a_seed_is_reproducible() {
    let rule = "inject=getppid:retval=0:prob=0.3";
    let a = selected(&["-e", rule, "--seed", "42"], 2000);
    let b = selected(&["-e", rule, "--seed", "42"], 2000);
    let c = selected(&["-e", rule, "--seed", "43"], 2000);
    assert_eq!(a, b, "the same seed makes the same choices");
    assert_ne!(a, c, "another seed makes others");
    // 2000 draws at 0.3: 600 expected, standard deviation about 20.
    for (seed, set) in [(42, &a), (43, &c)] {
        assert!((500..=700).contains(&set.len()), "seed {seed}: {} of 2000", set.len());
    }
}

#[test]
fn prob_zero_and_one() {
    assert_eq!(
        selected(&["-e", "inject=getppid:retval=0:prob=0", "--seed", "1"], 300),
        Vec::<u64>::new()
    );
    assert_eq!(
        selected(&["-e", "inject=getppid:retval=0:prob=1", "--seed", "1"], 300),
        expected(300, |_| true)
    );
}

#[test]
fn prob_applies_within_when() {
    let set =
        selected(&["-e", "inject=getppid:retval=0:when=100..199:prob=0.5", "--seed", "7"], 400);
    assert!(set.iter().all(|k| (100..=199).contains(k)), "{set:?}");
    assert!((20..=80).contains(&set.len()), "{} of 100 at 0.5", set.len());
}

// ---------------------------------------------------------- delays, signals

#[test]
fn delays_mark_the_delayed_calls() {
    let d = TempDir::new("inject");
    let script = "import os\nfor _ in range(3): os.getppid()\nfor _ in range(3): os.getpid()";
    let (r, lines) = traced(
        &d,
        &[
            "-e",
            "trace=getppid,getpid",
            "-e",
            "inject=getppid:delay_enter=1ms:when=2",
            "-e",
            "inject=getpid:delay_exit=1ms:when=3",
            python(),
            "-S",
            "-c",
            script,
        ],
    );
    assert_eq!(r.code(), Some(0), "{}", r.describe());
    let marks = |name: &str| -> Vec<bool> {
        lines
            .iter()
            .filter(|l| l.starts_with(&format!("{name}()")))
            .map(|l| l.ends_with(" (DELAYED)"))
            .collect()
    };
    assert_eq!(marks("getppid"), [false, true, false], "{lines:#?}");
    assert_eq!(marks("getpid"), [false, false, true], "{lines:#?}");
    assert!(injected(&lines).is_empty(), "a delay alone is not an injection: {lines:#?}");
}

#[test]
fn a_delayed_error_has_both_marks() {
    let d = TempDir::new("inject");
    let script = "import os\ntry:\n    os.getcwd()\nexcept OSError as e:\n    print(e.errno)";
    let (r, lines) = traced(
        &d,
        &[
            "-e",
            "trace=getcwd",
            "-e",
            "inject=getcwd:error=EIO:delay_exit=10us",
            python(),
            "-S",
            "-c",
            script,
        ],
    );
    assert_eq!(r.stdout, format!("{}\n", libc::EIO), "{}", r.describe());
    // The buffer's address is in the arguments: compare the results.
    let results: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("getcwd("))
        .map(|l| l.split_once(" = ").unwrap().1)
        .collect();
    assert_eq!(results, ["-1 EIO (Input/output error) (INJECTED) (DELAYED)"]);
}

#[test]
fn signal_delivers_to_the_program_which_carries_on() {
    let d = TempDir::new("inject");
    let script = "import os, signal\n\
                  got = []\n\
                  signal.signal(signal.SIGUSR1, lambda *a: got.append(1))\n\
                  results = [os.getppid() for _ in range(6)]\n\
                  print(len(got), len(set(results)))";
    for sig in ["SIGUSR1", "USR1", "10"] {
        let rule = format!("inject=getppid:signal={sig}:when=2..4");
        let (r, lines) =
            traced(&d, &["-e", "trace=getppid", "-e", &rule, python(), "-S", "-c", script]);
        assert_eq!(r.code(), Some(0), "{}", r.describe());
        assert_eq!(r.stdout, "3 1\n", "three signals handled, the calls ran: {sig}");
        let delivered = lines.iter().filter(|l| l.starts_with("--- SIGUSR1 ")).count();
        assert_eq!(delivered, 3, "{lines:#?}");
        assert!(
            injected(&lines).is_empty(),
            "a signal alone is not an injection, as in strace: {lines:#?}"
        );
    }
}

// --------------------------------------------------------- refused rules

/// Options that must be refused before the program runs: exit 2, one line
/// `selftrace: ...` containing `message`, and the program never started.
fn refused(opts: &[&str], message: &str) {
    let d = TempDir::new("inject");
    let marker = d.at("ran");
    let mut args = opts.to_vec();
    let touch = format!("touch {marker}");
    args.extend_from_slice(&["sh", "-c", &touch]);
    let r = run(&args);
    assert_eq!(r.code(), Some(2), "{opts:?}\n{}", r.describe());
    assert_eq!(r.stderr.lines().count(), 1, "{opts:?}\n{}", r.describe());
    assert!(r.stderr.starts_with("selftrace: "), "{opts:?}\n{}", r.describe());
    assert!(r.stderr.contains(message), "{opts:?}: wanted {message:?}\n{}", r.describe());
    assert!(r.stdout.is_empty(), "{}", r.describe());
    assert!(!Path::new(&marker).exists(), "{opts:?} ran the program");
}

#[test]
fn refuses_an_unknown_call() {
    refused(&["-e", "inject=nosuch:error=EIO"], "invalid system call 'nosuch'");
}

#[test]
fn refuses_an_unknown_errno() {
    refused(&["-e", "inject=read:error=EWHAT"], "invalid error 'EWHAT'");
    refused(&["-e", "inject=read:error=0"], "invalid error '0'");
    refused(&["-e", "deny=read:error=4096"], "invalid error '4096'");
}

#[test]
fn refuses_a_bad_when() {
    for bad in ["0", "x", "3..2", "1+0", "2..", "..3"] {
        refused(
            &["-e", &format!("inject=read:error=EIO:when={bad}")],
            &format!("invalid when= expression '{bad}'"),
        );
    }
}

#[test]
fn refuses_a_probability_outside_0_to_1() {
    refused(&["-e", "inject=read:error=EIO:prob=2"], "invalid prob '2'");
    refused(&["-e", "inject=read:error=EIO:prob=-0.1"], "invalid prob '-0.1'");
    refused(&["-e", "inject=read:error=EIO:prob=nan"], "invalid prob 'nan'");
}

#[test]
fn refuses_a_bad_glob() {
    refused(&["-e", "inject=openat:error=EIO:path=/x["], "unclosed '[' in pattern '/x['");
}

#[test]
fn refuses_an_unknown_option_key() {
    refused(&["-e", "inject=read:error=EIO:colour=1"], "invalid inject option 'colour'");
    refused(&["-e", "inject=read:error"], "invalid inject option 'error' (expected KEY=VALUE)");
}

#[test]
fn refuses_retval_with_fault_or_deny() {
    refused(&["-e", "fault=read:retval=1"], "fault takes error=, not retval=");
    refused(&["-e", "deny=read:retval=1"], "deny takes error=, not retval=");
}

#[test]
fn refuses_inject_without_an_effect() {
    refused(
        &["-e", "inject=read"],
        "inject needs error=, retval=, signal=, delay_enter= or delay_exit=",
    );
    refused(&["-e", "inject=read:when=2"], "inject needs");
}

#[test]
fn refuses_bad_values() {
    refused(&["-e", "inject=read:retval=x"], "invalid retval 'x'");
    refused(&["-e", "inject=read:signal=SIGFOO"], "invalid signal 'SIGFOO'");
    refused(&["-e", "inject=read:delay_enter=5min"], "invalid delay '5min'");
    refused(&["-e", "rewrite=path:/a"], "invalid rewrite 'rewrite=path:/a'");
    refused(&["-e", "rewrite=path:=/b"], "FROM and TO must not be empty");
}

#[test]
fn refuses_a_bad_seed() {
    refused(
        &["--seed", "x", "-e", "inject=read:error=EIO:prob=0.5"],
        "invalid value 'x' for '--seed <N>'",
    );
    refused(&["--seed", "18446744073709551616"], "invalid value '18446744073709551616'");
}

// ------------------------------------------------------------- policies

#[test]
fn a_policy_file_works_end_to_end() {
    let d = TempDir::new("inject");
    d.write("data/a.txt", "a\n");
    d.write("data/b.txt", "b\n");
    d.write("elsewhere/c.txt", "from elsewhere\n");
    let policy = d.write(
        "policy.toml",
        &format!(
            "# every kind of table\n\
             seed = 1\n\
             \n\
             [[inject]]\n\
             calls = \"openat\"\n\
             error = \"EACCES\"\n\
             path = \"{dir}/data/a.txt\"\n\
             \n\
             [[inject]]\n\
             calls = \"getppid\"\n\
             retval = 0\n\
             when = \"2..3\"\n\
             \n\
             [[fault]]\n\
             calls = \"mkdir\"\n\
             \n\
             [[deny]]\n\
             calls = \"%network\"\n\
             error = \"EACCES\"\n\
             \n\
             [[rewrite]]\n\
             from = \"{dir}/virtual\"\n\
             to = \"{dir}/elsewhere\"\n",
            dir = d.as_str()
        ),
    );
    let script = format!(
        "import os, socket\n\
         def attempt(f):\n    \
             try:\n        return f()\n    \
             except OSError as e:\n        return type(e).__name__ + ' ' + str(e.errno)\n\
         print(attempt(lambda: open({a:?}).read()))\n\
         print(attempt(lambda: open({b:?}).read().strip()))\n\
         print(attempt(lambda: open({v:?}).read().strip()))\n\
         print([os.getppid() == 0 for _ in range(4)])\n\
         print(attempt(lambda: os.mkdir({m:?})))\n\
         print(attempt(socket.socket))",
        a = d.at("data/a.txt"),
        b = d.at("data/b.txt"),
        v = d.at("virtual/c.txt"),
        m = d.at("made")
    );
    let out = python_run(&["--policy", &policy, "-e", "trace=none"], &script);
    assert!(!Path::new(&d.at("made")).exists(), "mkdir did not run");
    assert_eq!(
        out,
        format!(
            "PermissionError {}\nb\nfrom elsewhere\n[False, True, True, False]\nOSError {}\nPermissionError {}\n",
            libc::EACCES,
            libc::ENOSYS,
            libc::EACCES
        )
    );
}

#[test]
fn a_policy_seed_is_the_seed_and_the_option_overrides_it() {
    let d = TempDir::new("inject");
    let policy =
        d.write("p.toml", "seed = 42\n[[inject]]\ncalls = \"getppid\"\nretval = 0\nprob = 0.3\n");
    let from_policy = selected(&["--policy", &policy], 300);
    assert_eq!(
        from_policy,
        selected(&["-e", "inject=getppid:retval=0:prob=0.3", "--seed", "42"], 300)
    );
    assert_eq!(
        selected(&["--policy", &policy, "--seed", "43"], 300),
        selected(&["-e", "inject=getppid:retval=0:prob=0.3", "--seed", "43"], 300)
    );
    assert_ne!(from_policy, selected(&["--policy", &policy, "--seed", "43"], 300));
}

/// A policy refused: exit 2 and exactly `selftrace: FILE:MESSAGE`.
fn policy_refused(d: &TempDir, text: &str, message: &str) {
    let policy = d.write("p.toml", text);
    refused(&["--policy", &policy], &format!("{policy}:{message}"));
    let r = run(&["--policy", &policy, "true"]);
    assert_eq!(r.stderr, format!("selftrace: {policy}:{message}\n"));
}

#[test]
fn a_policy_error_names_the_file_and_line() {
    let d = TempDir::new("inject");
    let bad_errno = "[[inject]]\ncalls = \"read\"\nerror = \"EIO\"\n\n[[inject]]\ncalls = \"write\"\nerror = \"EWHAT\"\n";
    policy_refused(&d, bad_errno, "5: invalid error 'EWHAT'");
    let mixed = "[[deny]]\ncalls = \"write\"\n\n[[inject]]\ncalls = \"read\"\nerror = \"EWHAT\"\n";
    policy_refused(&d, mixed, "4: invalid error 'EWHAT'");
    let unknown_in_table =
        "[[deny]]\ncalls = \"write\"\n\n[[fault]]\ncalls = \"read\"\ncolour = 1\n";
    policy_refused(&d, unknown_in_table, "4: unknown key 'colour' in [[fault]]");
    policy_refused(
        &d,
        "# a comment\nx = 1\n",
        "2: unknown key 'x' (seed, [[inject]], [[fault]], [[deny]] or [[rewrite]])",
    );
    policy_refused(&d, "seed = \"x\"\n", "1: seed must be a non-negative integer");
    policy_refused(&d, "[[rewrite]]\nfrom = \"/a\"\n", "1: [[rewrite]] needs to");
    policy_refused(&d, "\n\n[[inject]]\nerror = \"EIO\"\n", "3: [[inject]] needs calls");
}

#[test]
fn a_toml_syntax_error_names_the_file_and_line() {
    let d = TempDir::new("inject");
    let policy = d.write("p.toml", "[[inject]]\ncalls = \"read\"\nerror = \n");
    refused(&["--policy", &policy], &format!("{policy}:3: "));
}

#[test]
fn a_missing_policy_file_is_refused() {
    let d = TempDir::new("inject");
    refused(
        &["--policy", &d.at("absent.toml")],
        &format!("cannot read policy {}", d.at("absent.toml")),
    );
}

#[test]
fn a_policy_header_with_a_comment_still_names_its_line() {
    let d = TempDir::new("inject");
    let text = "seed = 1\n\n[[inject]]  # reads fail\ncalls = \"read\"\nerror = \"EWHAT\"\n";
    policy_refused(&d, text, "3: invalid error 'EWHAT'");
}

#[test]
fn policy_rules_apply_in_file_order() {
    let d = TempDir::new("inject");
    d.write("a.txt", "a\n");
    d.write("b.txt", "b\n");
    let policy = d.write(
        "p.toml",
        &format!(
            "[[inject]]\ncalls = \"openat\"\nerror = \"ENOENT\"\npath = \"{dir}/a.txt\"\n\n[[deny]]\ncalls = \"openat\"\npath = \"{dir}/*.txt\"\n",
            dir = d.as_str()
        ),
    );
    let (r, _) =
        traced(&d, &["-q", "--policy", &policy, "-e", "trace=none", "cat", "a.txt", "b.txt"]);
    assert_eq!(
        r.stderr,
        "cat: a.txt: No such file or directory\ncat: b.txt: Operation not permitted\n",
        "{}",
        r.describe()
    );
}

// ------------------------------------------------------- the preload alone

fn preloaded(program: &str, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(program);
    cmd.args(args).env("LD_PRELOAD", common::preload_library());
    for v in [
        "SELFTRACE_TRACE",
        "SELFTRACE_SUMMARY",
        "SELFTRACE_SEED",
        "SELFTRACE_INJECT",
        "SELFTRACE_ROOT_PID",
    ] {
        cmd.env_remove(v);
    }
    cmd.envs(vars.iter().copied());
    finish(cmd.output().unwrap())
}

#[test]
fn the_preload_alone_injects_and_prints_nothing_else() {
    let d = TempDir::new("inject");
    let f = d.write("data.txt", "x\n");
    let g = d.write("other.txt", "other\n");
    let rule = format!("inject=openat:error=ENOENT:path={f}");
    let r = preloaded("cat", &[&f, &g], &[("SELFTRACE_INJECT", &rule)]);
    assert_eq!(r.code(), Some(1));
    assert_eq!(r.stderr, format!("cat: {f}: No such file or directory\n"));
    assert_eq!(r.stdout, "other\n");
}

#[test]
fn the_preload_alone_takes_rules_one_per_line_and_a_seed() {
    let script = "import os\nprint(os.getppid(), os.getppid(), os.getpid())";
    let rules = "inject=getppid:retval=7:when=2\n\ninject=getpid:retval=9";
    let r = preloaded(python(), &["-S", "-c", script], &[("SELFTRACE_INJECT", rules)]);
    let seen: Vec<&str> = r.stdout.split_whitespace().collect();
    assert_eq!(
        (seen.len(), seen.get(1).copied(), seen.get(2).copied()),
        (3, Some("7"), Some("9")),
        "{}",
        r.describe()
    );
    assert_ne!(seen[0], "7");
    assert_eq!(r.stderr, "");
    // SELFTRACE_SEED makes the choices --seed makes.
    let picks = "import os\nprint(' '.join(str(k) for k in range(1, 301) if os.getppid() == 0))";
    let rule = "inject=getppid:retval=0:prob=0.3";
    let r = preloaded(
        python(),
        &["-S", "-c", picks],
        &[("SELFTRACE_INJECT", rule), ("SELFTRACE_SEED", "42")],
    );
    let via_preload: Vec<u64> = r.stdout.split_whitespace().map(|k| k.parse().unwrap()).collect();
    assert_eq!(via_preload, selected(&["-e", rule, "--seed", "42"], 300));
}

#[test]
fn the_preload_alone_runs_the_program_untouched_when_a_rule_is_bad() {
    let d = TempDir::new("inject");
    let f = d.write("data.txt", "x\n");
    let rule = format!("inject=openat:error=EWHAT:path={f}");
    let r = preloaded("cat", &[&f], &[("SELFTRACE_INJECT", &rule)]);
    assert_eq!(r.code(), Some(0));
    assert_eq!(r.stdout, "x\n");
    assert_eq!(
        r.stderr,
        "selftrace: SELFTRACE_INJECT: invalid error 'EWHAT'; the program runs untraced\n"
    );
}

/// `short=N` performs the call with at most N bytes: cat still copies the
/// whole file, one byte per read, and the trace shows each short read.
#[test]
fn short_reads_move_one_byte_each_and_lose_nothing() {
    let d = TempDir::new("inject");
    let file = d.at("in.txt");
    std::fs::write(&file, "abc\n").unwrap();
    let (r, lines) = traced(&d, &["-e", "trace=read", "-e", "inject=read:short=1", "cat", &file]);
    assert_eq!(r.code(), Some(0), "{}", r.describe());
    assert_eq!(r.stdout, "abc\n");
    let reads: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("read(") && l.contains(", 1) = "))
        .map(String::as_str)
        .collect();
    assert!(reads.iter().any(|l| l.contains("\"a\", 1) = 1")), "{lines:?}");
    assert!(reads.iter().any(|l| l.contains("\"\\n\", 1) = 1")), "{lines:?}");
}

#[test]
fn refuses_short_without_a_count_or_on_a_call_without_one() {
    refused(&["-e", "inject=read:short=0"], "invalid short '0'");
    refused(&["-e", "inject=getpid:short=1"], "getpid has none");
}
