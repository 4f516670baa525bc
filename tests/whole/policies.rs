//! Policies hold (issue 15): a deny rule reaches a call whatever code makes
//! it, because the kernel enforces it, not a hook.
//!
//! `tests/fixtures/c/policy.c` makes a socket through libc, through its own
//! `syscall` instruction, through one in a library it dlopens, and by
//! exec'ing itself linked statically; it is built as a PIE and as a
//! non-PIE (whose text lies below 4 GiB). Untraced, every attempt works;
//! under `-e deny=socket` (or a `[[deny]]` table) every one must fail.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{Outcome, TempDir};

const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/c/policy.c");

struct Builds {
    pie: PathBuf,
    non_pie: PathBuf,
    static_: PathBuf,
    library: PathBuf,
}

fn builds() -> &'static Builds {
    static BUILT: OnceLock<Builds> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cc = |out: &str, extra: &[&str]| {
            common::cc("policies", Path::new(SOURCE), out, extra).unwrap_or_else(|e| panic!("{e}"))
        };
        Builds {
            pie: cc("policy-pie", &["-pie", "-fPIE"]),
            non_pie: cc("policy-non-pie", &["-no-pie", "-fno-pie"]),
            static_: cc("policy-static", &["-static"]),
            library: cc("libpolicy.so", &["-shared", "-fPIC", "-DPOLICY_LIB"]),
        }
    })
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every way the program can try, as its arguments.
fn attempts(program: &Path) -> Vec<Vec<String>> {
    let b = builds();
    let own = |args: &[&str]| -> Vec<String> {
        std::iter::once(path(program)).chain(args.iter().copied()).map(String::from).collect()
    };
    vec![
        own(&["libc"]),
        own(&["raw"]),
        own(&["dlopen", path(&b.library)]),
        own(&["exec", path(&b.static_), "raw"]),
    ]
}

/// `selftrace -f -o TRACE OPTIONS -- ARGS` in a scratch directory: the run
/// and the trace.
fn selftrace(options: &[&str], args: &[String]) -> (Outcome, String) {
    let dir = TempDir::new("policies");
    let trace = dir.at("trace.txt");
    let mut cmd = common::selftrace_command();
    cmd.args(["-f", "-o", &trace]).args(options).arg("--").args(args).current_dir(&dir.0);
    let run = Outcome::of(&mut cmd);
    let text = std::fs::read_to_string(&trace).unwrap_or_default();
    (run, text)
}

/// Whether trace line `line` (`PID CALL<padding> = RESULT`) is `call`
/// returning `result`.
fn shows(line: &str, call: &str, result: &str) -> bool {
    line.split_once(' ')
        .and_then(|(_, rest)| rest.trim_start().split_once(" = "))
        .is_some_and(|(c, r)| c.trim_end() == call && r == result)
}

/// What the program printed for its one attempt: `ORIGIN: RESULT`.
fn result_of(run: &Outcome) -> &str {
    assert_eq!(run.code(), Some(0), "{}", run.describe());
    run.stdout.trim_end()
}

#[test]
fn untraced_every_attempt_makes_a_socket() {
    for program in [&builds().pie, &builds().non_pie] {
        for args in attempts(program) {
            let run = Outcome::of(std::process::Command::new(&args[0]).args(&args[1..]));
            assert!(result_of(&run).ends_with(": ok"), "{args:?}: {}", run.describe());
        }
    }
}

#[test]
fn deny_holds_for_libc_raw_dlopen_and_static_exec() {
    for program in [&builds().pie, &builds().non_pie] {
        for args in attempts(program) {
            let (run, trace) = selftrace(&["-e", "deny=socket"], &args);
            assert!(
                result_of(&run).ends_with(": EPERM"),
                "{args:?} got past deny=socket\n{}\n--- trace\n{trace}",
                run.describe()
            );
        }
    }
}

#[test]
fn deny_holds_for_a_static_or_musl_program_selftrace_starts() {
    common::need("musl-gcc", "musl-tools");
    let mut musl = std::process::Command::new("musl-gcc");
    musl.args(["-O1", "-Wall"]).arg(SOURCE);
    let musl = common::build("policies", "musl-gcc", musl, "policy-musl")
        .unwrap_or_else(|e| panic!("{e}"));
    for program in [&builds().static_, &musl] {
        let args = vec![path(program).to_string(), "raw".to_string()];
        let (run, trace) = selftrace(&["-e", "deny=socket"], &args);
        assert_eq!(result_of(&run), "raw: EPERM", "{args:?}\n{}\n{trace}", run.describe());
    }
}

#[test]
fn policy_file_deny_holds_for_every_origin() {
    let dir = TempDir::new("policies-file");
    let policy = dir.write("policy.toml", "[[deny]]\ncalls = \"%network\"\nerror = \"EACCES\"\n");
    for args in attempts(&builds().pie) {
        let (run, trace) = selftrace(&["--policy", &policy], &args);
        assert!(
            result_of(&run).ends_with(": EACCES"),
            "{args:?} got past the policy\n{}\n--- trace\n{trace}",
            run.describe()
        );
    }
}

#[test]
fn a_denied_call_from_traced_code_is_shown_injected() {
    let args = &attempts(&builds().pie)[0];
    let (run, trace) = selftrace(&["-e", "deny=socket", "-e", "trace=socket"], args);
    assert_eq!(result_of(&run), "libc: EPERM");
    assert!(
        trace.lines().any(|l| shows(
            l,
            "socket(AF_UNIX, SOCK_STREAM, 0)",
            "-1 EPERM (Operation not permitted) (INJECTED)"
        )),
        "{trace}"
    );
}

#[test]
fn deny_survives_an_exec_that_clears_the_environment() {
    let b = builds();
    let args: Vec<String> =
        ["env", "-i", path(&b.static_), "raw"].iter().map(|s| s.to_string()).collect();
    let (run, trace) = selftrace(&["-e", "deny=socket"], &args);
    assert_eq!(result_of(&run), "raw: EPERM", "{trace}");
}

#[test]
fn a_denied_call_the_runtime_needs_still_fails_for_traced_code() {
    // write cannot be refused by the kernel (the trace is written with
    // it): the rule holds where calls trap, and start-up says so.
    let args: Vec<String> = ["sh", "-c", "echo hi"].iter().map(|s| s.to_string()).collect();
    let (run, trace) = selftrace(&["-e", "deny=write", "-e", "trace=write"], &args);
    assert_eq!(run.stdout, "", "{}", run.describe());
    assert!(
        trace.lines().any(|l| shows(
            l,
            "write(1, \"hi\\n\", 3)",
            "-1 EPERM (Operation not permitted) (INJECTED)"
        )),
        "{trace}"
    );
    assert!(run.stderr.contains("deny=write"), "no start-up note: {}", run.describe());
}

#[test]
fn a_counted_rule_reaches_raw_calls_or_says_where_it_does_not() {
    let b = builds();
    let args: Vec<String> = [path(&b.non_pie), "raw-twice"].iter().map(|s| s.to_string()).collect();
    let rule = "inject=socket:error=EACCES:when=2";
    let (run, trace) = selftrace(&["-e", rule], &args);
    assert_eq!(run.code(), Some(0), "{}", run.describe());
    assert_eq!(run.stdout, "raw 1: ok\nraw 2: EACCES\n", "{}\n{trace}", run.describe());
    // A rule that needs a decision per call cannot be left to the kernel:
    // start-up says where it does not reach.
    assert!(run.stderr.contains(rule), "no start-up note: {}", run.describe());
}

#[test]
fn quiet_leaves_out_the_start_up_note() {
    let args: Vec<String> = ["true"].iter().map(|s| s.to_string()).collect();
    let (run, _) = selftrace(&["-q", "-e", "inject=socket:error=EACCES:when=2"], &args);
    assert_eq!(run.code(), Some(0), "{}", run.describe());
    assert_eq!(run.stderr, "", "{}", run.describe());
}
