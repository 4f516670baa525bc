//! Descriptors: seek, access, dup and pipe, fcntl, getdents, ioctl, space,
//! times, locks and copies, polling.

use super::*;

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
    assert_eq!(line(Sysno::fcntl, &[3, F_SETFD as u64, 1], 0), "fcntl(3, F_SETFD, FD_CLOEXEC) = 0");
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
    let t = crate::decode::ioctl::TermiosFlags {
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
        format!("ioctl(5, SNDCTL_TMR_STOP or TCSETSW, {body}) = -1 EBADF (Bad file descriptor)")
    );
    let all = crate::decode::ioctl::TermiosFlags {
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
    let odd = crate::decode::ioctl::TermiosFlags {
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
        format!("ioctl(3, TIOCGWINSZ, {:#x}) = -1 ENOTTY (Inappropriate ioctl for device)", p(&ws))
    );
    let n = 200i32;
    assert_eq!(line(Sysno::ioctl, &[3, libc::FIONREAD, p(&n)], 0), "ioctl(3, FIONREAD, [200]) = 0");
    assert_eq!(
        line(Sysno::ioctl, &[99, libc::FIONREAD, p(&n)], EBADF),
        format!("ioctl(99, FIONREAD, {:#x}) = -1 EBADF (Bad file descriptor)", p(&n))
    );
    assert_eq!(line(Sysno::ioctl, &[3, libc::FIONBIO, p(&n)], 0), "ioctl(3, FIONBIO, [200]) = 0");
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
    assert_eq!(line(Sysno::flock, &[77, 0], EINVAL), "flock(77, 0) = -1 EINVAL (Invalid argument)");

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
