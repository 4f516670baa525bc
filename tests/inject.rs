//! Fault injection and path rewriting on real programs, through the CLI,
//! the preload alone and the Rust API.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("selftrace-inject-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) -> Output {
    common::selftrace_command().args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The real interpreter: `python3` on PATH may be a shell shim that execs.
fn python() -> String {
    let out = Command::new("python3").args(["-c", "import sys; print(sys.executable)"]).output().unwrap();
    text(&out.stdout).trim().to_string()
}

#[test]
fn cat_sees_eacces_on_the_one_file_matched_by_path() {
    let d = Dir::new("eacces");
    let f = d.file("secret.txt", "x\n");
    let glob = format!("path={}/*.txt", d.path());
    let trace = format!("{}/trace", d.path());
    let out = run(&["-o", &trace, "-e", "trace=openat", "-e", &format!("inject=openat:error=EACCES:{glob}"), "cat", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), format!("cat: {f}: Permission denied\n"));
    let trace = std::fs::read_to_string(&trace).unwrap();
    let injected: Vec<&str> = trace.lines().filter(|l| l.ends_with("(INJECTED)")).collect();
    assert_eq!(injected, [format!("openat(AT_FDCWD, \"{f}\", O_RDONLY) = -1 EACCES (Permission denied) (INJECTED)")]);
}

#[test]
fn a_relative_path_is_matched_through_the_working_directory() {
    let d = Dir::new("relative");
    d.file("x.txt", "x\n");
    let out = common::selftrace_command()
        .args(["-e", "trace=none", "-e", &format!("inject=openat:error=ENOENT:path={}/x.txt", d.path()), "cat", "x.txt"])
        .current_dir(&d.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cat: x.txt: No such file or directory"));
}

#[test]
fn rewrite_redirects_whole_components_only() {
    let d = Dir::new("rewrite");
    std::fs::create_dir_all(d.0.join("to")).unwrap();
    std::fs::write(d.0.join("to/inside"), "moved\n").unwrap();
    let from = format!("{}/from", d.path());
    let rule = format!("rewrite=path:{from}={}/to", d.path());
    let out = run(&["-e", "trace=none", "-e", &rule, "ls", &from]);
    assert_eq!(text(&out.stdout), "inside\n");
    let out = run(&["-e", "trace=none", "-e", &rule, "cat", &format!("{from}/inside")]);
    assert_eq!(text(&out.stdout), "moved\n");
    let out = run(&["-e", "trace=none", "-e", &rule, "ls", &format!("{from}x")]);
    assert_eq!(out.status.code(), Some(2), "{from}x is not under {from}");
}

#[test]
fn python_sees_enospc_on_its_second_write() {
    let script = "import os\nos.write(1, b'a')\ntry:\n    os.write(1, b'b')\nexcept OSError as e:\n    print(e.errno)";
    let out = run(&["-e", "trace=write", "-e", "inject=write:error=ENOSPC:when=2", &python(), "-S", "-c", script]);
    assert_eq!(text(&out.stdout), "a28\n");
    let err = text(&out.stderr);
    let line = err.lines().find(|l| l.starts_with("write(1, \"b\", 1) ")).unwrap_or_else(|| panic!("{err}"));
    assert!(line.ends_with("= -1 ENOSPC (No space left on device) (INJECTED)"), "{line}");
}

#[test]
fn fault_deny_and_retval_defaults() {
    let py = python();
    let probe = "import os, socket\ntry:\n    os.getppid() and socket.socket()\nexcept OSError as e:\n    print(e.errno)\nprint(os.getppid())";
    let out = run(&["-e", "trace=none", "-e", "deny=%network", "-e", "inject=getppid:retval=4242", &py, "-S", "-c", probe]);
    assert_eq!(text(&out.stdout), format!("{}\n4242\n", libc::EPERM));
    let out = run(&["-e", "trace=none", "-e", "fault=getcwd", &py, "-S", "-c", "import os\ntry: os.getcwd()\nexcept OSError as e: print(e.errno)"]);
    assert_eq!(text(&out.stdout).trim(), libc::ENOSYS.to_string());
}

/// Which of `n` getppid calls (one thread) returned 0, as text.
fn zero_indices(rule: &str, seed: &str, n: u32) -> String {
    let script = format!("import os\nprint([i for i in range({n}) if os.getppid() == 0])");
    let py = python();
    let out = run(&["-e", "trace=none", "-e", rule, "--seed", seed, &py, "-S", "-c", &script]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// How many of `n` getppid calls in `threads` threads returned 0.
fn zeros(rule: &str, extra: &[&str], threads: u32, n: u32) -> u64 {
    let script = format!(
        "import os, threading\nhits = []\ndef work():\n    hits.append(sum(1 for _ in range({n}) if os.getppid() == 0))\nts = [threading.Thread(target=work) for _ in range({threads})]\n[t.start() for t in ts]\n[t.join() for t in ts]\nprint(sum(hits))"
    );
    let mut args = vec!["-f", "-e", "trace=none", "-e", rule];
    args.extend_from_slice(extra);
    let py = python();
    args.extend_from_slice(&[&py, "-S", "-c", &script]);
    let out = run(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().parse().unwrap()
}

#[test]
fn when_counts_are_exact_across_threads() {
    let total = 8 * 500u64;
    let expect = |f: &dyn Fn(u64) -> bool| (1..=total).filter(|&k| f(k)).count() as u64;
    assert_eq!(zeros("inject=getppid:retval=0:when=3+7", &[], 8, 500), expect(&|k| k >= 3 && (k - 3) % 7 == 0));
    assert_eq!(zeros("inject=getppid:retval=0:when=10..20", &[], 8, 500), 11);
    assert_eq!(zeros("inject=getppid:retval=0:when=5", &[], 8, 500), 1);
    assert_eq!(zeros("inject=getppid:retval=0:when=100+", &[], 8, 500), total - 99);
}

#[test]
fn prob_is_reproducible_with_a_seed() {
    let rule = "inject=getppid:retval=0:prob=0.3";
    let (a, b, c) = (zero_indices(rule, "42", 2000), zero_indices(rule, "42", 2000), zero_indices(rule, "43", 2000));
    assert_eq!(a, b, "the same seed makes the same choices");
    assert_ne!(a, c, "another seed makes others");
    let hits = a.matches(',').count() + 1;
    assert!((450..750).contains(&hits), "{hits} of 2000 at p=0.3");
}

#[test]
fn delays_are_marked() {
    let out = run(&["-e", "trace=getppid", "-e", "inject=getppid:delay_enter=1ms", &python(), "-S", "-c", "import os; os.getppid()"]);
    assert!(text(&out.stderr).lines().any(|l| l.starts_with("getppid()") && l.ends_with(" (DELAYED)")), "{}", text(&out.stderr));
}

#[test]
fn bad_rules_stop_before_the_program_runs() {
    let d = Dir::new("bad");
    let marker = format!("{}/ran", d.path());
    let policy_bad_errno = d.file("p1.toml", "[[deny]]\ncalls = \"write\"\n\n[[inject]]\ncalls = \"read\"\nerror = \"EWHAT\"\n");
    let policy_syntax = d.file("p2.toml", "[[inject]]\ncalls = \"read\"\nerror = \n");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["-e".into(), "inject=nosuch:error=EIO".into()], "invalid system call 'nosuch'"),
        (vec!["-e".into(), "inject=read:error=EWHAT".into()], "invalid error 'EWHAT'"),
        (vec!["-e".into(), "inject=read:when=0".into()], "invalid when="),
        (vec!["-e".into(), "inject=read:prob=2".into()], "invalid prob '2'"),
        (vec!["-e".into(), "inject=read:path=/x[".into()], "unclosed '['"),
        (vec!["-e".into(), "inject=read:colour=1".into()], "invalid inject option 'colour'"),
        (vec!["-e".into(), "fault=read:retval=1".into()], "fault takes error="),
        (vec!["-e".into(), "inject=read".into()], "inject needs"),
        (vec!["--seed".into(), "x".into()], "invalid value 'x'"),
        (vec!["--policy".into(), policy_bad_errno.clone()], ":4: invalid error 'EWHAT'"),
        (vec!["--policy".into(), policy_syntax.clone()], "p2.toml:3:"),
    ];
    for (opts, message) in cases {
        let mut args: Vec<String> = opts.clone();
        args.extend(["sh", "-c", &format!("touch {marker}")].map(String::from));
        let out = common::selftrace_command().args(&args).output().unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{opts:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{opts:?}: {err}");
        assert!(err.starts_with("selftrace: ") && err.contains(message), "{opts:?}: {err}");
        assert!(!std::path::Path::new(&marker).exists(), "{opts:?} ran the program");
    }
}

#[test]
fn a_policy_file_works_end_to_end() {
    let d = Dir::new("policy");
    let f = d.file("data.txt", "x\n");
    let policy = d.file("policy.toml", &format!("seed = 1\n\n[[inject]]\ncalls = \"openat\"\nerror = \"EACCES\"\npath = \"{f}\"\n"));
    let out = run(&["--policy", &policy, "-e", "trace=none", "cat", &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("Permission denied"));
}

#[test]
fn the_preload_alone_injects_silently() {
    let d = Dir::new("preload");
    let f = d.file("data.txt", "x\n");
    let out = Command::new("cat")
        .arg(&f)
        .env("LD_PRELOAD", common::preload_library())
        .env("SELFTRACE_INJECT", format!("inject=openat:error=ENOENT:path={f}"))
        .env_remove("SELFTRACE_TRACE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), format!("cat: {f}: No such file or directory\n"));
}
