//! A program run twice, untraced and under `selftrace -f -o TRACE`, and
//! the comparison of the two: the heart of the whole-program tests.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use regex_lite::Regex;

use super::dir::TempDir;
use super::outcome::{ending, run, signal_name, Outcome};

/// How to run a program both ways.
pub struct Both {
    name: String,
    program: OsString,
    args: Vec<OsString>,
    wrapper: Vec<OsString>,
    setup: Option<fn(&Path)>,
    env: Vec<(String, String)>,
    limit: Duration,
    keep_trace: bool,
    own_sigsys: bool,
}

impl Both {
    /// `program ARGS`, named after the program's file name.
    pub fn new(program: impl AsRef<OsStr>, args: &[&str]) -> Both {
        let program = program.as_ref().to_os_string();
        let name = Path::new(&program).file_name().unwrap().to_string_lossy().into_owned();
        Both {
            name,
            program,
            args: args.iter().map(OsString::from).collect(),
            wrapper: Vec::new(),
            setup: None,
            env: Vec::new(),
            limit: Duration::from_secs(90),
            keep_trace: true,
            own_sigsys: false,
        }
    }

    pub fn name(mut self, name: &str) -> Both {
        self.name = name.to_string();
        self
    }

    /// Run both under `wrapper` (e.g. `setarch -R`), which then also
    /// starts selftrace.
    pub fn under(mut self, wrapper: &[&str]) -> Both {
        self.wrapper = wrapper.iter().map(OsString::from).collect();
        self
    }

    /// Lay out files in each run's working directory before it starts.
    pub fn setup(mut self, setup: fn(&Path)) -> Both {
        self.setup = Some(setup);
        self
    }

    /// `KEY=VALUE` in both runs' environment, `$DIR` in VALUE standing
    /// for the run's working directory.
    pub fn env(mut self, key: &str, value: &str) -> Both {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Each run fails the test past `limit` (90 s unless set).
    pub fn limit(mut self, limit: Duration) -> Both {
        self.limit = limit;
        self
    }

    /// Trace to /dev/null: for workloads whose trace is too big to keep.
    pub fn trace_to_null(mut self) -> Both {
        self.keep_trace = false;
        self
    }

    /// The program traps or raises SIGSYS itself: `--- SIGSYS` lines in
    /// the trace are its own, not a sign of a trap gone wrong.
    pub fn own_sigsys(mut self) -> Both {
        self.own_sigsys = true;
        self
    }

    /// Runs the program untraced in ROOT/untraced/, then traced in
    /// ROOT/traced/ with the trace in ROOT/trace.txt, outside the working
    /// directory so the program never sees it. Each run gets its own
    /// TMPDIR (ROOT/TAG-tmp/), so scratch files stay out of /tmp.
    pub fn run(self) -> Pair {
        let root = TempDir::new(&format!("pair-{}", self.name));
        let (untraced_dir, plain) = self.prepare(&root, "untraced", self.command(&[]));
        let untraced = run(plain, &root.0, "untraced", self.limit);

        let trace_path =
            if self.keep_trace { root.path("trace.txt") } else { PathBuf::from("/dev/null") };
        let mut selftrace: Vec<OsString> = vec![env!("CARGO_BIN_EXE_selftrace").into()];
        selftrace.extend(["-f".into(), "-o".into(), trace_path.clone().into(), "--".into()]);
        let mut traced = self.command(&selftrace);
        traced.env("SELFTRACE_PRELOAD", super::preload_library());
        let (traced_dir, traced) = self.prepare(&root, "traced", traced);
        let traced = run(traced, &root.0, "traced", self.limit);

        let trace = match std::fs::read(&trace_path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => panic!(
                "{}: no trace file {}: {e}\n{}",
                self.name,
                trace_path.display(),
                traced.describe()
            ),
        };
        eprintln!(
            "{} {:?}: untraced {:.2?}, traced {:.2?}, {} trace lines",
            self.name,
            self.args,
            untraced.took,
            traced.took,
            trace.lines().count()
        );
        let own_sigsys = self.own_sigsys;
        Pair {
            name: self.name,
            untraced,
            traced,
            trace,
            untraced_dir,
            traced_dir,
            own_sigsys,
            _root: root,
        }
    }

    /// WRAPPER... TRACER... PROGRAM ARGS.
    fn command(&self, tracer: &[OsString]) -> Command {
        let mut all = self.wrapper.iter().chain(tracer).chain([&self.program]).chain(&self.args);
        let mut cmd = Command::new(all.next().unwrap());
        cmd.args(all);
        cmd
    }

    fn prepare(&self, root: &TempDir, tag: &str, mut cmd: Command) -> (PathBuf, Command) {
        let dir = root.path(tag);
        let tmp = root.path(&format!("{tag}-tmp"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&tmp).unwrap();
        if let Some(setup) = self.setup {
            setup(&dir);
        }
        cmd.current_dir(&dir).env("TMPDIR", &tmp);
        for (k, v) in &self.env {
            cmd.env(k, v.replace("$DIR", dir.to_str().unwrap()));
        }
        (dir, cmd)
    }
}

/// The two runs of one program.
pub struct Pair {
    pub name: String,
    pub untraced: Outcome,
    pub traced: Outcome,
    pub trace: String,
    pub untraced_dir: PathBuf,
    pub traced_dir: PathBuf,
    own_sigsys: bool,
    _root: TempDir,
}

impl Pair {
    /// Both runs, and the start and end of the trace, for failure messages.
    pub fn dump(&self) -> String {
        let lines: Vec<&str> = self.trace.lines().collect();
        let head = lines.iter().take(20).copied().collect::<Vec<_>>().join("\n");
        let tail = lines.iter().rev().take(20).rev().copied().collect::<Vec<_>>().join("\n");
        format!(
            "{}\n=== untraced: {}\n\n=== traced: {}\n\n=== trace ({} lines), first lines:\n{head}\n...\nlast lines:\n{tail}",
            self.name,
            self.untraced.describe(),
            self.traced.describe(),
            lines.len()
        )
    }

    /// Standard output with the run's own directory written `$DIR`: the
    /// two runs work in different directories.
    pub fn stdout(&self, which: &Outcome) -> String {
        let dir =
            if std::ptr::eq(which, &self.untraced) { &self.untraced_dir } else { &self.traced_dir };
        which.stdout.replace(dir.to_str().unwrap(), "$DIR")
    }

    /// The untraced run did what the program is written to do: this exact
    /// stdout and exit code.
    pub fn assert_untraced(&self, stdout: &str, code: i32) -> &Pair {
        assert_eq!(
            self.untraced.stdout,
            stdout,
            "untraced stdout is not as written\n{}",
            self.dump()
        );
        assert_eq!(self.untraced.code(), Some(code), "untraced run\n{}", self.dump());
        self
    }

    /// The traced run ended as the untraced one did, nothing anywhere says
    /// "Bad system call" or "killed by SIGSYS", no traced process was sent
    /// a SIGSYS (unless [`Both::own_sigsys`]), and none died of SIGSEGV
    /// unless the program does.
    pub fn assert_alive(&self) -> &Pair {
        assert_eq!(
            self.traced.ending(),
            self.untraced.ending(),
            "the traced run ended differently\n{}",
            self.dump()
        );
        self.assert_no_bad_syscall();
        let segv_expected = self.untraced.status.signal() == Some(libc::SIGSEGV);
        for line in self.trace.lines() {
            assert!(
                self.own_sigsys || !line.contains("--- SIGSYS"),
                "a traced process met SIGSYS: {line}\n{}",
                self.dump()
            );
            assert!(
                segv_expected || !line.contains("+++ killed by SIGSEGV"),
                "a traced process died of SIGSEGV: {line}\n{}",
                self.dump()
            );
        }
        self
    }

    /// Nothing either run printed, nor the trace, says "Bad system call"
    /// or "killed by SIGSYS": the signs of a trap that killed a process.
    pub fn assert_no_bad_syscall(&self) -> &Pair {
        for (what, text) in [
            ("untraced stdout", &self.untraced.stdout),
            ("untraced stderr", &self.untraced.stderr),
            ("traced stdout", &self.traced.stdout),
            ("traced stderr", &self.traced.stderr),
            ("trace", &self.trace),
        ] {
            for bad in ["Bad system call", "killed by SIGSYS"] {
                assert!(!text.contains(bad), "{bad:?} in the {what}\n{}", self.dump());
            }
        }
        self
    }

    /// `assert_alive`, and the same stdout (up to the working directory).
    pub fn assert_same(&self) -> &Pair {
        self.assert_same_except(|_| false)
    }

    /// As `assert_same`, comparing stdout without the lines `skip` picks.
    pub fn assert_same_except(&self, skip: impl Fn(&str) -> bool) -> &Pair {
        self.assert_alive();
        let keep = |s: String| {
            s.lines().filter(|l| !skip(l)).map(|l| format!("{l}\n")).collect::<String>()
        };
        assert_eq!(
            keep(self.stdout(&self.traced)),
            keep(self.stdout(&self.untraced)),
            "stdout differs\n{}",
            self.dump()
        );
        self
    }

    /// The trace's lines as (pid, line without the pid).
    pub fn lines(&self) -> Vec<(u32, &str)> {
        self.trace
            .lines()
            .map(|l| {
                let parsed = l.split_once(' ').and_then(|(p, rest)| Some((p.parse().ok()?, rest)));
                let (pid, body) =
                    parsed.unwrap_or_else(|| panic!("no pid on {l:?}\n{}", self.dump()));
                (pid, body.trim_start())
            })
            .collect()
    }

    /// Each pid of the trace with its lines, pids removed.
    pub fn by_pid(&self) -> BTreeMap<u32, Vec<&str>> {
        let mut map: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
        for (pid, line) in self.lines() {
            map.entry(pid).or_default().push(line);
        }
        map
    }

    /// The pid on the trace's first line: the program selftrace started.
    pub fn root(&self) -> u32 {
        self.lines().first().unwrap_or_else(|| panic!("empty trace\n{}", self.dump())).0
    }

    /// The lines of `pid` (any pid if `None`) matching `^pattern$`.
    pub fn matching(&self, pid: Option<u32>, pattern: &str) -> Vec<(u32, String)> {
        let re = Regex::new(&format!("^{pattern}$")).unwrap();
        self.lines()
            .into_iter()
            .filter(|(p, l)| pid.is_none_or(|want| *p == want) && re.is_match(l))
            .map(|(p, l)| (p, l.to_string()))
            .collect()
    }

    /// The first line of `pid` (any pid if `None`) matching `^pattern$`.
    pub fn must_have(&self, pid: Option<u32>, pattern: &str) -> (u32, String) {
        self.must_have_for(pid, pattern, "")
    }

    /// As `must_have`; `why` says what the line's absence means.
    pub fn must_have_for(&self, pid: Option<u32>, pattern: &str, why: &str) -> (u32, String) {
        self.matching(pid, pattern).into_iter().next().unwrap_or_else(|| {
            panic!("no line of pid {pid:?} matching {pattern:?}: {why}\n{}", self.dump())
        })
    }

    /// The program's own process ends in the trace as the untraced run
    /// ended: its last line is `+++ exited with N +++` or `+++ killed by
    /// SIG...` (with or without "(core dumped)"). Other processes may
    /// outlive it (a daemon it started).
    pub fn assert_root_ends_as_it_did(&self) -> &Pair {
        let want = match self.untraced.status.signal() {
            Some(sig) => format!("+++ killed by {}", signal_name(sig)),
            None => format!("+++ {} +++", ending(self.untraced.status)),
        };
        let root = self.root();
        let last = self.lines().into_iter().rev().find(|(p, _)| *p == root);
        assert!(
            last.is_some_and(|(_, l)| l.starts_with(&want)),
            "the last line of pid {root} is {last:?}, not {want:?}\n{}",
            self.dump()
        );
        self
    }
}
