//! Where trace lines go, one `write(2)` per line.
//!
//! Directly to a file or standard error (the preload used alone), or to
//! the CLI's collector: records that carry the pid and tid, so the CLI can
//! add strace's `[pid N]` prefixes, split `-ff` files and add up `-c`
//! tables across processes. Either way the descriptor is a private one,
//! numbered high, that the program cannot close (see [`Guard`]).
//!
//! The collector's channel is the CLI's pipe, which each traced process
//! opens through `/proc/PID/fd/N` for reading and writing, non-blocking.
//! As a reader itself, a process never sees `EPIPE` (nor SIGPIPE, which no
//! flag of `write(2)` prevents) when the collector dies; a full pipe gives
//! `EAGAIN` instead of blocking, and then the process waits for room or for
//! the CLI's end, whichever comes first (`wait_for_room`). When the
//! CLI is gone the tracer goes quiet in that process and the program goes
//! on unharmed (design hazard 18). The common path is one `write(2)`.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crate::out::Out;
use selftrace::hook::{Action, Hook};
use selftrace::info::SyscallInfo;
use selftrace::Sysno;

/// The private descriptor, or -1 before it is opened or after it failed.
static FD: AtomicI32 = AtomicI32::new(-1);
/// Records are framed for the collector.
static COLLECTOR: AtomicBool = AtomicBool::new(false);
/// Direct output: prefix lines with the pid (`-f`), and in which style.
static PID_PREFIX: AtomicI32 = AtomicI32::new(PREFIX_NONE);
const PREFIX_NONE: i32 = 0;
/// `[pid  1234] `, as strace prints on standard error.
const PREFIX_BRACKETS: i32 = 1;
/// `1234  `, as strace prints into a file.
const PREFIX_PLAIN: i32 = 2;

/// Lowest number for the private descriptor, out of the way of programs
/// that expect their low descriptors to be free.
pub const PRIVATE_FD_MIN: i32 = 500;

/// Longest record: the atomic size of a pipe write (`PIPE_BUF`).
pub const MAX_RECORD: usize = 4096;

/// strace's column for ` = ` (its `-a` default).
pub const RESULT_COLUMN: usize = 40;

/// Where the preload sends lines.
pub enum Target<'a> {
    Stderr,
    File(&'a str),
    /// `/proc/PID/fd/N:INODE`: the CLI's pipe (PID the CLI, INODE the
    /// pipe's, checked so that a reused PID cannot lead elsewhere).
    Collector(&'a str),
}

/// The CLI's pid while its pipe is the output (0 otherwise).
static CLI_PID: AtomicI32 = AtomicI32::new(0);

/// `SELFTRACE_COLLECTOR`'s value for the pipe `fd` of process `pid`.
pub fn collector_path(pid: u32, fd: i32) -> std::io::Result<String> {
    use std::os::unix::fs::MetadataExt;
    let ino = std::fs::metadata(format!("/proc/self/fd/{fd}"))?.ino();
    Ok(format!("/proc/{pid}/fd/{fd}:{ino}"))
}

/// Whether a failure to reach the collector means it is gone (the
/// `selftrace` process died or was killed): the tracer then stops without
/// a word, since nobody is there to read one and the program's standard
/// error is the program's.
pub fn collector_gone(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ESRCH | libc::ESTALE))
}

/// Open the CLI's pipe for reading and writing, non-blocking. Runs at
/// installation (libc is usable), not on the trap path.
fn open_collector(value: &str) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
    let invalid = || std::io::Error::from_raw_os_error(libc::EINVAL);
    let (path, ino) = value.rsplit_once(':').ok_or_else(invalid)?;
    let ino: u64 = ino.parse().map_err(|_| invalid())?;
    let pid: i32 = path
        .strip_prefix("/proc/")
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .ok_or_else(invalid)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_fifo() || meta.ino() != ino {
        // Not the CLI's pipe: the CLI died and its pid went to another.
        return Err(std::io::Error::from_raw_os_error(libc::ESTALE));
    }
    CLI_PID.store(pid, Ordering::Relaxed);
    Ok(file)
}

/// Open the private descriptor. `follow` chooses the pid prefix of
/// direct output. Runs at installation, not on the trap path.
pub fn open(target: Target, follow: bool) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = match target {
        Target::Stderr => None,
        Target::File(path) => {
            Some(std::fs::OpenOptions::new().append(true).create(true).mode(0o644).open(path)?)
        }
        Target::Collector(value) => Some(open_collector(value)?),
    };
    let collector = matches!(target, Target::Collector(_));
    let source = file.as_ref().map_or(2, std::os::fd::AsRawFd::as_raw_fd);
    let fd = private_copy(source)?;
    FD.store(fd, Ordering::Relaxed);
    COLLECTOR.store(collector, Ordering::Relaxed);
    let prefix = match (follow, file.is_some()) {
        (false, _) => PREFIX_NONE,
        (true, false) => PREFIX_BRACKETS,
        (true, true) => PREFIX_PLAIN,
    };
    PID_PREFIX.store(prefix, Ordering::Relaxed);
    Ok(())
}

/// A close-on-exec copy of `source` numbered [`PRIVATE_FD_MIN`] or above.
/// A program that lowered its descriptor limit below that number still
/// gets one: the soft limit is raised for the copy and put back, so the
/// descriptor lies above every number the program can open or enumerate.
fn private_copy(source: i32) -> std::io::Result<i32> {
    // SAFETY: F_DUPFD_CLOEXEC on a descriptor we hold allocates a new one.
    let dup = || unsafe { libc::fcntl(source, libc::F_DUPFD_CLOEXEC, PRIVATE_FD_MIN) };
    let fd = dup();
    if fd >= 0 {
        return Ok(fd);
    }
    let err = std::io::Error::last_os_error();
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes the struct it is given.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
    let wanted = PRIVATE_FD_MIN as libc::rlim_t + 1;
    if err.raw_os_error() != Some(libc::EINVAL) || !got {
        return Err(err);
    }
    if lim.rlim_max < wanted {
        return highest_free_copy(source, lim.rlim_cur).ok_or(err);
    }
    let raised = libc::rlimit { rlim_cur: wanted, rlim_max: lim.rlim_max };
    // SAFETY: setrlimit with valid structs; the soft limit goes back at once.
    let fd = unsafe {
        libc::setrlimit(libc::RLIMIT_NOFILE, &raised);
        let fd = dup();
        libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        fd
    };
    if fd >= 0 {
        Ok(fd)
    } else {
        Err(err)
    }
}

/// Under a descriptor limit of [`PRIVATE_FD_MIN`] or less that cannot be
/// raised (`ulimit -n 256`): a copy numbered as high as the limit allows,
/// where the program's own descriptors are least likely to go.
fn highest_free_copy(source: i32, limit: libc::rlim_t) -> Option<i32> {
    let top = i32::try_from(limit).ok()?.min(PRIVATE_FD_MIN);
    (3..top).rev().take(64).find_map(|at| {
        // SAFETY: F_DUPFD_CLOEXEC on a descriptor we hold allocates a new one.
        let fd = unsafe { libc::fcntl(source, libc::F_DUPFD_CLOEXEC, at) };
        (fd >= 0).then_some(fd)
    })
}

pub fn is_collector() -> bool {
    COLLECTOR.load(Ordering::Relaxed)
}

/// The private descriptor (-1 when closed).
pub fn fd() -> i32 {
    FD.load(Ordering::Relaxed)
}

/// Write one record or line. A failed write stops the trace in this
/// process (and in the children it forks from now on); the program goes on
/// untraced rather than being disturbed. The collector gone is silent; any
/// other failure is reported once on standard error.
///
/// The descriptor is left open after a failure: another thread may be
/// writing on it at this moment, and a number closed under it could be
/// reused by the program.
pub fn write(bytes: &[u8]) {
    let fd = fd();
    if fd < 0 {
        return;
    }
    let collector = is_collector();
    let e = loop {
        match selftrace::raw::write(fd, bytes) {
            Ok(_) => return,
            Err(e) if e == selftrace::Errno::EINTR => {}
            Err(e) if e == selftrace::Errno::EAGAIN && collector => {
                if !wait_for_room(fd) {
                    FD.store(-1, Ordering::Relaxed);
                    return;
                }
            }
            Err(e) => break e,
        }
    };
    if FD.swap(-1, Ordering::Relaxed) >= 0 {
        let mut buf = [0u8; 160];
        let mut o = Out::new(&mut buf);
        o.str("selftrace: cannot write the trace: ");
        crate::errno::write(&mut o, e.into_raw());
        o.str("; tracing stops, the program goes on\n");
        let _ = selftrace::raw::write(2, o.as_bytes());
    }
}

/// Two records (either may be empty) in one `write(2)` when together
/// they fit in `PIPE_BUF`, which a pipe writes at once, so they cannot
/// interleave with another process's records; else one write each.
pub fn write_pair(first: &[u8], second: &[u8]) {
    const PIPE_BUF: usize = 4096;
    let n = first.len() + second.len();
    if first.is_empty() {
        return write(second);
    }
    if n > PIPE_BUF {
        write(first);
        return write(second);
    }
    let mut buf = [0u8; PIPE_BUF];
    buf[..first.len()].copy_from_slice(first);
    buf[first.len()..n].copy_from_slice(second);
    write(&buf[..n]);
}

/// How long a full pipe is waited on before asking whether the CLI lives.
const ROOM_WAIT_MS: i32 = 20;

/// The collector's pipe is full: wait until it has room (`true`) or the
/// CLI has ended (`false`). First a short wait on the pipe alone (the
/// collector is only busy); then on the pipe and a pidfd of the CLI, which
/// becomes readable when it ends (a zombie too). The pidfd is moved above
/// [`PRIVATE_FD_MIN`] and closed before returning. Async-signal-safe:
/// system calls through the gate only.
fn wait_for_room(fd: i32) -> bool {
    let poll = |fds: &mut [libc::pollfd], timeout: Option<&libc::timespec>| {
        let t = timeout.map_or(0, |t| t as *const libc::timespec as u64);
        let args = [fds.as_mut_ptr() as u64, fds.len() as u64, t, 0, 8];
        // SAFETY: ppoll reads and writes the live array and reads the
        // timeout it is given; no signal mask is passed.
        unsafe { selftrace::raw::syscall(Sysno::ppoll, &args) }
    };
    let writable = |p: &libc::pollfd| p.revents & libc::POLLOUT != 0;
    let short = libc::timespec { tv_sec: 0, tv_nsec: ROOM_WAIT_MS as i64 * 1_000_000 };
    let mut pipe = [libc::pollfd { fd, events: libc::POLLOUT, revents: 0 }];
    if matches!(poll(&mut pipe, Some(&short)), Ok(n) if n > 0) && writable(&pipe[0]) {
        return true;
    }
    let pid = CLI_PID.load(Ordering::Relaxed) as u64;
    // SAFETY: pidfd_open takes plain values and returns a new descriptor.
    let Ok(low) = (unsafe { selftrace::raw::syscall(Sysno::pidfd_open, &[pid, 0]) }) else {
        return false; // ESRCH: the CLI is gone and reaped.
    };
    let args = [low, libc::F_DUPFD_CLOEXEC as u64, PRIVATE_FD_MIN as u64];
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) and close on the descriptor just opened.
    let pidfd = unsafe {
        let high = selftrace::raw::syscall(Sysno::fcntl, &args);
        let _ = selftrace::raw::syscall(Sysno::close, &[low]);
        high
    };
    let Ok(pidfd) = pidfd else { return true };
    let mut both = [
        libc::pollfd { fd, events: libc::POLLOUT, revents: 0 },
        libc::pollfd { fd: pidfd as i32, events: libc::POLLIN, revents: 0 },
    ];
    let room = loop {
        match poll(&mut both, None) {
            Ok(_) if both[1].revents != 0 => break false,
            Ok(_) if writable(&both[0]) => break true,
            Err(e) if e != selftrace::Errno::EINTR => break false,
            _ => {}
        }
    };
    // SAFETY: closing the pidfd opened above.
    let _ = unsafe { selftrace::raw::syscall(Sysno::close, &[pidfd]) };
    room
}

/// Start a record for a call line or a message: the collector's header, or
/// the pid prefix of direct output.
pub fn begin(out: &mut Out, kind: u8, pid: u32, tid: u32) {
    if is_collector() {
        return header(out, kind, pid, tid);
    }
    match PID_PREFIX.load(Ordering::Relaxed) {
        PREFIX_BRACKETS => pid_prefix(out, tid, true),
        PREFIX_PLAIN => pid_prefix(out, tid, false),
        _ => {}
    }
}

/// The collector's record header: `K pid tid\t`.
pub fn header(out: &mut Out, kind: u8, pid: u32, tid: u32) {
    out.byte(kind);
    out.byte(b' ');
    out.udec(pid as u64);
    out.byte(b' ');
    out.udec(tid as u64);
    out.byte(b'\t');
}

/// strace's `[pid  1234] ` (standard error) or `1234  ` (file) prefix.
pub fn pid_prefix(out: &mut Out, tid: u32, brackets: bool) {
    use core::fmt::Write;
    let _ = if brackets { write!(out, "[pid {tid:5}] ") } else { write!(out, "{tid:<5} ") };
}

/// Record kinds of the collector protocol.
pub mod kind {
    /// A call: `C pid tid\tname(args)\tresult`.
    pub const CALL: u8 = b'C';
    /// A message line (`+++ exited with 0 +++`): `M pid tid\ttext`.
    pub const MESSAGE: u8 = b'M';
    /// A thread ended (`exit`); the text is the message to print.
    pub const END: u8 = b'E';
    /// A process ended (`exit_group`): all its threads are gone.
    pub const PROCESS_END: u8 = b'X';
    /// A task exists (its first traced call): `T pid tid\t`.
    pub const TASK: u8 = b'T';
    /// A JSON object, printed as is.
    pub const JSON: u8 = b'J';
    /// A call as a JSON object for the collector's timeline
    /// (`--perfetto`), not printed: `V pid tid\t{...}`.
    pub const EVENT: u8 = b'V';
    /// A row of a process's `-c` table: `S pid tid\tnr calls errors nanos`.
    pub const SUMMARY: u8 = b'S';
    /// A process was reaped, by the CLI or by its traced parent:
    /// `R pid pid\tSTATUS` (the raw wait status). Its end line, unless
    /// the collector already printed one for that pid.
    pub const REAPED: u8 = b'R';
}

/// Between a call's text and its result: the collector's tab, or the
/// padding to the result column (`-a`, strace's 40) and `= `.
pub fn result_separator(out: &mut Out, line_start: usize, column: usize) {
    if is_collector() {
        out.byte(b'\t');
    } else {
        out.byte(b' ');
        let col = out.len() - line_start;
        if col < column {
            out.pad_to(line_start + column);
        }
        out.str("= ");
    }
}

/// Keeps the private descriptor open: a program closing all its
/// descriptors (`close_range`, a loop over `/proc/self/fd`) or reusing the
/// number with `dup2` must not end the trace, and must not be disturbed.
pub struct Guard;

impl Hook for Guard {
    fn enter(&self, info: &mut SyscallInfo) -> Action {
        let ours = fd();
        if ours < 0 {
            return Action::Run;
        }
        let ours = ours as u64;
        if info.is(Sysno::close) && info.args[0] as i32 as i64 == ours as i64 {
            // To the program the descriptor was never open.
            return Action::errno(selftrace::Errno::EBADF);
        }
        if (info.is(Sysno::dup2) || info.is(Sysno::dup3))
            && info.args[1] as i32 as i64 == ours as i64
        {
            move_away();
            return Action::Run;
        }
        if info.is(Sysno::close_range) {
            return close_range_around(info, ours);
        }
        Action::Run
    }
}

/// The program wants our number: move to another one first.
fn move_away() {
    let old = fd();
    let args = [old as u64, libc::F_DUPFD_CLOEXEC as u64, (old + 1) as u64];
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) and close on our own descriptor.
    if let Ok(new) = unsafe { selftrace::raw::syscall(Sysno::fcntl, &args) } {
        FD.store(new as i32, Ordering::Relaxed);
        // SAFETY: as above.
        let _ = unsafe { selftrace::raw::syscall(Sysno::close, &[old as u64]) };
    }
}

/// `close_range(first, last, flags)` covering our descriptor runs as two
/// ranges that leave it out.
fn close_range_around(info: &SyscallInfo, ours: u64) -> Action {
    let (first, last, flags) =
        (info.args[0] as u32 as u64, info.args[1] as u32 as u64, info.args[2]);
    if ours < first || ours > last {
        return Action::Run;
    }
    let mut result = 0i64;
    for (lo, hi) in [(first, ours.wrapping_sub(1)), (ours + 1, last)] {
        if lo <= hi && hi != u64::MAX {
            // SAFETY: close_range takes no pointers.
            let r = unsafe {
                selftrace::raw::syscall_raw(
                    Sysno::close_range.id() as u64,
                    [lo, hi, flags, 0, 0, 0],
                )
            };
            if r < 0 {
                result = r;
            }
        }
    }
    Action::Emulate(if result < 0 {
        selftrace::Return::Errno(selftrace::Errno::new(-result as i32))
    } else {
        selftrace::Return::Value(0)
    })
}

/// The calls [`Guard`] must see.
pub const GUARDED: [Sysno; 4] = [Sysno::close, Sysno::dup2, Sysno::dup3, Sysno::close_range];
