//! Reading and writing the program's memory without trusting its pointers.
//!
//! A bad pointer passed to a trapped call must fail the call with `EFAULT`,
//! as the kernel would, not crash the handler. `process_vm_readv(2)` on our
//! own pid copies like the kernel does and reports a fault as an error.

use crate::sys::arch;
use crate::sys::raw::{check, Errno};

#[repr(C)]
struct IoVec {
    base: u64,
    len: u64,
}

/// # Safety
/// For `PROCESS_VM_WRITEV`, the caller answers for what is written at
/// `remote` (the kernel checks only that it is mapped and writable); for
/// both, `local` must be valid for `len` bytes of the direction's access.
unsafe fn transfer(nr: u64, local: u64, remote: u64, len: usize) -> Result<(), Errno> {
    let l = IoVec { base: local, len: len as u64 };
    let r = IoVec { base: remote, len: len as u64 };
    let pid = crate::sys::raw::getpid() as u64;
    let args = [pid, &l as *const IoVec as u64, 1, &r as *const IoVec as u64, 1, 0];
    // SAFETY: the iovecs are live locals; the memory they describe is the
    // caller's contract.
    match check(unsafe { arch::gate_native(nr, args) })? {
        n if n as usize == len => Ok(()),
        _ => Err(Errno::EFAULT),
    }
}

/// Copy `buf.len()` bytes from the program's address `addr`; an address
/// that is not mapped readable fails with `EFAULT` (or the kernel's error)
/// instead of faulting.
pub fn read(addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
    // SAFETY: reading only fills `buf`, a live exclusive slice of the
    // given length; the remote side is only read.
    unsafe { transfer(arch::nr::PROCESS_VM_READV, buf.as_mut_ptr() as u64, addr, buf.len()) }
}

/// Copy `buf` to the program's address `addr`; an address that is not
/// mapped writable fails with `EFAULT` instead of faulting.
///
/// # Safety
/// Any writable memory of the process can be the target, the runtime's
/// and Rust's own included: `addr..addr + buf.len()` must be memory the
/// caller may write, as through a `*mut u8` (typically a buffer the
/// program passed to the call being hooked, for the call to fill), and
/// not memory any reference in use points at.
pub unsafe fn write(addr: u64, buf: &[u8]) -> Result<(), Errno> {
    // SAFETY: `buf` is a live slice; the target is the caller's contract.
    unsafe { transfer(arch::nr::PROCESS_VM_WRITEV, buf.as_ptr() as u64, addr, buf.len()) }
}

/// Read a `u64` at the program's address `addr`, as [`read`].
pub fn read_u64(addr: u64) -> Result<u64, Errno> {
    let mut b = [0u8; 8];
    read(addr, &mut b)?;
    Ok(u64::from_ne_bytes(b))
}

/// Write `v` at the program's address `addr`.
///
/// # Safety
/// As for [`write()`], for 8 bytes.
pub unsafe fn write_u64(addr: u64, v: u64) -> Result<(), Errno> {
    // SAFETY: the caller's contract, for 8 bytes.
    unsafe { write(addr, &v.to_ne_bytes()) }
}

/// Read a NUL-terminated string into `buf`; returns the bytes before the
/// NUL, or the whole buffer if no NUL came first. Reads page by page so a
/// string ending just before an unmapped page is still read.
pub fn read_cstr(addr: u64, buf: &mut [u8]) -> Result<usize, Errno> {
    let mut done = 0;
    while done < buf.len() {
        let at = addr + done as u64;
        let to_page_end = 4096 - (at % 4096) as usize;
        let n = to_page_end.min(buf.len() - done);
        read(at, &mut buf[done..done + n])?;
        if let Some(nul) = buf[done..done + n].iter().position(|&b| b == 0) {
            return Ok(done + nul);
        }
        done += n;
    }
    Ok(done)
}
