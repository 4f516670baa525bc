//! Files and directories: open, read and write, modes, links, owners,
//! sizes, times and locks. The calls that need no code are lines of the
//! table; here are their flag tables and the arguments that need code.
//!
//! Every rendering here was checked against strace 6.1 on x86_64 (small C
//! programs under strace, default options unless a test says otherwise).

use super::{
    arg, array_arg, field_dec, field_udec, in_struct, int, quoted_mem, read_struct, uint, Context,
    Writer,
};
use crate::out::Out;
use selftrace::info::SyscallInfo;

const ACCMODE: u64 = libc::O_ACCMODE as u64;

const ACCESS_MODES: &[(u64, &str)] = &flags![O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE];

/// Bits of `O_SYNC` and `O_TMPFILE` not shared with `O_DSYNC` and
/// `O_DIRECTORY` (glibc's `__O_SYNC`, `__O_TMPFILE`).
const O_SYNC_ONLY: u64 = (libc::O_SYNC & !libc::O_DSYNC) as u64;

const O_TMPFILE_ONLY: u64 = (libc::O_TMPFILE & !libc::O_DIRECTORY) as u64;

/// The kernel's `O_LARGEFILE` (glibc defines it as 0 on x86_64).
const O_LARGEFILE: u64 = 0o100000;

pub(crate) const OPEN_FLAGS: &[(u64, &str)] = &flags![
    O_CREAT,
    O_EXCL,
    O_NOCTTY,
    O_TRUNC,
    O_APPEND,
    O_NONBLOCK,
    O_SYNC,
    O_DSYNC,
    (O_SYNC_ONLY, "__O_SYNC"),
    O_DIRECT,
    (O_LARGEFILE, "O_LARGEFILE"),
    O_NOFOLLOW,
    O_NOATIME,
    O_CLOEXEC,
    O_PATH,
    O_TMPFILE,
    (O_TMPFILE_ONLY, "__O_TMPFILE"),
    O_DIRECTORY,
    (libc::O_ASYNC as u64, "FASYNC"),
];

/// open(2)'s flags: the access mode, then the other flags.
pub(crate) fn write_open_flags(o: &mut Out, v: u64) {
    o.value_flags(uint(v), ACCMODE, ACCESS_MODES, OPEN_FLAGS);
}

/// Whether open's `mode` argument is meaningful (strace prints it only then).
fn open_has_mode(flags: u64) -> bool {
    flags & libc::O_CREAT as u64 != 0 || flags & O_TMPFILE_ONLY != 0
}

/// A permission mode: octal of its low 16 bits (`0644`, `000`).
fn mode(o: &mut Out, v: u64) {
    o.oct(v & 0xffff);
}

pub(crate) const AT_FLAGS: &[(u64, &str)] = &flags![
    AT_SYMLINK_NOFOLLOW,
    AT_REMOVEDIR,
    AT_SYMLINK_FOLLOW,
    AT_NO_AUTOMOUNT,
    AT_EMPTY_PATH,
    AT_RECURSIVE,
];

/// The flags of faccessat2: `AT_EACCESS` shares its value with `AT_REMOVEDIR`.
pub(crate) const ACCESS_AT_FLAGS: &[(u64, &str)] = &flags![
    AT_SYMLINK_NOFOLLOW,
    AT_EACCESS,
    AT_SYMLINK_FOLLOW,
    AT_NO_AUTOMOUNT,
    AT_EMPTY_PATH,
    AT_RECURSIVE,
];

const ACCESS_OK: &[(u64, &str)] =
    &[(libc::R_OK as u64, "R_OK"), (libc::W_OK as u64, "W_OK"), (libc::X_OK as u64, "X_OK")];

/// `[{iov_base="...", iov_len=5}, ...]`: `data` bytes in all are shown
/// (what was read or written), `None` for addresses only (a failed read).
fn iovec(w: &mut Writer, name: &'static str, addr: u64, count: u64, data: Option<u64>) {
    let mut left = data.unwrap_or(0);
    let limit = w.context().string_limit;
    array_arg::<libc::iovec>(w, name, addr, count, |o, _, v| {
        let base = v.iov_base as u64;
        let len = v.iov_len as u64;
        o.str("{iov_base=");
        match data {
            Some(_) => {
                let n = len.min(left);
                left -= n;
                quoted_mem(o, base, n, limit);
            }
            None => o.ptr(base),
        }
        o.str(", ");
        field_udec(o, "iov_len", len);
        o.byte(b'}');
    });
}

pub(crate) const RENAME_FLAGS: &[(u64, &str)] =
    &flags![RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT];

/// umask returns the previous mask, printed in octal like the argument.
pub(crate) fn ret_octal(o: &mut Out, info: &SyscallInfo, _: &Context) {
    o.oct(info.rval as u64);
}

pub(crate) const FADVICE: &[(u64, &str)] = &flags![
    POSIX_FADV_NORMAL,
    POSIX_FADV_RANDOM,
    POSIX_FADV_SEQUENTIAL,
    POSIX_FADV_WILLNEED,
    POSIX_FADV_DONTNEED,
    POSIX_FADV_NOREUSE,
];

pub(crate) const FALLOC_FLAGS: &[(u64, &str)] = &flags![
    FALLOC_FL_KEEP_SIZE,
    FALLOC_FL_PUNCH_HOLE,
    FALLOC_FL_COLLAPSE_RANGE,
    FALLOC_FL_ZERO_RANGE,
    FALLOC_FL_INSERT_RANGE,
    FALLOC_FL_UNSHARE_RANGE,
];

/// `{tv_sec=1, tv_nsec=2} /* 1970-01-01T00:00:01.000000002+0000 */`,
/// or `UTIME_NOW` / `UTIME_OMIT`.
fn utime_spec(o: &mut Out, ts: &libc::timespec) {
    match ts.tv_nsec {
        libc::UTIME_NOW => return o.str("UTIME_NOW"),
        libc::UTIME_OMIT => return o.str("UTIME_OMIT"),
        _ => {}
    }
    field_dec(o, "{tv_sec", ts.tv_sec);
    o.str(", ");
    field_dec(o, "tv_nsec", ts.tv_nsec);
    o.byte(b'}');
    if (0..1_000_000_000).contains(&ts.tv_nsec) {
        o.str(" /* ");
        super::time::utc_time(o, ts.tv_sec, ts.tv_nsec as u64);
        o.str(" */");
    }
}

pub(crate) const LOCK_OPS: &[(u64, &str)] = &flags![
    LOCK_SH,
    LOCK_EX,
    LOCK_NB,
    LOCK_UN,
    (0x20, "LOCK_MAND"),
    (0xc0, "LOCK_RW"),
    (0x40, "LOCK_READ"),
    (0x80, "LOCK_WRITE"),
];

/// `[v]` where `v` is the offset as it was before the call moved it by `by`.
fn write_moved_offset(w: &mut Writer, name: &'static str, addr: u64, by: i64) {
    match (addr != 0).then(|| read_struct::<i64>(addr)).flatten() {
        Some(v) => w.text(name, addr, |o| {
            o.byte(b'[');
            o.dec(v.wrapping_sub(by));
            o.byte(b']');
        }),
        None => w.ptr(name, addr),
    }
}

/// umount2(2)'s flags.
pub(crate) const UMOUNT_FLAGS: &[(u64, &str)] =
    &flags![MNT_FORCE, MNT_DETACH, MNT_EXPIRE, UMOUNT_NOFOLLOW];

/// sync_file_range(2)'s flags.
pub(crate) const SYNC_FILE_RANGE_FLAGS: &[(u64, &str)] =
    &flags![SYNC_FILE_RANGE_WAIT_BEFORE, SYNC_FILE_RANGE_WRITE, SYNC_FILE_RANGE_WAIT_AFTER,];

pub(crate) const CLOSE_RANGE_FLAGS: &[(u64, &str)] =
    &flags![CLOSE_RANGE_UNSHARE, CLOSE_RANGE_CLOEXEC];

pub(crate) const WHENCE: &[(u64, &str)] =
    &flags![SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE];

/// open's flags: the access mode, then the other flags.
pub(crate) fn open_flags(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let v = arg(info, i);
    w.text(name, v, |o| write_open_flags(o, v));
}

/// open's mode, shown only when the flags before it create a file.
pub(crate) fn open_mode(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let (flags, m) = (arg(info, i.wrapping_sub(1)), arg(info, i));
    if open_has_mode(uint(flags)) {
        w.text(name, m, |o| mode(o, m));
    }
}

/// access(2)'s mode: `F_OK` or the `?_OK` bits.
pub(crate) fn access_mode(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let v = uint(arg(info, i));
    w.text(name, v, |o| {
        if v == 0 {
            o.str("F_OK");
        } else {
            o.flags_or_unknown(v, ACCESS_OK, "?_OK");
        }
    });
}

/// readv's vectors: only the bytes read are shown; addresses on failure.
pub(crate) fn readv_iov(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let data = (!info.is_error()).then_some(info.rval as u64);
    iovec(w, name, arg(info, i), int(arg(info, i + 1)) as u64, data);
}

/// writev's vectors, all their bytes.
pub(crate) fn writev_iov(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    iovec(w, name, arg(info, i), int(arg(info, i + 1)) as u64, Some(u64::MAX));
}

/// getcwd's buffer: the directory the kernel wrote, or the address.
pub(crate) fn cwd(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let buf = arg(info, i);
    if info.is_error() {
        w.ptr(name, buf);
    } else {
        w.path(name, buf);
    }
}

/// utimensat's two times.
pub(crate) fn utimens(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    in_struct::<[libc::timespec; 2]>(w, name, arg(info, i), |o, ts| {
        o.byte(b'[');
        utime_spec(o, &ts[0]);
        o.str(", ");
        utime_spec(o, &ts[1]);
        o.byte(b']');
    });
}

/// sendfile's offset: `[before] => [after]`. The hook runs at exit, when
/// the kernel has already moved the offset: the value before is the value
/// now minus what was sent.
pub(crate) fn sendfile_offset(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let offset = arg(info, i);
    let now = if offset == 0 { None } else { read_struct::<i64>(offset) };
    match now {
        None => w.ptr(name, offset),
        Some(v) => w.text(name, offset, |o| {
            o.byte(b'[');
            if info.is_error() || info.rval == 0 {
                o.dec(v);
            } else {
                o.dec(v.wrapping_sub(info.rval));
                o.str("] => [");
                o.dec(v);
            }
            o.byte(b']');
        }),
    }
}

/// copy_file_range's offsets: strace reads them at entry; at exit they
/// have moved by the bytes copied.
pub(crate) fn moved_offset(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let copied = if info.is_error() { 0 } else { info.rval };
    write_moved_offset(w, name, arg(info, i), copied);
}
