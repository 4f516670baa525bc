//! One-line notes about programs the tracer cannot follow as the user
//! expects: a statically linked program (it loads no preload library, so
//! it runs untraced) and a set-user-ID or set-group-ID one (it runs
//! without gaining privileges: the filter set `no_new_privs`).
//!
//! Decided at the `execve` entry from the file itself: its mode bits and,
//! for an ELF file, whether it names a program interpreter (`PT_INTERP`).
//! Everything here runs in the SIGSYS handler: gate calls, stack buffers.

use crate::out::Out;
use selftrace::image::{self, Loader};
use selftrace::info::SyscallInfo;
use selftrace::raw;
use selftrace::Sysno;

/// What the tracer should say about the file an exec is about to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExecFacts {
    pub statically_linked: bool,
    /// Its loader is not glibc's (musl's): the preload cannot load there.
    pub foreign_loader: bool,
    pub set_id: bool,
}

/// Look at the file `execve` / `execveat` names, reading its path into
/// `path` (its length is returned with the facts). Unreadable files and
/// non-ELF files (scripts) give no facts.
pub fn exec_facts(info: &SyscallInfo, path: &mut [u8; 4096]) -> (ExecFacts, usize) {
    let (fd, n) = image::open_target(info, path);
    let Some(fd) = fd else { return (ExecFacts::default(), n) };
    let facts = facts_of(fd);
    // SAFETY: just opened by `open_target`, closed once.
    unsafe { image::close(fd) };
    (facts, n)
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
    let loader = image::loader_of(fd);
    ExecFacts {
        statically_linked: loader == Loader::Static,
        foreign_loader: loader == Loader::Other,
        set_id,
    }
}

/// The note the CLI gives about the program it starts, if that program
/// cannot load the preload (the file open at `fd`): what follows its path.
pub fn untraced_note(fd: i32) -> Option<&'static str> {
    match image::loader_of(fd as u64) {
        Loader::Static => Some(STATIC_NOTE),
        Loader::Other => Some(FOREIGN_LOADER_NOTE),
        _ => None,
    }
}

/// What follows a statically linked program's path in its note.
pub const STATIC_NOTE: &str = " is statically linked: it runs untraced";
/// The same for a program whose loader is not glibc's.
pub const FOREIGN_LOADER_NOTE: &str =
    " is linked against a C library other than glibc (its loader cannot load selftrace): it runs untraced";
/// The same for a program exec'd by a task that asked its parent to trace it.
pub const DEBUGGED_NOTE: &str = " is traced by its debugger (PTRACE_TRACEME): it runs untraced";

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
        let _ = core::fmt::Write::write_fmt(
            o,
            format_args!("{{\"type\":\"note\",\"pid\":{pid},\"tid\":{tid},\"message\":"),
        );
        crate::json::string(o, t.as_bytes());
        o.str("}");
    } else {
        o.bytes(t.as_bytes());
    }
    o.byte(b'\n');
}
