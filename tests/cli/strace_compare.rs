//! selftrace's lines against strace's for the same deterministic programs.
//!
//! Both trace each program into a file; addresses, pid prefixes and the
//! `execve` lines (their environment sizes differ by selftrace's own
//! variables) are normalised away, and the share of selftrace's lines
//! that strace printed identically is reported and held to a floor.
//! strace must be installed (CI installs it): without it this fails.

#[path = "../common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use common::TempDir;

/// A directory with a file and a small tree for the programs to read.
fn fixture() -> TempDir {
    let dir = TempDir::new("compare");
    dir.write("data.txt", "one\ntwo\nthree\n");
    for name in ["a.c", "b.h", "sub/c.txt"] {
        dir.write(&format!("tree/{name}"), name);
    }
    dir
}

/// Run `tracer args -o out -- prog` and return the trace's lines.
fn trace(
    mut tracer: Command,
    extra: &[&str],
    out: &Path,
    prog: &[String],
    cwd: &Path,
) -> Vec<String> {
    let name = tracer.get_program().to_string_lossy().into_owned();
    let status = tracer
        .args(extra)
        .arg("-o")
        .arg(out)
        .arg("--")
        .args(prog)
        .current_dir(cwd)
        .env("LC_ALL", "C")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("cannot run {name} (is it installed?): {e}"));
    assert!(status.code().is_some(), "{name} {prog:?} was killed");
    std::fs::read_to_string(out).unwrap().lines().map(str::to_string).collect()
}

/// Hex numbers of six digits or more (addresses) become `0xADDR`.
fn mask_addresses(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"0x") {
            let digits = b[i + 2..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
            if digits >= 6 {
                out.push_str("0xADDR");
                i += 2 + digits;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

/// Lines to compare: without pid prefixes, with strace's split
/// `<unfinished ...>` / `<... resumed>` pairs joined, addresses masked,
/// `execve` and signal lines left out.
fn normalise(lines: &[String], pid_prefixes: bool) -> Vec<String> {
    let mut open: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for line in lines {
        let (pid, rest) = if pid_prefixes {
            match line.split_once(' ') {
                Some((p, r)) => (p.to_string(), r.trim_start().to_string()),
                None => (String::new(), line.clone()),
            }
        } else {
            (String::new(), line.clone())
        };
        let rest = if let Some(head) = rest.strip_suffix(" <unfinished ...>") {
            open.insert(pid, head.to_string());
            continue;
        } else if let Some(tail) = rest.strip_prefix("<... ") {
            let Some(head) = open.remove(&pid) else { continue };
            let tail = tail.split_once(" resumed>").map_or(tail, |(_, t)| t);
            // strace pads the resumed line again; re-pad the joined line.
            let (call, result) = tail.rsplit_once("= ").unwrap_or((tail, "?"));
            let mut joined = format!("{head}{}", call.trim_end());
            joined.push(' ');
            while joined.len() < 40 {
                joined.push(' ');
            }
            format!("{joined}= {result}")
        } else {
            rest
        };
        if rest.starts_with("execve(") || rest.starts_with("--- ") {
            continue;
        }
        out.push(mask_addresses(&rest));
    }
    out
}

struct Score {
    ours: usize,
    identical: usize,
    theirs_after_start: usize,
}

fn score(ours: &[String], theirs: &[String]) -> Score {
    // strace also shows the loader's calls, before the preload exists: its
    // lines count from the first one selftrace printed too.
    let start = ours.first().and_then(|first| theirs.iter().position(|l| l == first)).unwrap_or(0);
    let mut pool: HashMap<&str, usize> = HashMap::new();
    for l in &theirs[start..] {
        *pool.entry(l.as_str()).or_default() += 1;
    }
    let mut identical = 0;
    for l in ours {
        if let Some(n) = pool.get_mut(l.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            identical += 1;
        }
    }
    Score { ours: ours.len(), identical, theirs_after_start: theirs.len() - start }
}

#[test]
fn lines_match_strace_on_real_programs() {
    let fx = fixture();
    let programs: Vec<(&str, Vec<String>, bool)> = vec![
        ("cat FILE", vec!["cat".into(), fx.at("data.txt")], false),
        ("cat MISSING", vec!["cat".into(), fx.at("missing.txt")], false),
        ("head -n 2 FILE", vec!["head".into(), "-n".into(), "2".into(), fx.at("data.txt")], false),
        ("wc -l FILE", vec!["wc".into(), "-l".into(), fx.at("data.txt")], false),
        ("ls -a DIR", vec!["ls".into(), "-a".into(), fx.at("tree")], false),
        ("stat FILE", vec!["stat".into(), fx.at("data.txt")], false),
        (
            "mkdir, touch, mv, rm",
            vec!["sh".into(), "-c".into(), "mkdir -p d/e && touch d/e/f && mv d/e/f d/g && rm -r d".into()],
            true,
        ),
        (
            "python3 file and socket calls",
            vec![
                "python3".into(),
                "-S".into(),
                "-c".into(),
                "import os, socket\nfd = os.open('data.txt', os.O_RDONLY)\nos.read(fd, 4)\nos.close(fd)\ns = socket.socket(socket.AF_UNIX)\ntry: s.connect('/nonexistent/sock')\nexcept OSError: pass".into(),
            ],
            false,
        ),
    ];
    let mut report = String::from("| program | selftrace lines | identical to strace | share | strace lines after the loader |\n|---|---:|---:|---:|---:|\n");
    let (mut all_ours, mut all_identical) = (0, 0);
    let mut worst = (1.0f64, "");
    for (label, prog, follow) in &programs {
        let flags: &[&str] = if *follow { &["-f"] } else { &[] };
        let theirs = trace(Command::new("strace"), flags, &fx.path("strace.out"), prog, &fx.0);
        let ours =
            trace(common::selftrace_command(), flags, &fx.path("selftrace.out"), prog, &fx.0);
        let (theirs, ours) = (normalise(&theirs, *follow), normalise(&ours, *follow));
        let s = score(&ours, &theirs);
        let share = s.identical as f64 / s.ours.max(1) as f64;
        report.push_str(&format!(
            "| `{label}` | {} | {} | {:.0}% | {} |\n",
            s.ours,
            s.identical,
            share * 100.0,
            s.theirs_after_start
        ));
        if share < 0.5 {
            let missing: Vec<&String> =
                ours.iter().filter(|l| !theirs.contains(l)).take(12).collect();
            eprintln!("{label}: lines strace did not print the same way:\n{missing:#?}");
        }
        all_ours += s.ours;
        all_identical += s.identical;
        if share < worst.0 {
            worst = (share, label);
        }
        assert!(s.ours > 0, "{label}: selftrace printed nothing");
    }
    let total = all_identical as f64 / all_ours as f64;
    report.push_str(&format!("| all | {all_ours} | {all_identical} | {:.0}% | |\n", total * 100.0));
    eprintln!("{report}");
    assert!(total >= 0.8, "only {:.0}% of lines identical to strace's\n{report}", total * 100.0);
    assert!(worst.0 >= 0.5, "{} has only {:.0}% identical\n{report}", worst.1, worst.0 * 100.0);
}
