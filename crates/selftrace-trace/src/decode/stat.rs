//! File status: stat, statx and statfs, as strace shows them without
//! `-v` (the fields it shows, then `...`), and the file mode and device
//! numbers mknod shares.

use super::{arg, field_dec, field_udec, out_struct, uint, Plain, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;

const S_IFMT: u64 = libc::S_IFMT as u64;

const FILE_TYPES: &[(u64, &str)] =
    &flags![S_IFREG, S_IFSOCK, S_IFIFO, S_IFLNK, S_IFDIR, S_IFBLK, S_IFCHR];

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

const STATX_SYNC_TYPE: u64 = libc::AT_STATX_SYNC_TYPE as u64;

const STATX_AT_FLAGS: &[(u64, &str)] = &flags![
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
fn write_statx_flags(o: &mut Out, v: u64) {
    if v & STATX_SYNC_TYPE == 0 {
        o.str("AT_STATX_SYNC_AS_STAT");
        if v != 0 {
            o.byte(b'|');
            o.flags(v, STATX_AT_FLAGS);
        }
    } else {
        o.flags(v, STATX_AT_FLAGS);
    }
}

/// `STATX_DIOALIGN` (Linux 6.1), not in every libc.
const STATX_DIOALIGN: u64 = 0x2000;

pub(crate) const STATX_MASK: &[(u64, &str)] = &flags![
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

const STATX_ATTRS: &[(u64, &str)] = &flags![
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
    o.flags(st.stx_mask as u64, STATX_MASK);
    o.str(", stx_attributes=");
    o.flags(st.stx_attributes, STATX_ATTRS);
    o.str(", stx_mode=");
    file_mode(o, st.stx_mode as u64);
    o.str(", ");
    field_udec(o, "stx_size", st.stx_size);
    o.str(", ...}");
}

/// x86_64's `struct statfs` (libc's `fsid_t` hides its fields).
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct StatFs {
    pub(crate) f_type: i64,
    pub(crate) f_bsize: i64,
    pub(crate) f_blocks: u64,
    pub(crate) f_bfree: u64,
    pub(crate) f_bavail: u64,
    pub(crate) f_files: u64,
    pub(crate) f_ffree: u64,
    pub(crate) f_fsid: [i32; 2],
    pub(crate) f_namelen: i64,
    pub(crate) f_frsize: i64,
    pub(crate) f_flags: i64,
    pub(crate) f_spare: [i64; 4],
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for StatFs {}

/// Magic numbers of common file systems (<linux/magic.h>).
const FS_MAGIC: &[(u64, &str)] = &[
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

const ST_FLAGS: &[(u64, &str)] = &[
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
    o.flags(s.f_flags as u64, ST_FLAGS);
    o.byte(b'}');
}

/// mknod's mode: the file type and permissions.
pub(crate) fn file_mode_arg(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let m = arg(info, i);
    w.text(name, m, |o| file_mode(o, m));
}

/// mknod's device, shown only for the device types of the mode before it.
pub(crate) fn mknod_dev(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let (m, dev) = (arg(info, i.wrapping_sub(1)), arg(info, i));
    let ty = m & S_IFMT;
    if ty == libc::S_IFCHR as u64 || ty == libc::S_IFBLK as u64 {
        w.text(name, dev, |o| makedev(o, dev));
    }
}

pub(crate) fn stat_buf(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    out_struct(w, info, name, arg(info, i), stat_body);
}

pub(crate) fn statx_flags(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let flags = arg(info, i);
    w.text(name, flags, |o| write_statx_flags(o, uint(flags)));
}

pub(crate) fn statx_buf(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    out_struct(w, info, name, arg(info, i), statx_body);
}

pub(crate) fn statfs_buf(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    out_struct(w, info, name, arg(info, i), statfs_body);
}
