//! Files: read and write, open, stat, names, modes and owners.

use super::*;

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
    assert_eq!(line(Sysno::pread64, &[3, s(&llo), 4, 2], 4), r#"pread64(3, "llo\n", 4, 2) = 4"#);
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
        line(Sysno::open, &[s(b"/tmp/sf\0"), (libc::O_TMPFILE | libc::O_RDWR) as u64, 0o600], 4),
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

#[test]
fn fd_paths() {
    use std::os::fd::AsRawFd;
    let (f, path) = temp_file("y", b"hello");
    let fd = f.as_raw_fd() as u64;
    let y = Context { fd_paths: true, ..cx() };
    let buf = *b"hello";
    // strace -y: `read(3</path/of/a.txt>, "hello", 5) = 5`.
    assert_eq!(
        line_cx(Sysno::read, &[fd, s(&buf), 5], 5, y),
        format!(r#"read({fd}<{path}>, "hello", 5) = 5"#)
    );
    let cpath = format!("{path}\0");
    // strace -y names the working directory of AT_FDCWD too.
    let cwd = std::env::current_dir().unwrap().display().to_string();
    assert_eq!(
        line_cx(Sysno::openat, &[libc::AT_FDCWD as u64, s(cpath.as_bytes()), 0], fd as i64, y),
        format!(r#"openat(AT_FDCWD<{cwd}>, "{path}", O_RDONLY) = {fd}<{path}>"#)
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
    let mut sf: crate::decode::stat::StatFs = zeroed();
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
    let mut sf: crate::decode::stat::StatFs = zeroed();
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
    assert_eq!(
        std::mem::size_of::<crate::decode::stat::StatFs>(),
        std::mem::size_of::<libc::statfs>()
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
fn calls_that_printed_raw_now_decode_as_strace_does() {
    // strace 6.1 on a small C program making these calls.
    let (path, name, seg) = (s(b"/etc/hostname\0"), s(b"user.none\0"), s(b"seg\0"));
    let buf = 0x7fff_6ee8_8f00;
    assert_eq!(
        line(Sysno::getxattr, &[path, name, buf, 64], -61),
        "getxattr(\"/etc/hostname\", \"user.none\", 0x7fff6ee88f00, 64) = -1 ENODATA (No data available)"
    );
    assert_eq!(
        line(Sysno::fgetxattr, &[3, name, 0, 0], -61),
        "fgetxattr(3, \"user.none\", NULL, 0) = -1 ENODATA (No data available)"
    );
    assert_eq!(line(Sysno::setpriority, &[1, 0, 5], 0), "setpriority(PRIO_PGRP, 0, 5) = 0");
    assert_eq!(
        line(Sysno::setpriority, &[7, 0, 0], -22),
        "setpriority(0x7 /* PRIO_??? */, 0, 0) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(line(Sysno::unshare, &[0], 0), "unshare(0) = 0");
    assert_eq!(
        line(Sysno::unshare, &[0x1002_0400], 0),
        "unshare(CLONE_FILES|CLONE_NEWNS|CLONE_NEWUSER) = 0"
    );
    assert_eq!(
        line(Sysno::memfd_create, &[seg, 3], 4),
        "memfd_create(\"seg\", MFD_CLOEXEC|MFD_ALLOW_SEALING) = 4"
    );
    assert_eq!(
        line(Sysno::memfd_create, &[seg, 0x100], -22),
        "memfd_create(\"seg\", 0x100 /* MFD_??? */) = -1 EINVAL (Invalid argument)"
    );
    assert_eq!(
        line(Sysno::umount2, &[path, 2], -2),
        "umount2(\"/etc/hostname\", MNT_DETACH) = -1 ENOENT (No such file or directory)"
    );
    assert_eq!(
        line(Sysno::sync_file_range, &[4, 0, 0, 2], 0),
        "sync_file_range(4, 0, 0, SYNC_FILE_RANGE_WRITE) = 0"
    );
    assert_eq!(
        line(Sysno::pkey_alloc, &[0, 1], -28),
        "pkey_alloc(0, PKEY_DISABLE_ACCESS) = -1 ENOSPC (No space left on device)"
    );
    assert_eq!(
        line(Sysno::pidfd_send_signal, &[9999, 15, 0, 0], -9),
        "pidfd_send_signal(9999, SIGTERM, NULL, 0) = -1 EBADF (Bad file descriptor)"
    );
}
