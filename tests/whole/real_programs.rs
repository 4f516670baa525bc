//! Issue 4: whole programs stay alive and traced.
//!
//! Each test runs one real workload twice, each time in a fresh directory
//! made the same way: (a) untraced, (b) under `selftrace -f -o TRACE --`
//! with every call traced (the default, trace=all). The two runs must exit
//! the same way and print the same standard output; nothing may say "Bad
//! system call"; and the trace must show that the processes the workload
//! starts were followed (their `execve` lines, lines from several pids).
//!
//! The tools are real programs from PATH (make, gcc, bash, python3, git,
//! tar, gzip); a missing one fails its test with a message naming it.

#[path = "../common/mod.rs"]
mod common;

use common::{Both, Pair};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use regex_lite::Regex;

/// A workload: `program ARGS` in a directory `setup` lays out, in the C
/// locale (sort order and messages do not depend on the machine's
/// settings), run untraced and traced.
fn workload(name: &str, setup: fn(&Path), program: &str, args: &[&str]) -> Both {
    Both::new(program, args)
        .name(name)
        .setup(setup)
        .env("LC_ALL", "C")
        .limit(Duration::from_secs(180))
}

/// What the workloads' traces show.
impl Pair {
    /// The checks every workload gets: `assert_same`, and the root
    /// process's exit as the trace's last line.
    fn assert_same_workload(&self) {
        self.assert_same().assert_root_ends_as_it_did();
    }

    /// The programs whose `execve` succeeded, by the base name of the path.
    fn executed(&self) -> BTreeMap<String, usize> {
        let exec = Regex::new(r#"^\d+ +execve\("([^"]*)", .* = 0$"#).unwrap();
        let mut names = BTreeMap::new();
        for line in self.trace.lines() {
            if let Some(c) = exec.captures(line) {
                let base = c[1].rsplit('/').next().unwrap().to_string();
                *names.entry(base).or_insert(0) += 1;
            }
        }
        names
    }

    /// Every program in `programs` (base names, with how many times at
    /// least) was started and traced.
    fn assert_executed(&self, programs: &[(&str, usize)]) {
        let executed = self.executed();
        for &(program, at_least) in programs {
            let n = executed.get(program).copied().unwrap_or(0);
            assert!(
                n >= at_least,
                "{}: {n} traced execve of {program}, want at least {at_least}; traced execs: {executed:?}",
                self.name
            );
        }
    }

    /// At least `n` processes or threads wrote lines to the trace.
    fn assert_pids(&self, n: usize) {
        let pids = self.by_pid();
        assert!(
            pids.len() >= n,
            "{}: lines from {} pids, want at least {n}: {:?}",
            self.name,
            pids.len(),
            pids.keys()
        );
    }

    /// Pids with a line matching `pattern` (a regex of the line without
    /// its pid).
    fn pids_with(&self, pattern: &str) -> BTreeSet<u32> {
        let re = Regex::new(pattern).unwrap();
        self.by_pid()
            .into_iter()
            .filter(|(_, lines)| lines.iter().any(|l| re.is_match(l)))
            .map(|(p, _)| p)
            .collect()
    }

    /// For each of `pids`, the indexes of its first and last trace line,
    /// in order of the first.
    fn spans(&self, pids: &BTreeSet<u32>) -> Vec<(usize, usize)> {
        let mut spans: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
        for (i, line) in self.trace.lines().enumerate() {
            if let Some(pid) = pid_of(line).filter(|p| pids.contains(p)) {
                spans.entry(pid).and_modify(|s| s.1 = i).or_insert((i, i));
            }
        }
        let mut spans: Vec<_> = spans.into_values().collect();
        spans.sort();
        spans
    }

    /// Pids that never ran `execve` (forked children and threads).
    fn pids_without_exec(&self) -> BTreeSet<u32> {
        self.by_pid()
            .into_iter()
            .filter(|(_, lines)| !lines.iter().any(|l| l.starts_with("execve(")))
            .map(|(p, _)| p)
            .collect()
    }
}

fn pid_of(line: &str) -> Option<u32> {
    line.split(' ').next()?.parse().ok()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

// ---- make -j2 with gcc ----

fn c_project(dir: &Path) {
    write(
        dir,
        "demo.h",
        "#ifndef DEMO_H\n#define DEMO_H\n#include <stddef.h>\n\
         #define DEMO_COUNT 10\n\
         unsigned long fib(unsigned n);\n\
         int is_prime(unsigned n);\n\
         void reverse(char *s);\n\
         void sort_ints(int *v, size_t n);\n\
         unsigned long fnv1a(const char *s);\n\
         long file_round_trip(const char *path, const char *text);\n\
         #endif\n",
    );
    write(
        dir,
        "fib.c",
        "#include \"demo.h\"\n\
         unsigned long fib(unsigned n) { unsigned long a = 0, b = 1; while (n--) { unsigned long t = a + b; a = b; b = t; } return a; }\n",
    );
    write(
        dir,
        "primes.c",
        "#include \"demo.h\"\n\
         int is_prime(unsigned n) { if (n < 2) return 0; for (unsigned d = 2; d * d <= n; d++) if (n % d == 0) return 0; return 1; }\n",
    );
    write(
        dir,
        "strutil.c",
        "#include <string.h>\n#include \"demo.h\"\n\
         void reverse(char *s) { size_t n = strlen(s); for (size_t i = 0; i < n / 2; i++) { char t = s[i]; s[i] = s[n - 1 - i]; s[n - 1 - i] = t; } }\n",
    );
    write(
        dir,
        "sortnum.c",
        "#include <stdlib.h>\n#include \"demo.h\"\n\
         static int cmp(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }\n\
         void sort_ints(int *v, size_t n) { qsort(v, n, sizeof *v, cmp); }\n",
    );
    write(
        dir,
        "hash.c",
        "#include \"demo.h\"\n\
         unsigned long fnv1a(const char *s) { unsigned long h = 14695981039346656037UL; while (*s) { h ^= (unsigned char)*s++; h *= 1099511628211UL; } return h; }\n\
         long file_round_trip(const char *path, const char *text);\n",
    );
    write(
        dir,
        "main.c",
        "#include <stdio.h>\n#include <string.h>\n#include \"demo.h\"\n\
         long file_round_trip(const char *path, const char *text) {\n\
           FILE *f = fopen(path, \"w\"); if (!f) return -1; fputs(text, f); fclose(f);\n\
           f = fopen(path, \"r\"); if (!f) return -1; long n = 0; while (fgetc(f) != EOF) n++; fclose(f); return n;\n\
         }\n\
         int main(void) {\n\
           for (unsigned i = 0; i < DEMO_COUNT; i++) printf(\"fib(%u) = %lu%s\\n\", i * 7, fib(i * 7), is_prime(i * 7) ? \" (index prime)\" : \"\");\n\
           char word[] = \"selftrace\"; reverse(word); printf(\"reversed: %s\\n\", word);\n\
           int v[] = {5, -2, 9, 0, 3, 3, -7}; sort_ints(v, sizeof v / sizeof *v);\n\
           for (size_t i = 0; i < sizeof v / sizeof *v; i++) printf(\"%d%s\", v[i], i + 1 < sizeof v / sizeof *v ? \" \" : \"\\n\");\n\
           printf(\"fnv1a: %016lx\\n\", fnv1a(\"whole programs stay alive\"));\n\
           printf(\"bytes: %ld\\n\", file_round_trip(\"round.txt\", \"written and read back\\n\"));\n\
           return 0;\n\
         }\n",
    );
    write(
        dir,
        "Makefile",
        "CC = gcc\nCFLAGS = -O2 -Wall -Wextra\n\
         OBJS = main.o fib.o primes.o strutil.o sortnum.o hash.o\n\
         run: demo\n\t./demo\n\
         demo: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n\
         %.o: %.c demo.h\n\t$(CC) $(CFLAGS) -c -o $@ $<\n\
         .PHONY: run\n",
    );
}

#[test]
fn make_j2_builds_a_c_project_with_gcc() {
    common::need("make", "make");
    common::need("gcc", "gcc");
    let pair = workload("make", c_project, "make", &["-j2", "run"]).run();
    pair.assert_same_workload();
    // The build ran whole: make's echo of the link and the program's last line.
    assert!(pair.traced.stdout.contains("gcc -o demo main.o"), "{}", pair.traced.describe());
    assert!(pair.traced.stdout.contains("bytes: 22\n"), "{}", pair.traced.describe());
    // The same inputs and flags give the same program: the traced build
    // wrote every byte the untraced one did.
    for file in ["demo", "main.o", "hash.o"] {
        let a = std::fs::read(pair.untraced_dir.join(file)).unwrap();
        let b = std::fs::read(pair.traced_dir.join(file)).unwrap();
        assert!(a == b, "{file} differs between the untraced and the traced build");
    }
    // make, a gcc driver per object and for the link, the compiler proper
    // and the assembler per object, the linker, and the program.
    pair.assert_executed(&[
        ("make", 1),
        ("gcc", 7),
        ("cc1", 6),
        ("as", 6),
        ("collect2", 1),
        ("ld", 1),
        ("demo", 1),
    ]);
    // -j2: two gcc drivers were alive at once (each one's lines run from
    // its execve to its exit; two such spans overlap).
    let spans = pair.spans(&pair.pids_with(r#"^execve\("[^"]*/gcc", \["gcc", "-O2""#));
    assert_eq!(spans.len(), 6, "gcc drivers for the objects: {spans:?}");
    assert!(
        spans.windows(2).any(|w| w[1].0 < w[0].1),
        "no two compilations overlapped under make -j2: {spans:?}"
    );
    pair.assert_pids(22);
}

// ---- bash ----

const BASH_SCRIPT: &str = r#"set -e
upper() { tr a-z A-Z; }
count_lines() { local n=0; while read -r _; do n=$((n + 1)); done; echo "lines=$n"; }
printf '%s\n' pear apple fig | sort | upper
echo "words: $(echo one two three | wc -w)"
( cd /; echo "subshell in $(pwd)" )
cat <<DOC | sed 's/^/doc: /'
first
second $((6 * 7))
DOC
for i in 1 2 3; do ( sleep 0.0$i; echo "job $i" > job$i.txt ) & done
wait
cat job1.txt job2.txt job3.txt
seq 1 5 | count_lines
x=$( { echo a; echo b; } | paste -sd, - )
echo "x=$x"
total=0
while read -r n; do total=$((total + n)); done < <(seq 1 10)
echo "total=$total"
{ echo to-stderr >&2; echo grouped; } 2>/dev/null
sh -c 'exit 4' || echo "sh said $?"
exit 3
"#;

#[test]
fn bash_pipelines_subshells_and_jobs() {
    common::need("bash", "bash");
    let pair =
        workload("bash", |d| write(d, "script.sh", BASH_SCRIPT), "bash", &["script.sh"]).run();
    pair.assert_same_workload();
    assert_eq!(pair.traced.status.code(), Some(3));
    assert_eq!(
        pair.traced.stdout,
        "APPLE\nFIG\nPEAR\nwords: 3\nsubshell in /\ndoc: first\ndoc: second 42\njob 1\njob 2\njob 3\n\
         lines=5\nx=a,b\ntotal=55\ngrouped\nsh said 4\n"
    );
    pair.assert_executed(&[
        ("bash", 1),
        ("sort", 1),
        ("tr", 1),
        ("wc", 1),
        ("sed", 1),
        ("cat", 2),
        ("sleep", 3),
        ("seq", 2),
        ("paste", 1),
        ("sh", 1),
    ]);
    // Forked bash processes that never exec are followed too: the
    // subshell's echo, each background job's write of its file, the
    // function at the end of a pipeline.
    let forked = pair.pids_without_exec();
    let subshell = pair.pids_with(r#"^write\(1, "subshell in /\\n", 14\) += 14$"#);
    assert!(!subshell.is_disjoint(&forked), "no forked subshell wrote its line: {subshell:?}");
    let jobs = pair.pids_with(r#"^openat\(AT_FDCWD, "job[123]\.txt", O_WRONLY\|O_CREAT\|O_TRUNC"#);
    assert_eq!(jobs.intersection(&forked).count(), 3, "background jobs: {jobs:?}");
    let counter = pair.pids_with(r#"^write\(1, "lines=5\\n", 8\) += 8$"#);
    assert!(!counter.is_disjoint(&forked), "the function in the pipeline: {counter:?}");
    pair.assert_pids(20);
}

// ---- python3: subprocess, threading, multiprocessing ----

const PYTHON_SCRIPT: &str = r#"import multiprocessing as mp
import subprocess
import sys
import threading


def square(x):
    return x * x


def thread_work(n, lock, totals):
    name = f"thread{n}.txt"
    with open(name, "w") as f:
        for i in range(50):
            f.write(f"{n}:{i}\n")
    with open(name) as f:
        lines = f.read().splitlines()
    with lock:
        totals.append((n, len(lines), lines[-1]))


def main():
    r = subprocess.run(["echo", "hello from run"], capture_output=True, text=True, check=True)
    print("run:", r.stdout.strip(), r.returncode)
    print("run exit:", subprocess.run(["sh", "-c", "exit 7"]).returncode)
    print("check_output:", subprocess.check_output(["sort"], input="b\na\nc\n", text=True).split())
    p = subprocess.Popen(["tr", "a-z", "A-Z"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    out, _ = p.communicate("through a pipe\n")
    print("popen:", out.strip(), p.returncode)
    p1 = subprocess.Popen(["printf", "3\\n1\\n2\\n"], stdout=subprocess.PIPE)
    p2 = subprocess.Popen(["sort", "-n"], stdin=p1.stdout, stdout=subprocess.PIPE, text=True)
    p1.stdout.close()
    print("pipeline:", p2.communicate()[0].split(), p1.wait(), p2.returncode)

    lock = threading.Lock()
    totals = []
    threads = [threading.Thread(target=thread_work, args=(n, lock, totals)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("threads:", sorted(totals))

    for method in ("fork", "spawn"):
        with mp.get_context(method).Pool(3) as pool:
            print(method, pool.map(square, range(10)))
    sys.stdout.flush()
    return 5


if __name__ == "__main__":
    sys.exit(main())
"#;

#[test]
fn python_subprocess_threads_and_multiprocessing() {
    common::need("python3", "python3");
    let pair =
        workload("python", |d| write(d, "work.py", PYTHON_SCRIPT), "python3", &["work.py"]).run();
    pair.assert_same_workload();
    assert_eq!(pair.traced.status.code(), Some(5));
    let squares = "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]";
    let threads: Vec<String> = (0..6).map(|n| format!("({n}, 50, '{n}:49')")).collect();
    assert_eq!(
        pair.traced.stdout,
        format!(
            "run: hello from run 0\nrun exit: 7\ncheck_output: ['a', 'b', 'c']\npopen: THROUGH A PIPE 0\n\
             pipeline: ['1', '2', '3'] 0 0\nthreads: [{}]\nfork {squares}\nspawn {squares}\n",
            threads.join(", ")
        )
    );
    pair.assert_executed(&[("echo", 1), ("sh", 1), ("sort", 2), ("tr", 1), ("printf", 1)]);
    // Six threads each opened their own file: six tids, none the main
    // thread's.
    let writers =
        pair.pids_with(r#"^openat\(AT_FDCWD, "thread[0-5]\.txt", O_WRONLY\|O_CREAT\|O_TRUNC"#);
    assert_eq!(writers.len(), 6, "threads writing their files: {writers:?}");
    // spawn: three workers started as new pythons (plus multiprocessing's
    // resource tracker), each traced from its execve on.
    let spawned =
        pair.pids_with(r#"^execve\("[^"]*/python3[.0-9]*", \[.*"from multiprocessing\.spawn"#);
    assert!(spawned.len() >= 3, "spawned pool workers: {spawned:?}");
    // fork: pool workers are forked pythons that never exec; each reads
    // its tasks from the pool's pipe. At least the three of the fork pool
    // and the six threads are pids without an execve.
    assert!(
        pair.pids_without_exec().len() >= 9,
        "forked workers and threads: {:?}",
        pair.pids_without_exec()
    );
    pair.assert_pids(20);
}

// ---- git ----

const GIT_SCRIPT: &str = r#"set -e
git init -q -b main repo
cd repo
printf 'one\n' > a.txt
mkdir sub
printf 'two\n' > sub/b.txt
git add .
git commit -q -m "first commit"
printf 'three\n' >> a.txt
git add a.txt
git commit -q -m "second commit"
git log --format='%H %an <%ae> %ad %s' --date=iso-strict
git rev-parse HEAD^{tree}
git ls-files
git status --porcelain
git gc -q
git count-objects -v | grep -E '^(count|in-pack|packs):'
git fsck --no-progress
git cat-file -p HEAD:a.txt
"#;

#[test]
fn git_init_add_commit_log() {
    common::need("git", "git");
    common::need("sh", "dash");
    // Fixed identity and dates make the commit hashes the same in both
    // runs, so they are compared as they are; no system or user
    // configuration is read.
    let date = "2020-02-02T12:00:00+00:00";
    let pair = workload("git", |d| write(d, "run.sh", GIT_SCRIPT), "sh", &["run.sh"])
        .env("GIT_AUTHOR_NAME", "Real Programs")
        .env("GIT_AUTHOR_EMAIL", "real@example.org")
        .env("GIT_COMMITTER_NAME", "Real Programs")
        .env("GIT_COMMITTER_EMAIL", "real@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", "$DIR")
        .run();
    pair.assert_same_workload();
    let log = Regex::new(
        r"^[0-9a-f]{40} Real Programs <real@example.org> 2020-02-02T12:00:00Z second commit\n[0-9a-f]{40} Real Programs <real@example.org> 2020-02-02T12:00:00Z first commit\n[0-9a-f]{40}\na.txt\nsub/b.txt\ncount: 0\n",
    )
    .unwrap();
    assert!(log.is_match(&pair.traced.stdout), "{}", pair.traced.describe());
    assert!(pair.traced.stdout.ends_with("one\nthree\n"), "{}", pair.traced.describe());
    // The script's own git commands, and the ones git starts itself
    // (gc runs repack, pack-objects, prune...).
    pair.assert_executed(&[("sh", 1), ("git", 14), ("mkdir", 1), ("grep", 1)]);
    for sub in ["repack", "pack-objects", "prune"] {
        let pids = pair.pids_with(&format!(r#"^execve\("[^"]*git", \[[^\]]*"{sub}""#));
        assert!(!pids.is_empty(), "git gc's {sub} was not traced");
    }
    pair.assert_pids(15);
}

// ---- tar + gzip ----

/// A tree to archive: nested directories, small text files, a symbolic
/// link, an empty directory, and a large file of pseudo-random text that
/// gzip has real work on.
fn file_tree(dir: &Path) {
    for d in 0..4 {
        for f in 0..5 {
            write(
                dir,
                &format!("tree/dir{d}/sub{}/file{f}.txt", f % 2),
                &format!("dir {d} file {f}\n").repeat(d * 10 + f + 1),
            );
        }
    }
    std::fs::create_dir_all(dir.join("tree/empty")).unwrap();
    std::os::unix::fs::symlink("dir0/sub0/file0.txt", dir.join("tree/link.txt")).unwrap();
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let mut big = String::new();
    while big.len() < 400_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        big.push_str(&format!(
            "{:x} {}\n",
            x % 100_000,
            ["alpha", "beta", "gamma", "delta"][(x % 4) as usize]
        ));
    }
    write(dir, "tree/big.txt", &big);
    write(
        dir,
        "run.sh",
        "set -e\n\
         tar czf archive.tar.gz tree\n\
         mkdir out\n\
         tar xzf archive.tar.gz -C out\n\
         diff -r tree out/tree && echo 'trees equal'\n\
         tar tzf archive.tar.gz | sort\n\
         gzip -9 -c tree/big.txt > big.txt.gz\n\
         gzip -t big.txt.gz && echo 'gzip -t ok'\n\
         gzip -dc big.txt.gz | cmp - tree/big.txt && echo 'gzip round trip equal'\n\
         cat big.txt.gz | gzip -d | wc -c\n",
    );
}

#[test]
fn tar_gzip_round_trip() {
    common::need("tar", "tar");
    common::need("gzip", "gzip");
    common::need("diff", "diffutils");
    let pair = workload("tar", file_tree, "sh", &["run.sh"]).run();
    pair.assert_same_workload();
    let out = &pair.traced.stdout;
    assert!(out.starts_with("trees equal\n"), "{}", pair.traced.describe());
    assert!(out.contains("tree/dir3/sub0/file4.txt\n") && out.contains("tree/link.txt\n"), "{out}");
    let size = std::fs::metadata(pair.untraced_dir.join("tree/big.txt")).unwrap().len();
    assert!(out.ends_with(&format!("gzip -t ok\ngzip round trip equal\n{size}\n")), "{out}");
    // tar runs gzip itself, for c and for x and for t.
    pair.assert_executed(&[
        ("tar", 3),
        ("gzip", 6),
        ("diff", 1),
        ("cmp", 1),
        ("sort", 1),
        ("wc", 1),
    ]);
    let tar_gzips = pair
        .by_pid()
        .into_iter()
        .filter(|(_, lines)| {
            lines.iter().any(|l| l.starts_with(r#"execve("/"#) && l.contains(r#"["gzip", "-d"]"#))
        })
        .count();
    assert!(tar_gzips >= 2, "tar's own gzip -d children were not traced");
    pair.assert_pids(12);
}

// ---- CPython's own regression tests ----

/// The modules run: the interpreter's tests of what a tracer can break
/// (descriptors, fork/exec, signals, threads).
const CPYTHON_MODULES: [&str; 4] = ["test_os", "test_subprocess", "test_signal", "test_threading"];

/// Test cases left out of both runs (regrtest `-i`), each because it
/// observes the tracer's presence rather than a change in behaviour:
const CPYTHON_EXCLUDED: &[&str] = &[
    // test_subprocess: the child lists its own open descriptors
    // (/proc/self/fd) and requires exactly 0, 1, 2 and pass_fds. A traced
    // child also holds the preload's private trace descriptor (500 or
    // above, README "The preload library"), so the set has one more.
    "test_pass_fds_redirected",
];

/// Test cases left out because their outcome is not a function of the
/// program at all under `-j2`:
const CPYTHON_FLAKY: &[&str] = &[
    // test_os FileTests and TestInvalidFD: they pass only if the two
    // lowest free descriptors are consecutive, and a worker's descriptors
    // are numbered by whichever of the parent's two worker threads opened
    // its files first. Seen here: skipped in both runs from a shell, passed
    // untraced and skipped traced in one test run.
    "test_closerange",
];

/// Each test case of a regrtest `--junit-xml` file with its outcome:
/// `passed`, `skipped`, `failure` or `error`.
fn junit_outcomes(xml: &str) -> BTreeMap<String, &'static str> {
    let name = Regex::new(r#"^name="([^"]*)""#).unwrap();
    let mut outcomes = BTreeMap::new();
    for case in xml.split("<testcase ").skip(1) {
        let name = name
            .captures(case)
            .unwrap_or_else(|| panic!("a testcase without a name: {case:.200}"))[1]
            .to_string();
        let open_end = case.find('>').expect("unterminated testcase");
        let outcome = if case[..open_end].ends_with('/') {
            "passed"
        } else {
            let body = &case[..case.find("</testcase>").expect("testcase without its end")];
            if body.contains("<failure") {
                "failure"
            } else if body.contains("<error") {
                "error"
            } else if body.contains("<skipped") {
                "skipped"
            } else {
                "passed"
            }
        };
        assert!(
            outcomes.insert(name.clone(), outcome).is_none(),
            "test case {name} reported twice"
        );
    }
    outcomes
}

/// The line of regrtest's summary that starts with `prefix`.
fn summary_line<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines()
        .rev()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line in:\n{out}"))
}

/// `python3 -m test -j2 MODULES` untraced and under `selftrace -f -o
/// /dev/null`, leaving out `ignore` (and, if `only` is not empty, running
/// only the cases it names); both runs' outcomes per test case.
fn cpython_suite(
    name: &'static str,
    modules: &[&str],
    ignore: &[&str],
    only: &[&str],
) -> CpythonRuns {
    common::need("python3", "python3");
    let check = Command::new("python3")
        .args(["-c", "import test.libregrtest, test.support; import test.test_os, test.test_subprocess, test.test_signal, test.test_threading"])
        .output()
        .expect("run python3");
    assert!(
        check.status.success(),
        "python3 on PATH has no test package (CPython's regression tests; Debian ships them as libpython3.X-testsuite): {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // --timeout: a test file still running after 180 s is stopped with a
    // traceback of where it hangs, and counts as failed.
    let mut args = vec![
        "-m",
        "test",
        "-j2",
        "--timeout",
        "180",
        "--junit-xml",
        "results.xml",
        "--tempdir",
        "regrtest",
    ];
    for excluded in ignore {
        args.extend(["-i", excluded]);
    }
    for case in only {
        args.extend(["-m", case]);
    }
    args.extend(modules);
    // The trace of the whole suite would be gigabytes; what is checked
    // here is that the traced tests behave.
    let pair = workload(name, |_| {}, "python3", &args)
        .trace_to_null()
        .limit(Duration::from_secs(600))
        .run();
    pair.assert_no_bad_syscall();
    let read = |dir: &Path| {
        let xml = std::fs::read_to_string(dir.join("results.xml"))
            .unwrap_or_else(|e| panic!("no results.xml in {}: {e}", dir.display()));
        junit_outcomes(&xml)
    };
    let untraced = read(&pair.untraced_dir);
    let traced = read(&pair.traced_dir);
    let count = |m: &BTreeMap<String, &str>, o: &str| m.values().filter(|&&v| v == o).count();
    eprintln!(
        "{name}: {} cases untraced ({} passed, {} skipped, {} failed), {} traced",
        untraced.len(),
        count(&untraced, "passed"),
        count(&untraced, "skipped"),
        untraced.len() - count(&untraced, "passed") - count(&untraced, "skipped"),
        traced.len()
    );
    for module in modules.iter().filter(|_| only.is_empty()) {
        let n = untraced.keys().filter(|k| k.starts_with(&format!("test.{module}."))).count();
        assert!(n >= 20, "only {n} test cases of {module} ran:\n{}", pair.untraced.describe());
    }
    for excluded in ignore {
        assert!(!traced.keys().any(|k| k.ends_with(&format!(".{excluded}"))), "{excluded} ran");
    }
    CpythonRuns { pair, untraced, traced }
}

struct CpythonRuns {
    pair: Pair,
    untraced: BTreeMap<String, &'static str>,
    traced: BTreeMap<String, &'static str>,
}

impl CpythonRuns {
    /// The test cases that did not end the same way in both runs.
    fn differing(&self) -> Vec<String> {
        let (untraced, traced) = (&self.untraced, &self.traced);
        let all: BTreeSet<&String> = untraced.keys().chain(traced.keys()).collect();
        all.into_iter().filter(|k| untraced.get(*k) != traced.get(*k)).cloned().collect()
    }

    /// Every test case ended the same way in both runs, and so did the
    /// runs (the summary's counts and result; its timings and load
    /// averages differ).
    fn assert_same(&self) {
        let (untraced, traced, pair) = (&self.untraced, &self.traced, &self.pair);
        let differences: Vec<String> = self
            .differing()
            .iter()
            .map(|k| format!("{k}: untraced {:?}, traced {:?}", untraced.get(k), traced.get(k)))
            .collect();
        assert!(
            differences.is_empty(),
            "test cases that end differently under selftrace:\n{}\n\ntraced run: {}",
            differences.join("\n"),
            pair.traced.describe()
        );
        for prefix in ["Total tests:", "Result:"] {
            assert_eq!(
                summary_line(&pair.untraced.stdout, prefix),
                summary_line(&pair.traced.stdout, prefix)
            );
        }
        assert_eq!(
            pair.untraced.status.code(),
            pair.traced.status.code(),
            "{}",
            pair.traced.describe()
        );
        assert!(
            traced.values().filter(|&&v| v == "passed").count() >= 30,
            "{}",
            pair.traced.describe()
        );
    }
}

/// `python3 -m test` on four modules, two workers (`-j2`), untraced and
/// under `selftrace -f -o /dev/null`: every test case must end the same
/// way. On the 2-core development machine each run takes about 45 s.
#[test]
fn cpython_regression_tests_same_results() {
    let ignore: Vec<&str> = CPYTHON_EXCLUDED.iter().chain(CPYTHON_FLAKY).copied().collect();
    let runs = cpython_suite("cpython", &CPYTHON_MODULES, &ignore, &[]);
    assert!(runs.traced.len() >= 800, "{}", runs.pair.traced.describe());
    let differing = runs.differing();
    if differing.is_empty() {
        return runs.assert_same();
    }
    // Timing-sensitive cases (timeouts, signals racing sleeps) now and
    // then end differently on a loaded 2-core machine, traced or not: a
    // case that differed is run again in both modes, alone, and must then
    // end the same way. What differed is said on stderr either way.
    eprintln!("cpython: ended differently, run again: {}", differing.join(", "));
    let modules: BTreeSet<&str> = differing.iter().filter_map(|k| k.split('.').nth(1)).collect();
    let modules: Vec<&str> = modules.into_iter().collect();
    let cases: Vec<&str> = differing.iter().map(String::as_str).collect();
    let again = cpython_suite("cpython-again", &modules, &ignore, &cases);
    for case in &differing {
        let (u, t) = (again.untraced.get(case), again.traced.get(case));
        assert!(
            u.is_some() && u == t,
            "{case} ends differently under selftrace again: untraced {u:?}, traced {t:?}\n{}",
            again.pair.traced.describe()
        );
    }
}

/// test_signal's test_interprocess_signal (children send the parent
/// SIGHUP, SIGUSR1, SIGUSR2; it waits in `signal.pause()`), run with
/// test_subprocess beside it as in the full run, three times.
///
/// Once seen to hang in `pause()` at signalinterproctester.py line 73:
/// the child's SIGUSR1 arrived after `pause` trapped and before it was
/// re-issued, its handler ran then, and the re-issued `pause` waited for
/// a signal already handled. `pause` now ends with EINTR in that case
/// (tests/signals.rs, `pause_returns_eintr_for_a_handler_that_ran_after_the_trap`),
/// and the main run includes this case; this one repeats it under load.
#[test]
#[ignore = "long (three full runs, about 3 minutes): a stress run beside the main one, which covers the case"]
fn cpython_interprocess_signal_under_load() {
    let ignore: Vec<&str> = CPYTHON_EXCLUDED.iter().chain(CPYTHON_FLAKY).copied().collect();
    for _ in 0..3 {
        let runs =
            cpython_suite("cpython-signals", &["test_signal", "test_subprocess"], &ignore, &[]);
        runs.assert_same();
        let case = "test.test_signal.PosixTests.test_interprocess_signal";
        assert_eq!(
            runs.traced.get(case).copied(),
            Some("passed"),
            "{}",
            runs.pair.traced.describe()
        );
    }
}
