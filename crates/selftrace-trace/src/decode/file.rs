//! Files, descriptors and directories: open, read, write, stat, ...
//!
//! Every rendering here was checked against strace 6.1 on x86_64 (small C
//! programs under strace, default options unless a test says otherwise).
//! strace's non-verbose mode is the model: structures show the fields
//! strace shows without `-v`, followed by `...`.

use super::{fd as write_fd, read_struct, Context, Decoder, Plain, Ret, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;
use selftrace::Sysno;

pub fn decoder(sysno: Sysno) -> Option<Decoder> {
    let d: Decoder = match sysno {
        Sysno::read => read,
        Sysno::write => write,
        Sysno::pread64 => pread64,
        Sysno::pwrite64 => pwrite64,
        Sysno::readv => readv,
        Sysno::writev => writev,
        Sysno::open => open,
        Sysno::openat => openat,
        Sysno::creat => creat,
        Sysno::close => fd_only,
        Sysno::fsync => fd_only,
        Sysno::fdatasync => fd_only,
        Sysno::fchdir => fd_only,
        Sysno::stat => stat,
        Sysno::lstat => stat,
        Sysno::fstat => fstat,
        Sysno::newfstatat => newfstatat,
        Sysno::statx => statx,
        Sysno::lseek => lseek,
        Sysno::access => access,
        Sysno::faccessat => faccessat,
        Sysno::faccessat2 => faccessat2,
        Sysno::dup => dup,
        Sysno::dup2 => dup2,
        Sysno::dup3 => dup3,
        Sysno::pipe => pipe,
        Sysno::pipe2 => pipe2,
        Sysno::fcntl => fcntl,
        Sysno::getdents => getdents,
        Sysno::getdents64 => getdents,
        Sysno::ioctl => ioctl,
        Sysno::getcwd => getcwd,
        Sysno::chdir => path_only,
        Sysno::unlink => path_only,
        Sysno::rmdir => path_only,
        Sysno::readlink => readlink,
        Sysno::readlinkat => readlinkat,
        Sysno::unlinkat => unlinkat,
        Sysno::mkdir => path_mode,
        Sysno::chmod => path_mode,
        Sysno::mkdirat => dirfd_path_mode,
        Sysno::fchmodat => dirfd_path_mode,
        Sysno::fchmod => fchmod,
        Sysno::mknod => mknod,
        Sysno::mknodat => mknodat,
        Sysno::rename => two_paths,
        Sysno::link => two_paths,
        Sysno::renameat => renameat,
        Sysno::renameat2 => renameat2,
        Sysno::linkat => linkat,
        Sysno::symlink => symlink,
        Sysno::symlinkat => symlinkat,
        Sysno::umask => umask,
        Sysno::chown => chown,
        Sysno::lchown => chown,
        Sysno::fchown => fchown,
        Sysno::fchownat => fchownat,
        Sysno::truncate => truncate,
        Sysno::ftruncate => ftruncate,
        Sysno::fadvise64 => fadvise64,
        Sysno::fallocate => fallocate,
        Sysno::utimensat => utimensat,
        Sysno::statfs => statfs,
        Sysno::fstatfs => fstatfs,
        Sysno::flock => flock,
        Sysno::sendfile => sendfile,
        Sysno::copy_file_range => copy_file_range,
        Sysno::close_range => close_range,
        Sysno::poll => poll,
        Sysno::epoll_create => epoll_create,
        Sysno::epoll_create1 => epoll_create1,
        Sysno::epoll_ctl => epoll_ctl,
        Sysno::epoll_wait => epoll_wait,
        Sysno::eventfd2 => eventfd2,
        Sysno::inotify_init1 => inotify_init1,
        Sysno::inotify_add_watch => inotify_add_watch,
        Sysno::inotify_rm_watch => inotify_rm_watch,
        _ => return None,
    };
    Some(d)
}

// ---------------------------------------------------------------------------
// Shared renderings

type Table = [(u64, &'static str)];

/// A flag set where strace prints nothing at all for 0 (termios fields).
fn flags_or_empty(o: &mut Out, v: u64, table: &Table) {
    if v != 0 {
        o.flags(v, table);
    }
}

/// An `int` argument given in a 64-bit register: strace uses the low half.
fn int(v: u64) -> i64 {
    v as i32 as i64
}

/// An `unsigned int` argument.
fn uint(v: u64) -> u64 {
    v as u32 as u64
}

/// `len` bytes at `addr` as a quoted string cut at `limit`; the address
/// when unreadable.
fn quoted_mem(o: &mut Out, addr: u64, len: u64, limit: usize) {
    let mut buf = [0u8; super::PATH_MAX];
    let shown = (len.min(limit as u64) as usize).min(buf.len());
    let Some(b) = buf.get_mut(..shown) else { return o.ptr(addr) };
    if addr == 0 && len > 0 || selftrace::mem::read(addr, b).is_err() {
        return o.ptr(addr);
    }
    o.quoted(b, len > shown as u64);
}

/// An array of `count` `T`s at `addr`, as `[a, b, ...]`: at most `limit`
/// elements (strace cuts arrays at `-s` too), each rendered by `each`.
/// An element that cannot be read ends the array with `...`.
fn array<T: Plain>(
    o: &mut Out,
    addr: u64,
    count: u64,
    limit: usize,
    mut each: impl FnMut(&mut Out, u64, &T),
) {
    o.byte(b'[');
    let size = std::mem::size_of::<T>() as u64;
    let mut i = 0u64;
    while i < count {
        if i > 0 {
            o.str(", ");
        }
        if i >= limit as u64 {
            o.str("...");
            break;
        }
        let at = addr.wrapping_add(i.wrapping_mul(size));
        match read_struct::<T>(at) {
            Some(v) => each(o, i, &v),
            None => {
                o.str("...");
                break;
            }
        }
        i += 1;
    }
    o.byte(b']');
}

/// Whether `array` can show anything at `addr`: NULL and unreadable
/// arrays print as their address.
fn array_readable<T: Plain>(addr: u64, count: u64) -> bool {
    addr != 0 && (count == 0 || read_struct::<T>(addr).is_some())
}

/// Write an array argument, or its address when it cannot be read.
fn array_arg<T: Plain>(
    w: &mut Writer,
    name: &'static str,
    addr: u64,
    count: u64,
    each: impl FnMut(&mut Out, u64, &T),
) {
    if !array_readable::<T>(addr, count) {
        return w.ptr(name, addr);
    }
    let limit = w.context().string_limit;
    w.text(name, addr, |o| array(o, addr, count, limit, each));
}

/// An output structure: shown when the call succeeded and it can be read,
/// otherwise its address (`NULL` for 0), as strace does.
fn out_struct<T: Plain>(
    w: &mut Writer,
    info: &SyscallInfo,
    name: &'static str,
    addr: u64,
    body: impl FnOnce(&mut Out, &T),
) {
    if info.is_error() {
        return w.ptr(name, addr);
    }
    in_struct(w, name, addr, body);
}

/// An input structure: shown whenever it can be read.
fn in_struct<T: Plain>(
    w: &mut Writer,
    name: &'static str,
    addr: u64,
    body: impl FnOnce(&mut Out, &T),
) {
    match (addr != 0).then(|| read_struct::<T>(addr)).flatten() {
        Some(v) => w.text(name, addr, |o| body(o, &v)),
        None => w.ptr(name, addr),
    }
}

/// `[value]` of an `int` in memory (`FIONREAD`, `ioctl` arguments).
fn int_ref(w: &mut Writer, name: &'static str, addr: u64, shown: bool) {
    if !shown {
        return w.ptr(name, addr);
    }
    in_struct::<i32>(w, name, addr, |o, v| {
        o.byte(b'[');
        o.dec(*v as i64);
        o.byte(b']');
    });
}

fn field_dec(o: &mut Out, name: &str, v: i64) {
    o.str(name);
    o.byte(b'=');
    o.dec(v);
}

fn field_udec(o: &mut Out, name: &str, v: u64) {
    o.str(name);
    o.byte(b'=');
    o.udec(v);
}

// ---------------------------------------------------------------------------
// Flag tables (values from <fcntl.h>, <linux/stat.h>, ...; the order is the
// order strace prints them in, which is not always ascending)

const ACCMODE: u64 = libc::O_ACCMODE as u64;

const ACCESS_MODES: [(u64, &str); 4] = flags![O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE];

/// Bits of `O_SYNC` and `O_TMPFILE` not shared with `O_DSYNC` and
/// `O_DIRECTORY` (glibc's `__O_SYNC`, `__O_TMPFILE`).
const O_SYNC_ONLY: u64 = (libc::O_SYNC & !libc::O_DSYNC) as u64;
const O_TMPFILE_ONLY: u64 = (libc::O_TMPFILE & !libc::O_DIRECTORY) as u64;
/// The kernel's `O_LARGEFILE` (glibc defines it as 0 on x86_64).
const O_LARGEFILE: u64 = 0o100000;

const OPEN_FLAGS: [(u64, &str); 19] = flags![
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
fn open_flags(o: &mut Out, v: u64) {
    o.value_flags(uint(v), ACCMODE, &ACCESS_MODES, &OPEN_FLAGS);
}

/// Whether open's `mode` argument is meaningful (strace prints it only then).
fn open_has_mode(flags: u64) -> bool {
    flags & libc::O_CREAT as u64 != 0 || flags & O_TMPFILE_ONLY != 0
}

/// A permission mode: octal of its low 16 bits (`0644`, `000`).
fn mode(o: &mut Out, v: u64) {
    o.oct(v & 0xffff);
}

const S_IFMT: u64 = libc::S_IFMT as u64;

const FILE_TYPES: [(u64, &str); 7] =
    flags![S_IFREG, S_IFSOCK, S_IFIFO, S_IFLNK, S_IFDIR, S_IFBLK, S_IFCHR];

/// A mode with its file type: `S_IFREG|S_ISUID|0755`; octal when the type
/// is missing or unknown.
fn file_mode(o: &mut Out, m: u64) {
    let m = m & 0xffff;
    match FILE_TYPES.iter().find(|&&(t, _)| t == m & S_IFMT) {
        Some(&(_, name)) => {
            o.str(name);
            o.byte(b'|');
            for (bit, name) in [
                (libc::S_ISUID, "S_ISUID|"),
                (libc::S_ISGID, "S_ISGID|"),
                (libc::S_ISVTX, "S_ISVTX|"),
            ] {
                if m & bit as u64 != 0 {
                    o.str(name);
                }
            }
            o.oct(m & 0o777);
        }
        None => o.oct(m),
    }
}

/// `makedev(0x88, 0)`.
fn makedev(o: &mut Out, dev: u64) {
    o.str("makedev(");
    o.hex0(libc::major(dev) as u64);
    o.str(", ");
    o.hex0(libc::minor(dev) as u64);
    o.byte(b')');
}

const AT_FLAGS: [(u64, &str); 6] = flags![
    AT_SYMLINK_NOFOLLOW,
    AT_REMOVEDIR,
    AT_SYMLINK_FOLLOW,
    AT_NO_AUTOMOUNT,
    AT_EMPTY_PATH,
    AT_RECURSIVE,
];

/// The flags of faccessat2: `AT_EACCESS` shares its value with `AT_REMOVEDIR`.
const ACCESS_AT_FLAGS: [(u64, &str); 6] = flags![
    AT_SYMLINK_NOFOLLOW,
    AT_EACCESS,
    AT_SYMLINK_FOLLOW,
    AT_NO_AUTOMOUNT,
    AT_EMPTY_PATH,
    AT_RECURSIVE,
];

fn at_flags(w: &mut Writer, name: &'static str, v: u64) {
    w.text(name, v, |o| o.flags_or_unknown(uint(v), &AT_FLAGS, "AT_???"));
}

const ACCESS_OK: [(u64, &str); 3] =
    [(libc::R_OK as u64, "R_OK"), (libc::W_OK as u64, "W_OK"), (libc::X_OK as u64, "X_OK")];

fn access_mode(w: &mut Writer, v: u64) {
    let v = uint(v);
    w.text("mode", v, |o| {
        if v == 0 {
            o.str("F_OK");
        } else {
            o.flags_or_unknown(v, &ACCESS_OK, "?_OK");
        }
    });
}

/// Flags of pipe2 and dup3: open(2)'s flags, `O_???` when none is known.
fn fd_flags(w: &mut Writer, v: u64) {
    w.text("flags", v, |o| o.flags_or_unknown(uint(v), &OPEN_FLAGS, "O_???"));
}

// ---------------------------------------------------------------------------
// read, write and their vectored and positioned forms

/// The data of a read: what the call returned, or the address on failure.
fn read_buf(w: &mut Writer, info: &SyscallInfo, addr: u64) {
    if info.is_error() {
        w.ptr("buf", addr);
    } else {
        w.bytes("buf", addr, info.rval as u64);
    }
}

fn read(w: &mut Writer, info: &SyscallInfo) {
    let [fd, buf, count, ..] = info.args;
    w.fd("fd", fd);
    read_buf(w, info, buf);
    w.uint("count", count);
}

fn write(w: &mut Writer, info: &SyscallInfo) {
    let [fd, buf, count, ..] = info.args;
    w.fd("fd", fd);
    w.bytes("buf", buf, count);
    w.uint("count", count);
}

fn pread64(w: &mut Writer, info: &SyscallInfo) {
    read(w, info);
    w.int("offset", info.args[3] as i64);
}

fn pwrite64(w: &mut Writer, info: &SyscallInfo) {
    write(w, info);
    w.int("offset", info.args[3] as i64);
}

/// `[{iov_base="...", iov_len=5}, ...]`: `data` bytes in all are shown
/// (what was read or written), `None` for addresses only (a failed read).
fn iovec(w: &mut Writer, addr: u64, count: u64, data: Option<u64>) {
    let mut left = data.unwrap_or(0);
    let limit = w.context().string_limit;
    array_arg::<libc::iovec>(w, "iov", addr, count, |o, _, v| {
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

fn readv(w: &mut Writer, info: &SyscallInfo) {
    let [fd, iov, cnt, ..] = info.args;
    w.fd("fd", fd);
    let data = (!info.is_error()).then_some(info.rval as u64);
    iovec(w, iov, int(cnt) as u64, data);
    w.int("iovcnt", int(cnt));
}

fn writev(w: &mut Writer, info: &SyscallInfo) {
    let [fd, iov, cnt, ..] = info.args;
    w.fd("fd", fd);
    iovec(w, iov, int(cnt) as u64, Some(u64::MAX));
    w.int("iovcnt", int(cnt));
}

// ---------------------------------------------------------------------------
// open, close, creat

fn open_tail(w: &mut Writer, flags: u64, m: u64) {
    w.text("flags", flags, |o| open_flags(o, flags));
    if open_has_mode(uint(flags)) {
        w.text("mode", m, |o| mode(o, m));
    }
    w.returns(Ret::Fd);
}

fn open(w: &mut Writer, info: &SyscallInfo) {
    let [path, flags, m, ..] = info.args;
    w.path("pathname", path);
    open_tail(w, flags, m);
}

fn openat(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, flags, m, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    open_tail(w, flags, m);
}

fn creat(w: &mut Writer, info: &SyscallInfo) {
    path_mode(w, info);
    w.returns(Ret::Fd);
}

fn fd_only(w: &mut Writer, info: &SyscallInfo) {
    w.fd("fd", info.args[0]);
}

fn path_only(w: &mut Writer, info: &SyscallInfo) {
    w.path("pathname", info.args[0]);
}

fn path_mode(w: &mut Writer, info: &SyscallInfo) {
    let [path, m, ..] = info.args;
    w.path("pathname", path);
    w.text("mode", m, |o| mode(o, m));
}

fn dirfd_path_mode(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, m, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    w.text("mode", m, |o| mode(o, m));
}

fn fchmod(w: &mut Writer, info: &SyscallInfo) {
    let [fd, m, ..] = info.args;
    w.fd("fd", fd);
    w.text("mode", m, |o| mode(o, m));
}

/// mknod's mode and, for devices, its `dev`.
fn mknod_tail(w: &mut Writer, m: u64, dev: u64) {
    w.text("mode", m, |o| file_mode(o, m));
    let ty = m & S_IFMT;
    if ty == libc::S_IFCHR as u64 || ty == libc::S_IFBLK as u64 {
        w.text("dev", dev, |o| makedev(o, dev));
    }
}

fn mknod(w: &mut Writer, info: &SyscallInfo) {
    let [path, m, dev, ..] = info.args;
    w.path("pathname", path);
    mknod_tail(w, m, dev);
}

fn mknodat(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, m, dev, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    mknod_tail(w, m, dev);
}

// ---------------------------------------------------------------------------
// stat family

/// `{st_mode=S_IFREG|0644, st_size=7, ...}`; devices show `st_rdev`
/// instead of `st_size`.
fn stat_body(o: &mut Out, st: &libc::stat) {
    o.str("{st_mode=");
    file_mode(o, st.st_mode as u64);
    let ty = st.st_mode as u64 & S_IFMT;
    if ty == libc::S_IFCHR as u64 || ty == libc::S_IFBLK as u64 {
        o.str(", st_rdev=");
        makedev(o, st.st_rdev);
    } else {
        o.str(", ");
        field_dec(o, "st_size", st.st_size);
    }
    o.str(", ...}");
}

fn stat(w: &mut Writer, info: &SyscallInfo) {
    let [path, buf, ..] = info.args;
    w.path("pathname", path);
    out_struct(w, info, "statbuf", buf, stat_body);
}

fn fstat(w: &mut Writer, info: &SyscallInfo) {
    let [fd, buf, ..] = info.args;
    w.fd("fd", fd);
    out_struct(w, info, "statbuf", buf, stat_body);
}

fn newfstatat(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, buf, flags, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    out_struct(w, info, "statbuf", buf, stat_body);
    at_flags(w, "flags", flags);
}

const STATX_SYNC_TYPE: u64 = libc::AT_STATX_SYNC_TYPE as u64;

const STATX_AT_FLAGS: [(u64, &str); 8] = flags![
    AT_STATX_FORCE_SYNC,
    AT_STATX_DONT_SYNC,
    AT_SYMLINK_NOFOLLOW,
    AT_REMOVEDIR,
    AT_SYMLINK_FOLLOW,
    AT_NO_AUTOMOUNT,
    AT_EMPTY_PATH,
    AT_RECURSIVE,
];

/// statx's flags always name the sync type, `AT_STATX_SYNC_AS_STAT` for 0.
fn statx_flags(o: &mut Out, v: u64) {
    if v & STATX_SYNC_TYPE == 0 {
        o.str("AT_STATX_SYNC_AS_STAT");
        if v != 0 {
            o.byte(b'|');
            o.flags(v, &STATX_AT_FLAGS);
        }
    } else {
        o.flags(v, &STATX_AT_FLAGS);
    }
}

/// `STATX_DIOALIGN` (Linux 6.1), not in every libc.
const STATX_DIOALIGN: u64 = 0x2000;

const STATX_MASK: [(u64, &str); 16] = flags![
    STATX_ALL,
    STATX_BASIC_STATS,
    STATX_TYPE,
    STATX_MODE,
    STATX_NLINK,
    STATX_UID,
    STATX_GID,
    STATX_ATIME,
    STATX_MTIME,
    STATX_CTIME,
    STATX_INO,
    STATX_SIZE,
    STATX_BLOCKS,
    STATX_BTIME,
    STATX_MNT_ID,
    (STATX_DIOALIGN, "STATX_DIOALIGN"),
];

const STATX_ATTRS: [(u64, &str); 9] = flags![
    STATX_ATTR_COMPRESSED,
    STATX_ATTR_IMMUTABLE,
    STATX_ATTR_APPEND,
    STATX_ATTR_NODUMP,
    STATX_ATTR_ENCRYPTED,
    STATX_ATTR_AUTOMOUNT,
    STATX_ATTR_MOUNT_ROOT,
    STATX_ATTR_VERITY,
    STATX_ATTR_DAX,
];

fn statx_body(o: &mut Out, st: &libc::statx) {
    o.str("{stx_mask=");
    o.flags(st.stx_mask as u64, &STATX_MASK);
    o.str(", stx_attributes=");
    o.flags(st.stx_attributes, &STATX_ATTRS);
    o.str(", stx_mode=");
    file_mode(o, st.stx_mode as u64);
    o.str(", ");
    field_udec(o, "stx_size", st.stx_size);
    o.str(", ...}");
}

fn statx(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, flags, mask, buf, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    w.text("flags", flags, |o| statx_flags(o, uint(flags)));
    w.text("mask", mask, |o| o.flags_or_unknown(uint(mask), &STATX_MASK, "STATX_???"));
    out_struct(w, info, "statxbuf", buf, statx_body);
}

/// x86_64's `struct statfs` (libc's `fsid_t` hides its fields).
#[repr(C)]
#[derive(Clone, Copy)]
struct StatFs {
    f_type: i64,
    f_bsize: i64,
    f_blocks: u64,
    f_bfree: u64,
    f_bavail: u64,
    f_files: u64,
    f_ffree: u64,
    f_fsid: [i32; 2],
    f_namelen: i64,
    f_frsize: i64,
    f_flags: i64,
    f_spare: [i64; 4],
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for StatFs {}

/// Magic numbers of common file systems (<linux/magic.h>).
const FS_MAGIC: [(u64, &str); 28] = [
    (0xef53, "EXT2_SUPER_MAGIC"),
    (0x01021994, "TMPFS_MAGIC"),
    (0x9fa0, "PROC_SUPER_MAGIC"),
    (0x62656572, "SYSFS_MAGIC"),
    (0x1cd1, "DEVPTS_SUPER_MAGIC"),
    (0x794c7630, "OVERLAYFS_SUPER_MAGIC"),
    (0x9123683e, "BTRFS_SUPER_MAGIC"),
    (0x58465342, "XFS_SUPER_MAGIC"),
    (0x63677270, "CGROUP2_SUPER_MAGIC"),
    (0x27e0eb, "CGROUP_SUPER_MAGIC"),
    (0x6969, "NFS_SUPER_MAGIC"),
    (0x858458f6, "RAMFS_MAGIC"),
    (0x73717368, "SQUASHFS_MAGIC"),
    (0x65735546, "FUSE_SUPER_MAGIC"),
    (0x4d44, "MSDOS_SUPER_MAGIC"),
    (0x64626720, "DEBUGFS_MAGIC"),
    (0x74726163, "TRACEFS_MAGIC"),
    (0x73636673, "SECURITYFS_MAGIC"),
    (0xcafe4a11, "BPF_FS_MAGIC"),
    (0x9660, "ISOFS_SUPER_MAGIC"),
    (0x09041934, "ANON_INODE_FS_MAGIC"),
    (0x50495045, "PIPEFS_MAGIC"),
    (0x534f434b, "SOCKFS_MAGIC"),
    (0x958458f6, "HUGETLBFS_MAGIC"),
    (0xf2f52010, "F2FS_SUPER_MAGIC"),
    (0x6e736673, "NSFS_MAGIC"),
    (0x01161970, "GFS2_MAGIC"),
    (0x5346544e, "NTFS_SB_MAGIC"),
];

const ST_FLAGS: [(u64, &str); 14] = [
    (0x1, "ST_RDONLY"),
    (0x2, "ST_NOSUID"),
    (0x4, "ST_NODEV"),
    (0x8, "ST_NOEXEC"),
    (0x10, "ST_SYNCHRONOUS"),
    (0x20, "ST_VALID"),
    (0x40, "ST_MANDLOCK"),
    (0x80, "ST_WRITE"),
    (0x100, "ST_APPEND"),
    (0x200, "ST_IMMUTABLE"),
    (0x400, "ST_NOATIME"),
    (0x800, "ST_NODIRATIME"),
    (0x1000, "ST_RELATIME"),
    (0x2000, "ST_NOSYMFOLLOW"),
];

fn statfs_body(o: &mut Out, s: &StatFs) {
    o.str("{f_type=");
    match FS_MAGIC.iter().find(|&&(m, _)| m == s.f_type as u64) {
        Some(&(_, name)) => o.str(name),
        None => o.hex0(s.f_type as u64),
    }
    for (name, v) in [
        ("f_bsize", s.f_bsize as u64),
        ("f_blocks", s.f_blocks),
        ("f_bfree", s.f_bfree),
        ("f_bavail", s.f_bavail),
        ("f_files", s.f_files),
        ("f_ffree", s.f_ffree),
    ] {
        o.str(", ");
        field_udec(o, name, v);
    }
    o.str(", f_fsid={val=[");
    o.hex0(s.f_fsid[0] as u32 as u64);
    o.str(", ");
    o.hex0(s.f_fsid[1] as u32 as u64);
    o.str("]}, ");
    field_dec(o, "f_namelen", s.f_namelen);
    o.str(", ");
    field_dec(o, "f_frsize", s.f_frsize);
    o.str(", f_flags=");
    o.flags(s.f_flags as u64, &ST_FLAGS);
    o.byte(b'}');
}

fn statfs(w: &mut Writer, info: &SyscallInfo) {
    let [path, buf, ..] = info.args;
    w.path("path", path);
    out_struct(w, info, "buf", buf, statfs_body);
}

fn fstatfs(w: &mut Writer, info: &SyscallInfo) {
    let [fd, buf, ..] = info.args;
    w.fd("fd", fd);
    out_struct(w, info, "buf", buf, statfs_body);
}

// ---------------------------------------------------------------------------
// Descriptors: lseek, access, dup, pipe, fcntl, ioctl, getdents

const WHENCE: [(u64, &str); 5] = flags![SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE];

fn lseek(w: &mut Writer, info: &SyscallInfo) {
    let [fd, offset, whence, ..] = info.args;
    w.fd("fd", fd);
    w.int("offset", offset as i64);
    w.text("whence", whence, |o| o.value(uint(whence), &WHENCE, "SEEK_???"));
}

fn access(w: &mut Writer, info: &SyscallInfo) {
    let [path, m, ..] = info.args;
    w.path("pathname", path);
    access_mode(w, m);
}

fn faccessat(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, m, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    access_mode(w, m);
}

fn faccessat2(w: &mut Writer, info: &SyscallInfo) {
    faccessat(w, info);
    let flags = info.args[3];
    w.text("flags", flags, |o| o.flags_or_unknown(uint(flags), &ACCESS_AT_FLAGS, "AT_???"));
}

fn dup(w: &mut Writer, info: &SyscallInfo) {
    w.fd("oldfd", info.args[0]);
    w.returns(Ret::Fd);
}

fn dup2(w: &mut Writer, info: &SyscallInfo) {
    dup(w, info);
    w.fd("newfd", info.args[1]);
}

fn dup3(w: &mut Writer, info: &SyscallInfo) {
    dup2(w, info);
    fd_flags(w, info.args[2]);
}

/// `[3, 4]`: the descriptors pipe made, or the address on failure.
fn pipe_fds(w: &mut Writer, info: &SyscallInfo) {
    let addr = info.args[0];
    let cx = *w.context();
    out_struct::<[i32; 2]>(w, info, "pipefd", addr, |o, fds| {
        o.byte(b'[');
        write_fd(o, fds[0], &cx);
        o.str(", ");
        write_fd(o, fds[1], &cx);
        o.byte(b']');
    });
}

fn pipe(w: &mut Writer, info: &SyscallInfo) {
    pipe_fds(w, info);
}

fn pipe2(w: &mut Writer, info: &SyscallInfo) {
    pipe_fds(w, info);
    fd_flags(w, info.args[1]);
}

const FD_FLAGS: [(u64, &str); 1] = flags![FD_CLOEXEC];

const LOCK_TYPES: [(u64, &str); 5] =
    flags![F_RDLCK, F_WRLCK, F_UNLCK, (4, "F_EXLCK"), (8, "F_SHLCK")];

/// `F_OWNER_TID`, `F_OWNER_PID`, `F_OWNER_PGRP` (<fcntl.h>).
const F_OWNER_TYPES: [(u64, &str); 3] =
    [(0, "F_OWNER_TID"), (1, "F_OWNER_PID"), (2, "F_OWNER_PGRP")];

const SEALS: [(u64, &str); 5] =
    flags![F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE];

/// `DN_*` (<fcntl.h>).
const DN_FLAGS: [(u64, &str); 7] = [
    (0x1, "DN_ACCESS"),
    (0x2, "DN_MODIFY"),
    (0x4, "DN_CREATE"),
    (0x8, "DN_DELETE"),
    (0x10, "DN_RENAME"),
    (0x20, "DN_ATTRIB"),
    (0x8000_0000, "DN_MULTISHOT"),
];

/// fcntl commands and values missing from the libc crate (<fcntl.h>).
const F_SETSIG: i32 = 10;
const F_GETSIG: i32 = 11;
const F_GETOWN_EX: i32 = 16;
const F_SETOWN_EX: i32 = 15;

const FCNTL_CMDS: [(u64, &str); 27] = flags![
    F_DUPFD,
    F_GETFD,
    F_SETFD,
    F_GETFL,
    F_SETFL,
    F_GETLK,
    F_SETLK,
    F_SETLKW,
    F_SETOWN,
    F_GETOWN,
    (F_SETSIG as u64, "F_SETSIG"),
    (F_GETSIG as u64, "F_GETSIG"),
    (F_SETOWN_EX as u64, "F_SETOWN_EX"),
    (F_GETOWN_EX as u64, "F_GETOWN_EX"),
    F_OFD_GETLK,
    F_OFD_SETLK,
    F_OFD_SETLKW,
    F_SETLEASE,
    F_GETLEASE,
    F_NOTIFY,
    F_DUPFD_CLOEXEC,
    F_SETPIPE_SZ,
    F_GETPIPE_SZ,
    F_ADD_SEALS,
    F_GET_SEALS,
    (1035, "F_GET_RW_HINT"),
    (1036, "F_SET_RW_HINT"),
];

/// `{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10}`, with
/// `l_pid` for the calls that return a lock.
fn flock_body(o: &mut Out, l: &libc::flock, with_pid: bool) {
    o.str("{l_type=");
    o.value(l.l_type as u16 as u64, &LOCK_TYPES, "F_???");
    o.str(", l_whence=");
    o.value(l.l_whence as u16 as u64, &WHENCE, "SEEK_???");
    o.str(", ");
    field_dec(o, "l_start", l.l_start);
    o.str(", ");
    field_dec(o, "l_len", l.l_len);
    if with_pid {
        o.str(", ");
        field_dec(o, "l_pid", l.l_pid as i64);
    }
    o.byte(b'}');
}

/// `{type=F_OWNER_TID, pid=0}`.
fn owner_body(o: &mut Out, v: &[i32; 2]) {
    o.str("{type=");
    o.value(v[0] as u32 as u64, &F_OWNER_TYPES, "F_OWNER_???");
    o.str(", ");
    field_dec(o, "pid", v[1] as i64);
    o.byte(b'}');
}

fn fcntl(w: &mut Writer, info: &SyscallInfo) {
    let [fd, cmd, arg, ..] = info.args;
    let cmd = int(cmd) as i32;
    w.fd("fd", fd);
    w.text("cmd", cmd as u64, |o| o.value(cmd as u32 as u64, &FCNTL_CMDS, "F_???"));
    match cmd {
        libc::F_DUPFD | libc::F_DUPFD_CLOEXEC => {
            w.int("arg", int(arg));
            w.returns(Ret::Fd);
        }
        libc::F_SETFD => w.text("arg", arg, |o| o.flags_or_unknown(uint(arg), &FD_FLAGS, "FD_???")),
        libc::F_SETFL => w.text("arg", arg, |o| open_flags(o, arg)),
        libc::F_SETOWN | libc::F_SETPIPE_SZ => w.int("arg", int(arg)),
        F_SETSIG => {
            let sig = int(arg) as i32;
            w.text("arg", arg, |o| match super::signal_name(sig) {
                Some(name) => o.str(name),
                None => o.dec(sig as i64),
            })
        }
        libc::F_SETLEASE => w.text("arg", arg, |o| o.value(uint(arg), &LOCK_TYPES, "F_???")),
        libc::F_NOTIFY => {
            w.text("arg", arg, |o| o.flags_or_unknown(uint(arg), &DN_FLAGS, "DN_???"))
        }
        libc::F_ADD_SEALS => {
            w.text("arg", arg, |o| o.flags_or_unknown(uint(arg), &SEALS, "F_SEAL_???"))
        }
        libc::F_SETLK | libc::F_SETLKW | libc::F_OFD_SETLK | libc::F_OFD_SETLKW => {
            in_struct::<libc::flock>(w, "arg", arg, |o, l| flock_body(o, l, false))
        }
        libc::F_GETLK | libc::F_OFD_GETLK => {
            out_struct::<libc::flock>(w, info, "arg", arg, |o, l| flock_body(o, l, true))
        }
        F_SETOWN_EX => in_struct(w, "arg", arg, owner_body),
        F_GETOWN_EX => out_struct(w, info, "arg", arg, owner_body),
        libc::F_GETFD => w.returns(Ret::Custom(ret_getfd)),
        libc::F_GETFL => w.returns(Ret::Custom(ret_getfl)),
        libc::F_GETLEASE => w.returns(Ret::Custom(ret_getlease)),
        libc::F_GET_SEALS => w.returns(Ret::Custom(ret_get_seals)),
        libc::F_GETOWN | F_GETSIG | libc::F_GETPIPE_SZ => {}
        _ => w.hex("arg", arg),
    }
}

/// `0x1 (flags FD_CLOEXEC)`; a plain `0` when no flag is set.
fn ret_getfd(o: &mut Out, info: &SyscallInfo, _: &Context) {
    let v = info.rval as u64;
    if v == 0 {
        return o.byte(b'0');
    }
    o.hex(v);
    o.str(" (flags ");
    o.flags(v, &FD_FLAGS);
    o.byte(b')');
}

/// `0x8002 (flags O_RDWR|O_LARGEFILE)`, `0 (flags O_RDONLY)`.
fn ret_getfl(o: &mut Out, info: &SyscallInfo, _: &Context) {
    let v = info.rval as u64;
    o.hex0(v);
    o.str(" (flags ");
    open_flags(o, v);
    o.byte(b')');
}

/// `0x2 (F_UNLCK)`.
fn ret_getlease(o: &mut Out, info: &SyscallInfo, _: &Context) {
    let v = info.rval as u64;
    o.hex0(v);
    o.str(" (");
    o.value(v, &LOCK_TYPES, "F_???");
    o.byte(b')');
}

/// `0xe (seals F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE)`; `0` alone.
fn ret_get_seals(o: &mut Out, info: &SyscallInfo, _: &Context) {
    let v = info.rval as u64;
    if v == 0 {
        return o.byte(b'0');
    }
    o.hex(v);
    o.str(" (seals ");
    o.flags(v, &SEALS);
    o.byte(b')');
}

/// `getdents64(3, 0x5580... /* 5 entries */, 32768)`: the records the call
/// returned are counted (both layouts keep `d_reclen` at offset 16).
fn getdents(w: &mut Writer, info: &SyscallInfo) {
    let [fd, dirp, count, ..] = info.args;
    w.fd("fd", fd);
    if info.is_error() {
        w.ptr("dirp", dirp);
    } else {
        let len = info.rval as u64;
        let mut entries = 0u64;
        let mut at = 0u64;
        while at.saturating_add(18) <= len {
            let mut reclen = [0u8; 2];
            if selftrace::mem::read(dirp.wrapping_add(at).wrapping_add(16), &mut reclen).is_err() {
                break;
            }
            let reclen = u16::from_ne_bytes(reclen) as u64;
            if reclen == 0 || at + reclen > len {
                break;
            }
            entries += 1;
            at += reclen;
        }
        w.text("dirp", dirp, |o| {
            o.ptr(dirp);
            o.str(" /* ");
            o.udec(entries);
            o.str(" entries */");
        });
    }
    w.uint("count", uint(count));
}

/// The kernel's `struct termios` starts with the four flag words, which
/// is all strace shows without `-v`.
#[repr(C)]
#[derive(Clone, Copy)]
struct TermiosFlags {
    iflag: u32,
    oflag: u32,
    cflag: u32,
    lflag: u32,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for TermiosFlags {}

const IFLAGS: [(u64, &str); 15] = flags![
    IGNBRK, BRKINT, IGNPAR, PARMRK, INPCK, ISTRIP, INLCR, IGNCR, ICRNL, IUCLC, IXON, IXANY, IXOFF,
    IMAXBEL, IUTF8,
];

const OFLAGS: [(u64, &str); 8] = flags![OPOST, OLCUC, ONLCR, OCRNL, ONOCR, ONLRET, OFILL, OFDEL];

/// The output delays: a mask and the names of its values.
const ODELAYS: [(u64, [&str; 4]); 6] = [
    (libc::NLDLY as u64, ["NL0", "NL1", "", ""]),
    (libc::CRDLY as u64, ["CR0", "CR1", "CR2", "CR3"]),
    (libc::TABDLY as u64, ["TAB0", "TAB1", "TAB2", "XTABS"]),
    (libc::BSDLY as u64, ["BS0", "BS1", "", ""]),
    (libc::VTDLY as u64, ["VT0", "VT1", "", ""]),
    (libc::FFDLY as u64, ["FF0", "FF1", "", ""]),
];

const BAUDS: [&str; 32] = [
    "B0", "B50", "B75", "B110", "B134", "B150", "B200", "B300", "B600", "B1200", "B1800", "B2400",
    "B4800", "B9600", "B19200", "B38400", "BOTHER", "B57600", "B115200", "B230400", "B460800",
    "B500000", "B576000", "B921600", "B1000000", "B1152000", "B1500000", "B2000000", "B2500000",
    "B3000000", "B3500000", "B4000000",
];

const CFLAGS: [(u64, &str); 8] =
    flags![CSTOPB, CREAD, PARENB, PARODD, HUPCL, CLOCAL, CMSPAR, CRTSCTS];

const LFLAGS: [(u64, &str); 16] = flags![
    ISIG, ICANON, XCASE, ECHO, ECHOE, ECHOK, ECHONL, NOFLSH, IEXTEN, ECHOCTL, ECHOPRT, ECHOKE,
    FLUSHO, PENDIN, TOSTOP, EXTPROC,
];

/// A baud rate field (`CBAUD` bits) by name.
fn baud(o: &mut Out, v: u64) {
    let cbaud = libc::CBAUD as u64;
    let idx = (v & 0xf) | if v & libc::CBAUDEX as u64 != 0 { 0x10 } else { 0 };
    match BAUDS.get(idx as usize) {
        Some(name) => o.str(name),
        None => o.hex0(v & cbaud),
    }
}

fn termios_body(o: &mut Out, t: &TermiosFlags) {
    o.str("{c_iflag=");
    flags_or_empty(o, t.iflag as u64, &IFLAGS);

    o.str(", c_oflag=");
    let mut rest = t.oflag as u64;
    for &(mask, names) in &ODELAYS {
        let shift = mask.trailing_zeros();
        let name = names.get(((rest & mask) >> shift) as usize).copied().unwrap_or("");
        o.str(name);
        o.byte(b'|');
        rest &= !mask;
    }
    flags_or_empty(o, rest, &OFLAGS);

    o.str(", c_cflag=");
    let c = t.cflag as u64;
    let cbaud = libc::CBAUD as u64;
    baud(o, c & cbaud);
    let ibaud = (c >> libc::IBSHIFT) & cbaud;
    if ibaud != 0 {
        o.byte(b'|');
        baud(o, ibaud);
        o.str("<<IBSHIFT");
    }
    o.byte(b'|');
    let csize = libc::CSIZE as u64;
    o.str(
        ["CS5", "CS6", "CS7", "CS8"]
            .get(((c & csize) >> csize.trailing_zeros()) as usize)
            .copied()
            .unwrap_or(""),
    );
    o.byte(b'|');
    flags_or_empty(o, c & !cbaud & !(cbaud << libc::IBSHIFT) & !csize, &CFLAGS);

    o.str(", c_lflag=");
    flags_or_empty(o, t.lflag as u64, &LFLAGS);
    o.str(", ...}");
}

/// `{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}`.
fn winsize_body(o: &mut Out, ws: &libc::winsize) {
    field_udec(o, "{ws_row", ws.ws_row as u64);
    o.str(", ");
    field_udec(o, "ws_col", ws.ws_col as u64);
    o.str(", ");
    field_udec(o, "ws_xpixel", ws.ws_xpixel as u64);
    o.str(", ");
    field_udec(o, "ws_ypixel", ws.ws_ypixel as u64);
    o.byte(b'}');
}

const TCFLSH_ARGS: [(u64, &str); 3] = flags![TCIFLUSH, TCOFLUSH, TCIOFLUSH];

/// The requests decoded here, by strace's names (it names a few terminal
/// requests after the OSS sequencer ones that share their numbers).
const IOCTLS: [(u64, &str); 16] = [
    (libc::TCGETS, "TCGETS"),
    (libc::TCSETS, "SNDCTL_TMR_START or TCSETS"),
    (libc::TCSETSW, "SNDCTL_TMR_STOP or TCSETSW"),
    (libc::TCSETSF, "SNDCTL_TMR_CONTINUE or TCSETSF"),
    (libc::TIOCGWINSZ, "TIOCGWINSZ"),
    (libc::TIOCSWINSZ, "TIOCSWINSZ"),
    (libc::FIONREAD, "FIONREAD"),
    (libc::FIONBIO, "FIONBIO"),
    (libc::FIOCLEX, "FIOCLEX"),
    (libc::FIONCLEX, "FIONCLEX"),
    (libc::TIOCGPGRP, "TIOCGPGRP"),
    (libc::TIOCSPGRP, "TIOCSPGRP"),
    (libc::TCFLSH, "TCFLSH"),
    (libc::TIOCSCTTY, "TIOCSCTTY"),
    (libc::TIOCNOTTY, "TIOCNOTTY"),
    (libc::FIOASYNC, "FIOASYNC"),
];

/// `_IOC(_IOC_READ, 0x78, 0x1, 0x4)` for a request without a name.
fn ioc(o: &mut Out, req: u64) {
    const DIRS: [&str; 4] = ["_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"];
    o.str("_IOC(");
    o.str(DIRS.get(((req >> 30) & 3) as usize).copied().unwrap_or(""));
    o.str(", ");
    o.hex0((req >> 8) & 0xff);
    o.str(", ");
    o.hex0(req & 0xff);
    o.str(", ");
    o.hex0((req >> 16) & 0x3fff);
    o.byte(b')');
}

fn ioctl(w: &mut Writer, info: &SyscallInfo) {
    let [fd, req, arg, ..] = info.args;
    let req = uint(req);
    w.fd("fd", fd);
    w.text("request", req, |o| match IOCTLS.iter().find(|&&(r, _)| r == req) {
        Some(&(_, name)) => o.str(name),
        None => ioc(o, req),
    });
    let ok = !info.is_error();
    match req {
        r if r == libc::TCGETS => out_struct(w, info, "argp", arg, termios_body),
        r if r == libc::TCSETS || r == libc::TCSETSW || r == libc::TCSETSF => {
            in_struct(w, "argp", arg, termios_body)
        }
        r if r == libc::TIOCGWINSZ => out_struct(w, info, "argp", arg, winsize_body),
        r if r == libc::TIOCSWINSZ => in_struct(w, "argp", arg, winsize_body),
        r if r == libc::FIONREAD || r == libc::TIOCGPGRP => int_ref(w, "argp", arg, ok),
        r if r == libc::FIONBIO || r == libc::TIOCSPGRP || r == libc::FIOASYNC => {
            int_ref(w, "argp", arg, true)
        }
        r if r == libc::FIOCLEX || r == libc::FIONCLEX || r == libc::TIOCNOTTY => {}
        r if r == libc::TCFLSH => {
            w.text("argp", arg, |o| o.value(uint(arg), &TCFLSH_ARGS, "TC???"))
        }
        r if r == libc::TIOCSCTTY => w.int("argp", int(arg)),
        _ => w.text("argp", arg, |o| o.hex0(arg)),
    }
}

// ---------------------------------------------------------------------------
// Directories, links, names, ownership

fn getcwd(w: &mut Writer, info: &SyscallInfo) {
    let [buf, size, ..] = info.args;
    if info.is_error() {
        w.ptr("buf", buf);
    } else {
        w.path("buf", buf);
    }
    w.uint("size", size);
}

/// readlink's result: the bytes returned (not NUL-terminated), cut at -s.
fn link_target(w: &mut Writer, info: &SyscallInfo, buf: u64, size: u64) {
    read_buf(w, info, buf);
    w.uint("bufsiz", size);
}

fn readlink(w: &mut Writer, info: &SyscallInfo) {
    let [path, buf, size, ..] = info.args;
    w.path("pathname", path);
    link_target(w, info, buf, size);
}

fn readlinkat(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, buf, size, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    link_target(w, info, buf, size);
}

fn unlinkat(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, flags, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    at_flags(w, "flags", flags);
}

fn two_paths(w: &mut Writer, info: &SyscallInfo) {
    let [old, new, ..] = info.args;
    w.path("oldpath", old);
    w.path("newpath", new);
}

fn renameat(w: &mut Writer, info: &SyscallInfo) {
    let [olddirfd, old, newdirfd, new, ..] = info.args;
    w.dirfd("olddirfd", olddirfd);
    w.path("oldpath", old);
    w.dirfd("newdirfd", newdirfd);
    w.path("newpath", new);
}

const RENAME_FLAGS: [(u64, &str); 3] = flags![RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT];

fn renameat2(w: &mut Writer, info: &SyscallInfo) {
    renameat(w, info);
    let flags = info.args[4];
    w.text("flags", flags, |o| o.flags_or_unknown(uint(flags), &RENAME_FLAGS, "RENAME_??"));
}

fn linkat(w: &mut Writer, info: &SyscallInfo) {
    renameat(w, info);
    at_flags(w, "flags", info.args[4]);
}

fn symlink(w: &mut Writer, info: &SyscallInfo) {
    let [target, linkpath, ..] = info.args;
    w.path("target", target);
    w.path("linkpath", linkpath);
}

fn symlinkat(w: &mut Writer, info: &SyscallInfo) {
    let [target, newdirfd, linkpath, ..] = info.args;
    w.path("target", target);
    w.dirfd("newdirfd", newdirfd);
    w.path("linkpath", linkpath);
}

fn umask(w: &mut Writer, info: &SyscallInfo) {
    let m = info.args[0];
    w.text("mask", m, |o| mode(o, m));
    w.returns(Ret::Custom(ret_octal));
}

/// umask returns the previous mask, printed in octal like the argument.
fn ret_octal(o: &mut Out, info: &SyscallInfo, _: &Context) {
    o.oct(info.rval as u64);
}

fn owner_group(w: &mut Writer, owner: u64, group: u64) {
    w.int("owner", int(owner));
    w.int("group", int(group));
}

fn chown(w: &mut Writer, info: &SyscallInfo) {
    let [path, owner, group, ..] = info.args;
    w.path("pathname", path);
    owner_group(w, owner, group);
}

fn fchown(w: &mut Writer, info: &SyscallInfo) {
    let [fd, owner, group, ..] = info.args;
    w.fd("fd", fd);
    owner_group(w, owner, group);
}

fn fchownat(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, owner, group, flags, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    owner_group(w, owner, group);
    at_flags(w, "flags", flags);
}

fn truncate(w: &mut Writer, info: &SyscallInfo) {
    let [path, length, ..] = info.args;
    w.path("path", path);
    w.int("length", length as i64);
}

fn ftruncate(w: &mut Writer, info: &SyscallInfo) {
    let [fd, length, ..] = info.args;
    w.fd("fd", fd);
    w.int("length", length as i64);
}

const FADVICE: [(u64, &str); 6] = flags![
    POSIX_FADV_NORMAL,
    POSIX_FADV_RANDOM,
    POSIX_FADV_SEQUENTIAL,
    POSIX_FADV_WILLNEED,
    POSIX_FADV_DONTNEED,
    POSIX_FADV_NOREUSE,
];

fn fadvise64(w: &mut Writer, info: &SyscallInfo) {
    let [fd, offset, len, advice, ..] = info.args;
    w.fd("fd", fd);
    w.int("offset", offset as i64);
    w.int("len", len as i64);
    w.text("advice", advice, |o| o.value(uint(advice), &FADVICE, "POSIX_FADV_???"));
}

const FALLOC_FLAGS: [(u64, &str); 6] = flags![
    FALLOC_FL_KEEP_SIZE,
    FALLOC_FL_PUNCH_HOLE,
    FALLOC_FL_COLLAPSE_RANGE,
    FALLOC_FL_ZERO_RANGE,
    FALLOC_FL_INSERT_RANGE,
    FALLOC_FL_UNSHARE_RANGE,
];

fn fallocate(w: &mut Writer, info: &SyscallInfo) {
    let [fd, m, offset, len, ..] = info.args;
    w.fd("fd", fd);
    w.text("mode", m, |o| o.flags_or_unknown(uint(m), &FALLOC_FLAGS, "FALLOC_FL_???"));
    w.int("offset", offset as i64);
    w.int("len", len as i64);
}

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
        utc_time(o, ts.tv_sec, ts.tv_nsec as u64);
        o.str(" */");
    }
}

/// ISO 8601 in UTC, nanoseconds and `+0000` (strace uses the local zone).
fn utc_time(o: &mut Out, secs: i64, nsec: u64) {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400) as u64;
    // Days to a civil date (proleptic Gregorian), after Howard Hinnant.
    let z = days.saturating_add(719468);
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe.saturating_add(era.saturating_mul(400)).saturating_add((month <= 2) as i64);
    if year < 0 {
        o.byte(b'-');
    }
    o.udec_width(year.unsigned_abs(), 4);
    o.byte(b'-');
    o.udec_width(month as u64, 2);
    o.byte(b'-');
    o.udec_width(day as u64, 2);
    o.byte(b'T');
    o.udec_width(rem / 3600, 2);
    o.byte(b':');
    o.udec_width(rem / 60 % 60, 2);
    o.byte(b':');
    o.udec_width(rem % 60, 2);
    o.byte(b'.');
    o.udec_width(nsec, 9);
    o.str("+0000");
}

fn utimensat(w: &mut Writer, info: &SyscallInfo) {
    let [dirfd, path, times, flags, ..] = info.args;
    w.dirfd("dirfd", dirfd);
    w.path("pathname", path);
    in_struct::<[libc::timespec; 2]>(w, "times", times, |o, ts| {
        o.byte(b'[');
        utime_spec(o, &ts[0]);
        o.str(", ");
        utime_spec(o, &ts[1]);
        o.byte(b']');
    });
    at_flags(w, "flags", flags);
}

const LOCK_OPS: [(u64, &str); 8] = flags![
    LOCK_SH,
    LOCK_EX,
    LOCK_NB,
    LOCK_UN,
    (0x20, "LOCK_MAND"),
    (0xc0, "LOCK_RW"),
    (0x40, "LOCK_READ"),
    (0x80, "LOCK_WRITE"),
];

fn flock(w: &mut Writer, info: &SyscallInfo) {
    let [fd, op, ..] = info.args;
    w.fd("fd", fd);
    w.text("operation", op, |o| o.flags_or_unknown(uint(op), &LOCK_OPS, "LOCK_???"));
}

fn sendfile(w: &mut Writer, info: &SyscallInfo) {
    let [out_fd, in_fd, offset, count, ..] = info.args;
    w.fd("out_fd", out_fd);
    w.fd("in_fd", in_fd);
    // The hook runs at exit, when the kernel has already moved the offset:
    // the value before is the value now minus what was sent.
    let now = if offset == 0 { None } else { read_struct::<i64>(offset) };
    match now {
        None => w.ptr("offset", offset),
        Some(v) => w.text("offset", offset, |o| {
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
    w.uint("count", count);
}

fn copy_file_range(w: &mut Writer, info: &SyscallInfo) {
    let [fd_in, off_in, fd_out, off_out, len, flags] = info.args;
    w.fd("fd_in", fd_in);
    // strace reads the offsets at entry; at exit they have moved by the
    // bytes copied.
    let copied = if info.is_error() { 0 } else { info.rval };
    moved_offset(w, "off_in", off_in, copied);
    w.fd("fd_out", fd_out);
    moved_offset(w, "off_out", off_out, copied);
    w.uint("len", len);
    w.uint("flags", uint(flags));
}

/// `[v]` where `v` is the offset as it was before the call moved it by `by`.
fn moved_offset(w: &mut Writer, name: &'static str, addr: u64, by: i64) {
    match (addr != 0).then(|| read_struct::<i64>(addr)).flatten() {
        Some(v) => w.text(name, addr, |o| {
            o.byte(b'[');
            o.dec(v.wrapping_sub(by));
            o.byte(b']');
        }),
        None => w.ptr(name, addr),
    }
}

const CLOSE_RANGE_FLAGS: [(u64, &str); 2] = flags![CLOSE_RANGE_UNSHARE, CLOSE_RANGE_CLOEXEC];

fn close_range(w: &mut Writer, info: &SyscallInfo) {
    let [first, last, flags, ..] = info.args;
    w.uint("first", uint(first));
    w.uint("last", uint(last));
    w.text("flags", flags, |o| {
        o.flags_or_unknown(uint(flags), &CLOSE_RANGE_FLAGS, "CLOSE_RANGE_???")
    });
}

// ---------------------------------------------------------------------------
// poll, epoll, eventfd, inotify

const POLL_EVENTS: [(u64, &str); 12] = flags![
    POLLIN,
    POLLPRI,
    POLLOUT,
    POLLERR,
    POLLHUP,
    POLLNVAL,
    POLLRDNORM,
    POLLRDBAND,
    POLLWRNORM,
    POLLWRBAND,
    (0x400, "POLLMSG"),
    POLLRDHUP,
];

fn poll(w: &mut Writer, info: &SyscallInfo) {
    let [fds, nfds, timeout, ..] = info.args;
    let cx = *w.context();
    array_arg::<libc::pollfd>(w, "fds", fds, uint(nfds), |o, _, p| {
        o.str("{fd=");
        write_fd(o, p.fd, &cx);
        if p.fd >= 0 {
            o.str(", events=");
            o.flags(p.events as u16 as u64, &POLL_EVENTS);
        }
        o.byte(b'}');
    });
    w.uint("nfds", uint(nfds));
    w.int("timeout", int(timeout));
    w.returns(Ret::Custom(ret_poll));
}

/// `1 ([{fd=4, revents=POLLOUT}])`, `0 (Timeout)`.
fn ret_poll(o: &mut Out, info: &SyscallInfo, cx: &Context) {
    o.dec(info.rval);
    if info.rval == 0 {
        return o.str(" (Timeout)");
    }
    let [fds, nfds, ..] = info.args;
    o.str(" (");
    o.byte(b'[');
    let mut shown = 0u64;
    for i in 0..uint(nfds) {
        let Some(p) = read_struct::<libc::pollfd>(fds.wrapping_add(i.wrapping_mul(8))) else {
            break;
        };
        if p.revents == 0 {
            continue;
        }
        if shown > 0 {
            o.str(", ");
        }
        if shown >= cx.string_limit as u64 {
            o.str("...");
            break;
        }
        o.str("{fd=");
        write_fd(o, p.fd, cx);
        o.str(", revents=");
        o.flags(p.revents as u16 as u64, &POLL_EVENTS);
        o.byte(b'}');
        shown += 1;
        if shown >= info.rval as u64 {
            break;
        }
    }
    o.str("])");
}

const EPOLL_EVENTS: [(u64, &str); 16] = [
    (libc::EPOLLIN as u32 as u64, "EPOLLIN"),
    (libc::EPOLLPRI as u32 as u64, "EPOLLPRI"),
    (libc::EPOLLOUT as u32 as u64, "EPOLLOUT"),
    (libc::EPOLLERR as u32 as u64, "EPOLLERR"),
    (libc::EPOLLHUP as u32 as u64, "EPOLLHUP"),
    (0x20, "EPOLLNVAL"),
    (libc::EPOLLRDNORM as u32 as u64, "EPOLLRDNORM"),
    (libc::EPOLLRDBAND as u32 as u64, "EPOLLRDBAND"),
    (libc::EPOLLWRNORM as u32 as u64, "EPOLLWRNORM"),
    (libc::EPOLLWRBAND as u32 as u64, "EPOLLWRBAND"),
    (libc::EPOLLMSG as u32 as u64, "EPOLLMSG"),
    (libc::EPOLLRDHUP as u32 as u64, "EPOLLRDHUP"),
    (libc::EPOLLEXCLUSIVE as u32 as u64, "EPOLLEXCLUSIVE"),
    (libc::EPOLLWAKEUP as u32 as u64, "EPOLLWAKEUP"),
    (libc::EPOLLONESHOT as u32 as u64, "EPOLLONESHOT"),
    (libc::EPOLLET as u32 as u64, "EPOLLET"),
];

const EPOLL_OPS: [(u64, &str); 3] = flags![EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD];

/// `{events=EPOLLIN, data={u32=4660, u64=4660}}`.
fn epoll_event_body(o: &mut Out, ev: &libc::epoll_event) {
    // Copies out of the packed structure: no reference to a field is made.
    let events = ev.events;
    let data = ev.u64;
    o.str("{events=");
    o.flags(events as u64, &EPOLL_EVENTS);
    o.str(", data={");
    field_udec(o, "u32", data as u32 as u64);
    o.str(", ");
    field_udec(o, "u64", data);
    o.str("}}");
}

fn epoll_create(w: &mut Writer, info: &SyscallInfo) {
    w.int("size", int(info.args[0]));
    w.returns(Ret::Fd);
}

fn epoll_create1(w: &mut Writer, info: &SyscallInfo) {
    let flags = info.args[0];
    w.text("flags", flags, |o| {
        o.flags_or_unknown(
            uint(flags),
            &[(libc::EPOLL_CLOEXEC as u64, "EPOLL_CLOEXEC")],
            "EPOLL_???",
        )
    });
    w.returns(Ret::Fd);
}

fn epoll_ctl(w: &mut Writer, info: &SyscallInfo) {
    let [epfd, op, fd, event, ..] = info.args;
    w.fd("epfd", epfd);
    w.text("op", op, |o| o.value(uint(op), &EPOLL_OPS, "EPOLL_CTL_???"));
    w.fd("fd", fd);
    in_struct(w, "event", event, epoll_event_body);
}

fn epoll_wait(w: &mut Writer, info: &SyscallInfo) {
    let [epfd, events, max, timeout, ..] = info.args;
    w.fd("epfd", epfd);
    if info.is_error() {
        w.ptr("events", events);
    } else {
        array_arg(w, "events", events, info.rval as u64, |o, _, ev| epoll_event_body(o, ev));
    }
    w.int("maxevents", int(max));
    w.int("timeout", int(timeout));
}

const EFD_FLAGS: [(u64, &str); 3] = flags![EFD_SEMAPHORE, EFD_CLOEXEC, EFD_NONBLOCK];

fn eventfd2(w: &mut Writer, info: &SyscallInfo) {
    let [initval, flags, ..] = info.args;
    w.uint("initval", uint(initval));
    w.text("flags", flags, |o| o.flags_or_unknown(uint(flags), &EFD_FLAGS, "EFD_???"));
    w.returns(Ret::Fd);
}

const IN_INIT_FLAGS: [(u64, &str); 2] =
    [(libc::IN_NONBLOCK as u64, "IN_NONBLOCK"), (libc::IN_CLOEXEC as u64, "IN_CLOEXEC")];

fn inotify_init1(w: &mut Writer, info: &SyscallInfo) {
    let flags = info.args[0];
    w.text("flags", flags, |o| o.flags_or_unknown(uint(flags), &IN_INIT_FLAGS, "IN_???"));
    w.returns(Ret::Fd);
}

const IN_MASK: [(u64, &str); 21] = flags![
    IN_ACCESS,
    IN_MODIFY,
    IN_ATTRIB,
    IN_CLOSE_WRITE,
    IN_CLOSE_NOWRITE,
    IN_OPEN,
    IN_MOVED_FROM,
    IN_MOVED_TO,
    IN_CREATE,
    IN_DELETE,
    IN_DELETE_SELF,
    IN_MOVE_SELF,
    (0x2000, "IN_UNMOUNT"),
    (0x4000, "IN_Q_OVERFLOW"),
    (0x8000, "IN_IGNORED"),
    IN_ONLYDIR,
    IN_DONT_FOLLOW,
    IN_EXCL_UNLINK,
    IN_MASK_CREATE,
    IN_MASK_ADD,
    IN_ISDIR,
];

fn inotify_add_watch(w: &mut Writer, info: &SyscallInfo) {
    let [fd, path, mask, ..] = info.args;
    w.fd("fd", fd);
    w.path("pathname", path);
    w.text("mask", mask, |o| o.flags_or_unknown(uint(mask), &IN_MASK, "IN_???"));
}

fn inotify_rm_watch(w: &mut Writer, info: &SyscallInfo) {
    let [fd, wd, ..] = info.args;
    w.fd("fd", fd);
    w.int("wd", int(wd));
}

#[cfg(test)]
mod tests {
    //! Expected lines come from strace 6.1 runs of small C programs doing the
    //! same calls (`strace -o out ./prog`, `-s 3`/`-s 5` or `-y` where
    //! noted); addresses that differ between runs are filled in from the
    //! test's own pointers.

    use crate::decode::{render, write_return, Context};
    use crate::out::Out;
    use selftrace::info::{Abi, SyscallInfo};
    use selftrace::Sysno;

    fn cx() -> Context {
        Context::default()
    }

    fn line_cx(nr: Sysno, args: &[u64], rval: i64, cx: Context) -> String {
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

    fn line(nr: Sysno, args: &[u64], rval: i64) -> String {
        line_cx(nr, args, rval, cx())
    }

    fn p<T: ?Sized>(v: &T) -> u64 {
        v as *const T as *const u8 as u64
    }

    fn s(v: &[u8]) -> u64 {
        v.as_ptr() as u64
    }

    fn limit(n: usize) -> Context {
        Context { string_limit: n, fd_paths: false }
    }

    const EBADF: i64 = -(libc::EBADF as i64);
    const EFAULT: i64 = -(libc::EFAULT as i64);
    const EINVAL: i64 = -(libc::EINVAL as i64);
    const ENOENT: i64 = -(libc::ENOENT as i64);
    /// An address in the never-mapped first page.
    const BAD: u64 = 8;

    #[test]
    fn read_and_write() {
        let buf = *b"hello";
        assert_eq!(line(Sysno::read, &[3, s(&buf), 5], 5), r#"read(3, "hello", 5) = 5"#);
        let long = *b"0123456789012345678901234567890123456789";
        assert_eq!(
            line(Sysno::read, &[3, s(&long), 200], 40),
            r#"read(3, "01234567890123456789012345678901"..., 200) = 40"#
        );
        assert_eq!(
            line(Sysno::read, &[99, s(&buf), 10], EBADF),
            format!("read(99, {:#x}, 10) = -1 EBADF (Bad file descriptor)", s(&buf))
        );
        assert_eq!(line(Sysno::read, &[3, s(&buf), 10], 0), r#"read(3, "", 10) = 0"#);
        assert_eq!(
            line(Sysno::read, &[0x100000005, 0, 0], EBADF),
            "read(5, NULL, 0) = -1 EBADF (Bad file descriptor)"
        );
        let odd = *b"hello\n\0x1\t\"\\\xff";
        assert_eq!(
            line(Sysno::write, &[3, s(&odd), 13], 13),
            r#"write(3, "hello\n\0x1\t\"\\\377", 13) = 13"#
        );
        assert_eq!(
            line(Sysno::write, &[3, s(&long), 40], 40),
            r#"write(3, "01234567890123456789012345678901"..., 40) = 40"#
        );
        assert_eq!(
            line(Sysno::write, &[3, 0, 5], EFAULT),
            "write(3, NULL, 5) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::write, &[3, BAD, 5], EFAULT),
            "write(3, 0x8, 5) = -1 EFAULT (Bad address)"
        );
        assert_eq!(line(Sysno::write, &[3, BAD, 0], 0), r#"write(3, "", 0) = 0"#);
        let llo = *b"llo\n";
        assert_eq!(
            line(Sysno::pread64, &[3, s(&llo), 4, 2], 4),
            r#"pread64(3, "llo\n", 4, 2) = 4"#
        );
        assert_eq!(
            line(Sysno::pread64, &[3, s(&llo), 5, u64::MAX], EINVAL),
            format!("pread64(3, {:#x}, 5, -1) = -1 EINVAL (Invalid argument)", s(&llo))
        );
        assert_eq!(
            line(Sysno::pwrite64, &[3, s(b"ab"), 2, 100], 2),
            r#"pwrite64(3, "ab", 2, 100) = 2"#
        );
    }

    #[test]
    fn vectors() {
        let (a, b, c) = (*b"hel", *b"lo\0\0", *b"\0\0\0\0");
        let iov = [
            libc::iovec { iov_base: a.as_ptr() as *mut _, iov_len: 3 },
            libc::iovec { iov_base: b.as_ptr() as *mut _, iov_len: 4 },
            libc::iovec { iov_base: c.as_ptr() as *mut _, iov_len: 4 },
        ];
        // Only the bytes read (5) are shown, spread over the vectors.
        assert_eq!(
            line(Sysno::readv, &[3, p(&iov), 3], 5),
            r#"readv(3, [{iov_base="hel", iov_len=3}, {iov_base="lo", iov_len=4}, {iov_base="", iov_len=4}], 3) = 5"#
        );
        assert_eq!(
            line(Sysno::readv, &[7, p(&iov), 2], EBADF),
            format!(
                "readv(7, [{{iov_base={:#x}, iov_len=3}}, {{iov_base={:#x}, iov_len=4}}], 2) = -1 EBADF (Bad file descriptor)",
                s(&a),
                s(&b)
            )
        );
        assert_eq!(line(Sysno::readv, &[3, 0, 0], 0), "readv(3, NULL, 0) = 0");
        assert_eq!(line(Sysno::writev, &[7, p(&iov), 0], 0), "writev(7, [], 0) = 0");
        assert_eq!(
            line(Sysno::writev, &[7, 1, 2], EFAULT),
            "writev(7, 0x1, 2) = -1 EFAULT (Bad address)"
        );
        let letters = [*b"a", *b"b", *b"c", *b"d", *b"e"];
        let five: Vec<libc::iovec> = letters
            .iter()
            .map(|l| libc::iovec { iov_base: l.as_ptr() as *mut _, iov_len: 1 })
            .collect();
        // strace -s 3: at most 3 elements, then `...`.
        let got = line_cx(Sysno::writev, &[1, five.as_ptr() as u64, 5], 5, limit(3));
        assert_eq!(
            got,
            r#"writev(1, [{iov_base="a", iov_len=1}, {iov_base="b", iov_len=1}, {iov_base="c", iov_len=1}, ...], 5) = 5"#
        );
        let long = [0u8; 50];
        let iov = [libc::iovec { iov_base: long.as_ptr() as *mut _, iov_len: 50 }];
        // strace -s 5.
        assert_eq!(
            line_cx(Sysno::writev, &[3, p(&iov), 1], 50, limit(5)),
            r#"writev(3, [{iov_base="\0\0\0\0\0"..., iov_len=50}], 1) = 50"#
        );
    }

    #[test]
    fn open_flags_and_modes() {
        let path = b"/tmp/sf/a.txt\0";
        assert_eq!(
            line(Sysno::openat, &[libc::AT_FDCWD as u64, s(path), 0o1101, 0o644], 3),
            r#"openat(AT_FDCWD, "/tmp/sf/a.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3"#
        );
        assert_eq!(
            line(Sysno::openat, &[libc::AT_FDCWD as u64, s(path), 0o2000000, 0], 3),
            r#"openat(AT_FDCWD, "/tmp/sf/a.txt", O_RDONLY|O_CLOEXEC) = 3"#
        );
        assert_eq!(
            line(Sysno::open, &[s(b"/x\0"), 0xffffffff, 0o777], ENOENT),
            "open(\"/x\", O_ACCMODE|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|O_LARGEFILE|\
O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003c, 0777) = -1 ENOENT (No such file or directory)"
        );
        assert_eq!(
            line(Sysno::open, &[s(b"/y\0"), 0x1000 | 0x400 | 0x4000 | 0x8000 | 0x200000 | 0x10000 | 0x2000 | 0x40000], ENOENT),
            "open(\"/y\", O_RDONLY|O_APPEND|O_DSYNC|O_DIRECT|O_LARGEFILE|O_NOATIME|O_PATH|O_DIRECTORY|FASYNC) = -1 ENOENT (No such file or directory)"
        );
        assert_eq!(
            line(Sysno::open, &[s(b"/y\0"), 0x100000 | 0x4000 | 0x8000 | 0x20000 | 0x40000 | 0x800], ENOENT),
            "open(\"/y\", O_RDONLY|O_NONBLOCK|__O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME) = -1 ENOENT (No such file or directory)"
        );
        assert_eq!(
            line(
                Sysno::open,
                &[s(b"/tmp/sf\0"), (libc::O_TMPFILE | libc::O_RDWR) as u64, 0o600],
                4
            ),
            r#"open("/tmp/sf", O_RDWR|O_TMPFILE, 0600) = 4"#
        );
        assert_eq!(
            line(Sysno::open, &[s(b"/x\0"), 0x400000, 0o644], EINVAL),
            r#"open("/x", O_RDONLY|__O_TMPFILE, 0644) = -1 EINVAL (Invalid argument)"#
        );
        assert_eq!(line(Sysno::open, &[s(b"/x\0"), 4], 3), r#"open("/x", O_RDONLY|0x4) = 3"#);
        assert_eq!(
            line(Sysno::open, &[s(b"/y\0"), 0x40, 0xffffffffffff], 3),
            r#"open("/y", O_RDONLY|O_CREAT, 0177777) = 3"#
        );
        assert_eq!(
            line(Sysno::openat, &[u32::MAX as u64, 0, 0], EFAULT),
            "openat(-1, NULL, O_RDONLY) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::openat, &[libc::AT_FDCWD as u32 as u64, 0x10, 0], EFAULT),
            "openat(AT_FDCWD, 0x10, O_RDONLY) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::creat, &[s(b"/tmp/sf/c.txt\0"), 0o755], 6),
            r#"creat("/tmp/sf/c.txt", 0755) = 6"#
        );
        assert_eq!(line(Sysno::close, &[0x100000005], 0), "close(5) = 0");
        assert_eq!(
            line(Sysno::close, &[u64::MAX], EBADF),
            "close(-1) = -1 EBADF (Bad file descriptor)"
        );
    }

    /// A file of `content` under the system temporary directory, open for
    /// reading; returns its descriptor and path.
    fn temp_file(tag: &str, content: &[u8]) -> (std::fs::File, String) {
        use std::os::unix::fs::PermissionsExt;
        let path = format!(
            "{}/selftrace-file-{}-{}",
            std::env::temp_dir().display(),
            tag,
            std::process::id()
        );
        std::fs::write(&path, content).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        (std::fs::File::open(&path).unwrap(), path)
    }

    #[test]
    fn fd_paths() {
        use std::os::fd::AsRawFd;
        let (f, path) = temp_file("y", b"hello");
        let fd = f.as_raw_fd() as u64;
        let y = Context { fd_paths: true, ..cx() };
        let buf = *b"hello";
        // strace -y: `read(3</tmp/sf/a.txt>, "hello", 5) = 5`.
        assert_eq!(
            line_cx(Sysno::read, &[fd, s(&buf), 5], 5, y),
            format!(r#"read({fd}<{path}>, "hello", 5) = 5"#)
        );
        let cpath = format!("{path}\0");
        assert_eq!(
            line_cx(Sysno::openat, &[libc::AT_FDCWD as u64, s(cpath.as_bytes()), 0], fd as i64, y),
            format!(r#"openat(AT_FDCWD, "{path}", O_RDONLY) = {fd}<{path}>"#)
        );
        // A closed descriptor has no path: strace prints the number alone.
        assert_eq!(
            line_cx(Sysno::close, &[9999], EBADF, y),
            "close(9999) = -1 EBADF (Bad file descriptor)"
        );
        let fds = [fd as i32, fd as i32];
        assert_eq!(
            line_cx(Sysno::pipe2, &[p(&fds), 0], 0, y),
            format!("pipe2([{fd}<{path}>, {fd}<{path}>], 0) = 0")
        );
        drop(f);
        std::fs::remove_file(path).unwrap();
    }

    fn zeroed<T>() -> T {
        // SAFETY: only used for plain C structures (stat, statx, ...), for
        // which all-zero bytes are a valid value.
        unsafe { std::mem::zeroed() }
    }

    #[test]
    fn stat_family() {
        let mut st: libc::stat = zeroed();
        st.st_mode = libc::S_IFREG | 0o644;
        st.st_size = 102;
        assert_eq!(
            line(Sysno::newfstatat, &[3, s(b"\0"), p(&st), libc::AT_EMPTY_PATH as u64], 0),
            r#"newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=102, ...}, AT_EMPTY_PATH) = 0"#
        );
        assert_eq!(
            line(Sysno::newfstatat, &[99, s(b"\0"), p(&st), libc::AT_EMPTY_PATH as u64], EBADF),
            format!(
                "newfstatat(99, \"\", {:#x}, AT_EMPTY_PATH) = -1 EBADF (Bad file descriptor)",
                p(&st)
            )
        );
        assert_eq!(
            line(Sysno::newfstatat, &[libc::AT_FDCWD as u64, s(b"/tmp\0"), p(&st), 0x10100], EINVAL),
            format!("newfstatat(AT_FDCWD, \"/tmp\", {:#x}, AT_SYMLINK_NOFOLLOW|0x10000) = -1 EINVAL (Invalid argument)", p(&st))
        );
        st.st_mode = libc::S_IFDIR | libc::S_ISVTX | 0o777;
        st.st_size = 4096;
        assert_eq!(
            line(Sysno::newfstatat, &[libc::AT_FDCWD as u64, s(b"/tmp\0"), p(&st), 0x2000], 0),
            r#"newfstatat(AT_FDCWD, "/tmp", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}, 0x2000 /* AT_??? */) = 0"#
        );
        st.st_mode = libc::S_IFCHR | 0o666;
        st.st_rdev = libc::makedev(1, 3);
        assert_eq!(
            line(Sysno::fstat, &[0, p(&st)], 0),
            "fstat(0, {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0"
        );
        st.st_rdev = libc::makedev(0x88, 0);
        st.st_mode = libc::S_IFCHR | 0o620;
        assert_eq!(
            line(Sysno::fstat, &[1, p(&st)], 0),
            "fstat(1, {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0), ...}) = 0"
        );
        st.st_mode = libc::S_IFREG | libc::S_ISUID | libc::S_ISGID | libc::S_ISVTX | 0o755;
        st.st_size = 0;
        assert_eq!(
            line(Sysno::lstat, &[s(b"/tmp/sf/suid\0"), p(&st)], 0),
            r#"lstat("/tmp/sf/suid", {st_mode=S_IFREG|S_ISUID|S_ISGID|S_ISVTX|0755, st_size=0, ...}) = 0"#
        );
        st.st_mode = libc::S_IFLNK | 0o777;
        st.st_size = 5;
        assert_eq!(
            line(Sysno::lstat, &[s(b"/tmp/sf/lnk\0"), p(&st)], 0),
            r#"lstat("/tmp/sf/lnk", {st_mode=S_IFLNK|0777, st_size=5, ...}) = 0"#
        );
        assert_eq!(line(Sysno::fstat, &[0, 0], EFAULT), "fstat(0, NULL) = -1 EFAULT (Bad address)");
        assert_eq!(
            line(Sysno::stat, &[0, p(&st)], EFAULT),
            format!("stat(NULL, {:#x}) = -1 EFAULT (Bad address)", p(&st))
        );
        assert_eq!(
            line(Sysno::stat, &[s(b"/tmp\0"), 0], EFAULT),
            r#"stat("/tmp", NULL) = -1 EFAULT (Bad address)"#
        );

        // A real file, stat'ed by the kernel.
        use std::os::fd::AsRawFd;
        let (f, path) = temp_file("stat", b"1234567");
        let mut st: libc::stat = zeroed();
        // SAFETY: `st` is a valid, writable stat buffer.
        assert_eq!(unsafe { libc::fstat(f.as_raw_fd(), &mut st) }, 0);
        assert_eq!(
            line(Sysno::fstat, &[3, p(&st)], 0),
            "fstat(3, {st_mode=S_IFREG|0644, st_size=7, ...}) = 0"
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn statx_call() {
        let mut sx: libc::statx = zeroed();
        sx.stx_mask = 0x1fff;
        sx.stx_mode = (libc::S_IFREG | 0o644) as u16;
        sx.stx_size = 102;
        let a = s(b"/tmp/sf/a.txt\0");
        assert_eq!(
            line(Sysno::statx, &[libc::AT_FDCWD as u64, a, 0, 0xfff, p(&sx)], 0),
            r#"statx(AT_FDCWD, "/tmp/sf/a.txt", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=102, ...}) = 0"#
        );
        assert_eq!(
            line(Sysno::statx, &[libc::AT_FDCWD as u64, a, 0x4100, 0x7ff | 0x800, p(&sx)], 0),
            r#"statx(AT_FDCWD, "/tmp/sf/a.txt", AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW, STATX_ALL, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=102, ...}) = 0"#
        );
        assert_eq!(
            line(Sysno::statx, &[1, s(b"\0"), 0x1000, 0x10000fff, p(&sx)], 0),
            r#"statx(1, "", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_ALL|0x10000000, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=102, ...}) = 0"#
        );
        assert_eq!(
            line(Sysno::statx, &[3, s(b"/nonexist\0"), 0x7fffffff, 0xffffffff, p(&sx)], EINVAL),
            format!(
                "statx(3, \"/nonexist\", AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|\
AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0x7fff00ff, STATX_ALL|STATX_MNT_ID|STATX_DIOALIGN|0xffffc000, {:#x}) = -1 EINVAL (Invalid argument)",
                p(&sx)
            )
        );
    }

    #[test]
    fn statx_unknown_mask() {
        let mut sx: libc::statx = zeroed();
        sx.stx_mask = 0x7ff;
        sx.stx_mode = (libc::S_IFDIR | libc::S_ISVTX | 0o777) as u16;
        sx.stx_size = 4096;
        assert_eq!(
            line(Sysno::statx, &[libc::AT_FDCWD as u64, s(b"/tmp\0"), 0, 0x10000000, p(&sx)], 0),
            r#"statx(AT_FDCWD, "/tmp", AT_STATX_SYNC_AS_STAT, 0x10000000 /* STATX_??? */, {stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFDIR|S_ISVTX|0777, stx_size=4096, ...}) = 0"#
        );
        assert_eq!(
            line(Sysno::statx, &[libc::AT_FDCWD as u64, 0, 0, 0, BAD], EFAULT),
            "statx(AT_FDCWD, NULL, AT_STATX_SYNC_AS_STAT, 0, 0x8) = -1 EFAULT (Bad address)"
        );
    }

    #[test]
    fn statfs_call() {
        let mut sf: super::StatFs = zeroed();
        sf.f_type = 0xef53;
        sf.f_bsize = 4096;
        sf.f_blocks = 66053021;
        sf.f_bfree = 62904789;
        sf.f_bavail = 20673240;
        sf.f_files = 16777216;
        sf.f_ffree = 16382873;
        sf.f_fsid = [0x6697c6f7, 0x61104864];
        sf.f_namelen = 255;
        sf.f_frsize = 4096;
        sf.f_flags = 0x1020;
        assert_eq!(
            line(Sysno::statfs, &[s(b"/tmp\0"), p(&sf)], 0),
            r#"statfs("/tmp", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=66053021, f_bfree=62904789, f_bavail=20673240, f_files=16777216, f_ffree=16382873, f_fsid={val=[0x6697c6f7, 0x61104864]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0"#
        );
        let mut sf: super::StatFs = zeroed();
        sf.f_type = 0x9fa0;
        sf.f_bsize = 4096;
        sf.f_fsid = [0x15, 0];
        sf.f_namelen = 255;
        sf.f_frsize = 4096;
        sf.f_flags = 0x1020;
        assert_eq!(
            line(Sysno::fstatfs, &[3, p(&sf)], 0),
            r#"fstatfs(3, {f_type=PROC_SUPER_MAGIC, f_bsize=4096, f_blocks=0, f_bfree=0, f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0x15, 0]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0"#
        );
        assert_eq!(
            line(Sysno::statfs, &[s(b"/nonexist\0"), p(&sf)], ENOENT),
            format!("statfs(\"/nonexist\", {:#x}) = -1 ENOENT (No such file or directory)", p(&sf))
        );
        assert_eq!(std::mem::size_of::<super::StatFs>(), std::mem::size_of::<libc::statfs>());
    }

    #[test]
    fn seek_access_dup_pipe() {
        assert_eq!(line(Sysno::lseek, &[3, 0, 2], 102), "lseek(3, 0, SEEK_END) = 102");
        assert_eq!(line(Sysno::lseek, &[3, -3i64 as u64, 1], 99), "lseek(3, -3, SEEK_CUR) = 99");
        assert_eq!(
            line(Sysno::lseek, &[3, 1, 7], EINVAL),
            "lseek(3, 1, 0x7 /* SEEK_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(line(Sysno::lseek, &[3, 0, 0x100000000], 0), "lseek(3, 0, SEEK_SET) = 0");
        let a = s(b"/tmp/sf/a.txt\0");
        assert_eq!(line(Sysno::access, &[a, 6], 0), r#"access("/tmp/sf/a.txt", R_OK|W_OK) = 0"#);
        assert_eq!(line(Sysno::access, &[a, 0], 0), r#"access("/tmp/sf/a.txt", F_OK) = 0"#);
        assert_eq!(
            line(Sysno::access, &[a, 0x11], EINVAL),
            r#"access("/tmp/sf/a.txt", X_OK|0x10) = -1 EINVAL (Invalid argument)"#
        );
        assert_eq!(
            line(Sysno::access, &[s(b"/\0"), 0x10], EINVAL),
            r#"access("/", 0x10 /* ?_OK */) = -1 EINVAL (Invalid argument)"#
        );
        assert_eq!(
            line(Sysno::faccessat, &[libc::AT_FDCWD as u64, a, 4], 0),
            r#"faccessat(AT_FDCWD, "/tmp/sf/a.txt", R_OK) = 0"#
        );
        assert_eq!(
            line(Sysno::faccessat2, &[libc::AT_FDCWD as u64, a, 4, 0x300], 0),
            r#"faccessat2(AT_FDCWD, "/tmp/sf/a.txt", R_OK, AT_SYMLINK_NOFOLLOW|AT_EACCESS) = 0"#
        );
        assert_eq!(
            line(Sysno::faccessat2, &[3, s(b"\0"), 4, 0x1200], 0),
            r#"faccessat2(3, "", R_OK, AT_EACCESS|AT_EMPTY_PATH) = 0"#
        );
        assert_eq!(
            line(Sysno::faccessat2, &[0, s(b"\0"), 0, 1], EINVAL),
            r#"faccessat2(0, "", F_OK, 0x1 /* AT_??? */) = -1 EINVAL (Invalid argument)"#
        );
        assert_eq!(line(Sysno::dup, &[3], 4), "dup(3) = 4");
        assert_eq!(
            line(Sysno::dup2, &[99, 10], EBADF),
            "dup2(99, 10) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(line(Sysno::dup3, &[3, 11, 0x80000], 11), "dup3(3, 11, O_CLOEXEC) = 11");
        assert_eq!(
            line(Sysno::dup3, &[3, 13, 0x80001], EINVAL),
            "dup3(3, 13, O_CLOEXEC|0x1) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::dup3, &[0, 50, 1], EINVAL),
            "dup3(0, 50, 0x1 /* O_??? */) = -1 EINVAL (Invalid argument)"
        );
        let fds = [7i32, 8];
        assert_eq!(
            line(Sysno::pipe2, &[p(&fds), 0x80800], 0),
            "pipe2([7, 8], O_NONBLOCK|O_CLOEXEC) = 0"
        );
        assert_eq!(line(Sysno::pipe, &[p(&fds)], 0), "pipe([7, 8]) = 0");
        assert_eq!(
            line(Sysno::pipe2, &[0, 1], EINVAL),
            "pipe2(NULL, 0x1 /* O_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::pipe2, &[p(&fds), 0x4001], EINVAL),
            format!("pipe2({:#x}, O_DIRECT|0x1) = -1 EINVAL (Invalid argument)", p(&fds))
        );
    }

    #[test]
    fn fcntl_commands() {
        use libc::*;
        assert_eq!(line(Sysno::fcntl, &[3, F_GETFD as u64], 0), "fcntl(3, F_GETFD) = 0");
        assert_eq!(
            line(Sysno::fcntl, &[3, F_GETFD as u64], 1),
            "fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, F_SETFD as u64, 1], 0),
            "fcntl(3, F_SETFD, FD_CLOEXEC) = 0"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, F_SETFD as u64, 3], 0),
            "fcntl(3, F_SETFD, FD_CLOEXEC|0x2) = 0"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, F_GETFL as u64], 0x8002),
            "fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[14, F_GETFL as u64], 0),
            "fcntl(14, F_GETFL) = 0 (flags O_RDONLY)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[99, F_GETFL as u64], self::EBADF),
            "fcntl(99, F_GETFL) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, F_SETFL as u64, 0xc00], 0),
            "fcntl(3, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0"
        );
        assert_eq!(line(Sysno::fcntl, &[3, F_DUPFD as u64, 20], 20), "fcntl(3, F_DUPFD, 20) = 20");
        assert_eq!(
            line(Sysno::fcntl, &[3, F_DUPFD_CLOEXEC as u64, 30], 30),
            "fcntl(3, F_DUPFD_CLOEXEC, 30) = 30"
        );
        let mut fl: flock = zeroed();
        fl.l_type = F_WRLCK as i16;
        fl.l_len = 10;
        assert_eq!(
            line(Sysno::fcntl, &[3, F_SETLKW as u64, p(&fl)], 0),
            "fcntl(3, F_SETLKW, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10}) = 0"
        );
        fl.l_type = F_UNLCK as i16;
        assert_eq!(
            line(Sysno::fcntl, &[3, F_OFD_GETLK as u64, p(&fl)], 0),
            "fcntl(3, F_OFD_GETLK, {l_type=F_UNLCK, l_whence=SEEK_SET, l_start=0, l_len=10, l_pid=0}) = 0"
        );
        assert_eq!(
            line(Sysno::fcntl, &[99, F_GETLK as u64, p(&fl)], self::EBADF),
            format!("fcntl(99, F_GETLK, {:#x}) = -1 EBADF (Bad file descriptor)", p(&fl))
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, F_SETLK as u64, BAD], self::EFAULT),
            "fcntl(3, F_SETLK, 0x8) = -1 EFAULT (Bad address)"
        );
        let owner = [2i32, 5];
        assert_eq!(
            line(Sysno::fcntl, &[3, 15, p(&owner)], 0),
            "fcntl(3, F_SETOWN_EX, {type=F_OWNER_PGRP, pid=5}) = 0"
        );
        let owner = [0i32, 0];
        assert_eq!(
            line(Sysno::fcntl, &[3, 16, p(&owner)], 0),
            "fcntl(3, F_GETOWN_EX, {type=F_OWNER_TID, pid=0}) = 0"
        );
        assert_eq!(line(Sysno::fcntl, &[3, F_GETOWN as u64], 0), "fcntl(3, F_GETOWN) = 0");
        assert_eq!(
            line(Sysno::fcntl, &[14, F_SETPIPE_SZ as u64, 8192], 8192),
            "fcntl(14, F_SETPIPE_SZ, 8192) = 8192"
        );
        assert_eq!(
            line(Sysno::fcntl, &[14, F_GETPIPE_SZ as u64], 65536),
            "fcntl(14, F_GETPIPE_SZ) = 65536"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, F_GETLEASE as u64], 2),
            "fcntl(3, F_GETLEASE) = 0x2 (F_UNLCK)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, F_SETLEASE as u64, 0], -(EAGAIN as i64)),
            "fcntl(3, F_SETLEASE, F_RDLCK) = -1 EAGAIN (Resource temporarily unavailable)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[4, F_ADD_SEALS as u64, 0xe], 0),
            "fcntl(4, F_ADD_SEALS, F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE) = 0"
        );
        assert_eq!(line(Sysno::fcntl, &[4, F_GET_SEALS as u64], 0), "fcntl(4, F_GET_SEALS) = 0");
        assert_eq!(
            line(Sysno::fcntl, &[4, F_GET_SEALS as u64], 0xe),
            "fcntl(4, F_GET_SEALS) = 0xe (seals F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, F_NOTIFY as u64, 0x80000002], -(ENOTDIR as i64)),
            "fcntl(3, F_NOTIFY, DN_MODIFY|DN_MULTISHOT) = -1 ENOTDIR (Not a directory)"
        );
        // Unknown bits alone: `0x.. /* X_??? */` (checked with raw syscalls).
        assert_eq!(
            line(Sysno::fcntl, &[1, F_SETFD as u64, 2], 0),
            "fcntl(1, F_SETFD, 0x2 /* FD_??? */) = 0"
        );
        assert_eq!(
            line(Sysno::fcntl, &[1, F_SETLEASE as u64, 8], self::EINVAL),
            "fcntl(1, F_SETLEASE, F_SHLCK) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[1, F_ADD_SEALS as u64, 0x100], self::EINVAL),
            "fcntl(1, F_ADD_SEALS, 0x100 /* F_SEAL_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::fcntl, &[3, 1234, 5], self::EINVAL),
            "fcntl(3, 0x4d2 /* F_??? */, 0x5) = -1 EINVAL (Invalid argument)"
        );
    }

    #[test]
    fn getdents_counts_records() {
        // Three records of 24, 24 and 32 bytes, d_reclen at offset 16.
        let mut buf = [0u8; 80];
        for (at, len) in [(0usize, 24u16), (24, 24), (48, 32)] {
            buf[at + 16..at + 18].copy_from_slice(&len.to_ne_bytes());
        }
        assert_eq!(
            line(Sysno::getdents64, &[6, s(&buf), 32768], 80),
            format!("getdents64(6, {:#x} /* 3 entries */, 32768) = 80", s(&buf))
        );
        assert_eq!(
            line(Sysno::getdents64, &[6, s(&buf), 32768], 0),
            format!("getdents64(6, {:#x} /* 0 entries */, 32768) = 0", s(&buf))
        );
        assert_eq!(
            line(Sysno::getdents, &[6, s(&buf), 32768], 48),
            format!("getdents(6, {:#x} /* 2 entries */, 32768) = 48", s(&buf))
        );
        assert_eq!(
            line(Sysno::getdents64, &[99, s(&buf), 32768], EBADF),
            format!("getdents64(99, {:#x}, 32768) = -1 EBADF (Bad file descriptor)", s(&buf))
        );
    }

    #[test]
    fn ioctls() {
        let enotty = -(libc::ENOTTY as i64);
        let t = super::TermiosFlags {
            iflag: (libc::ICRNL | libc::IXON),
            oflag: (libc::OPOST | libc::ONLCR),
            cflag: (libc::B38400 | libc::CS8 | libc::CREAD),
            lflag: (libc::ISIG
                | libc::ICANON
                | libc::ECHO
                | libc::ECHOE
                | libc::ECHOK
                | libc::IEXTEN
                | libc::ECHOCTL
                | libc::ECHOKE),
        };
        let body = "{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}";
        assert_eq!(
            line(Sysno::ioctl, &[5, libc::TCGETS, p(&t)], 0),
            format!("ioctl(5, TCGETS, {body}) = 0")
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, libc::TCGETS, p(&t)], enotty),
            format!("ioctl(3, TCGETS, {:#x}) = -1 ENOTTY (Inappropriate ioctl for device)", p(&t))
        );
        assert_eq!(
            line(Sysno::ioctl, &[5, libc::TCGETS, 0], EFAULT),
            "ioctl(5, TCGETS, NULL) = -1 EFAULT (Bad address)"
        );
        // Input structures show even when the call fails.
        assert_eq!(
            line(Sysno::ioctl, &[5, libc::TCSETSW, p(&t)], EBADF),
            format!(
                "ioctl(5, SNDCTL_TMR_STOP or TCSETSW, {body}) = -1 EBADF (Bad file descriptor)"
            )
        );
        let all = super::TermiosFlags {
            iflag: u32::MAX,
            oflag: u32::MAX,
            cflag: u32::MAX,
            lflag: u32::MAX,
        };
        assert_eq!(
            line(Sysno::ioctl, &[127, libc::TCSETS, p(&all)], EBADF),
            "ioctl(127, SNDCTL_TMR_START or TCSETS, {c_iflag=IGNBRK|BRKINT|IGNPAR|PARMRK|INPCK|ISTRIP|INLCR|IGNCR|ICRNL|IUCLC|IXON|IXANY|IXOFF|IMAXBEL|IUTF8|0xffff8000, \
c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|OPOST|OLCUC|ONLCR|OCRNL|ONOCR|ONLRET|OFILL|OFDEL|0xffff0000, \
c_cflag=B4000000|B4000000<<IBSHIFT|CS8|CSTOPB|CREAD|PARENB|PARODD|HUPCL|CLOCAL|CMSPAR|CRTSCTS|0x2ff0e000, \
c_lflag=ISIG|ICANON|XCASE|ECHO|ECHOE|ECHOK|ECHONL|NOFLSH|IEXTEN|ECHOCTL|ECHOPRT|ECHOKE|FLUSHO|PENDIN|TOSTOP|EXTPROC|0xfffe2000, ...}) = -1 EBADF (Bad file descriptor)"
        );
        // strace prints nothing for an empty flag word and keeps the `|`.
        let odd = super::TermiosFlags {
            iflag: 0,
            oflag: (libc::NL1 | libc::CR2 | libc::TAB3 | libc::BS1 | libc::VT1 | libc::FF1),
            cflag: (libc::B9600 | libc::CS5 | libc::CBAUDEX),
            lflag: 0,
        };
        assert_eq!(
            line(Sysno::ioctl, &[127, libc::TCSETSF, p(&odd)], EBADF),
            "ioctl(127, SNDCTL_TMR_CONTINUE or TCSETSF, {c_iflag=, c_oflag=NL1|CR2|XTABS|BS1|VT1|FF1|, c_cflag=B3000000|CS5|, c_lflag=, ...}) = -1 EBADF (Bad file descriptor)"
        );
        let ws = libc::winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 };
        assert_eq!(
            line(Sysno::ioctl, &[5, libc::TIOCGWINSZ, p(&ws)], 0),
            "ioctl(5, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, libc::TIOCGWINSZ, p(&ws)], enotty),
            format!(
                "ioctl(3, TIOCGWINSZ, {:#x}) = -1 ENOTTY (Inappropriate ioctl for device)",
                p(&ws)
            )
        );
        let n = 200i32;
        assert_eq!(
            line(Sysno::ioctl, &[3, libc::FIONREAD, p(&n)], 0),
            "ioctl(3, FIONREAD, [200]) = 0"
        );
        assert_eq!(
            line(Sysno::ioctl, &[99, libc::FIONREAD, p(&n)], EBADF),
            format!("ioctl(99, FIONREAD, {:#x}) = -1 EBADF (Bad file descriptor)", p(&n))
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, libc::FIONBIO, p(&n)], 0),
            "ioctl(3, FIONBIO, [200]) = 0"
        );
        assert_eq!(line(Sysno::ioctl, &[3, libc::FIOCLEX], 0), "ioctl(3, FIOCLEX) = 0");
        assert_eq!(line(Sysno::ioctl, &[3, libc::FIONCLEX], 0), "ioctl(3, FIONCLEX) = 0");
        assert_eq!(line(Sysno::ioctl, &[5, libc::TCFLSH, 0], 0), "ioctl(5, TCFLSH, TCIFLUSH) = 0");
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x12345678, 0x10], enotty),
            "ioctl(3, _IOC(_IOC_NONE, 0x56, 0x78, 0x1234), 0x10) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        assert_eq!(
            line(Sysno::ioctl, &[3, 0x80047801, 0x10], enotty),
            "ioctl(3, _IOC(_IOC_READ, 0x78, 0x1, 0x4), 0x10) = -1 ENOTTY (Inappropriate ioctl for device)"
        );
    }

    #[test]
    fn directories_and_names() {
        let cwd = *b"/tmp/sf\0";
        assert_eq!(line(Sysno::getcwd, &[s(&cwd), 4096], 8), r#"getcwd("/tmp/sf", 4096) = 8"#);
        assert_eq!(
            line(Sysno::getcwd, &[s(&cwd), 2], -(libc::ERANGE as i64)),
            format!("getcwd({:#x}, 2) = -1 ERANGE (Numerical result out of range)", s(&cwd))
        );
        assert_eq!(
            line(Sysno::getcwd, &[0, 100], EFAULT),
            "getcwd(NULL, 100) = -1 EFAULT (Bad address)"
        );
        assert_eq!(line(Sysno::chdir, &[s(b"/tmp/sf\0")], 0), r#"chdir("/tmp/sf") = 0"#);
        assert_eq!(
            line(Sysno::fchdir, &[3], -(libc::ENOTDIR as i64)),
            "fchdir(3) = -1 ENOTDIR (Not a directory)"
        );
        let target = *b"a.txt";
        let lnk = s(b"/tmp/sf/lnk\0");
        assert_eq!(
            line(Sysno::readlink, &[lnk, s(&target), 4096], 5),
            r#"readlink("/tmp/sf/lnk", "a.txt", 4096) = 5"#
        );
        assert_eq!(
            line(Sysno::readlink, &[lnk, s(&target), 2], 2),
            r#"readlink("/tmp/sf/lnk", "a.", 2) = 2"#
        );
        assert_eq!(
            line(Sysno::readlinkat, &[libc::AT_FDCWD as u64, s(b"lnk\0"), s(&target), 100], 5),
            r#"readlinkat(AT_FDCWD, "lnk", "a.txt", 100) = 5"#
        );
        let nope = s(b"/tmp/sf/nope\0");
        assert_eq!(
            line(Sysno::unlinkat, &[libc::AT_FDCWD as u64, nope, 0x200], ENOENT),
            r#"unlinkat(AT_FDCWD, "/tmp/sf/nope", AT_REMOVEDIR) = -1 ENOENT (No such file or directory)"#
        );
        assert_eq!(
            line(Sysno::unlinkat, &[0, s(b"a\0"), 1], EINVAL),
            r#"unlinkat(0, "a", 0x1 /* AT_??? */) = -1 EINVAL (Invalid argument)"#
        );
        assert_eq!(
            line(Sysno::mkdir, &[s(b"/tmp/sf/d\0"), 0o755], 0),
            r#"mkdir("/tmp/sf/d", 0755) = 0"#
        );
        assert_eq!(
            line(Sysno::mkdirat, &[libc::AT_FDCWD as u64, s(b"d2\0"), 0o700], 0),
            r#"mkdirat(AT_FDCWD, "d2", 0700) = 0"#
        );
        assert_eq!(line(Sysno::rmdir, &[s(b"d6\0")], 0), r#"rmdir("d6") = 0"#);
        assert_eq!(
            line(Sysno::rename, &[s(b"/tmp/sf/d2\0"), s(b"/tmp/sf/d3\0")], 0),
            r#"rename("/tmp/sf/d2", "/tmp/sf/d3") = 0"#
        );
        let (d4, d5) = (s(b"d4\0"), s(b"d5\0"));
        let cwd_fd = libc::AT_FDCWD as u64;
        assert_eq!(
            line(Sysno::renameat2, &[cwd_fd, d4, cwd_fd, d5, 1], 0),
            r#"renameat2(AT_FDCWD, "d4", AT_FDCWD, "d5", RENAME_NOREPLACE) = 0"#
        );
        assert_eq!(
            line(Sysno::renameat2, &[cwd_fd, d4, cwd_fd, d5, 0xe], EINVAL),
            r#"renameat2(AT_FDCWD, "d4", AT_FDCWD, "d5", RENAME_EXCHANGE|RENAME_WHITEOUT|0x8) = -1 EINVAL (Invalid argument)"#
        );
        assert_eq!(
            line(Sysno::renameat2, &[0, s(b"a\0"), 0, s(b"b\0"), 8], EINVAL),
            r#"renameat2(0, "a", 0, "b", 0x8 /* RENAME_?? */) = -1 EINVAL (Invalid argument)"#
        );
        assert_eq!(
            line(Sysno::renameat, &[cwd_fd, d4, cwd_fd, d5], 0),
            r#"renameat(AT_FDCWD, "d4", AT_FDCWD, "d5") = 0"#
        );
        assert_eq!(
            line(Sysno::linkat, &[cwd_fd, s(b"hl\0"), cwd_fd, s(b"hl2\0"), 0x400], 0),
            r#"linkat(AT_FDCWD, "hl", AT_FDCWD, "hl2", AT_SYMLINK_FOLLOW) = 0"#
        );
        assert_eq!(
            line(Sysno::link, &[s(b"/tmp/sf/a.txt\0"), s(b"/tmp/sf/hl\0")], 0),
            r#"link("/tmp/sf/a.txt", "/tmp/sf/hl") = 0"#
        );
        assert_eq!(
            line(Sysno::symlink, &[s(b"x\0"), s(b"/tmp/sf/sl\0")], 0),
            r#"symlink("x", "/tmp/sf/sl") = 0"#
        );
        assert_eq!(
            line(Sysno::symlinkat, &[s(b"y\0"), cwd_fd, s(b"sl2\0")], 0),
            r#"symlinkat("y", AT_FDCWD, "sl2") = 0"#
        );
        assert_eq!(line(Sysno::unlink, &[s(b"hl\0")], 0), r#"unlink("hl") = 0"#);
    }

    #[test]
    fn modes_and_owners() {
        let y = s(b"/y\0");
        assert_eq!(line(Sysno::umask, &[0o22], 0o22), "umask(022) = 022");
        assert_eq!(line(Sysno::umask, &[0], 0o22), "umask(000) = 022");
        assert_eq!(line(Sysno::umask, &[0x1ffff], 0o22), "umask(0177777) = 022");
        assert_eq!(line(Sysno::chmod, &[y, 0xffffffff1ffff], 0), r#"chmod("/y", 0177777) = 0"#);
        assert_eq!(
            line(Sysno::fchmod, &[3, 0o4755], EBADF),
            "fchmod(3, 04755) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::fchmodat, &[libc::AT_FDCWD as u64, y, 0o777], 0),
            r#"fchmodat(AT_FDCWD, "/y", 0777) = 0"#
        );
        assert_eq!(
            line(Sysno::mknod, &[s(b"/tmp/sf/nod\0"), 0o170644, 0], EINVAL),
            r#"mknod("/tmp/sf/nod", 0170644) = -1 EINVAL (Invalid argument)"#
        );
        assert_eq!(
            line(Sysno::mknod, &[s(b"/tmp/sf/nod\0"), 0o644, 0], 0),
            r#"mknod("/tmp/sf/nod", 0644) = 0"#
        );
        assert_eq!(
            line(
                Sysno::mknod,
                &[s(b"/tmp/sf/nod2\0"), (libc::S_IFCHR | 0o644) as u64, libc::makedev(1, 3)],
                0
            ),
            r#"mknod("/tmp/sf/nod2", S_IFCHR|0644, makedev(0x1, 0x3)) = 0"#
        );
        assert_eq!(
            line(
                Sysno::mknodat,
                &[libc::AT_FDCWD as u64, s(b"/tmp/sf/fifo\0"), (libc::S_IFIFO | 0o600) as u64, 0],
                0
            ),
            r#"mknodat(AT_FDCWD, "/tmp/sf/fifo", S_IFIFO|0600) = 0"#
        );
        let a = s(b"/tmp/sf/a.txt\0");
        assert_eq!(line(Sysno::chown, &[a, 0, 0], 0), r#"chown("/tmp/sf/a.txt", 0, 0) = 0"#);
        assert_eq!(
            line(Sysno::fchown, &[3, u32::MAX as u64, u32::MAX as u64], 0),
            "fchown(3, -1, -1) = 0"
        );
        assert_eq!(
            line(Sysno::lchown, &[s(b"/tmp/sf/lnk\0"), 1000, 1000], 0),
            r#"lchown("/tmp/sf/lnk", 1000, 1000) = 0"#
        );
        assert_eq!(
            line(Sysno::fchownat, &[3, s(b"\0"), 0, 0, 0x1000], 0),
            r#"fchownat(3, "", 0, 0, AT_EMPTY_PATH) = 0"#
        );
        assert_eq!(line(Sysno::truncate, &[a, 102], 0), r#"truncate("/tmp/sf/a.txt", 102) = 0"#);
        assert_eq!(line(Sysno::ftruncate, &[3, 102], 0), "ftruncate(3, 102) = 0");
        assert_eq!(line(Sysno::fsync, &[3], 0), "fsync(3) = 0");
        assert_eq!(line(Sysno::fdatasync, &[3], 0), "fdatasync(3) = 0");
    }

    #[test]
    fn space_times_locks_copies() {
        assert_eq!(
            line(Sysno::fadvise64, &[3, 0, 100, 2], 0),
            "fadvise64(3, 0, 100, POSIX_FADV_SEQUENTIAL) = 0"
        );
        assert_eq!(
            line(Sysno::fadvise64, &[3, 0, 0, 17], EINVAL),
            "fadvise64(3, 0, 0, 0x11 /* POSIX_FADV_??? */) = -1 EINVAL (Invalid argument)"
        );
        let eop = -(libc::EOPNOTSUPP as i64);
        assert_eq!(line(Sysno::fallocate, &[3, 0, 0, 200], 0), "fallocate(3, 0, 0, 200) = 0");
        assert_eq!(
            line(Sysno::fallocate, &[3, 3, 0, 10], 0),
            "fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0, 10) = 0"
        );
        assert_eq!(
            line(Sysno::fallocate, &[3, 0x1000, 0, 200], eop),
            "fallocate(3, 0x1000 /* FALLOC_FL_??? */, 0, 200) = -1 EOPNOTSUPP (Operation not supported)"
        );
        assert_eq!(
            line(Sysno::fallocate, &[3, 0x1001, 0, 10], eop),
            "fallocate(3, FALLOC_FL_KEEP_SIZE|0x1000, 0, 10) = -1 EOPNOTSUPP (Operation not supported)"
        );
        let a = s(b"/tmp/sf/a.txt\0");
        let ts = [
            libc::timespec { tv_sec: 1, tv_nsec: 2 },
            libc::timespec { tv_sec: 3, tv_nsec: libc::UTIME_OMIT },
        ];
        assert_eq!(
            line(Sysno::utimensat, &[libc::AT_FDCWD as u64, a, p(&ts), 0], 0),
            r#"utimensat(AT_FDCWD, "/tmp/sf/a.txt", [{tv_sec=1, tv_nsec=2} /* 1970-01-01T00:00:01.000000002+0000 */, UTIME_OMIT], 0) = 0"#
        );
        assert_eq!(
            line(Sysno::utimensat, &[libc::AT_FDCWD as u64, a, 0, 0x100], 0),
            r#"utimensat(AT_FDCWD, "/tmp/sf/a.txt", NULL, AT_SYMLINK_NOFOLLOW) = 0"#
        );
        let ts = [
            libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_NOW },
            libc::timespec { tv_sec: 1700000000, tv_nsec: 123456789 },
        ];
        assert_eq!(
            line(Sysno::utimensat, &[3, 0, p(&ts), 0], 0),
            "utimensat(3, NULL, [UTIME_NOW, {tv_sec=1700000000, tv_nsec=123456789} /* 2023-11-14T22:13:20.123456789+0000 */], 0) = 0"
        );
        let ts = [
            libc::timespec { tv_sec: -1, tv_nsec: 1000000000 },
            libc::timespec { tv_sec: 1700000000, tv_nsec: 5 },
        ];
        assert_eq!(
            line(Sysno::utimensat, &[3, 0, p(&ts), 0x100], EINVAL),
            "utimensat(3, NULL, [{tv_sec=-1, tv_nsec=1000000000}, {tv_sec=1700000000, tv_nsec=5} /* 2023-11-14T22:13:20.000000005+0000 */], AT_SYMLINK_NOFOLLOW) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::utimensat, &[3, 0, BAD, 0], EFAULT),
            "utimensat(3, NULL, 0x8, 0) = -1 EFAULT (Bad address)"
        );

        assert_eq!(line(Sysno::flock, &[3, 2], 0), "flock(3, LOCK_EX) = 0");
        assert_eq!(line(Sysno::flock, &[3, 5], 0), "flock(3, LOCK_SH|LOCK_NB) = 0");
        assert_eq!(
            line(Sysno::flock, &[3, 0x40], EINVAL),
            "flock(3, LOCK_READ) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::flock, &[3, 0xff], 0),
            "flock(3, LOCK_SH|LOCK_EX|LOCK_NB|LOCK_UN|LOCK_MAND|LOCK_RW|0x10) = 0"
        );
        assert_eq!(
            line(Sysno::flock, &[3, 0x100], EINVAL),
            "flock(3, 0x100 /* LOCK_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::flock, &[77, 0], EINVAL),
            "flock(77, 0) = -1 EINVAL (Invalid argument)"
        );

        // At exit the kernel has moved the offset: strace shows before => after.
        let off = 8i64;
        assert_eq!(
            line(Sysno::sendfile, &[16, 3, p(&off), 5], 5),
            "sendfile(16, 3, [3] => [8], 5) = 5"
        );
        assert_eq!(line(Sysno::sendfile, &[16, 3, 0, 5], 5), "sendfile(16, 3, NULL, 5) = 5");
        let off = 3000i64;
        assert_eq!(line(Sysno::sendfile, &[3, 3, p(&off), 5], 0), "sendfile(3, 3, [3000], 5) = 0");
        assert_eq!(
            line(Sysno::sendfile, &[3, 99, p(&off), 5], EBADF),
            "sendfile(3, 99, [3000], 5) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::sendfile, &[3, 3, BAD, 5], EFAULT),
            "sendfile(3, 3, 0x8, 5) = -1 EFAULT (Bad address)"
        );
        let (oi, oo) = (11i64, 12i64);
        assert_eq!(
            line(Sysno::copy_file_range, &[3, p(&oi), 16, p(&oo), 10, 0], 10),
            "copy_file_range(3, [1], 16, [2], 10, 0) = 10"
        );
        assert_eq!(
            line(Sysno::copy_file_range, &[3, 0, 16, 0, 10, 0], 10),
            "copy_file_range(3, NULL, 16, NULL, 10, 0) = 10"
        );
        let (oi, oo) = (1i64, 2i64);
        assert_eq!(
            line(Sysno::copy_file_range, &[99, p(&oi), 3, p(&oo), 5, 0], EBADF),
            "copy_file_range(99, [1], 3, [2], 5, 0) = -1 EBADF (Bad file descriptor)"
        );

        assert_eq!(line(Sysno::close_range, &[50, 60, 0], 0), "close_range(50, 60, 0) = 0");
        assert_eq!(
            line(Sysno::close_range, &[50, u32::MAX as u64, 4], 0),
            "close_range(50, 4294967295, CLOSE_RANGE_CLOEXEC) = 0"
        );
        assert_eq!(
            line(Sysno::close_range, &[50, 60, 10], EINVAL),
            "close_range(50, 60, CLOSE_RANGE_UNSHARE|0x8) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::close_range, &[50, 40, 8], EINVAL),
            "close_range(50, 40, 0x8 /* CLOSE_RANGE_??? */) = -1 EINVAL (Invalid argument)"
        );
    }

    #[test]
    fn polling() {
        let fds = [
            libc::pollfd { fd: 3, events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: 4, events: libc::POLLIN | libc::POLLOUT, revents: libc::POLLOUT },
            libc::pollfd { fd: -1, events: libc::POLLIN, revents: 0 },
        ];
        assert_eq!(
            line(Sysno::poll, &[p(&fds), 3, 100], 1),
            "poll([{fd=3, events=POLLIN}, {fd=4, events=POLLIN|POLLOUT}, {fd=-1}], 3, 100) = 1 ([{fd=4, revents=POLLOUT}])"
        );
        assert_eq!(
            line(Sysno::poll, &[p(&fds), 1, 0], 0),
            "poll([{fd=3, events=POLLIN}], 1, 0) = 0 (Timeout)"
        );
        assert_eq!(line(Sysno::poll, &[0, 0, 1], 0), "poll(NULL, 0, 1) = 0 (Timeout)");
        let five = [libc::pollfd { fd: 0, events: libc::POLLIN, revents: libc::POLLIN }; 5];
        // strace -s 3.
        assert_eq!(
            line_cx(Sysno::poll, &[p(&five), 5, 0], 5, limit(3)),
            "poll([{fd=0, events=POLLIN}, {fd=0, events=POLLIN}, {fd=0, events=POLLIN}, ...], 5, 0) = 5 \
([{fd=0, revents=POLLIN}, {fd=0, revents=POLLIN}, {fd=0, revents=POLLIN}, ...])"
        );

        assert_eq!(line(Sysno::epoll_create1, &[0x80000], 5), "epoll_create1(EPOLL_CLOEXEC) = 5");
        assert_eq!(line(Sysno::epoll_create, &[5], 6), "epoll_create(5) = 6");
        let ev = libc::epoll_event { events: (libc::EPOLLIN | libc::EPOLLET) as u32, u64: 0x1234 };
        assert_eq!(
            line(Sysno::epoll_ctl, &[5, 1, 4, p(&ev)], 0),
            "epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, data={u32=4660, u64=4660}}) = 0"
        );
        assert_eq!(
            line(Sysno::epoll_ctl, &[5, 2, 4, 0], 0),
            "epoll_ctl(5, EPOLL_CTL_DEL, 4, NULL) = 0"
        );
        let ev = libc::epoll_event { events: libc::EPOLLOUT as u32, u64: 0x1234 };
        assert_eq!(
            line(Sysno::epoll_ctl, &[5, 7, 4, p(&ev)], EINVAL),
            "epoll_ctl(5, 0x7 /* EPOLL_CTL_??? */, 4, {events=EPOLLOUT, data={u32=4660, u64=4660}}) = -1 EINVAL (Invalid argument)"
        );
        let out = [ev, ev];
        assert_eq!(
            line(Sysno::epoll_wait, &[5, p(&out), 4, 10], 1),
            "epoll_wait(5, [{events=EPOLLOUT, data={u32=4660, u64=4660}}], 4, 10) = 1"
        );
        assert_eq!(
            line(Sysno::epoll_wait, &[99, p(&out), 4, 0], EBADF),
            format!("epoll_wait(99, {:#x}, 4, 0) = -1 EBADF (Bad file descriptor)", p(&out))
        );
        assert_eq!(std::mem::size_of::<libc::epoll_event>(), 12);

        assert_eq!(
            line(Sysno::eventfd2, &[3, 0x80800], 7),
            "eventfd2(3, EFD_CLOEXEC|EFD_NONBLOCK) = 7"
        );
        assert_eq!(
            line(Sysno::eventfd2, &[0, 0x80801], 5),
            "eventfd2(0, EFD_SEMAPHORE|EFD_CLOEXEC|EFD_NONBLOCK) = 5"
        );
        assert_eq!(line(Sysno::eventfd2, &[0, 0], 8), "eventfd2(0, 0) = 8");
        assert_eq!(
            line(Sysno::inotify_init1, &[0x80800], 9),
            "inotify_init1(IN_NONBLOCK|IN_CLOEXEC) = 9"
        );
        assert_eq!(line(Sysno::inotify_init1, &[0], 11), "inotify_init1(0) = 11");
        let d = s(b"/tmp/sf\0");
        assert_eq!(
            line(Sysno::inotify_add_watch, &[9, d, 0x1000302], 1),
            r#"inotify_add_watch(9, "/tmp/sf", IN_MODIFY|IN_CREATE|IN_DELETE|IN_ONLYDIR) = 1"#
        );
        assert_eq!(
            line(Sysno::inotify_add_watch, &[9, d, 0xfff], 1),
            r#"inotify_add_watch(9, "/tmp/sf", IN_ACCESS|IN_MODIFY|IN_ATTRIB|IN_CLOSE_WRITE|IN_CLOSE_NOWRITE|IN_OPEN|IN_MOVED_FROM|IN_MOVED_TO|IN_CREATE|IN_DELETE|IN_DELETE_SELF|IN_MOVE_SELF) = 1"#
        );
        assert_eq!(line(Sysno::inotify_rm_watch, &[9, 1], 0), "inotify_rm_watch(9, 1) = 0");
    }
}
