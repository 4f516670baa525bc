//! The decoders' unit tests, by domain. Expected lines come from strace
//! 6.1 runs of small C programs doing the same calls (`strace -o out
//! ./prog`, `-s 3`/`-s 5` or `-y` where noted); addresses that differ
//! between runs are filled in from the test's own pointers.

mod descriptors;
mod files;
mod process;

pub(super) use crate::decode::{render, write_return, Context};
pub(super) use crate::out::Out;
pub(super) use selftrace::info::{Abi, SyscallInfo};
pub(super) use selftrace::Sysno;

pub(super) fn cx() -> Context {
    Context::default()
}

pub(super) fn line_cx(nr: Sysno, args: &[u64], rval: i64, cx: Context) -> String {
    crate::errno::prepare();
    let mut a = [0u64; 6];
    for (d, s) in a.iter_mut().zip(args) {
        *d = *s;
    }
    let info = SyscallInfo::entry(Abi::X86_64, nr.id() as u64, a).at_exit(rval);
    let mut buf = vec![0u8; 16384];
    let mut out = Out::new(&mut buf);
    out.str(info.name().unwrap());
    out.byte(b'(');
    let r = render(&mut out, &info, cx);
    out.str(") = ");
    write_return(&mut out, &info, &r, &cx);
    String::from_utf8(out.as_bytes().to_vec()).unwrap()
}

pub(super) fn line(nr: Sysno, args: &[u64], rval: i64) -> String {
    line_cx(nr, args, rval, cx())
}

pub(super) fn p<T: ?Sized>(v: &T) -> u64 {
    v as *const T as *const u8 as u64
}

pub(super) fn s(v: &[u8]) -> u64 {
    v.as_ptr() as u64
}

pub(super) fn limit(n: usize) -> Context {
    Context { string_limit: n, fd_paths: false }
}

pub(super) const EBADF: i64 = -(libc::EBADF as i64);
pub(super) const EFAULT: i64 = -(libc::EFAULT as i64);
pub(super) const EINVAL: i64 = -(libc::EINVAL as i64);
pub(super) const ENOENT: i64 = -(libc::ENOENT as i64);
/// An address in the never-mapped first page.
pub(super) const BAD: u64 = 8;

/// A file of `content` under the system temporary directory, open for
/// reading; returns its descriptor and path.
pub(super) fn temp_file(tag: &str, content: &[u8]) -> (std::fs::File, String) {
    use std::os::unix::fs::PermissionsExt;
    let path =
        format!("{}/selftrace-file-{}-{}", std::env::temp_dir().display(), tag, std::process::id());
    std::fs::write(&path, content).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    (std::fs::File::open(&path).unwrap(), path)
}

pub(super) fn zeroed<T>() -> T {
    // SAFETY: only used for plain C structures (stat, statx, ...), for
    // which all-zero bytes are a valid value.
    unsafe { std::mem::zeroed() }
}
