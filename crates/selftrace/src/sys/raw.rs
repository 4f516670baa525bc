//! System calls made through the runtime's gate.
//!
//! The filter lets calls from the gate through untrapped, so these never
//! reach a hook and cost what a plain syscall costs. They allocate nothing
//! and take no locks: hooks can call them from the SIGSYS handler.
//! Calls made through libc from a hook are trapped too, but run without
//! hooks (see [`crate::task::thread`]); these avoid the trap altogether.
//!
//! Two layers, as in rustix: [`syscall`] and its kin are `unsafe fn`, a
//! call made exactly as given; the others take references and values and
//! are safe, since they can only do what their types allow.

use crate::sys::arch;
pub use syscalls::{Errno, Sysno};

/// Turn a raw kernel return (`-errno` on failure) into a `Result`.
pub fn check(raw: i64) -> Result<u64, Errno> {
    if (-4095..0).contains(&raw) {
        Err(Errno::new(-raw as i32))
    } else {
        Ok(raw as u64)
    }
}

/// The raw kernel return of a call that fails with `errno`: `-errno`
/// (what [`check`] turns back into `Err(errno)`).
#[inline]
pub fn error_return(errno: Errno) -> i64 {
    -(errno.into_raw() as i64)
}

/// The failures the runtime itself gives the program's calls, in the
/// kernel's form ([`error_return`] of the `Errno` of the same name), for
/// the trap path's raw results.
pub(crate) mod fail {
    pub const E2BIG: i64 = -(libc::E2BIG as i64);
    pub const EAGAIN: i64 = -(libc::EAGAIN as i64);
    pub const EFAULT: i64 = -(libc::EFAULT as i64);
    pub const EINTR: i64 = -(libc::EINTR as i64);
    pub const EINVAL: i64 = -(libc::EINVAL as i64);
    pub const ENOSYS: i64 = -(libc::ENOSYS as i64);
    pub const EPERM: i64 = -(libc::EPERM as i64);
}

/// A native (x86_64) call with up to six arguments; missing ones are 0.
///
/// # Safety
/// The call is made exactly as given: the caller must uphold whatever the
/// call requires of its pointer arguments, as with `libc::syscall`.
pub unsafe fn syscall(nr: Sysno, args: &[u64]) -> Result<u64, Errno> {
    // SAFETY: the caller's contract is the gate's.
    check(unsafe { arch::gate_native(nr.id() as u64, pad(args)) })
}

/// A native call by number, returning the raw kernel value.
///
/// # Safety
/// As for [`syscall`].
pub unsafe fn syscall_raw(nr: u64, args: [u64; 6]) -> i64 {
    // SAFETY: the caller's contract is the gate's.
    unsafe { arch::gate_native(nr, args) }
}

/// An i386 call (`int 0x80` numbering and 32-bit arguments).
///
/// # Safety
/// As for [`syscall`]; pointers must fit in 32 bits.
pub unsafe fn syscall_i386(nr: syscalls::x86::Sysno, args: &[u64]) -> Result<u64, Errno> {
    // SAFETY: the caller's contract is the gate's.
    check(unsafe { arch::gate_compat(nr.id() as u64, pad(args)) })
}

fn pad(args: &[u64]) -> [u64; 6] {
    let mut a = [0u64; 6];
    for (slot, v) in a.iter_mut().zip(args) {
        *slot = *v;
    }
    a
}

pub fn getpid() -> u32 {
    // SAFETY: getpid takes no arguments and changes nothing.
    unsafe { arch::gate_native(arch::nr::GETPID, [0; 6]) as u32 }
}

pub fn gettid() -> u32 {
    // SAFETY: gettid takes no arguments and changes nothing.
    unsafe { arch::gate_native(arch::nr::GETTID, [0; 6]) as u32 }
}

/// `rt_sigprocmask(how, set, old)` on this thread's real mask (the first
/// 64 signals); the raw result.
pub(crate) fn sigprocmask(how: libc::c_int, set: Option<&u64>, old: Option<&mut u64>) -> i64 {
    let set = set.map_or(0, |s| s as *const u64 as u64);
    let old = old.map_or(0, |o| o as *mut u64 as u64);
    // SAFETY: the kernel reads 8 bytes at `set` and writes 8 at `old`, each
    // a live reference or null; a mask touches no memory.
    unsafe { arch::gate_native(arch::nr::RT_SIGPROCMASK, [how as u64, set, old, 8, 0, 0]) }
}

/// `personality(persona)`: with `0xffffffff`, only reads it; the raw result.
pub(crate) fn personality(persona: u64) -> i64 {
    // SAFETY: personality takes a value; its flags change how later
    // mappings and execs are made, not memory that exists.
    unsafe { arch::gate_native(arch::nr::PERSONALITY, [persona, 0, 0, 0, 0, 0]) }
}

/// A new private anonymous mapping of `len` bytes where the kernel chooses
/// (`extra` may add flags such as `MAP_NORESERVE`, never `MAP_FIXED` or
/// `MAP_SHARED`); the raw result.
pub(crate) fn map_anonymous(len: u64, prot: u64, extra: u64) -> i64 {
    let never = (libc::MAP_FIXED | libc::MAP_SHARED) as u64;
    let flags = (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64 | (extra & !never);
    // SAFETY: without MAP_FIXED the kernel picks unused addresses: no
    // existing memory is replaced.
    unsafe { arch::gate_native(arch::nr::MMAP, [0, len, prot, flags, u64::MAX, 0]) }
}

/// `write(2)` of the whole buffer in one call.
pub fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the pointer and length describe a live slice.
    let r = unsafe { syscall(Sysno::write, &[fd as u64, buf.as_ptr() as u64, buf.len() as u64]) };
    r.map(|n| n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_their_errnos() {
        for (raw, errno) in [
            (fail::E2BIG, Errno::E2BIG),
            (fail::EAGAIN, Errno::EAGAIN),
            (fail::EFAULT, Errno::EFAULT),
            (fail::EINTR, Errno::EINTR),
            (fail::EINVAL, Errno::EINVAL),
            (fail::ENOSYS, Errno::ENOSYS),
            (fail::EPERM, Errno::EPERM),
        ] {
            assert_eq!(raw, error_return(errno));
            assert_eq!(check(raw), Err(errno));
        }
    }
}
