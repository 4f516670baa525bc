//! The collector's channel, CLI side: a `SOCK_SEQPACKET` socket pair whose
//! sending end every traced process shares, and an abstract unix address
//! where each process gets that end when it starts (see
//! `selftrace_trace::sink` for why a socket and not a pipe).
//!
//! When `selftrace` dies, its receiving end and its address go with it: a
//! traced process's next send fails with `EPIPE` (never SIGPIPE) and its
//! tracer goes quiet; a process started later finds nobody at the address
//! and runs untraced.

use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use selftrace_trace::sink::{self, MAX_RECORD};

/// Wanted room for records not yet read (the kernel caps it at
/// `net.core.wmem_max`), so that writers seldom wait for the collector.
const SEND_BUFFER: libc::c_int = 4 << 20;

pub struct Channel {
    /// Where traced processes connect (non-blocking).
    pub listener: OwnedFd,
    /// `@NAME`, for `SELFTRACE_COLLECTOR`.
    pub address: String,
    /// The end every traced process sends on; the CLI's own records too.
    pub sender: OwnedFd,
    /// The collector's end.
    pub receiver: Receiver,
}

fn last() -> io::Error {
    io::Error::last_os_error()
}

fn owned(fd: libc::c_int) -> io::Result<OwnedFd> {
    if fd < 0 {
        return Err(last());
    }
    // SAFETY: a descriptor just returned by the kernel, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

impl Channel {
    pub fn new() -> io::Result<Channel> {
        let mut pair = [0; 2];
        // SAFETY: socketpair fills the array with two new descriptors.
        let r = unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
                0,
                pair.as_mut_ptr(),
            )
        };
        if r != 0 {
            return Err(last());
        }
        let (receiver, sender) = (owned(pair[0])?, owned(pair[1])?);
        // Best effort: the default size works too, with more waiting.
        let size = SEND_BUFFER;
        // SAFETY: setsockopt reads the int it is given.
        unsafe {
            libc::setsockopt(
                sender.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_SNDBUF,
                (&raw const size).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        let mut random = [0u8; 8];
        // SAFETY: getrandom writes at most the buffer's length.
        unsafe { libc::getrandom(random.as_mut_ptr().cast(), random.len(), 0) };
        let name = format!("selftrace.{}.{:016x}", std::process::id(), u64::from_ne_bytes(random));
        let address = sink::collector_address(&name);
        let (addr, len) = sink::socket_address(&address)?;
        let flags = libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK;
        // SAFETY: socket() returns a new descriptor or -1.
        let listener = owned(unsafe { libc::socket(libc::AF_UNIX, flags, 0) })?;
        // SAFETY: addr is a valid sockaddr_un of `len` bytes.
        if unsafe { libc::bind(listener.as_raw_fd(), (&raw const addr).cast(), len) } != 0 {
            return Err(last());
        }
        // SAFETY: listen on our own socket.
        if unsafe { libc::listen(listener.as_raw_fd(), 128) } != 0 {
            return Err(last());
        }
        Ok(Channel { listener, address, sender, receiver: Receiver(receiver) })
    }
}

/// Hand the sending end to every process waiting at the address. Only
/// processes of our own user get it (as only they could open another
/// process's descriptors through `/proc`).
pub fn serve(listener: &OwnedFd, sender: &OwnedFd) {
    loop {
        // SAFETY: accept4 with no address wanted returns a new descriptor.
        let conn = unsafe {
            libc::accept4(
                listener.as_raw_fd(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                libc::SOCK_CLOEXEC,
            )
        };
        let Ok(conn) = owned(conn) else {
            if last().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return; // EAGAIN: nobody else waiting.
        };
        if peer_uid(&conn) == Some(current_uid()) {
            give(&conn, sender);
        }
        // Dropping the connection closes it: a refused peer reads nothing.
    }
}

fn current_uid() -> libc::uid_t {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

fn peer_uid(conn: &OwnedFd) -> Option<libc::uid_t> {
    let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cred`.
    let r = unsafe {
        libc::getsockopt(
            conn.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            &mut len,
        )
    };
    (r == 0).then_some(cred.uid)
}

/// One byte with `sender` attached (`SCM_RIGHTS`).
fn give(conn: &OwnedFd, sender: &OwnedFd) {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr().cast(), iov_len: 1 };
    let mut control = [0u64; 8];
    // SAFETY: msghdr is plain data; all zeroes is a valid value.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    // SAFETY: CMSG_SPACE only computes a size.
    msg.msg_controllen =
        unsafe { libc::CMSG_SPACE(std::mem::size_of::<libc::c_int>() as u32) } as _;
    // SAFETY: the control buffer is large enough for one descriptor's
    // message (checked above by CMSG_SPACE against its 64 bytes); the
    // header and its data are written inside it.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<libc::c_int>() as u32) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>(), sender.as_raw_fd());
        libc::sendmsg(conn.as_raw_fd(), &msg, libc::MSG_NOSIGNAL);
    }
}

/// The collector's end, read as a stream of newline-ended records: each
/// read returns as many whole records as are waiting (at least one), or 0
/// once every sending end is closed.
pub struct Receiver(OwnedFd);

impl Receiver {
    fn recv(&self, buf: &mut [u8], flags: libc::c_int) -> io::Result<usize> {
        // SAFETY: recv writes at most buf.len() bytes into buf.
        let n =
            unsafe { libc::recv(self.0.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), flags) };
        if n < 0 {
            Err(last())
        } else {
            Ok(n as usize)
        }
    }
}

impl Read for Receiver {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = self.recv(buf, 0)?;
        if n == 0 {
            return Ok(0);
        }
        // A record is at most MAX_RECORD bytes; a smaller room could cut one.
        while buf.len() - n >= MAX_RECORD {
            match self.recv(&mut buf[n..], libc::MSG_DONTWAIT) {
                Ok(0) | Err(_) => break,
                Ok(m) => n += m,
            }
        }
        Ok(n)
    }
}

/// Send one record of the CLI's own on the channel.
pub fn send(sender: &OwnedFd, record: &[u8]) {
    // SAFETY: sending a live buffer on our own socket.
    unsafe {
        libc::send(sender.as_raw_fd(), record.as_ptr().cast(), record.len(), libc::MSG_NOSIGNAL)
    };
}
