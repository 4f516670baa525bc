//! The collector's channel, CLI side: a pipe that every traced process
//! opens through `/proc/PID/fd/N` (see `selftrace_trace::sink` for how
//! they write to it and why opening it for reading too keeps them from
//! SIGPIPE when `selftrace` dies).

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use selftrace_trace::sink;

/// The trace pipe's capacity: `/proc/sys/fs/pipe-max-size`'s default.
const PIPE_SIZE: libc::c_int = 1 << 20;

pub struct Channel {
    /// `SELFTRACE_COLLECTOR`'s value.
    pub address: String,
    /// The CLI's own writing end, for its records.
    pub sender: OwnedFd,
    /// The collector's end.
    pub receiver: File,
}

impl Channel {
    pub fn new() -> io::Result<Channel> {
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills the array with two new descriptors.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // Room for the lines written while the collector waits between
        // batches (see Collector::run), so writers seldom wait. Best
        // effort: the default size works too.
        // SAFETY: fcntl on the descriptor just created.
        unsafe { libc::fcntl(fds[1], libc::F_SETPIPE_SZ, PIPE_SIZE) };
        // SAFETY: both descriptors are new and owned by nobody else.
        let (receiver, sender) =
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let address = sink::collector_path(std::process::id(), sender.as_raw_fd())?;
        Ok(Channel { address, sender, receiver: File::from(receiver) })
    }
}

/// Write one record of the CLI's own (`PIPE_BUF` at most: one write).
pub fn send(sender: &OwnedFd, record: &[u8]) {
    // SAFETY: writing a live buffer to our own pipe end.
    unsafe { libc::write(sender.as_raw_fd(), record.as_ptr().cast(), record.len()) };
}
