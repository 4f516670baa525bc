//! Where trace lines go, one `write(2)` per line.
//!
//! Directly to a file or standard error (the preload used alone), or to
//! the CLI's collector: records that carry the pid and tid, so the CLI can
//! add strace's `[pid N]` prefixes, split `-ff` files and add up `-c`
//! tables across processes. Either way the descriptor is a private one,
//! numbered high, that the program cannot close (see [`Guard`]).
//!
//! The collector's channel is one `SOCK_SEQPACKET` socket pair: every
//! traced process sends on the same end, so records keep one order and
//! stay whole, as pipe writes of up to `PIPE_BUF` did. Unlike a pipe's, a
//! send can be told not to raise SIGPIPE (`MSG_NOSIGNAL`): when the
//! collector dies, the next send fails with `EPIPE`, the tracer goes quiet
//! in that process, and the program goes on unharmed (design hazard 18).
//! A process reaches the socket through [`connect`]: the CLI listens on an
//! abstract unix address and hands each process that connects the sending
//! end (`SCM_RIGHTS`); a process started after the CLI died finds nobody
//! there and runs untraced, silently.

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
    /// The CLI's abstract address, as in [`collector_address`].
    Collector(&'a str),
}

/// The CLI's listening address for `SELFTRACE_COLLECTOR`: `@NAME`, the
/// abstract unix socket NAME (as `ss` shows it).
pub fn collector_address(name: &str) -> String {
    format!("@{name}")
}

/// The `sockaddr_un` of an `@NAME` address and its length.
pub fn socket_address(address: &str) -> std::io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    let invalid = || std::io::Error::from_raw_os_error(libc::EINVAL);
    let name = address.strip_prefix('@').ok_or_else(invalid)?.as_bytes();
    // SAFETY: sockaddr_un is plain data; all zeroes is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    if name.is_empty() || name.len() + 1 > addr.sun_path.len() {
        return Err(invalid());
    }
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    // sun_path[0] stays 0: the abstract namespace.
    for (d, s) in addr.sun_path[1..].iter_mut().zip(name) {
        *d = *s as libc::c_char;
    }
    let len = std::mem::offset_of!(libc::sockaddr_un, sun_path) + 1 + name.len();
    Ok((addr, len as libc::socklen_t))
}

/// Whether a failure to reach or write to the collector means it is gone
/// (the `selftrace` process died or was killed): the tracer then stops
/// without a word, since nobody is there to read one and the program's
/// standard error is the program's.
pub fn collector_gone(e: &std::io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ECONNREFUSED | libc::ECONNRESET | libc::EPIPE | libc::ENOTCONN)
    ) || e.kind() == std::io::ErrorKind::UnexpectedEof
}

/// Connect to the collector at `address` and receive its sending end.
/// Runs at installation (libc is usable), not on the trap path.
pub fn connect(address: &str) -> std::io::Result<std::fs::File> {
    use std::os::fd::{FromRawFd, OwnedFd};
    let (addr, len) = socket_address(address)?;
    let last = std::io::Error::last_os_error;
    // SAFETY: socket() returns a new descriptor or -1.
    let sock = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0) };
    if sock < 0 {
        return Err(last());
    }
    // SAFETY: the descriptor is new and ours; OwnedFd closes it.
    let sock = unsafe { OwnedFd::from_raw_fd(sock) };
    use std::os::fd::AsRawFd;
    // SAFETY: addr is a valid sockaddr_un of `len` bytes.
    if unsafe { libc::connect(sock.as_raw_fd(), (&raw const addr).cast(), len) } != 0 {
        return Err(last());
    }
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr().cast(), iov_len: 1 };
    // Room for one descriptor's control message (aligned as cmsghdr is).
    let mut control = [0u64; 8];
    // SAFETY: msghdr is plain data; all zeroes is a valid value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control);
    let n = loop {
        // SAFETY: msg points at live buffers of the sizes it gives.
        let n = unsafe { libc::recvmsg(sock.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC) };
        if n < 0 && last().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        break n;
    };
    if n < 0 {
        return Err(last());
    }
    // SAFETY: the control buffer was filled by recvmsg as msg describes.
    let cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    // SAFETY: a non-null cmsg points into `control`, with its data after it.
    let fd = unsafe {
        if cmsg.is_null()
            || (*cmsg).cmsg_level != libc::SOL_SOCKET
            || (*cmsg).cmsg_type != libc::SCM_RIGHTS
        {
            None
        } else {
            Some(std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>()))
        }
    };
    match fd {
        // SAFETY: the descriptor was just given to us and is owned by nobody else.
        Some(fd) if fd >= 0 => Ok(std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) })),
        // The CLI closed the connection without an answer: it is ending.
        _ => Err(std::io::ErrorKind::UnexpectedEof.into()),
    }
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
        Target::Collector(address) => Some(connect(address)?),
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
    if err.raw_os_error() != Some(libc::EINVAL) || !got || lim.rlim_max < wanted {
        return Err(err);
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

/// One record to the collector: `send(fd, bytes, MSG_NOSIGNAL)`, again
/// when a signal handler interrupted it.
fn send(fd: i32, bytes: &[u8]) -> Result<usize, selftrace::Errno> {
    let args =
        [fd as u64, bytes.as_ptr() as u64, bytes.len() as u64, libc::MSG_NOSIGNAL as u64, 0, 0];
    loop {
        // SAFETY: the pointer and length describe a live slice; no address.
        match unsafe { selftrace::raw::syscall(Sysno::sendto, &args) } {
            Err(e) if e == selftrace::Errno::EINTR => continue,
            r => return r.map(|n| n as usize),
        }
    }
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
/// untraced rather than being disturbed. The collector's channel never
/// raises SIGPIPE; its failure means the collector is gone and is silent.
/// Any other failure is reported once on standard error.
///
/// The descriptor is left open after a failure: another thread may be
/// sending on it at this moment, and a number closed under it could be
/// reused by the program.
pub fn write(bytes: &[u8]) {
    let fd = fd();
    if fd < 0 {
        return;
    }
    let collector = is_collector();
    let sent = if collector { send(fd, bytes) } else { selftrace::raw::write(fd, bytes) };
    if let Err(e) = sent {
        if FD.swap(-1, Ordering::Relaxed) >= 0 && !collector {
            let mut buf = [0u8; 160];
            let mut o = Out::new(&mut buf);
            o.str("selftrace: cannot write the trace: ");
            crate::errno::write(&mut o, e.into_raw());
            o.str("; tracing stops, the program goes on\n");
            let _ = selftrace::raw::write(2, o.as_bytes());
        }
    }
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
    /// A row of a process's `-c` table: `S pid tid\tnr calls errors nanos`.
    pub const SUMMARY: u8 = b'S';
}

/// Between a call's text and its result: the collector's tab, or the
/// padding to strace's result column and `= `.
pub fn result_separator(out: &mut Out, line_start: usize) {
    if is_collector() {
        out.byte(b'\t');
    } else {
        out.byte(b' ');
        let col = out.len() - line_start;
        if col < RESULT_COLUMN {
            out.pad_to(line_start + RESULT_COLUMN);
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
