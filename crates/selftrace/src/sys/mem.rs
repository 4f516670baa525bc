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

fn transfer(nr: u64, local: u64, remote: u64, len: usize) -> Result<(), Errno> {
    let l = IoVec { base: local, len: len as u64 };
    let r = IoVec { base: remote, len: len as u64 };
    let pid = crate::sys::raw::getpid() as u64;
    let args = [pid, &l as *const IoVec as u64, 1, &r as *const IoVec as u64, 1, 0];
    match check(arch::gate_native(nr, args))? {
        n if n as usize == len => Ok(()),
        _ => Err(Errno::EFAULT),
    }
}

/// Copy `buf.len()` bytes from the program's address `addr`.
pub fn read(addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
    transfer(arch::nr::PROCESS_VM_READV, buf.as_mut_ptr() as u64, addr, buf.len())
}

/// Copy `buf` to the program's address `addr`.
pub fn write(addr: u64, buf: &[u8]) -> Result<(), Errno> {
    transfer(arch::nr::PROCESS_VM_WRITEV, buf.as_ptr() as u64, addr, buf.len())
}

pub fn read_u64(addr: u64) -> Result<u64, Errno> {
    let mut b = [0u8; 8];
    read(addr, &mut b)?;
    Ok(u64::from_ne_bytes(b))
}

pub fn write_u64(addr: u64, v: u64) -> Result<(), Errno> {
    write(addr, &v.to_ne_bytes())
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
