//! What one trapped `getppid` costs, against the floor of any trap design.
//!
//! Every variant times ONE `getppid` per iteration:
//!
//! 1. native, no filter;
//! 2. a one-instruction allow-all seccomp filter installed (no trap);
//! 3. the selftrace filter installed, getppid not hooked (getpid is);
//! 4. C floor: a C SIGSYS handler that only writes RAX (emulates);
//! 5. C gate: the same C handler re-issuing the call through its own
//!    allow-listed `syscall` gate;
//! 6. selftrace emulating getppid (`Action::value`);
//! 7. selftrace re-issuing getppid after a no-op hook (`Action::Run`);
//! 8. the tracer writing each call's strace line to /dev/null;
//! 9. the same framed as records for the CLI's collector;
//! 10. the same with an in-flight record per call (what `selftrace`
//!     pays for showing blocked calls; 10 against 9 is that cost).
//! 11. a getppid outside any scope while another thread's scope
//!     (`selftrace::scope`) hooks getppid: what code outside a test's
//!     scope pays for a number the scope trapped (11 against 1).
//!
//! Filters and SIGSYS handlers cannot be removed, so each variant runs in
//! its own process: without `SELFTRACE_BENCH_VARIANT` this program re-runs
//! itself once per variant with the same arguments (criterion's `--bench`,
//! filters, options), then reads each variant's median from criterion's
//! `estimates.json` and prints a table with ratios to variants 1, 4 and 5.
//! Compare ratios from one run; absolute figures move with the machine.
//!
//! `cargo bench -p selftrace-trace --bench trap` measures; `cargo test --benches` (no
//! `--bench`) runs every variant once, checks it, and measures nothing.
//! The C handlers live in `benches/c/trap_floor.c`, compiled by build.rs
//! and linked into bench targets only.

use std::env;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use criterion::Criterion;
use selftrace::{Action, Builder, Sysno};

/// Names the variant a child process installs and measures.
const VARIANT_ENV: &str = "SELFTRACE_BENCH_VARIANT";
/// Criterion group: results land in `<criterion home>/getppid/<id>/`.
const GROUP: &str = "getppid";
/// What the emulating variants make getppid return: above any pid_max,
/// so it cannot be the real parent.
const EMULATED: i64 = 1 << 30;
/// The variants the ratios are taken against.
const C_FLOOR: &str = "v4_c_floor_set_rax";
const C_GATE: &str = "v5_c_gate_reissue";
const NATIVE: &str = "v1_native";

struct Variant {
    id: &'static str,
    what: &'static str,
    /// Installs the variant's process-wide state and checks it took effect.
    install: fn() -> Result<(), String>,
    needs_c: bool,
}

const VARIANTS: &[Variant] = &[
    Variant { id: NATIVE, what: "1. native getppid, no filter", install: native, needs_c: false },
    Variant {
        id: "v2_allow_all_filter",
        what: "2. allow-all seccomp filter",
        install: allow_all_filter,
        needs_c: false,
    },
    Variant {
        id: "v3_selftrace_unhooked",
        what: "3. selftrace filter, getppid not hooked",
        install: selftrace_unhooked,
        needs_c: false,
    },
    Variant { id: C_FLOOR, what: "4. C handler sets RAX (floor)", install: c_floor, needs_c: true },
    Variant { id: C_GATE, what: "5. C handler re-issues via gate", install: c_gate, needs_c: true },
    Variant {
        id: "v6_selftrace_emulate",
        what: "6. selftrace emulates (Action::value)",
        install: selftrace_emulate,
        needs_c: false,
    },
    Variant {
        id: "v7_selftrace_reissue",
        what: "7. selftrace re-issues (no-op hook, Action::Run)",
        install: selftrace_reissue,
        needs_c: false,
    },
    Variant {
        id: "v8_selftrace_trace_line",
        what: "8. selftrace traces getppid in strace format to /dev/null",
        install: selftrace_trace_line,
        needs_c: false,
    },
    Variant {
        id: "v9_selftrace_trace_collector",
        what: "9. as 8, framed for the CLI's collector (to /dev/null)",
        install: selftrace_trace_collector,
        needs_c: false,
    },
    Variant {
        id: "v10_selftrace_trace_inflight",
        what: "10. as 9, with the call's in-flight record",
        install: selftrace_trace_inflight,
        needs_c: false,
    },
    Variant {
        id: "v11_selftrace_out_of_scope",
        what: "11. outside any scope, getppid hooked by another thread's scope",
        install: selftrace_out_of_scope,
        needs_c: false,
    },
];

fn main() -> ExitCode {
    match env::var(VARIANT_ENV) {
        Ok(id) => run_variant(&id),
        Err(_) => drive(),
    }
}

// ---------------------------------------------------------------------------
// Child: one variant.

fn run_variant(id: &str) -> ExitCode {
    let Some(variant) = VARIANTS.iter().find(|v| v.id == id) else {
        eprintln!("trap bench: unknown {VARIANT_ENV}={id}");
        return ExitCode::FAILURE;
    };
    // Built before anything is installed: creating it probes for gnuplot
    // (a child process), which must not run under the filters.
    let mut criterion = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .without_plots()
        .configure_from_args();
    if let Err(e) = (variant.install)() {
        eprintln!("trap bench: {id}: {e}");
        return ExitCode::FAILURE;
    }
    let mut group = criterion.benchmark_group(GROUP);
    group.bench_function(variant.id, |b| b.iter(getppid));
    group.finish();
    criterion.final_summary();
    ExitCode::SUCCESS
}

/// The measured call: glibc's `getppid`, one `syscall` instruction in
/// libc's text (traced code for selftrace).
fn getppid() -> i64 {
    // SAFETY: getppid takes no arguments and cannot fail.
    i64::from(unsafe { libc::getppid() })
}

fn expect(what: &str, got: i64, want: i64) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got}, expected {want}"))
    }
}

/// The `Seccomp:` field of /proc/self/status: 0 none, 2 filter.
fn seccomp_mode() -> Result<i64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Seccomp:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| "no Seccomp field in /proc/self/status".to_string())
}

fn native() -> Result<(), String> {
    expect("seccomp mode", seccomp_mode()?, 0)
}

fn allow_all_filter() -> Result<(), String> {
    let real = getppid();
    let program = [libc::sock_filter {
        code: (libc::BPF_RET | libc::BPF_K) as u16,
        jt: 0,
        jf: 0,
        k: libc::SECCOMP_RET_ALLOW,
    }];
    let fprog = libc::sock_fprog { len: 1, filter: program.as_ptr().cast_mut() };
    // SAFETY: prctl with integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(format!("PR_SET_NO_NEW_PRIVS: {}", std::io::Error::last_os_error()));
    }
    let load = |flags: libc::c_ulong| {
        // SAFETY: `fprog` points at `program`, both alive for the call; the
        // kernel copies the program.
        let r = unsafe {
            libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, flags, &raw const fprog)
        };
        if r == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    };
    match load(libc::SECCOMP_FILTER_FLAG_SPEC_ALLOW) {
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => load(0),
        r => r,
    }
    .map_err(|e| format!("seccomp(SET_MODE_FILTER): {e}"))?;
    expect("seccomp mode", seccomp_mode()?, 2)?;
    expect("getppid under the allow-all filter", getppid(), real)
}

fn selftrace_unhooked() -> Result<(), String> {
    let real = getppid();
    Builder::new()
        .on_entry(Sysno::getpid, |_| Action::Run)
        .install()
        .map_err(|e| format!("selftrace install: {e}"))?;
    expect("seccomp mode", seccomp_mode()?, 2)?;
    expect("untrapped getppid", getppid(), real)
}

fn selftrace_emulate() -> Result<(), String> {
    Builder::new()
        .on_entry(Sysno::getppid, |_| Action::value(EMULATED))
        .install()
        .map_err(|e| format!("selftrace install: {e}"))?;
    expect("emulated getppid", getppid(), EMULATED)
}

/// Calls seen by variant 7's hook. Single-threaded: a load and a store,
/// like the C gate handler's counter, not a locked read-modify-write.
static REISSUED: AtomicU64 = AtomicU64::new(0);

fn selftrace_reissue() -> Result<(), String> {
    let real = getppid();
    Builder::new()
        .on_entry(Sysno::getppid, |_| {
            REISSUED.store(REISSUED.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
            Action::Run
        })
        .install()
        .map_err(|e| format!("selftrace install: {e}"))?;
    let before = REISSUED.load(Ordering::Relaxed);
    expect("re-issued getppid", getppid(), real)?;
    expect("hook calls", REISSUED.load(Ordering::Relaxed) as i64, before as i64 + 1)
}

/// The tracer as the preload runs it: `getppid()  = N` lines, one
/// write each, to /dev/null.
fn selftrace_trace_line() -> Result<(), String> {
    use selftrace_trace::{config::Config, sink};
    let real = getppid();
    let mut config = Config::default();
    config.set_trace(vec!["getppid".into()]).map_err(|e| e.to_string())?;
    sink::open(sink::Target::File("/dev/null"), false)
        .map_err(|e| format!("open /dev/null: {e}"))?;
    install_tracer(config, real)
}

/// The tracer with `config`, installed as the preload installs it; then
/// one traced getppid, which must return `real`.
fn install_tracer(config: selftrace_trace::config::Config, real: i64) -> Result<(), String> {
    use selftrace_trace::{summary::SortBy, Tracer};
    // SAFETY: gettid takes no arguments.
    let tid = unsafe { libc::syscall(libc::SYS_gettid) } as u32;
    let tracer = std::sync::Arc::new(Tracer::new(config, SortBy::default(), tid));
    selftrace_trace::preload::builder(&tracer)
        .install()
        .map_err(|e| format!("selftrace install: {e}"))?;
    expect("traced getppid", getppid(), real)
}

fn selftrace_trace_collector() -> Result<(), String> {
    trace_to_collector(false)
}

fn selftrace_trace_inflight() -> Result<(), String> {
    trace_to_collector(true)
}

/// A pipe like the CLI's, emptied by a thread of its own, named as
/// `SELFTRACE_COLLECTOR` names it.
fn collector_pipe() -> Result<String, String> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills the array with two new descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(format!("pipe2: {}", std::io::Error::last_os_error()));
    }
    let (read_end, write_end) = (fds[0], fds[1]);
    std::thread::spawn(move || {
        let mut buf = [0u8; 1 << 16];
        // SAFETY: reading into a live buffer from the pipe this thread owns.
        while unsafe { libc::read(read_end, buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
    });
    selftrace_trace::sink::collector_path(std::process::id(), write_end)
        .map_err(|e| format!("collector path: {e}"))
}

/// The tracer as the preload runs it under `selftrace`: records for the
/// collector (a pipe emptied by a thread), with or without an in-flight
/// area.
fn trace_to_collector(inflight: bool) -> Result<(), String> {
    use selftrace_trace::{config::Config, inflight as records, sink};
    use std::os::fd::AsRawFd;
    let real = getppid();
    let mut config = Config::default();
    config.set_trace(vec!["getppid".into()]).map_err(|e| e.to_string())?;
    let collector = collector_pipe()?;
    sink::open(sink::Target::Collector(&collector), false)
        .map_err(|e| format!("open the collector pipe: {e}"))?;
    if inflight {
        let (fd, _) = records::create().map_err(|e| format!("in-flight area: {e}"))?;
        records::attach(&format!("/proc/self/fd/{}", fd.as_raw_fd()), &config)
            .map_err(|e| format!("in-flight attach: {e}"))?;
        expect("recording", i64::from(records::recording()), 1)?;
    }
    install_tracer(config, real)
}

/// Calls the other thread's scope hook saw: it must see only its own.
static SCOPED: AtomicU64 = AtomicU64::new(0);

/// A thread enters a scope hooking getppid, checks it sees its own call,
/// and keeps the scope open for the life of the process; this thread's
/// getppid then traps (the scope's filter is on every thread) and runs
/// unhooked.
fn selftrace_out_of_scope() -> Result<(), String> {
    use std::sync::mpsc;
    let real = getppid();
    let (entered, ready) = mpsc::channel();
    std::thread::spawn(move || {
        let scope = selftrace::scope()
            .on_entry(Sysno::getppid, |_| {
                SCOPED.fetch_add(1, Ordering::Relaxed);
                Action::Run
            })
            .enter();
        let result = scope.as_ref().map(|_| getppid()).map_err(|e| format!("enter a scope: {e}"));
        let _ = entered.send(result);
        if scope.is_ok() {
            loop {
                std::thread::park();
            }
        }
    });
    let in_scope = ready.recv().map_err(|_| "the scope thread died".to_string())??;
    expect("getppid in the scope", in_scope, real)?;
    expect("scope hook calls", SCOPED.load(Ordering::Relaxed) as i64, 1)?;
    expect("seccomp mode", seccomp_mode()?, 2)?;
    expect("getppid outside the scope", getppid(), real)?;
    expect("scope hook calls after an outside call", SCOPED.load(Ordering::Relaxed) as i64, 1)
}

#[cfg(not(selftrace_bench_no_c))]
mod c {
    extern "C" {
        /// 0, or -errno of the step that failed. Cannot be undone.
        pub fn trap_floor_install(reissue: libc::c_int) -> libc::c_int;
        /// What the emulating handler writes into RAX.
        pub fn trap_floor_value() -> libc::c_long;
        /// Calls the re-issuing handler has run.
        pub fn trap_floor_reissued() -> libc::c_ulong;
    }
}

#[cfg(not(selftrace_bench_no_c))]
fn install_c(reissue: bool) -> Result<(), String> {
    // SAFETY: installs a SIGSYS handler and a filter that traps only
    // getppid outside the C gate; nothing in this process relies on
    // getppid being real or on the SIGSYS disposition.
    let r = unsafe { c::trap_floor_install(libc::c_int::from(reissue)) };
    if r == 0 {
        Ok(())
    } else {
        Err(format!("trap_floor_install: {}", std::io::Error::from_raw_os_error(-r)))
    }
}

#[cfg(not(selftrace_bench_no_c))]
fn c_floor() -> Result<(), String> {
    install_c(false)?;
    // SAFETY: returns a constant.
    let want: i64 = unsafe { c::trap_floor_value() };
    expect("getppid emulated by the C handler", getppid(), want)
}

#[cfg(not(selftrace_bench_no_c))]
fn c_gate() -> Result<(), String> {
    let real = getppid();
    install_c(true)?;
    // SAFETY: reads a counter; single-threaded.
    let before = unsafe { c::trap_floor_reissued() };
    expect("getppid re-issued by the C handler", getppid(), real)?;
    // SAFETY: as above.
    let after = unsafe { c::trap_floor_reissued() };
    expect("C handler re-issues", (after - before) as i64, 1)
}

#[cfg(selftrace_bench_no_c)]
fn c_floor() -> Result<(), String> {
    Err("the C handlers were not compiled (see the build script's warning)".into())
}

#[cfg(selftrace_bench_no_c)]
fn c_gate() -> Result<(), String> {
    c_floor()
}

// ---------------------------------------------------------------------------
// Parent: one child per variant, then the table.

fn drive() -> ExitCode {
    let args: Vec<OsString> = env::args_os().skip(1).collect();
    let has = |flag: &str| {
        args.iter()
            .any(|a| a.to_str().is_some_and(|s| s == flag || s.starts_with(&format!("{flag}="))))
    };
    // Criterion measures only with --bench and without --test; `cargo test
    // --benches` passes no --bench, so every variant runs once.
    let measuring = has("--bench") && !has("--test") && !has("--list") && !has("--profile-time");
    let exe = match env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("trap bench: cannot find own executable: {e}");
            return ExitCode::FAILURE;
        }
    };
    let home = criterion_home(&exe);
    let started = SystemTime::now();
    let (mut passed, mut failed, mut skipped) = (0, Vec::new(), 0);
    for v in VARIANTS {
        if v.needs_c && cfg!(selftrace_bench_no_c) {
            eprintln!("trap bench: {}: skipped, the C handlers were not compiled", v.id);
            skipped += 1;
            continue;
        }
        let status = Command::new(&exe)
            .args(&args)
            .env(VARIANT_ENV, v.id)
            .env("CRITERION_HOME", &home)
            .status();
        match status {
            Ok(s) if s.success() => passed += 1,
            Ok(s) => failed.push(format!("{}: {s}", v.id)),
            Err(e) => failed.push(format!("{}: {e}", v.id)),
        }
    }
    if measuring {
        let table = table(&home, started);
        println!("\n{table}");
        let path = home.join(GROUP).join("trap-table.md");
        if std::fs::write(&path, &table).is_ok() {
            println!("(also written to {})", path.display());
        }
    } else {
        println!("trap: {passed} passed, {} failed, {skipped} skipped", failed.len());
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("trap bench: variants failed: {}", failed.join("; "));
        ExitCode::FAILURE
    }
}

/// Where the children's criterion writes: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `<target>/criterion` for a bench
/// binary at `<target>/<profile>/deps/`. The children are told the same.
fn criterion_home(exe: &Path) -> PathBuf {
    if let Some(home) = env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let deps = exe.parent().filter(|d| d.file_name().is_some_and(|n| n == "deps"));
    match deps.and_then(Path::parent).and_then(Path::parent) {
        Some(target) => target.join("criterion"),
        None => PathBuf::from("target/criterion"),
    }
}

/// Median and its 95% confidence interval, in ns, from this run only.
struct Estimate {
    median: f64,
    lower: f64,
    upper: f64,
}

fn estimate(home: &Path, id: &str, since: SystemTime) -> Option<Estimate> {
    let path = home.join(GROUP).join(id).join("new").join("estimates.json");
    let fresh = std::fs::metadata(&path).and_then(|m| m.modified()).is_ok_and(|t| t >= since);
    if !fresh {
        return None; // not measured in this run (filtered out or failed)
    }
    parse_median(&std::fs::read_to_string(&path).ok()?)
}

/// The `"median"` object of criterion's estimates.json: its first
/// `lower_bound`, `upper_bound` and `point_estimate` are the median's.
fn parse_median(json: &str) -> Option<Estimate> {
    let rest = &json[json.find("\"median\":")?..];
    let number = |key: &str| -> Option<f64> {
        let quoted = format!("\"{key}\":");
        let tail = rest[rest.find(&quoted)? + quoted.len()..].trim_start();
        let end =
            tail.find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c))).unwrap_or(tail.len());
        tail[..end].parse().ok()
    };
    Some(Estimate {
        median: number("point_estimate")?,
        lower: number("lower_bound")?,
        upper: number("upper_bound")?,
    })
}

fn table(home: &Path, since: SystemTime) -> String {
    let estimates: Vec<Option<Estimate>> =
        VARIANTS.iter().map(|v| estimate(home, v.id, since)).collect();
    let median_of = |id: &str| {
        VARIANTS
            .iter()
            .position(|v| v.id == id)
            .and_then(|i| estimates[i].as_ref())
            .map(|e| e.median)
    };
    let (native, floor, gate) = (median_of(NATIVE), median_of(C_FLOOR), median_of(C_GATE));
    let ratio =
        |m: f64, base: Option<f64>| base.map_or("n/a".to_string(), |b| format!("{:.3}", m / b));
    let mut out = String::new();
    out.push_str("getppid, one call per iteration (criterion median of this run; compare ratios, not absolute ns)\n\n");
    out.push_str("| variant | median ns/call | 95% CI of median | ratio to 1 (native) | ratio to 4 (C floor) | ratio to 5 (C gate) |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|\n");
    for (v, e) in VARIANTS.iter().zip(&estimates) {
        let _ = match e {
            Some(e) => writeln!(
                out,
                "| {} | {:.1} | {:.1} - {:.1} | {} | {} | {} |",
                v.what,
                e.median,
                e.lower,
                e.upper,
                ratio(e.median, native),
                ratio(e.median, floor),
                ratio(e.median, gate)
            ),
            None => writeln!(out, "| {} | not measured | | | | |", v.what),
        };
    }
    out
}
