//! What the preload library runs in its constructor: configuration from
//! the environment, and a minimal raw line tracer.

use std::sync::atomic::{AtomicI32, Ordering};

use crate::{Builder, Error, Hook, Installed, Sysno, SyscallInfo};

/// Where lines go: a private copy of stderr, so a program that closes its
/// stderr before exiting (as coreutils do) does not lose the last lines.
static OUTPUT_FD: AtomicI32 = AtomicI32::new(2);

/// Lowest descriptor for the private copy, out of the way of programs that
/// expect their low descriptors to be free.
const PRIVATE_FD_MIN: i32 = 500;

fn open_output() {
    // SAFETY: F_DUPFD_CLOEXEC on stderr allocates a new descriptor.
    let fd = unsafe { libc::fcntl(2, libc::F_DUPFD_CLOEXEC, PRIVATE_FD_MIN) };
    if fd >= 0 {
        OUTPUT_FD.store(fd, Ordering::Relaxed);
    }
}

/// Writes `[pid N] name(0xarg, ...) = rval` per call to stderr, one
/// `write` a line. Calls that do not return when they succeed are
/// written at entry with `= ?`, as strace does.
struct RawLines;

impl Hook for RawLines {
    fn enter(&self, info: &mut SyscallInfo) -> crate::Action {
        if !returns(info) {
            write_line(info, None);
        }
        crate::Action::Run
    }

    fn exit(&self, info: &mut SyscallInfo) {
        write_line(info, Some(info.rval));
    }
}

fn returns(info: &SyscallInfo) -> bool {
    ![Sysno::execve, Sysno::execveat, Sysno::exit, Sysno::exit_group].iter().any(|&s| info.is(s))
}

fn write_line(info: &SyscallInfo, rval: Option<i64>) {
    let mut line = crate::fmt::Line::new();
    line.push_str("[pid ");
    line.push_u64(crate::raw::getpid() as u64);
    line.push_str("] ");
    match info.name() {
        Some(n) => line.push_str(n),
        None => {
            line.push_str("syscall_");
            line.push_u64(info.nr);
        }
    }
    if info.abi != crate::Abi::X86_64 {
        line.push_str(if info.abi == crate::Abi::I386 { "[i386]" } else { "[x32]" });
    }
    line.push_str("(");
    for (i, a) in info.args.iter().enumerate() {
        if i > 0 {
            line.push_str(", ");
        }
        line.push_hex(*a);
    }
    line.push_str(") = ");
    match rval {
        Some(v) => line.push_i64(v),
        None => line.push_str("?"),
    }
    line.push_str("\n");
    let _ = crate::raw::write(OUTPUT_FD.load(Ordering::Relaxed), line.as_bytes());
}

/// Install from a `SELFTRACE_TRACE` value: empty, `all`, or names.
pub fn install_from_spec(spec: &str) -> Result<Installed, Error> {
    open_output();
    let mut b = Builder::new();
    for name in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if name == "all" {
            b = b.hook_all(RawLines);
            continue;
        }
        match name.parse::<Sysno>() {
            Ok(s) => b = b.hook(s, RawLines),
            Err(_) => return Err(Error::UnknownName(name.to_string())),
        }
    }
    b.install()
}
