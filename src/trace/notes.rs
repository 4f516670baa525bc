//! One-line notes about programs the tracer cannot follow as the user
//! expects: a statically linked program (it loads no preload library, so
//! it runs untraced) and a set-user-ID or set-group-ID one (it runs
//! without gaining privileges: the filter set `no_new_privs`).
//!
//! Decided at the `execve` entry from the file itself: its mode bits and,
//! for an ELF file, whether it names a program interpreter (`PT_INTERP`).
//! Everything here runs in the SIGSYS handler: gate calls, stack buffers.

use crate::info::SyscallInfo;
use crate::trace::out::Out;
use crate::raw;
use crate::Sysno;

/// What the tracer should say about the file an exec is about to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExecFacts {
    pub statically_linked: bool,
    pub set_id: bool,
}

const AT_EMPTY_PATH: u64 = 0x1000;
const PT_INTERP: u32 = 3;

/// Look at the file `execve` / `execveat` names, reading its path into
/// `path` (its length is returned with the facts). Unreadable files and
/// non-ELF files (scripts) give no facts.
pub fn exec_facts(info: &SyscallInfo, path: &mut [u8; 4096]) -> (ExecFacts, usize) {
    let (dirfd, path_ptr, flags) = if info.is(Sysno::execve) {
        (libc::AT_FDCWD as i64 as u64, info.args[0], 0)
    } else {
        (info.args[0], info.args[1], info.args[4])
    };
    let Ok(n) = crate::mem::read_cstr(path_ptr, &mut path[..4095]) else { return (ExecFacts::default(), 0) };
    let facts = facts_of_path(dirfd, path, n, flags);
    (facts, n)
}

/// The facts of the file `path[..n]` names (relative to `dirfd`).
fn facts_of_path(dirfd: u64, path: &mut [u8; 4096], n: usize, flags: u64) -> ExecFacts {
    path[n] = 0;
    let fd = if n == 0 && flags & AT_EMPTY_PATH != 0 {
        // SAFETY: fcntl(F_DUPFD_CLOEXEC) on the program's descriptor.
        unsafe { raw::syscall(Sysno::fcntl, &[dirfd, libc::F_DUPFD_CLOEXEC as u64, 0]) }
    } else {
        let open_flags = (libc::O_RDONLY | libc::O_CLOEXEC) as u64;
        // SAFETY: `path` is NUL-terminated and outlives the call.
        unsafe { raw::syscall(Sysno::openat, &[dirfd, path.as_ptr() as u64, open_flags]) }
    };
    let Ok(fd) = fd else { return ExecFacts::default() };
    let facts = facts_of(fd);
    // SAFETY: closing the descriptor opened above.
    let _ = unsafe { raw::syscall(Sysno::close, &[fd]) };
    facts
}

fn facts_of(fd: u64) -> ExecFacts {
    let mut st = [0u8; 144];
    // SAFETY: fstat writes a struct stat (144 bytes on x86_64) to `st`.
    let set_id = match unsafe { raw::syscall(Sysno::fstat, &[fd, st.as_mut_ptr() as u64]) } {
        Ok(_) => {
            let mode = u32::from_ne_bytes(st[24..28].try_into().unwrap());
            mode & (libc::S_ISUID | libc::S_ISGID) != 0 && mode & 0o111 != 0
        }
        Err(_) => false,
    };
    ExecFacts { statically_linked: is_static_elf(fd), set_id }
}

/// Whether the file open at `fd` is a statically linked program (for the
/// CLI, which says so about the program it starts).
pub fn is_statically_linked(fd: i32) -> bool {
    is_static_elf(fd as u64)
}

/// What follows a statically linked program's path in its note.
pub const STATIC_NOTE: &str = " is statically linked: it runs untraced";

/// A note's record after its header or prefix: `selftrace: ` and `parts`,
/// as a line or (`json`) as a `{"type":"note",...}` object, with its
/// newline. The tracer and the CLI write the same notes.
pub fn write_note(o: &mut Out, json: bool, (pid, tid): (u32, u32), parts: &[&[u8]]) {
    let mut text = [0u8; 768];
    let mut t = Out::new(&mut text);
    t.str("selftrace: ");
    for p in parts {
        t.bytes(p);
    }
    if json {
        let _ = core::fmt::Write::write_fmt(o, format_args!("{{\"type\":\"note\",\"pid\":{pid},\"tid\":{tid},\"message\":"));
        crate::trace::json::string(o, t.as_bytes());
        o.str("}");
    } else {
        o.bytes(t.as_bytes());
    }
    o.byte(b'\n');
}

fn pread(fd: u64, buf: &mut [u8], at: u64) -> usize {
    // SAFETY: pread64 into a live buffer of the given length.
    unsafe { raw::syscall(Sysno::pread64, &[fd, buf.as_mut_ptr() as u64, buf.len() as u64, at]) }
        .map_or(0, |n| n as usize)
}

/// A 64-bit ELF file with no program interpreter (a static-pie included:
/// it has no `PT_INTERP` either, and loads no preload).
fn is_static_elf(fd: u64) -> bool {
    let mut h = [0u8; 64];
    if pread(fd, &mut h, 0) < 64 || &h[..4] != b"\x7fELF" || h[4] != 2 {
        return false;
    }
    let phoff = u64::from_le_bytes(h[32..40].try_into().unwrap());
    let phentsize = u16::from_le_bytes([h[54], h[55]]) as usize;
    let phnum = u16::from_le_bytes([h[56], h[57]]) as usize;
    if phentsize < 8 || phnum == 0 {
        return false;
    }
    let mut ph = [0u8; 4096];
    let want = (phentsize * phnum).min(ph.len());
    let got = pread(fd, &mut ph[..want], phoff);
    let mut types = ph[..got].chunks_exact(phentsize).map(|e| u32::from_le_bytes(e[..4].try_into().unwrap()));
    got > 0 && !types.any(|t| t == PT_INTERP)
}
