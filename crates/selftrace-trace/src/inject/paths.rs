//! Path arguments: which arguments of which calls are paths (and relative
//! to which directory descriptor, from the call table), reading them, and giving the kernel a
//! rewritten path from a per-thread buffer, never from program memory.

use std::cell::UnsafeCell;

use selftrace::info::SyscallInfo;
use selftrace::Sysno;

pub const PATH_MAX: usize = 4096;

pub use crate::table::PathArg;

/// The path arguments of an x86_64 call (at most two): the arguments of
/// kind `Path` in the call table.
pub fn path_args(info: &SyscallInfo) -> &'static [PathArg] {
    if info.abi != selftrace::Abi::X86_64 {
        return &[];
    }
    crate::table::path_args(info.nr)
}

/// Read the path of `arg` into `buf`; its length, or `None` if unreadable.
pub fn read(info: &SyscallInfo, arg: PathArg, buf: &mut [u8]) -> Option<usize> {
    let addr = *info.args.get(arg.index)?;
    if addr == 0 {
        return None;
    }
    let n = selftrace::mem::read_cstr(addr, buf).ok()?;
    (n < buf.len()).then_some(n)
}

/// Make `path` absolute into `out`: relative paths are taken from the
/// directory descriptor of an `*at` call, or the working directory.
pub fn resolve(info: &SyscallInfo, arg: PathArg, path: &[u8], out: &mut [u8]) -> Option<usize> {
    if path.first() == Some(&b'/') {
        out.get_mut(..path.len())?.copy_from_slice(path);
        return Some(path.len());
    }
    let dirfd = arg.dirfd.and_then(|i| info.args.get(i)).map_or(libc::AT_FDCWD, |&fd| fd as i32);
    let base = if dirfd == libc::AT_FDCWD {
        // SAFETY: getcwd writes at most `out.len()` bytes into `out`.
        let n = unsafe {
            selftrace::raw::syscall(Sysno::getcwd, &[out.as_mut_ptr() as u64, out.len() as u64])
        }
        .ok()?;
        (n as usize).saturating_sub(1) // the count includes the NUL
    } else {
        crate::decode::fd_path(dirfd, out)?
    };
    let total = base + 1 + path.len();
    if total > out.len() {
        return None;
    }
    out[base] = b'/';
    out[base + 1..total].copy_from_slice(path);
    Some(total)
}

/// Rewritten paths handed to the kernel: two per call (rename has two),
/// and two calls deep, so a signal handler's trapped call between a
/// rewrite and its call cannot overwrite the buffer in use.
struct Buffers {
    slots: UnsafeCell<[[u8; PATH_MAX]; 4]>,
    next: std::cell::Cell<usize>,
}

// SAFETY: bytes and an index: zero is a valid start.
unsafe impl selftrace::thread::Zeroed for Buffers {}

static BUFFERS: selftrace::thread::ThreadLocal<Buffers> = selftrace::thread::ThreadLocal::new();

/// Copy `parts` (joined) into a fresh per-thread buffer, NUL-terminated;
/// the buffer's address, or `None` when the path is too long.
pub fn stage(parts: [&[u8]; 2]) -> Option<u64> {
    let len = parts[0].len() + parts[1].len();
    if len >= PATH_MAX {
        return None;
    }
    BUFFERS.with(|b| {
        let i = b.next.get();
        b.next.set((i + 1) % 4);
        // SAFETY: slot `i` belongs to this thread and is handed out again
        // only four stagings later; no reference to it outlives this block.
        let slot = unsafe { &mut (*b.slots.get())[i] };
        slot[..parts[0].len()].copy_from_slice(parts[0]);
        slot[parts[0].len()..len].copy_from_slice(parts[1]);
        slot[len] = 0;
        slot.as_ptr() as u64
    })
}
