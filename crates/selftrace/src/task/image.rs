//! What a file about to be exec'd will run as: whether it can load a
//! glibc-linked preload library at all.
//!
//! Read from the ELF program headers (elf(5)): a `PT_INTERP` names the
//! dynamic loader. Without one the program is static (a static-pie too) and
//! loads no library; with musl's loader (`ld-musl-*.so.1`, Alpine images,
//! musl-built Rust binaries) the preload, which needs glibc's loader and
//! symbols, cannot be loaded and the program would exit 127 before `main`.
//! Everything here runs in the SIGSYS handler: gate calls, stack buffers.

use crate::info::SyscallInfo;
use crate::sys::raw;
use crate::Sysno;

/// The loader a program file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loader {
    /// Not an ELF program we can read (a script, an unreadable file).
    Unknown,
    /// No `PT_INTERP`: statically linked, loads nothing.
    Static,
    /// glibc's `ld-linux-x86-64.so.2` (any path whose file name starts with
    /// `ld-linux`).
    Glibc,
    /// Another loader (musl's): our library cannot be loaded there.
    Other,
}

impl Loader {
    /// Whether a glibc-linked preload library can run in the program.
    pub fn loads_glibc_libraries(self) -> bool {
        matches!(self, Loader::Glibc | Loader::Unknown)
    }
}

const AT_EMPTY_PATH: u64 = 0x1000;
const PT_INTERP: u32 = 3;

/// Open the file `execve` / `execveat` names (close-on-exec), reading its
/// path into `path`; returns the descriptor and the path's length.
pub fn open_target(info: &SyscallInfo, path: &mut [u8; 4096]) -> (Option<u64>, usize) {
    let (dirfd, path_ptr, flags) = if info.is(Sysno::execve) {
        (libc::AT_FDCWD as i64 as u64, info.args[0], 0)
    } else {
        (info.args[0], info.args[1], info.args[4])
    };
    let Ok(n) = crate::sys::mem::read_cstr(path_ptr, &mut path[..4095]) else { return (None, 0) };
    path[n] = 0;
    let fd = if n == 0 && flags & AT_EMPTY_PATH != 0 {
        // SAFETY: fcntl(F_DUPFD_CLOEXEC) on the program's descriptor.
        unsafe { raw::syscall(Sysno::fcntl, &[dirfd, libc::F_DUPFD_CLOEXEC as u64, 0]) }
    } else {
        let open_flags = (libc::O_RDONLY | libc::O_CLOEXEC) as u64;
        // SAFETY: `path` is NUL-terminated and outlives the call.
        unsafe { raw::syscall(Sysno::openat, &[dirfd, path.as_ptr() as u64, open_flags]) }
    };
    (fd.ok(), n)
}

/// Close a descriptor from [`open_target`].
///
/// # Safety
/// `fd` must be a descriptor [`open_target`] returned, not closed since:
/// closing one that other code owns lets the number be reused under it.
pub unsafe fn close(fd: u64) {
    // SAFETY: the caller gives up a descriptor of ours.
    let _ = unsafe { raw::syscall(Sysno::close, &[fd]) };
}

/// The loader of the exec target `info` names.
pub fn target_loader(info: &SyscallInfo) -> Loader {
    let mut path = [0u8; 4096];
    match open_target(info, &mut path) {
        (Some(fd), _) => {
            let loader = loader_of(fd);
            // SAFETY: just opened by `open_target`, closed once.
            unsafe { close(fd) };
            loader
        }
        (None, _) => Loader::Unknown,
    }
}

fn pread(fd: u64, buf: &mut [u8], at: u64) -> usize {
    // SAFETY: pread64 into a live buffer of the given length.
    unsafe { raw::syscall(Sysno::pread64, &[fd, buf.as_mut_ptr() as u64, buf.len() as u64, at]) }
        .map_or(0, |n| n as usize)
}

/// The loader the 64-bit ELF file open at `fd` names.
pub fn loader_of(fd: u64) -> Loader {
    let mut h = [0u8; 64];
    if pread(fd, &mut h, 0) < 64 || &h[..4] != b"\x7fELF" || h[4] != 2 {
        return Loader::Unknown;
    }
    let phoff = u64::from_le_bytes(h[32..40].try_into().unwrap());
    let phentsize = u16::from_le_bytes([h[54], h[55]]) as usize;
    let phnum = u16::from_le_bytes([h[56], h[57]]) as usize;
    if phentsize < 32 || phnum == 0 {
        return Loader::Unknown;
    }
    let mut ph = [0u8; 4096];
    let want = (phentsize * phnum).min(ph.len());
    let got = pread(fd, &mut ph[..want], phoff);
    if got == 0 {
        return Loader::Unknown;
    }
    let interp = ph[..got]
        .chunks_exact(phentsize)
        .find(|e| u32::from_le_bytes(e[..4].try_into().unwrap()) == PT_INTERP);
    let Some(e) = interp else { return Loader::Static };
    let offset = u64::from_le_bytes(e[8..16].try_into().unwrap());
    let size = u64::from_le_bytes(e[32..40].try_into().unwrap()) as usize;
    let mut name = [0u8; 256];
    let n = pread(fd, &mut name[..size.min(256)], offset);
    let name = &name[..n];
    let name = name.split(|&b| b == 0).next().unwrap_or(name);
    let file = name.rsplit(|&b| b == b'/').next().unwrap_or(name);
    if file.starts_with(b"ld-linux") {
        Loader::Glibc
    } else {
        Loader::Other
    }
}
