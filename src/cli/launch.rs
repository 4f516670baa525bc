//! Running the program: the preload in its environment, a pipe to collect
//! the trace, and waiting for it (and with `-f`, for all its descendants)
//! as strace does.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use selftrace_trace::config::var;
use selftrace_trace::inject::Injector;

use crate::cli::args::Plan;
use crate::cli::channel::{self, Channel};
use crate::cli::collector::{Collector, Output, QUIT, REAPED};
use crate::cli::signals;

/// How the traced program ended.
pub enum Ending {
    Exited(i32),
    Killed { signal: i32 },
}

/// A problem that stops selftrace before or while starting the program.
pub struct Failure {
    pub message: String,
    pub exit_code: i32,
}

fn fail(message: impl Into<String>, exit_code: i32) -> Failure {
    Failure { message: message.into(), exit_code }
}

/// The preload library: `SELFTRACE_PRELOAD`, or next to this executable.
fn preload_path() -> Result<PathBuf, Failure> {
    if let Some(p) = std::env::var_os("SELFTRACE_PRELOAD") {
        return Ok(PathBuf::from(p));
    }
    let exe =
        std::env::current_exe().map_err(|e| fail(format!("cannot find own executable: {e}"), 1))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    for candidate in
        [dir.join("libselftrace_preload.so"), dir.join("../lib/selftrace/libselftrace_preload.so")]
    {
        if candidate.exists() {
            return Ok(candidate);
        }
    }
    Err(fail(
        format!(
            "cannot find libselftrace_preload.so next to {} (build the workspace, or set SELFTRACE_PRELOAD)",
            exe.display()
        ),
        1,
    ))
}

/// Resolve PROG as execvp would, giving strace's message when it fails.
fn find_program(prog: &OsStr) -> Result<PathBuf, Failure> {
    let not_found = |why: &str| fail(format!("Can't stat '{}': {why}", prog.to_string_lossy()), 1);
    let runnable = |p: &Path| {
        p.metadata().map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
    };
    if prog.as_bytes().contains(&b'/') {
        let p = PathBuf::from(prog);
        return match p.metadata() {
            Ok(_) => Ok(p),
            Err(e) => Err(not_found(&io_reason(&e))),
        };
    }
    let path =
        std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/local/bin:/usr/bin:/bin"));
    std::env::split_paths(&path)
        .map(|d| d.join(prog))
        .find(|p| runnable(p))
        .ok_or_else(|| not_found("No such file or directory"))
}

fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

pub fn run(plan: Plan) -> Result<Ending, Failure> {
    let preload = preload_path()?;
    selftrace_trace::tracer::prepare_clock();
    let program = find_program(&plan.command[0])?;
    let output = match (&plan.output, plan.per_process) {
        (None, _) => Output::Stderr,
        (Some(base), true) => Output::PerProcess { base: base.clone(), files: Default::default() },
        (Some(path), false) => {
            let f = File::options()
                .append(plan.append)
                .write(true)
                .create(true)
                .truncate(!plan.append)
                .open(path)
                .map_err(|e| {
                    fail(format!("Can't fopen '{}': {}", path.display(), io_reason(&e)), 1)
                })?;
            Output::File(std::io::BufWriter::new(f))
        }
    };
    let timeline = match &plan.perfetto {
        None => None,
        Some(path) => Some(crate::cli::perfetto::Timeline::create(path).map_err(|e| {
            fail(format!("cannot create '{}': {}", path.display(), io_reason(&e)), 1)
        })?),
    };
    let channel =
        Channel::new().map_err(|e| fail(format!("cannot create the trace channel: {e}"), 1))?;
    let mut cmd = Command::new(&program);
    cmd.arg0(&plan.command[0]).args(&plan.command[1..]);
    for e in &plan.env {
        match e.split_once('=') {
            Some((name, value)) => cmd.env(name, value),
            None => cmd.env_remove(e),
        };
    }
    for name in [
        var::TRACE,
        var::STATUS,
        var::STRSIZE,
        var::TIMESTAMPS,
        var::FORMAT,
        var::SUMMARY,
        var::FD_PATHS,
        var::DURATIONS,
        var::FOLLOW,
        var::QUIET,
        var::OUTPUT,
        var::ROOT_PID,
        var::COUNTERS,
    ] {
        cmd.env_remove(name);
    }
    for (k, v) in plan.config.to_vars() {
        cmd.env(k, v);
    }
    cmd.env(var::COLLECTOR, &channel.address);
    // -c: counts go into memory shared with every traced process, so that
    // they outlive a process killed by a signal. Without it (no memfd),
    // each process hands its rows over through the pipe at its end.
    let counters = (plan.config.summary != selftrace_trace::config::Summary::Off)
        .then(selftrace_trace::summary::SharedTable::create)
        .and_then(Result::ok);
    if let Some(table) = &counters {
        cmd.env(var::COUNTERS, table.path());
    }
    // A program that cannot load the preload (musl's loader would refuse
    // it, and the program with it) runs without.
    let untraced = untraced_note(&program);
    if untraced != Some(selftrace_trace::notes::FOREIGN_LOADER_NOTE) {
        cmd.env("LD_PRELOAD", ld_preload(&preload));
    }

    // The rules, parsed once for both (each traced process parses its own).
    let injector = plan.config.injector();
    if !plan.config.quiet {
        warn_hooks_only(injector.as_ref());
    }
    deny_from_the_start(&mut cmd, injector.as_ref())?;
    // SAFETY: between fork and exec the closure makes raw system calls
    // only (rt_sigaction, rt_sigprocmask): no allocation, no locks.
    unsafe {
        cmd.pre_exec(|| {
            signals::restore_given();
            Ok(())
        })
    };
    if plan.config.follow {
        // Orphaned descendants come to us, so we can wait for all of them.
        // SAFETY: prctl with integer arguments.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    }
    // Before any thread starts, so that every thread blocks them.
    let waited = signals::set_up(plan.interruptible);
    let events =
        signals::signalfd(waited).map_err(|e| fail(format!("cannot watch signals: {e}"), 1))?;
    let Channel { sender, receiver, .. } = channel;
    let mut collector = Collector::new(output, &plan.config, plan.sort)
        .with_counters(counters)
        .with_timeline(timeline);
    crate::cli::inflight::set_up(&mut collector, &mut cmd, &plan.config);
    let reader = std::thread::spawn(move || collector.run(receiver));
    let child = cmd.spawn().map_err(|e| fail(format!("exec: {}", io_reason(&e)), 1))?;
    if !plan.config.quiet && plan.config.prints_calls() {
        if let Some(note) = untraced {
            write_untraced_note(note, &plan.command[0], child.id(), &plan.config, &sender);
        }
    }
    let ending = wait_all(child.id(), plan.config.follow, &events, &sender);
    if let Waited::Interrupted(_) = ending {
        let record = format!("{} {} {}\t\n", QUIT as char, child.id(), child.id());
        channel::send(&sender, record.as_bytes());
    }
    drop(sender);
    let collector = reader.join().map_err(|_| fail("the trace collector failed", 1))?;
    if let Some(e) = collector.finish() {
        eprintln!("selftrace: writing the trace failed: {e}");
    }
    Ok(match ending {
        Waited::Ended(e) => e,
        Waited::Interrupted(signal) => Ending::Killed { signal },
    })
}

/// The kernel's denials for the program from its first instruction, so
/// that they hold for one that loads no preload (static, musl) too; the
/// preload adds them again, with the exec of the program itself, which the
/// denial must let through here.
fn deny_from_the_start(cmd: &mut Command, injector: Option<&Injector>) -> Result<(), Failure> {
    let Some(injector) = injector else { return Ok(()) };
    let mut denials = injector.kernel_denials();
    let exec = [selftrace::Sysno::execve, selftrace::Sysno::execveat];
    denials.native.retain(|(s, _)| !exec.contains(s));
    denials.i386.retain(|(s, _)| !s.name().starts_with("execve"));
    if denials.native.is_empty() && denials.i386.is_empty() {
        return Ok(());
    }
    let filter = selftrace::DenyFilter::new(&denials.native, &denials.i386)
        .map_err(|e| fail(format!("cannot build the kernel's denials: {e}"), 1))?;
    // SAFETY: between fork and exec the closure only loads a filter built
    // beforehand: two system calls, no allocation, no locks.
    unsafe {
        cmd.pre_exec(move || {
            filter.load().map_err(|_| std::io::Error::from_raw_os_error(libc::EPERM))
        })
    };
    Ok(())
}

/// Rules the kernel does not enforce for all their calls reach only calls
/// that trap: say so, one line each, before the program starts.
fn warn_hooks_only(injector: Option<&Injector>) {
    use selftrace_trace::inject::HooksOnly;
    let Some(injector) = injector else { return };
    for (rule, why) in injector.hooks_only() {
        let text = rule.source.as_deref().unwrap_or("a rule");
        let which = match why {
            HooksOnly::Decides => "it",
            HooksOnly::RuntimeCalls(_) => "for those it",
        };
        eprintln!(
            "selftrace: {text}: {why}, so {which} holds only in traced code, not in code loaded \
             later (dlopen, JIT), dynamic loaders or programs without the preload (static, musl)"
        );
    }
}

/// A program that loads no preload prints nothing: say why, in the trace,
/// as a traced parent would before exec'ing it.
fn write_untraced_note(
    note: &str,
    shown: &OsStr,
    pid: u32,
    config: &selftrace_trace::config::Config,
    pipe: &OwnedFd,
) {
    use selftrace_trace::{notes, sink};
    let json = config.format == selftrace_trace::config::Format::Json;
    let mut buf = vec![0u8; 8192];
    let mut o = selftrace_trace::out::Out::new(&mut buf);
    sink::header(&mut o, if json { sink::kind::JSON } else { sink::kind::MESSAGE }, pid, pid);
    notes::write_note(&mut o, json, (pid, pid), &[shown.as_bytes(), note.as_bytes()]);
    channel::send(pipe, o.as_bytes());
}

/// Why `program` will run untraced, if it will: it cannot load the preload.
fn untraced_note(program: &Path) -> Option<&'static str> {
    let file = File::open(program).ok()?;
    selftrace_trace::notes::untraced_note(file.as_raw_fd())
}

/// LD_PRELOAD with ours first and the program's own kept.
fn ld_preload(ours: &Path) -> OsString {
    let mut v = ours.as_os_str().to_owned();
    if let Some(existing) = std::env::var_os("LD_PRELOAD").filter(|e| !e.is_empty()) {
        v.push(":");
        v.push(existing);
    }
    v
}

/// How waiting for the program ended.
enum Waited {
    Ended(Ending),
    /// A fatal signal (`-I 2`): selftrace stops and dies of it.
    Interrupted(i32),
}

/// After a fatal signal, how long the program has to end (so that its
/// last lines and how it ended are in the trace) before selftrace stops.
const GRACE: std::time::Duration = std::time::Duration::from_millis(200);

/// Wait for the program (and with `-f`, every descendant), telling the
/// collector about each process reaped, in order with its lines, and act
/// on the signals `events` (a signalfd) reports.
fn wait_all(main: u32, follow: bool, events: &OwnedFd, sender: &OwnedFd) -> Waited {
    let mut ending = None;
    let mut interrupted: Option<(i32, std::time::Instant)> = None;
    loop {
        let all = matches!(reap(main, follow, sender, &mut ending), Reaped::All);
        if let Some((signal, since)) = interrupted {
            if all || ending.is_some() || since.elapsed() >= GRACE {
                return Waited::Interrupted(signal);
            }
        }
        if all {
            return Waited::Ended(ending.unwrap_or(Ending::Exited(0)));
        }
        let timeout = interrupted.map(|(_, since)| GRACE.saturating_sub(since.elapsed()));
        let mut fds = [libc::pollfd { fd: events.as_raw_fd(), events: libc::POLLIN, revents: 0 }];
        let ts = timeout.map(|t| libc::timespec {
            tv_sec: t.as_secs() as libc::time_t,
            tv_nsec: t.subsec_nanos() as libc::c_long,
        });
        let ts_ptr = ts.as_ref().map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: ppoll reads the live array and timeout it is given.
        unsafe {
            libc::ppoll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ts_ptr, std::ptr::null())
        };
        if fds[0].revents != 0 {
            while let Some(info) = read_signal(events) {
                let signal = info.ssi_signo as i32;
                if signal == libc::SIGCHLD {
                    continue;
                }
                if interrupted.is_some() {
                    // A second one: stop now.
                    return Waited::Interrupted(signal);
                }
                if ending.is_none() {
                    pass_on(main, &info);
                }
                interrupted = Some((signal, std::time::Instant::now()));
            }
        }
    }
}

enum Reaped {
    /// Nothing left to wait for.
    All,
    Some,
}

/// Reap every process that has ended, without blocking.
fn reap(main: u32, follow: bool, sender: &OwnedFd, ending: &mut Option<Ending>) -> Reaped {
    loop {
        let mut status = 0;
        let target = if follow { -1 } else { main as i32 };
        // SAFETY: waitpid writes the status it is given.
        let pid = unsafe { libc::waitpid(target, &mut status, libc::__WALL | libc::WNOHANG) };
        if pid == 0 {
            return Reaped::Some;
        }
        if pid < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return Reaped::All;
        }
        let record = format!("{} {pid} {pid}\t{status}\n", REAPED as char);
        channel::send(sender, record.as_bytes());
        if pid as u32 == main {
            *ending = Some(if libc::WIFSIGNALED(status) {
                Ending::Killed { signal: libc::WTERMSIG(status) }
            } else {
                Ending::Exited(libc::WEXITSTATUS(status))
            });
            if !follow {
                return Reaped::All;
            }
        }
    }
}

fn read_signal(events: &OwnedFd) -> Option<libc::signalfd_siginfo> {
    // SAFETY: signalfd_siginfo is plain data; all zeroes is a valid value.
    let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::signalfd_siginfo>();
    // SAFETY: read writes at most `size` bytes into `info`.
    let n = unsafe { libc::read(events.as_raw_fd(), (&raw mut info).cast(), size) };
    (n == size as isize).then_some(info)
}

/// A fatal signal for selftrace goes on to the program it started, as
/// strace sends it on (after SIGCONT, in case the program is stopped).
/// Not when the terminal sent it (Ctrl-C, Ctrl-\, hang-up) to a process
/// group the program is in too: it has it already.
fn pass_on(main: u32, info: &libc::signalfd_siginfo) {
    let pid = main as libc::pid_t;
    // SAFETY: getpgid and getpgrp take and return plain values.
    let same_group = unsafe { libc::getpgid(pid) == libc::getpgrp() };
    if info.ssi_code == libc::SI_KERNEL && same_group {
        return;
    }
    // SAFETY: kill with plain values, to our own child (not yet reaped, so
    // its pid cannot have been reused).
    unsafe {
        libc::kill(pid, libc::SIGCONT);
        libc::kill(pid, info.ssi_signo as i32);
    }
}
