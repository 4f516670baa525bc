//! Whole programs stay alive and traced (issue 4).
//!
//! The C programs in `tests/fixtures/c/` (one file per topic, one case per
//! subcommand) are compiled with `cc` once per test run and each case runs
//! twice: untraced, and under `selftrace -f -o TRACE` with every call traced.
//! Both runs must end the same way (exit code, or signal and core flag),
//! print the same stdout (the programs print only deterministic results;
//! pids go to stderr as `key=N` lines), and nothing may say "Bad system
//! call" or "killed by SIGSYS". Cases about tracing also check the trace,
//! where under `-f -o` every line starts with the pid (tid) of its caller.
//! Several cases also assert lines strace shows for them (clone3,
//! vfork, abort's tgkill, `--- SIGSYS ---`, notes about static programs).

#[path = "../common/mod.rs"]
mod common;

use common::{Both, Pair, TempDir};

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use regex_lite::{escape, Regex};

const SOURCES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/c");

/// A run that takes longer is hung: its process group is killed.
const TIMEOUT: Duration = Duration::from_secs(60);

// ---- building the programs ----

/// The dynamically linked programs, built on first use.
struct Programs {
    threads: PathBuf,
    procs: PathBuf,
    exec: PathBuf,
    signals: PathBuf,
    seccomp: PathBuf,
}

/// `cc -O1 -Wall -pthread EXTRA SOURCES/source -o BUILD/out`.
fn compile(source: &str, out: &str, extra: &[&str]) -> Result<PathBuf, String> {
    common::cc("whole_programs", &Path::new(SOURCES).join(source), out, extra)
}

fn programs() -> &'static Programs {
    static BUILT: OnceLock<Programs> = OnceLock::new();
    BUILT.get_or_init(|| {
        let names = ["threads", "procs", "exec", "signals", "seccomp"];
        let mut built: Vec<PathBuf> = std::thread::scope(|s| {
            let jobs: Vec<_> =
                names.iter().map(|n| s.spawn(move || compile(&format!("{n}.c"), n, &[]))).collect();
            jobs.into_iter().map(|j| j.join().unwrap().unwrap_or_else(|e| panic!("{e}"))).collect()
        });
        let mut next = || built.remove(0);
        Programs { threads: next(), procs: next(), exec: next(), signals: next(), seccomp: next() }
    })
}

/// static.c linked with `-static` (named so that its path does not say
/// "static": the expected note about it must).
fn static_program() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        compile("static.c", "alone", &["-static"]).unwrap_or_else(|e| {
            panic!(
                "cannot link a static C program, which this test needs: install the static C library \
                 (Debian: apt-get install libc6-dev, which ships libc.a; Fedora: glibc-static)\n{e}"
            )
        })
    })
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---- running them ----

/// Runs `args` (the program first) untraced and traced, each under
/// `wrapper` (e.g. `setarch -R`, which then also runs selftrace).
fn run_case_under(wrapper: &[&str], args: &[&str]) -> Pair {
    Both::new(args[0], &args[1..]).under(wrapper).limit(TIMEOUT).run()
}

fn run_case(args: &[&str]) -> Pair {
    run_case_under(&[], args)
}

/// What the programs tell on stderr.
impl Pair {
    /// Values of `key=N` lines the traced run wrote to stderr.
    fn noted(&self, key: &str) -> Vec<u32> {
        let pattern = re(&format!(r"^{}=(\d+)$", escape(key)));
        self.traced
            .stderr
            .lines()
            .filter_map(|l| pattern.captures(l))
            .map(|c| c[1].parse().unwrap())
            .collect()
    }

    fn noted_one(&self, key: &str) -> u32 {
        let values = self.noted(key);
        assert_eq!(values.len(), 1, "one {key}= line expected\n{}", self.dump());
        values[0]
    }
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap()
}

/// A pattern for a traced `execve(path, [argv...], ...) = 0` line: the
/// path whole, arguments cut at strace's default 32 bytes.
fn execve_of(path: &str, argv: &[&str]) -> String {
    let cut = |a: &str| {
        if a.len() > 32 {
            format!("\"{}\"...", escape(&a[..32]))
        } else {
            format!("\"{}\"", escape(a))
        }
    };
    let argv: Vec<String> = argv.iter().map(|a| cut(a)).collect();
    format!(
        r#"execve\("{}", \[{}\], 0x[0-9a-f]+ /\* \d+ vars \*/\) += 0"#,
        escape(path),
        argv.join(", ")
    )
}

/// The marker call every `leaf` makes, in the process `pid`.
const LEAF_MARKER: &str =
    r#"access\("/selftrace-leaf-marker", F_OK\) += -1 ENOENT \(No such file or directory\)"#;

fn ppid_line(ppid: u32) -> String {
    format!(r"getppid\(\) += {ppid}")
}

// ---- threads ----

fn threads(case: &str) -> Pair {
    run_case(&[path_str(&programs().threads), case])
}

/// The pid selftrace itself has: the traced program's parent.
fn selftrace_pid(case: &Pair) -> u32 {
    case.must_have(Some(case.root()), r"getppid\(\) += (\d+)")
        .1
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn pthread_create_thread_runs_and_is_traced_from_its_start() {
    let case = threads("pthread");
    case.assert_same().assert_root_ends_as_it_did();
    let tid = case.noted_one("tid");
    assert_ne!(tid, case.root());
    // glibc's start_thread calls set_robust_list before the thread's function runs.
    let own: Vec<(u32, &str)> = case.lines().into_iter().filter(|(p, _)| *p == tid).collect();
    assert!(own.first().is_some_and(|(_, l)| !l.starts_with("gettid(")), "{}", case.dump());
    case.must_have(Some(tid), r"set_robust_list\(0x[0-9a-f]+, 24\) += 0");
    case.must_have(Some(tid), &format!(r"gettid\(\) += {tid}"));
    case.must_have(Some(tid), &ppid_line(selftrace_pid(&case)));
    case.must_have(Some(tid), r"\+\+\+ exited with 0 \+\+\+");
}

#[test]
fn pthread_create_shows_clone3_returning_the_tid() {
    let case = threads("pthread");
    let tid = case.noted_one("tid");
    case.must_have(Some(case.root()), &format!(r"clone3\(\{{flags=CLONE_VM\|CLONE_FS\|CLONE_FILES\|CLONE_SIGHAND\|CLONE_THREAD\|.*\}}, 88\) += {tid}"));
}

#[test]
fn raw_clone_thread_on_its_own_stack_runs_and_is_traced() {
    let case = threads("clone-thread");
    case.assert_same().assert_root_ends_as_it_did();
    let tid = case.noted_one("tid");
    case.must_have(Some(tid), &format!(r"gettid\(\) += {tid}"));
    case.must_have(Some(tid), &ppid_line(selftrace_pid(&case)));
    case.must_have(Some(tid), r"exit\(0\) += \?");
}

#[test]
fn raw_clone_thread_shows_clone_returning_the_tid() {
    let case = threads("clone-thread");
    let tid = case.noted_one("tid");
    case.must_have(
        Some(case.root()),
        &format!(r"clone\(child_stack=0x[0-9a-f]+, flags=CLONE_VM\|CLONE_FS\|CLONE_FILES\|CLONE_SIGHAND\|CLONE_THREAD\|CLONE_SYSVSEM\|.*\) += {tid}"),
    );
}

#[test]
fn clone_vm_child_process_runs_and_is_traced() {
    let case = threads("clone-vm");
    case.assert_same().assert_root_ends_as_it_did();
    let child = case.noted_one("child");
    case.must_have(Some(child), &ppid_line(case.root()));
    case.must_have(Some(child), r"\+\+\+ exited with 7 \+\+\+");
}

#[test]
fn clone_vm_parent_calls_keep_the_parents_pid() {
    let case = threads("clone-vm");
    let root = case.root();
    let child = case.noted_one("child");
    let (pid, line) = case.must_have(None, &format!(r"wait4\({child}, .*"));
    assert_eq!(pid, root, "{line}\n{}", case.dump());
}

#[test]
fn clone_vm_shows_clone_returning_the_pid() {
    let case = threads("clone-vm");
    let child = case.noted_one("child");
    case.must_have(
        Some(case.root()),
        &format!(r"clone\(child_stack=0x[0-9a-f]+, flags=CLONE_VM\) += {child}"),
    );
}

#[test]
fn pthread_create_falls_back_to_clone_when_clone3_is_enosys() {
    let case = threads("clone3-enosys");
    case.assert_same().assert_root_ends_as_it_did();
    assert!(case.untraced.stdout.contains("clone3 fails with ENOSYS: yes"), "{}", case.dump());
    let tid = case.noted_one("tid");
    case.must_have(Some(tid), &ppid_line(selftrace_pid(&case)));
}

#[test]
fn clone3_fallback_shows_enosys_then_clone() {
    let case = threads("clone3-enosys");
    let root = case.root();
    let tid = case.noted_one("tid");
    case.must_have(
        Some(root),
        r"clone3\(\{flags=CLONE_VM\|.*\}, 88\) += -1 ENOSYS \(Function not implemented\)",
    );
    case.must_have(
        Some(root),
        &format!(r"clone\(child_stack=0x[0-9a-f]+, flags=CLONE_VM\|.*CLONE_THREAD.*\) += {tid}"),
    );
}

// ---- new processes ----

fn procs(case: &str) -> Pair {
    run_case(&[path_str(&programs().procs), case])
}

#[test]
fn fork_child_is_traced() {
    let case = procs("fork");
    case.assert_same().assert_root_ends_as_it_did();
    let child = case.noted_one("child");
    case.must_have(Some(child), &ppid_line(case.root()));
    case.must_have(Some(child), r"exit_group\(3\) += \?");
    case.must_have(Some(child), r"\+\+\+ exited with 3 \+\+\+");
}

#[test]
fn fork_shows_clone_returning_the_pid() {
    let case = procs("fork");
    let child = case.noted_one("child");
    case.must_have(Some(case.root()), &format!(r"clone\(child_stack=NULL, flags=CLONE_CHILD_CLEARTID\|CLONE_CHILD_SETTID\|SIGCHLD, .*\) += {child}"));
}

#[test]
fn vfork_child_writes_and_exits() {
    let case = procs("vfork");
    case.assert_same().assert_root_ends_as_it_did();
    let child = case.noted_one("child");
    case.must_have(Some(child), r#"write\(1, "vfork: child wrote\\n", 19\) += 19"#);
    case.must_have(Some(child), r"\+\+\+ exited with 4 \+\+\+");
}

#[test]
fn vfork_shows_vfork_returning_the_pid() {
    let case = procs("vfork");
    let child = case.noted_one("child");
    case.must_have(Some(case.root()), &format!(r"vfork\(\) += {child}"));
}

#[test]
fn vfork_child_execs_a_traced_program() {
    let case = procs("vfork-exec");
    case.assert_same().assert_root_ends_as_it_did();
    let child = case.noted_one("child");
    let exe = path_str(&programs().procs);
    case.must_have(Some(child), &execve_of("/proc/self/exe", &[exe, "leaf", "5"]));
    case.must_have(Some(child), LEAF_MARKER);
}

#[test]
fn posix_spawn_children_are_traced() {
    let case = procs("posix-spawn");
    // See posix_spawn_with_a_full_mask_keeps_sigsys_blocked_in_the_child.
    case.assert_same_except(|l| {
        l == "leaf: SIGSYS blocked: yes" || l == "leaf: SIGSYS blocked: no"
    });
    case.assert_root_ends_as_it_did();
    let children = case.noted("child");
    assert_eq!(children.len(), 2, "{}", case.dump());
    let exe = path_str(&programs().procs);
    for (child, code) in children.into_iter().zip(["6", "7"]) {
        case.must_have(Some(child), &execve_of("/proc/self/exe", &[exe, "leaf", code]));
        case.must_have(Some(child), LEAF_MARKER);
        case.must_have(Some(child), &format!(r"\+\+\+ exited with {code} \+\+\+"));
    }
}

#[test]
fn posix_spawn_with_a_full_mask_keeps_sigsys_blocked_in_the_child() {
    let case = procs("posix-spawn");
    case.assert_same();
}

#[test]
fn system_runs_a_traced_shell() {
    let case = procs("system");
    case.assert_same().assert_root_ends_as_it_did();
    let (sh, _) =
        case.must_have(None, &execve_of("/bin/sh", &["sh", "-c", "echo system: sh ran; exit 6"]));
    assert_ne!(sh, case.root());
    case.must_have(Some(sh), r"\+\+\+ exited with 6 \+\+\+");
}

#[test]
fn popen_reads_a_traced_shell() {
    let case = procs("popen");
    case.assert_same().assert_root_ends_as_it_did();
    let (sh, _) = case.must_have(None, r#"execve\("/bin/sh", \["sh", "-c", .*"#);
    assert_ne!(sh, case.root());
    case.must_have(Some(sh), r#"write\(1, "first line\\n", 11\) += 11"#);
    case.must_have(Some(case.root()), r#"read\(3, "first line\\n.*, \d+\) += (11|23)"#);
    case.must_have(Some(sh), r"\+\+\+ exited with 2 \+\+\+");
}

// ---- execve ----

fn exec_case(args: &[&str]) -> Pair {
    let mut all = vec![path_str(&programs().exec)];
    all.extend(args);
    run_case(&all)
}

#[test]
fn exec_of_a_dynamic_child_is_traced() {
    let case = exec_case(&["exec-dyn"]);
    case.assert_same().assert_root_ends_as_it_did();
    let child = case.noted_one("child");
    case.must_have(
        Some(child),
        &execve_of("/proc/self/exe", &[path_str(&programs().exec), "leaf", "5"]),
    );
    case.must_have(Some(child), LEAF_MARKER);
    case.must_have(Some(child), r"\+\+\+ exited with 5 \+\+\+");
}

#[test]
fn exec_with_an_empty_environment_runs() {
    exec_case(&["exec-noenv"]).assert_same().assert_root_ends_as_it_did();
}

#[test]
fn exec_with_an_empty_environment_is_traced() {
    let case = exec_case(&["exec-noenv"]);
    let child = case.noted_one("child");
    case.must_have(Some(child), LEAF_MARKER);
}

fn env_i_case() -> Pair {
    run_case(&["env", "-i", path_str(&programs().exec), "leaf", "5"])
}

#[test]
fn env_i_runs_the_program() {
    let case = env_i_case();
    case.assert_same().assert_root_ends_as_it_did();
    assert_eq!(case.traced.status.code(), Some(5));
}

#[test]
fn env_i_program_is_traced() {
    let case = env_i_case();
    let root = case.root();
    case.must_have(
        Some(root),
        &execve_of(path_str(&programs().exec), &[path_str(&programs().exec), "leaf", "5"]),
    );
    case.must_have(Some(root), LEAF_MARKER);
}

#[test]
fn exec_under_setarch_r_survives() {
    let case = run_case_under(&["setarch", "-R"], &[path_str(&programs().exec), "exec-dyn"]);
    assert!(case.untraced.stdout.contains("exec: ASLR off: yes"), "{}", case.dump());
    case.assert_same().assert_root_ends_as_it_did();
    case.must_have(Some(case.noted_one("child")), LEAF_MARKER);
}

#[test]
fn exec_after_personality_addr_no_randomize_survives() {
    let case = exec_case(&["norandom"]);
    assert!(case.untraced.stdout.contains("exec: ASLR off: yes"), "{}", case.dump());
    case.assert_same().assert_root_ends_as_it_did();
    case.must_have(Some(case.noted_one("child")), LEAF_MARKER);
}

#[test]
fn chain_of_seven_execs_in_one_process_is_traced() {
    let case = exec_case(&["chain", "6"]);
    case.assert_same().assert_root_ends_as_it_did();
    assert_eq!(case.traced.status.code(), Some(9));
    let root = case.root();
    let exe = path_str(&programs().exec);
    case.must_have(Some(root), &execve_of(exe, &[exe, "chain", "6"]));
    for level in 0..6 {
        case.must_have(
            Some(root),
            &execve_of("/proc/self/exe", &[exe, "chain", &level.to_string()]),
        );
        case.must_have(Some(root), &format!(r#"write\(1, "chain: level {level}\\n", 15\) += 15"#));
    }
    case.must_have(Some(root), LEAF_MARKER);
    assert!(case.lines().iter().all(|(p, _)| *p == root), "one process\n{}", case.dump());
}

#[test]
fn chain_of_sh_c_levels_is_traced() {
    // Each level prints, then runs the next `sh -c` as a child; the last runs the leaf.
    let script = r#"if [ "$1" -gt 0 ]; then echo "sh level $1"; /bin/sh -c "$0" "$0" $(($1 - 1)) "$2"; else "$2" leaf 9; fi"#;
    let exe = path_str(&programs().exec);
    let case = run_case(&["/bin/sh", "-c", script, script, "6", exe]);
    case.assert_same().assert_root_ends_as_it_did();
    assert_eq!(case.traced.status.code(), Some(9));
    let shells = case.matching(None, r#"execve\("/bin/sh", \["/bin/sh", "-c", .*"#);
    assert_eq!(shells.len(), 7, "seven shells\n{}", case.dump());
    let (leaf, _) = case.must_have(None, &execve_of(exe, &[exe, "leaf", "9"]));
    case.must_have(Some(leaf), LEAF_MARKER);
    for level in 1..=6 {
        case.must_have(None, &format!(r#"write\(1, "sh level {level}\\n", 11\) += 11"#));
    }
}

#[test]
fn static_program_runs_unharmed() {
    let case = run_case(&[path_str(static_program()), "12"]);
    case.assert_same();
    assert_eq!(case.traced.status.code(), Some(12));
    assert!(case.traced.stdout.contains("static: forked child exited 3"), "{}", case.dump());
    // Nothing traced it, but selftrace saw it end.
    assert_eq!(case.lines().last().map(|l| l.1), Some("+++ exited with 12 +++"), "{}", case.dump());
}

#[test]
fn static_program_execd_by_a_traced_program_runs_unharmed() {
    let case = exec_case(&["run", path_str(static_program()), "13"]);
    case.assert_same().assert_root_ends_as_it_did();
    assert!(case.traced.stdout.contains("run: child exited 13"), "{}", case.dump());
}

#[test]
fn static_program_gets_a_note_in_the_trace() {
    let exe = path_str(static_program());
    for case in [run_case(&[exe, "12"]), exec_case(&["run", exe, "13"])] {
        let notes: Vec<String> = case
            .lines()
            .into_iter()
            .filter(|(_, l)| {
                l.contains("alone")
                    && l.to_lowercase().contains("static")
                    && !l.starts_with("execve(")
            })
            .map(|(_, l)| l.to_string())
            .collect();
        assert_eq!(notes.len(), 1, "one note naming the static program\n{}", case.dump());
    }
}

/// A copy of the exec program, owned by root and setuid. Tests run as
/// root, so the bit changes no ids: what is asserted is that the exec of a
/// setuid file works under the filter, and that the traced tree has
/// no_new_privs (as the README says), where the untraced one has whatever
/// this test process has.
#[test]
fn setuid_program_execs_and_runs_with_no_new_privs() {
    let scratch = TempDir::new("whole");
    let copy = scratch.path("privs-setuid");
    std::fs::copy(&programs().exec, &copy).unwrap();
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } == 0 {
        std::os::unix::fs::chown(&copy, Some(0), Some(0)).unwrap();
    }
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o4755)).unwrap();
    let case = exec_case(&["run", path_str(&copy), "privs"]);
    // SAFETY: PR_GET_NO_NEW_PRIVS reads a flag.
    let ours = unsafe { libc::prctl(libc::PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) };
    let nnp = |l: &str| l.starts_with("privs: no_new_privs ");
    case.assert_same_except(nnp).assert_root_ends_as_it_did();
    assert!(
        case.untraced.stdout.contains(&format!("privs: no_new_privs {ours}\n")),
        "{}",
        case.dump()
    );
    assert!(case.traced.stdout.contains("privs: no_new_privs 1\n"), "{}", case.dump());
    assert!(case.traced.stdout.contains("run: child exited 8\n"), "{}", case.dump());
    let child = case.noted_one("child");
    case.must_have(Some(child), &execve_of(path_str(&copy), &[path_str(&copy), "privs"]));
    case.must_have(Some(child), r"prctl\(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0\) += 1");
}

// ---- signals ----

fn signals(case: &str) -> Pair {
    run_case(&[path_str(&programs().signals), case])
}

#[test]
fn handler_with_a_full_sa_mask_makes_calls() {
    let case = signals("full-mask-handler");
    case.assert_same().assert_root_ends_as_it_did();
    let root = case.root();
    let delivered = case
        .matching(Some(root), r"--- SIGUSR1 \{si_signo=SIGUSR1, si_code=SI_(TKILL|USER), .*\} ---");
    assert_eq!(delivered.len(), 4, "{}", case.dump());
    let in_handler = case.matching(Some(root), r#"write\(2, "in handler\\n", 11\) += 11"#);
    assert_eq!(in_handler.len(), 4, "{}", case.dump());
    case.must_have(Some(root), r"rt_sigaction\(SIGUSR1, \{sa_handler=0x[0-9a-f]+, sa_mask=~\[RTMIN RT_1\], .*\}, NULL, 8\) += 0");
}

#[test]
fn sigsuspend_with_sigsys_in_the_mask() {
    let case = signals("sigsuspend");
    case.assert_same().assert_root_ends_as_it_did();
    let root = case.root();
    case.must_have(
        Some(root),
        r"rt_sigsuspend\(~\[USR1 RTMIN RT_1\], 8\) += -1 EINTR \(Interrupted system call\)",
    );
    case.must_have(Some(root), r"--- SIGUSR1 \{si_signo=SIGUSR1, si_code=SI_USER, .*\} ---");
}

#[test]
fn sigwaitinfo_with_every_signal_blocked() {
    let case = signals("sigwaitinfo");
    case.assert_same().assert_root_ends_as_it_did();
    assert!(case.untraced.stdout.contains("sigwaitinfo: SIGSYS blocked: yes"), "{}", case.dump());
    case.must_have(Some(case.root()), r"rt_sigtimedwait\(\[USR2\], \{si_signo=SIGUSR2, si_code=SI_QUEUE, .*si_int=42.*\}, NULL, 8\) += 12 \(SIGUSR2\)");
}

#[test]
fn signalfd_with_every_signal_blocked() {
    let case = signals("signalfd");
    case.assert_same().assert_root_ends_as_it_did();
    let root = case.root();
    case.must_have(Some(root), r"signalfd4\(.*\) += 3");
    case.must_have(Some(root), r"read\(3, .*, 128\) += 128");
}

#[test]
fn ppoll_and_pselect_with_sigsys_in_the_mask() {
    let case = signals("ppoll-pselect");
    case.assert_same().assert_root_ends_as_it_did();
    let root = case.root();
    for call in ["ppoll", "pselect6"] {
        case.must_have(
            Some(root),
            &format!(r"{call}\(.*\) += -1 EINTR \(Interrupted system call\)"),
        );
        case.must_have(Some(root), &format!(r"{call}\(.*\) += 0( \(Timeout\))?"));
    }
    assert_eq!(case.matching(Some(root), r"--- SIGUSR1 .* ---").len(), 2, "{}", case.dump());
}

#[test]
fn sigchld_storm_of_200_children_all_reaped() {
    let case = signals("sigchld-storm");
    case.assert_same().assert_root_ends_as_it_did();
    assert!(case.traced.stdout.contains("reaped 200 of 200"), "{}", case.dump());
    let root = case.root();
    let exits = case.matching(None, r"\+\+\+ exited with 0 \+\+\+");
    assert_eq!(
        exits.iter().filter(|(p, _)| *p != root).count(),
        200,
        "200 children traced to their end\n{}",
        case.dump()
    );
    assert!(
        !case
            .matching(Some(root), r"--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, .*\} ---")
            .is_empty(),
        "{}",
        case.dump()
    );
    // Every reaping wait4 is shown, also those of a handler that
    // interrupted the tracer around another call.
    let reaped = case.matching(Some(root), r"wait4\(-1, NULL, WNOHANG, NULL\) += [1-9]\d*").len();
    assert_eq!(reaped, 200, "{}", case.dump());
}

#[test]
fn handler_storm_during_traced_calls() {
    let case = signals("handler-storm");
    case.assert_same().assert_root_ends_as_it_did();
    assert!(case.traced.stdout.contains("at least 50 ticks: yes"), "{}", case.dump());
    let root = case.root();
    assert!(
        case.matching(Some(root), r"--- SIGALRM \{si_signo=SIGALRM, si_code=SI_KERNEL\} ---").len()
            >= 50,
        "{}",
        case.dump()
    );
}

#[test]
fn calls_of_a_handler_that_interrupts_the_tracer_are_traced() {
    let case = signals("handler-storm");
    let root = case.root();
    let ticks =
        case.matching(Some(root), r"--- SIGALRM \{si_signo=SIGALRM, si_code=SI_KERNEL\} ---").len();
    let calls = case.matching(Some(root), r"getppid\(\) += \d+").len();
    assert_eq!(calls, ticks, "one getppid line per tick\n{}", case.dump());
}

#[test]
fn signal_interrupting_a_blocking_read() {
    let case = signals("interrupted-read");
    case.assert_same().assert_root_ends_as_it_did();
    let root = case.root();
    case.must_have(
        Some(root),
        r"read\(3, 0x[0-9a-f]+, 1\) += -1 EINTR \(Interrupted system call\)",
    );
    case.must_have(Some(root), r#"read\(3, "x", 1\) += 1"#);
    assert!(
        case.matching(Some(root), r"--- SIGALRM \{si_signo=SIGALRM, si_code=SI_KERNEL\} ---").len()
            >= 2,
        "{}",
        case.dump()
    );
}

#[test]
fn abort_kills_with_sigabrt() {
    let case = signals("abort");
    case.assert_same().assert_root_ends_as_it_did();
    assert_eq!(case.traced.status.signal(), Some(libc::SIGABRT), "{}", case.dump());
    // The program sets RLIMIT_CORE to 0: no core, so strace's line has no "(core dumped)".
    assert_eq!(case.lines().last().unwrap().1, "+++ killed by SIGABRT +++");
}

#[test]
fn abort_shows_its_tgkill() {
    let case = signals("abort");
    let root = case.root();
    case.must_have(Some(root), &format!(r"tgkill\({root}, {root}, SIGABRT\) += 0"));
}

#[test]
fn segv_kills_with_sigsegv() {
    let case = signals("segv");
    case.assert_same().assert_root_ends_as_it_did();
    assert_eq!(case.traced.status.signal(), Some(libc::SIGSEGV), "{}", case.dump());
    assert_eq!(case.lines().last().unwrap().1, "+++ killed by SIGSEGV +++");
}

// ---- the program's own seccomp filters and SIGSYS ----

fn seccomp(case: &str) -> Pair {
    Both::new(&programs().seccomp, &[case]).own_sigsys().limit(TIMEOUT).run()
}

#[test]
fn own_deny_list_filter_still_denies() {
    let case = seccomp("deny");
    case.assert_same().assert_root_ends_as_it_did();
    assert!(case.untraced.stdout.contains("deny: mkdir -1 EPERM"), "{}", case.dump());
    let root = case.root();
    let child = case.noted_one("child");
    let denied =
        r#"mkdir\("/selftrace-no-such-dir/denied", 0755\) += -1 EPERM \(Operation not permitted\)"#;
    case.must_have(Some(root), denied);
    case.must_have(Some(child), denied);
    case.must_have(Some(root), r#"mkdirat\(AT_FDCWD, "/selftrace-no-such-dir/denied", 0755\) += -1 EPERM \(Operation not permitted\)"#);
}

#[test]
fn own_trap_filter_reaches_the_programs_sigsys_handler() {
    let case = seccomp("trap");
    case.assert_same().assert_root_ends_as_it_did();
    assert!(
        case.untraced
            .stdout
            .contains("trap: our handler ran 2 times, si_errno 0x123, si_syscall uname"),
        "{}",
        case.dump()
    );
}

#[test]
fn own_trap_filter_shows_the_sigsys() {
    let case = seccomp("trap");
    let sigsys = case.matching(
        Some(case.root()),
        r"--- SIGSYS \{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_errno=291, si_call_addr=0x[0-9a-f]+, si_syscall=__NR_uname, si_arch=AUDIT_ARCH_X86_64\} ---",
    );
    assert_eq!(sigsys.len(), 2, "{}", case.dump());
}

#[test]
fn raised_sigsys_reaches_the_programs_handler() {
    let case = seccomp("raise");
    case.assert_same().assert_root_ends_as_it_did();
    assert!(
        case.untraced.stdout.contains("unblocked: handler ran 3, code SI_TKILL"),
        "{}",
        case.dump()
    );
    let root = case.root();
    case.must_have(Some(root), &format!(r"tgkill\({root}, {root}, SIGSYS\) += 0"));
    case.must_have(Some(root), r"rt_sigpending\(\[SYS\], 8\) += 0");
}

#[test]
fn raised_sigsys_shows_the_signal() {
    let case = seccomp("raise");
    let delivered = case.matching(
        Some(case.root()),
        r"--- SIGSYS \{si_signo=SIGSYS, si_code=SI_(TKILL|USER), .*\} ---",
    );
    assert_eq!(delivered.len(), 3, "{}", case.dump());
}
