//! Issue 17: the trap path runs anywhere.
//!
//! Each test runs a real runtime twice, each time in a fresh directory: (a)
//! untraced, (b) under `selftrace -f -o TRACE --` with every call traced
//! (the default). The untraced run must do what the program was written
//! to do (its exact stdout and exit status: a broken machine fails here,
//! not as a tracer bug); the traced run must end the same way and print
//! the same stdout; nothing may say "Bad system call"; no traced process
//! may be killed by SIGSYS or SIGSEGV or see a SIGSYS of ours; and where
//! the program makes calls of its own, the trace must show them (the file
//! it opens appears in an `openat` line).
//!
//! The runtimes are those that break a tracer borrowing the interrupted
//! thread's environment: Node.js, Go (its own FS base, raw system calls,
//! 8 KiB goroutine stacks, its sigaltstack rule), threads on 16-40 KiB
//! stacks, handlers on small sigaltstacks, Rust's stack-overflow report,
//! the JVM at its smallest thread stack, musl's dynamic loader, and gdb
//! (ptrace) under selftrace and selftrace under gdb.
//!
//! The programs are in `tests/fixtures/runtimes/` and are built once per test run
//! into CARGO_TARGET_TMPDIR (the Go ones in parallel, with a Go cache
//! there, offline). A missing tool fails its test with a message naming
//! the tool and its Debian package; `.ci/run` installs them.

#[path = "../common/mod.rs"]
mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::{need, Both, TempDir};
use regex_lite::Regex;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runtimes");

/// gdb's runs: a deadlock between gdb and a trap must fail, not hang.
const GDB_TIMEOUT: Duration = Duration::from_secs(60);

// ---- building the programs ----

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

/// Build `out` for this suite with `cmd` (see `common::build`).
fn build(what: &str, cmd: Command, out: &str) -> Result<PathBuf, String> {
    common::build("runtimes", what, cmd, out)
}

/// `cc -O1 -Wall -pthread SOURCE -o BUILD/out`.
fn compile_c(compiler: &str, package: &str, source: &str, out: &str) -> PathBuf {
    need(compiler, package);
    let mut cmd = Command::new(compiler);
    cmd.args(["-O1", "-Wall", "-pthread"]).arg(fixture(source));
    build(compiler, cmd, out).unwrap_or_else(|e| panic!("{e}"))
}

fn small_stacks() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| compile_c("cc", "gcc libc6-dev", "small_stacks.c", "small_stacks"))
}

fn altstack() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| compile_c("cc", "gcc libc6-dev", "altstack.c", "altstack"))
}

/// A non-PIE C program whose own text makes raw calls (`low_code.c`).
fn low_code_program() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        need("cc", "gcc libc6-dev");
        let mut cmd = Command::new("cc");
        cmd.args(["-O1", "-Wall", "-no-pie", "-fno-pie"]).arg(fixture("low_code.c"));
        build("cc", cmd, "low_code").unwrap_or_else(|e| panic!("{e}"))
    })
}

fn musl_program() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| compile_c("musl-gcc", "musl-tools", "musl_thread.c", "musl_thread"))
}

/// The four Go builds of the two Go programs.
struct GoPrograms {
    pure_pie: PathBuf,
    cgo_pie: PathBuf,
    cgo_exe: PathBuf,
    pure_static: PathBuf,
}

/// Builds the Go programs once per test run, all four at once. The build
/// is offline and GOPATH mode (single-file mains, no module), with its
/// cache under CARGO_TARGET_TMPDIR so that later runs reuse it.
fn go_programs() -> &'static GoPrograms {
    static BUILT: OnceLock<GoPrograms> = OnceLock::new();
    BUILT.get_or_init(|| {
        need("go", "golang-go");
        // cgo builds link with the C compiler.
        need("gcc", "gcc libc6-dev");
        let cache = common::build_dir("runtimes").join("go-cache");
        let gopath = common::build_dir("runtimes").join("go-path");
        let go = |cgo: bool, mode: &str, source: &str, out: &str| {
            let mut cmd = Command::new("go");
            // No user settings (GOENV=off), no network, no other toolchain.
            cmd.env("GOCACHE", &cache)
                .env("GOPATH", &gopath)
                .env("GOENV", "off")
                .env("GO111MODULE", "off")
                .env("GOFLAGS", "")
                .env("GOPROXY", "off")
                .env("GOTOOLCHAIN", "local")
                .env("CGO_ENABLED", if cgo { "1" } else { "0" })
                .arg("build")
                .arg(format!("-buildmode={mode}"));
            // `go build -o OUT FILE`: the file goes last.
            let dest = common::build_dir("runtimes").join(out);
            let tmp =
                common::build_dir("runtimes").join(format!("{out}.{}.tmp", std::process::id()));
            cmd.arg("-o").arg(&tmp).arg(fixture(source));
            let o = cmd.output().unwrap_or_else(|e| panic!("cannot run go: {e}"));
            assert!(
                o.status.success(),
                "{cmd:?} failed: {}\n--- stdout\n{}\n--- stderr\n{}",
                o.status,
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            std::fs::rename(&tmp, &dest).unwrap();
            dest
        };
        let built = std::thread::scope(|s| {
            let jobs = [
                s.spawn(|| go(false, "pie", "go_pure/main.go", "go_pure_pie")),
                s.spawn(|| go(true, "pie", "go_cgo/main.go", "go_cgo_pie")),
                // `exe` is Go's default on linux/amd64, named so that a
                // distribution's default of PIE does not change the test:
                // non-PIE with cgo, static without.
                s.spawn(|| go(true, "exe", "go_cgo/main.go", "go_cgo_exe")),
                s.spawn(|| go(false, "exe", "go_pure/main.go", "go_pure_static")),
            ];
            jobs.map(|j| j.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
        });
        let [pure_pie, cgo_pie, cgo_exe, pure_static] = built;
        let programs = GoPrograms { pure_pie, cgo_pie, cgo_exe, pure_static };
        // Each build is the kind of binary its test is about.
        assert_elf(&programs.pure_pie, ElfKind::Pie, "ld-linux");
        assert_elf(&programs.cgo_pie, ElfKind::Pie, "ld-linux");
        assert_elf(&programs.cgo_exe, ElfKind::Exec, "ld-linux");
        assert_elf(&programs.pure_static, ElfKind::Exec, "");
        programs
    })
}

/// The Rust stack-overflow program, compiled with rustc (unoptimised, so
/// that the recursion stays a recursion).
fn overflow_program() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        need("rustc", "rustc");
        let mut cmd = Command::new("rustc");
        cmd.args(["--edition", "2021", "-C", "opt-level=0", "-C", "debuginfo=0"])
            .arg(fixture("overflow.rs"));
        build("rustc", cmd, "overflow").unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The directory of the compiled Java class.
fn java_classes() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        need("javac", "default-jdk-headless");
        let dest = common::build_dir("runtimes").join("java");
        let tmp = common::build_dir("runtimes").join(format!("java.{}.tmp", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let o = Command::new("javac")
            .arg("-d")
            .arg(&tmp)
            .arg(fixture("Threads.java"))
            .output()
            .unwrap_or_else(|e| panic!("cannot run javac: {e}"));
        assert!(
            o.status.success(),
            "javac failed: {}\n{}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        let _ = std::fs::remove_dir_all(&dest);
        // Another test run may have put its classes there meanwhile: then
        // these are used where javac wrote them.
        match std::fs::rename(&tmp, &dest) {
            Ok(()) => dest,
            Err(_) => tmp,
        }
    })
}

// ---- what kind of ELF file a build is ----

#[derive(Debug, PartialEq)]
enum ElfKind {
    /// ET_EXEC: fixed addresses (non-PIE, or static).
    Exec,
    /// ET_DYN with an interpreter: a position-independent executable.
    Pie,
}

/// The ELF type and the program interpreter (PT_INTERP), read from the
/// file itself.
fn elf_facts(path: &Path) -> (ElfKind, String) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF", "{} is not an ELF file", path.display());
    let u16_at = |o: usize| u16::from_le_bytes(bytes[o..o + 2].try_into().unwrap());
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap()) as usize;
    let kind = match u16_at(16) {
        2 => ElfKind::Exec,
        3 => ElfKind::Pie,
        other => panic!("{}: ELF type {other}", path.display()),
    };
    let (phoff, phentsize, phnum) = (u64_at(32), u16_at(54) as usize, u16_at(56) as usize);
    let mut interp = String::new();
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        if u32_at(ph) == 3 {
            let (offset, size) = (u64_at(ph + 8), u64_at(ph + 32));
            interp = String::from_utf8_lossy(&bytes[offset..offset + size])
                .trim_end_matches('\0')
                .to_string();
        }
    }
    (kind, interp)
}

/// `path` is of `kind` and its interpreter names `loader` (none if empty).
fn assert_elf(path: &Path, kind: ElfKind, loader: &str) {
    let (found, interp) = elf_facts(path);
    assert_eq!(found, kind, "{}: ELF type (interpreter {interp:?})", path.display());
    if loader.is_empty() {
        assert!(interp.is_empty(), "{} should be static, has interpreter {interp}", path.display());
    } else {
        assert!(
            interp.contains(loader),
            "{}: interpreter {interp:?}, want one naming {loader}",
            path.display()
        );
    }
}

// ---- running them ----

/// A pattern for an `openat` of a file whose name ends with `name` that
/// succeeded.
fn opened(name: &str) -> String {
    format!(r#"openat\(AT_FDCWD, "([^"]*/)?{}", O_[^)]*\) += \d+"#, regex_lite::escape(name))
}

// ---- Node.js ----

#[test]
fn node_workers_child_process_fs_promises_and_http() {
    let node = need("node", "nodejs");
    let pair = Both::new(&node, &[fixture("node_app.js").to_str().unwrap()]).run();
    pair.assert_untraced(
        "workers: 55 5050 500500\n\
         child_process: child says 42 (exit 0)\n\
         fs.promises: written with fs.promises\n\
         http: 200 hello from GET /ping\n\
         node: done\n",
        5,
    )
    .assert_same()
    .assert_root_ends_as_it_did();
    let root = pair.root();
    pair.must_have_for(
        None,
        &opened("node-fs-promises.txt"),
        "fs.promises' open (on libuv's thread pool) is not traced",
    );
    let (child, _) = pair.must_have_for(
        None,
        r#"execve\("[^"]*node", \["[^"]*node", "-e", .*\) += 0"#,
        "the child node's exec",
    );
    assert_ne!(child, root, "the child node runs in a process of its own\n{}", pair.dump());
    pair.must_have_for(
        None,
        r#"bind\(\d+, \{sa_family=AF_INET, sin_port=htons\(0\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) += 0"#,
        "the http server's bind",
    );
    pair.must_have_for(
        None,
        r#"connect\(\d+, \{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) += .*"#,
        "the http client's connect",
    );
}

// ---- Go ----

fn go_files_stdout(prefix: &str, last: &str) -> String {
    (0..8).map(|i| format!("{i}: {prefix}{i}{last}\n")).collect()
}

fn pure_go_stdout() -> String {
    go_files_stdout("goroutine ", " was here") + "pure go: done\n"
}

fn cgo_stdout() -> String {
    go_files_stdout("goroutine ", " round 3") + "cgo: 0+1+...+99 = 4950\n"
}

#[test]
fn go_pure_pie() {
    let pair = Both::new(&go_programs().pure_pie, &[]).run();
    pair.assert_untraced(&pure_go_stdout(), 6).assert_same().assert_root_ends_as_it_did();
    // Go's own raw openat, from a thread whose FS base is Go's.
    pair.must_have_for(None, &opened("gopure-0.txt"), "the Go runtime's own openat is not traced");
}

#[test]
fn go_cgo_pie_goroutines_doing_file_io() {
    let pair = Both::new(&go_programs().cgo_pie, &[]).run();
    pair.assert_untraced(&cgo_stdout(), 7).assert_same().assert_root_ends_as_it_did();
    assert!(
        !pair.traced.stderr.contains("non-Go code disabled sigaltstack"),
        "the trap path disabled Go's sigaltstack\n{}",
        pair.dump()
    );
    for i in 0..8 {
        pair.must_have_for(
            None,
            &opened(&format!("gocgo-{i}-0.txt")),
            "a goroutine's os.OpenFile is not traced",
        );
    }
}

#[test]
fn go_cgo_non_pie_file_calls_are_traced() {
    let pair = Both::new(&go_programs().cgo_exe, &[]).run();
    pair.assert_untraced(&cgo_stdout(), 7).assert_same().assert_root_ends_as_it_did();
    // os.OpenFile is Go's raw syscall from the executable's text (below
    // 4 GiB in a non-PIE), not libc's: it must be in the trace.
    for i in 0..8 {
        for round in 0..4 {
            pair.must_have_for(
                None,
                &opened(&format!("gocgo-{i}-{round}.txt")),
                "a non-PIE Go program's own calls are missing from the trace",
            );
        }
    }
    pair.must_have_for(
        None,
        r#"unlinkat\(AT_FDCWD, "gocgo-0-0\.txt", 0\) += 0"#,
        "os.Remove's unlinkat is not traced",
    );
}

#[test]
fn go_static_runs_unharmed_and_untraced() {
    let exe = &go_programs().pure_static;
    let pair = Both::new(exe, &[]).run();
    pair.assert_untraced(&pure_go_stdout(), 6).assert_same().assert_root_ends_as_it_did();
    let note = format!("{} is statically linked: it runs untraced", exe.display());
    assert!(
        pair.lines().iter().any(|(_, l)| l.contains(&note)),
        "no note {note:?} in the trace\n{}",
        pair.dump()
    );
}

/// Raw calls from below 4 GiB are traced (Syscall User Dispatch), the
/// program's own rt_sigreturn from there still returns from its handler,
/// and the static Go program it execs, whose code lies at the same low
/// addresses, runs unharmed: the dispatch ends with the exec.
#[test]
fn non_pie_raw_calls_own_restorer_and_static_child() {
    let child = go_programs().pure_static.to_str().unwrap().to_string();
    let pair = Both::new(low_code_program(), &[&child]).run();
    let want = "low code: raw write\n".to_string()
        + &"low code: handler ran\n".repeat(3)
        + "low code: handled 3\n"
        + &pure_go_stdout()
        + "low code: static child exited 6\n";
    pair.assert_untraced(&want, 9).assert_same().assert_root_ends_as_it_did();
    pair.must_have_for(
        None,
        r#"write\(1, "low code: raw write\\n", 20\) += 20"#,
        "the raw write from low code",
    );
    pair.must_have_for(
        None,
        r#"write\(1, "low code: handler ran\\n", 22\) += 22"#,
        "the handler's raw write",
    );
    pair.must_have_for(None, r#"kill\(\d+, SIGUSR1\) += 0"#, "the raw kill");
}

// ---- C threads on small stacks ----

fn small_stacks_case(kib: u32) {
    let kib_arg = kib.to_string();
    let pair = Both::new(small_stacks(), &[&kib_arg]).run();
    let mut want: String = (0..4)
        .map(|i| format!("{kib} KiB stack, thread {i} read back: thread {i} was here\n"))
        .collect();
    want += &format!("{kib} KiB stacks: done\n");
    pair.assert_untraced(&want, 0).assert_same().assert_root_ends_as_it_did();
    let root = pair.root();
    for i in 0..4 {
        let (tid, _) = pair.must_have_for(
            None,
            &opened(&format!("stack-{kib}k-thread-{i}.txt")),
            "a thread's open",
        );
        assert_ne!(tid, root, "the open was made by the thread\n{}", pair.dump());
    }
}

#[test]
fn pthread_16k_stacks() {
    small_stacks_case(16);
}

#[test]
fn pthread_24k_stacks() {
    small_stacks_case(24);
}

#[test]
fn pthread_32k_stacks() {
    small_stacks_case(32);
}

#[test]
fn pthread_40k_stacks() {
    small_stacks_case(40);
}

// ---- signal handlers on small sigaltstacks ----

fn altstack_case(kib: u32) {
    let kib_arg = kib.to_string();
    let pair = Both::new(altstack(), &[&kib_arg]).run();
    let want = format!(
        "{kib} KiB altstack above a 64 KiB canary\n{}\
         handler wrote its line: yes\n\
         handler ran on the altstack: yes\n\
         canary intact\n",
        "altstack handler wrote\n".repeat(3)
    );
    pair.assert_untraced(&want, 0).assert_same().assert_root_ends_as_it_did();
    let writes = pair.matching(None, r#"write\(1, "altstack handler wrote\\n", 23\) += 23"#);
    assert_eq!(writes.len(), 3, "the handler's three writes are traced\n{}", pair.dump());
}

#[test]
fn altstack_8k_handler_calls_write_and_the_canary_below_stays_intact() {
    altstack_case(8);
}

#[test]
fn altstack_16k_handler_calls_write_and_the_canary_below_stays_intact() {
    altstack_case(16);
}

// ---- Rust's stack-overflow report ----

#[test]
fn rust_stack_overflow_keeps_its_report() {
    let pair = Both::new(overflow_program(), &[]).run();
    let report = "has overflowed its stack";
    assert_eq!(pair.untraced.stdout, "recursing until the stack overflows\n", "{}", pair.dump());
    assert_eq!(
        pair.untraced.status.signal(),
        Some(libc::SIGABRT),
        "untraced, Rust aborts\n{}",
        pair.dump()
    );
    assert!(
        pair.untraced.stderr.contains(report),
        "untraced, Rust reports the overflow\n{}",
        pair.dump()
    );
    // The same death (Rust's abort, not a bare SIGSEGV) and the report kept.
    pair.assert_same().assert_root_ends_as_it_did();
    assert!(
        pair.traced.stderr.contains(report),
        "traced, the {report:?} report is lost\n{}",
        pair.dump()
    );
    // The fault on the guard page reached the program's handler.
    pair.must_have_for(None, r"--- SIGSEGV \{si_signo=SIGSEGV, .*\} ---", "the overflow's SIGSEGV");
}

// ---- the JVM at its smallest thread stack ----

#[test]
fn jvm_xss136k_threads() {
    let java = need("java", "default-jdk-headless");
    let classes = java_classes();
    let pair = Both::new(&java, &["-Xss136k", "-cp", classes.to_str().unwrap(), "Threads"]).run();
    pair.assert_untraced(
        "0: thread 0 sum 500500\n\
         1: thread 1 sum 2001000\n\
         2: thread 2 sum 4501500\n\
         3: thread 3 sum 8002000\n\
         jvm: done\n",
        8,
    )
    .assert_same()
    .assert_root_ends_as_it_did();
    pair.must_have_for(
        None,
        &opened("jvm-thread-0.txt"),
        "a Java thread's file open is not traced",
    );
}

// ---- musl ----

#[test]
fn musl_dynamic_program_with_a_thread() {
    let exe = musl_program();
    let (_, interp) = elf_facts(exe);
    assert!(
        interp.contains("ld-musl"),
        "{} should use musl's loader, has interpreter {interp:?}",
        exe.display()
    );
    let pair = Both::new(exe, &[]).run();
    // selftrace may run it untraced with a note; it must run unharmed.
    pair.assert_untraced("musl: written by a musl thread\n", 9).assert_same();
}

#[test]
fn musl_child_of_a_program_traced_without_follow() {
    // Without -f nothing is kept across exec, but the child inherits
    // LD_PRELOAD; musl's loader must not be handed the glibc preload.
    let script = format!("{}; echo rc=$?", musl_program().display());
    let dir = TempDir::new("runtimes-musl-child");
    let trace = dir.at("trace.txt");
    let mut cmd = common::selftrace_command();
    cmd.args(["-o", &trace, "--", "sh", "-c", &script]);
    let run = common::Outcome::of(&mut cmd);
    assert_eq!(run.stdout, "musl: written by a musl thread\nrc=9\n", "{}", run.describe());
    assert_eq!(run.code(), Some(0), "{}", run.describe());
}

// ---- gdb ----

/// `gdb -batch -nx ARGS`: no user settings, no debuginfod server.
fn gdb_command(mut cmd: Command, gdb: &Path, args: &[&str]) -> Command {
    cmd.arg(gdb).args(["-batch", "-nx"]).args(args).env("DEBUGINFOD_URLS", "").env("LC_ALL", "C");
    cmd
}

#[test]
fn gdb_under_selftrace() {
    let gdb = need("gdb", "gdb");
    let echo = need("echo", "coreutils");
    let inferior = ["-ex", "run", "--args", echo.to_str().unwrap(), "inferior-says-hi"];
    let root = TempDir::new("runtimes-gdb-under");
    // `env gdb ...`: the same command line as under selftrace.
    let untraced = common::run(
        gdb_command(Command::new("env"), &gdb, &inferior),
        &root.0,
        "untraced",
        GDB_TIMEOUT,
    );
    let trace_path = root.0.join("trace.txt");
    let mut selftrace = common::selftrace_command();
    selftrace.arg("-f").arg("-o").arg(&trace_path).arg("--");
    // A hang here (gdb's vfork child stopped in a trap that only the
    // blocked gdb could release) fails the test after GDB_TIMEOUT.
    let traced =
        common::run(gdb_command(selftrace, &gdb, &inferior), &root.0, "traced", GDB_TIMEOUT);
    let trace = std::fs::read_to_string(&trace_path).unwrap_or_default();
    let dump = || {
        format!(
            "=== untraced: {}\n\n=== traced: {}\n\n=== trace:\n{trace}",
            untraced.describe(),
            traced.describe()
        )
    };
    eprintln!("gdb under selftrace: untraced {:.2?}, traced {:.2?}", untraced.took, traced.took);
    assert_eq!(untraced.ending(), "exited with 0", "untraced gdb\n{}", dump());
    assert!(
        untraced.stdout.lines().any(|l| l == "inferior-says-hi"),
        "untraced gdb ran its inferior\n{}",
        dump()
    );
    assert_eq!(
        traced.ending(),
        untraced.ending(),
        "gdb under selftrace ended differently\n{}",
        dump()
    );
    assert!(
        traced.stdout.lines().any(|l| l == "inferior-says-hi"),
        "the inferior's output is missing\n{}",
        dump()
    );
    assert!(traced.stdout.contains("exited normally"), "gdb saw its inferior exit\n{}", dump());
    assert!(
        !trace.contains("Bad system call") && !traced.stderr.contains("Bad system call"),
        "{}",
        dump()
    );
    let gdb_exec = Regex::new(r#"(?m)^\d+ +execve\("[^"]*gdb", .* = 0$"#).unwrap();
    assert!(gdb_exec.is_match(&trace), "the trace shows gdb's exec\n{}", dump());
    let first_pid = trace.split(' ').next().unwrap_or_default();
    assert!(
        trace.lines().any(
            |l| l.starts_with(&format!("{first_pid} ")) && l.ends_with("+++ exited with 0 +++")
        ),
        "the trace shows gdb's exit\n{}",
        dump()
    );
}

#[test]
fn selftrace_under_gdb() {
    let gdb = need("gdb", "gdb");
    let echo = need("echo", "coreutils");
    let root = TempDir::new("runtimes-under-gdb");
    let trace_path = root.0.join("trace.txt");
    let mut env = Command::new("env");
    env.env("SELFTRACE_PRELOAD", common::preload_library());
    let args = [
        "-ex",
        "handle SIGSYS nostop noprint pass",
        "-ex",
        "run",
        "--args",
        env!("CARGO_BIN_EXE_selftrace"),
        "-o",
        trace_path.to_str().unwrap(),
        "--",
        echo.to_str().unwrap(),
        "hi",
    ];
    let run = common::run(gdb_command(env, &gdb, &args), &root.0, "gdb", GDB_TIMEOUT);
    let trace = std::fs::read_to_string(&trace_path).unwrap_or_default();
    let dump = || format!("=== gdb: {}\n\n=== trace:\n{trace}", run.describe());
    eprintln!("selftrace under gdb: {:.2?}", run.took);
    assert_eq!(run.ending(), "exited with 0", "gdb running selftrace\n{}", dump());
    assert!(run.stdout.lines().any(|l| l == "hi"), "echo's output is missing\n{}", dump());
    assert!(
        !trace.contains("Bad system call") && !run.stderr.contains("Bad system call"),
        "{}",
        dump()
    );
    assert!(
        Regex::new(r#"(?m)^write\(1, "hi\\n", 3\) += 3$"#).unwrap().is_match(&trace),
        "the trace shows echo's write\n{}",
        dump()
    );
}
