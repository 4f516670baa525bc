//! The x86_64 calls: one line each, in number order (see [`super`] for the
//! form of a line). Argument names are the man pages'; kinds and return
//! kinds follow what strace 6.1 prints.
//!
//! # Where the data comes from
//!
//! Measured against strace 6.1 on x86_64 (kernel 6.18), not copied from
//! strace's sources. A C program called `syscall(nr, -1, -1, -1, -1, -1, -1)`
//! for every number 0..=470 (calls that would end or disturb the process,
//! such as exit, exit_group, rt_sigreturn, pause, fork, vfork, clone,
//! clone3, execve, execveat, setsid, vhangup, set_tid_address, uretprobe and
//! uprobe, ran in a forked child; kill got a pid that does not exist, reboot
//! a wrong magic, msgget no IPC_CREAT). That program ran under
//! `strace -ff -e trace=%CLASS` once per class; every call name in the
//! output put its number in the class. Under plain `strace -ff` the
//! top-level commas of each printed argument list gave the count of
//! arguments. Where a decoder prints a shorter list for some values, the
//! largest list was taken (openat's mode shows only with O_CREAT; mknod's
//! and mknodat's dev only for S_IFCHR/S_IFBLK, measured with those; reboot's
//! fourth argument only for LINUX_REBOOT_CMD_RESTART2, measured as an
//! unprivileged user, who gets EPERM). Two calls print something that is not
//! an argument, so their count is 0: `rt_sigreturn({mask=[...]})` (strace
//! reads the mask from the signal frame) and
//! `restart_syscall(<... resuming interrupted read ...>)`.
//!
//! strace 6.1 has no name for 335, 336 and 451 on; it prints them as
//! `syscall_0x1c3(...)` with all six arguments and, even under
//! `-e trace=!all`, always shows them, so neither their classes nor their
//! counts could be measured. Their counts are those of the kernel's
//! definitions (and of the man pages). Their classes follow later strace
//! releases where those were seen (cachestat %desc; fchmodat2 %desc and
//! %file; map_shadow_stack and mseal %memory; futex_wake, futex_wait,
//! futex_requeue, statmount, listmount and the lsm_* calls none) and
//! otherwise the rule strace's classes follow (a call that takes a
//! directory fd and a path, as setxattrat, getxattrat, listxattrat,
//! removexattrat, open_tree_attr, file_getattr and file_setattr do, is
//! %desc and %file, as fchownat and open_tree are); uretprobe and uprobe
//! are in no class. Those entries are marked "not in strace 6.1" below.
//!
//! To redo the measurement for a newer strace: run the same program under
//! each `-e trace=%CLASS` and under plain strace, and compare the name
//! sets and the comma counts with the table.

use crate::decode::{desc, fs, ioctl, mem, net, process, signal, stat, sys, time};

calls! {
    read(fd: Fd, buf: OutBytes, count: ULong) DESC;
    write(fd: Fd, buf: Bytes, count: ULong) DESC;
    open(pathname: Path, flags: Custom(fs::open_flags),
        mode: Custom(fs::open_mode)) FILE | DESC -> Fd;
    close(fd: Fd) DESC;
    stat(pathname: Path, statbuf: Custom(stat::stat_buf)) FILE | STAT | STAT_ANY;
    fstat(fd: Fd, statbuf: Custom(stat::stat_buf)) DESC | FSTAT | STAT_ANY;
    lstat(pathname: Path, statbuf: Custom(stat::stat_buf)) FILE | LSTAT | STAT_ANY;
    poll(fds: Custom(desc::pollfds), nfds: UInt, timeout: Int) DESC -> Custom(desc::ret_poll);
    lseek(fd: Fd, offset: Long, whence: Enum(fs::WHENCE, "SEEK_???")) DESC;
    mmap(addr: Ptr, length: ULong, prot: Custom(mem::prot), flags: Custom(mem::map_flags), fd: Fd,
        offset: Xlong) DESC | MEMORY -> Hex;
    mprotect(addr: Ptr, length: ULong, prot: Custom(mem::prot)) MEMORY;
    munmap(addr: Ptr, length: ULong) MEMORY;
    brk(addr: Ptr) MEMORY -> Hex;
    rt_sigaction(signum: Signal, act: Custom(signal::sigaction_in),
        oldact: Custom(signal::sigaction_out), sigsetsize: ULong) SIGNAL;
    rt_sigprocmask(how: Enum(signal::SIG_HOW, "SIG_???"), set: Custom(signal::sigset_in),
        oldset: Custom(signal::sigset_out), sigsetsize: ULong) SIGNAL;
    rt_sigreturn[0] SIGNAL;
    ioctl(fd: Fd, request: UInt, argp: Hex) DESC => ioctl::ioctl;
    pread64(fd: Fd, buf: OutBytes, count: ULong, offset: Long) DESC;
    pwrite64(fd: Fd, buf: Bytes, count: ULong, offset: Long) DESC;
    readv(fd: Fd, iov: Custom(fs::readv_iov), iovcnt: Int) DESC;
    writev(fd: Fd, iov: Custom(fs::writev_iov), iovcnt: Int) DESC;
    access(pathname: Path, mode: Custom(fs::access_mode)) FILE;
    pipe(pipefd: Custom(desc::pipefd)) DESC;
    select[5] DESC;
    sched_yield() NONE;
    mremap(old_address: Ptr, old_size: ULong, new_size: ULong, flags: Custom(mem::mremap_flags),
        new_address: Custom(mem::mremap_new)) MEMORY -> Hex;
    msync[3] MEMORY;
    mincore[3] MEMORY;
    madvise(addr: Ptr, length: ULong, advice: Enum(mem::MADV, "MADV_???")) MEMORY;
    shmget[3] IPC;
    shmat[3] IPC | MEMORY;
    shmctl[3] IPC;
    dup(oldfd: Fd) DESC -> Fd;
    dup2(oldfd: Fd, newfd: Fd) DESC -> Fd;
    pause() SIGNAL;
    nanosleep(req: Custom(time::timespec_in), rem: Custom(time::remaining)) NONE;
    getitimer(which: Enum(time::ITIMERS, "ITIMER_???"), curr_value: Custom(time::itimerval_out))
        NONE;
    alarm[1] NONE;
    setitimer(which: Enum(time::ITIMERS, "ITIMER_???"), new_value: Custom(time::itimerval_in),
        old_value: Custom(time::itimerval_out)) NONE;
    getpid() PURE;
    sendfile(out_fd: Fd, in_fd: Fd, offset: Custom(fs::sendfile_offset),
        count: ULong) NETWORK | DESC;
    socket(domain: Enum(net::AF, "AF_???"), type: Custom(net::sock_type),
        protocol: Custom(net::protocol)) NETWORK -> Fd;
    connect(sockfd: Fd, addr: Custom(net::sockaddr_in), addrlen: Int) NETWORK;
    accept(sockfd: Fd, addr: Custom(net::sockaddr_out), addrlen: Custom(net::len_at)) NETWORK -> Fd;
    sendto(sockfd: Fd, buf: Bytes, len: ULong, flags: Flags(net::MSG, "MSG_???"),
        dest_addr: Custom(net::sockaddr_in), addrlen: Int) NETWORK;
    recvfrom(sockfd: Fd, buf: OutBytes, len: ULong, flags: Flags(net::MSG, "MSG_???"),
        src_addr: Custom(net::sockaddr_out), addrlen: Custom(net::len_at)) NETWORK;
    sendmsg(sockfd: Fd, msg: Custom(net::msghdr), flags: Flags(net::MSG, "MSG_???")) NETWORK;
    recvmsg(sockfd: Fd, msg: Custom(net::msghdr), flags: Flags(net::MSG, "MSG_???")) NETWORK;
    shutdown(sockfd: Fd, how: Enum(net::SHUT, "SHUT_???")) NETWORK;
    bind(sockfd: Fd, addr: Custom(net::sockaddr_in), addrlen: Int) NETWORK;
    listen(sockfd: Fd, backlog: Int) NETWORK;
    getsockname(sockfd: Fd, addr: Custom(net::sockaddr_out), addrlen: Custom(net::len_at)) NETWORK;
    getpeername(sockfd: Fd, addr: Custom(net::sockaddr_out), addrlen: Custom(net::len_at)) NETWORK;
    socketpair(domain: Enum(net::AF, "AF_???"), type: Custom(net::sock_type),
        protocol: Custom(net::protocol), sv: Custom(net::socket_pair)) NETWORK;
    setsockopt(sockfd: Fd, level: Int, optname: Int, optval: Ptr,
        optlen: Int) NETWORK => net::sockopt;
    getsockopt(sockfd: Fd, level: Int, optname: Int, optval: Ptr,
        optlen: Ptr) NETWORK => net::sockopt;
    clone(flags: Hex, stack: Ptr, parent_tid: Ptr, child_tid: Ptr,
        tls: Hex) PROCESS => process::clone;
    fork() PROCESS;
    vfork() PROCESS;
    execve(pathname: Path, argv: Custom(process::argv), envp: Custom(process::envp)) FILE | PROCESS;
    exit(status: Int) PROCESS;
    wait4(pid: Int, wstatus: Custom(process::wstatus),
        options: Flags(process::WAIT_OPTIONS, "W???"), rusage: Custom(process::rusage)) PROCESS;
    kill(pid: Int, sig: Signal) PROCESS | SIGNAL;
    uname(buf: Custom(sys::utsname)) NONE;
    semget[3] IPC;
    semop[3] IPC;
    semctl[4] IPC;
    shmdt(shmaddr: Ptr) IPC | MEMORY;
    msgget[2] IPC;
    msgsnd[4] IPC;
    msgrcv[5] IPC;
    msgctl[3] IPC;
    fcntl(fd: Fd, cmd: Int, arg: Hex) DESC => desc::fcntl;
    flock(fd: Fd, operation: Flags(fs::LOCK_OPS, "LOCK_???")) DESC;
    fsync(fd: Fd) DESC;
    fdatasync(fd: Fd) DESC;
    truncate(path: Path, length: Long) FILE;
    ftruncate(fd: Fd, length: Long) DESC;
    getdents(fd: Fd, dirp: Custom(desc::dirents), count: UInt) DESC;
    getcwd(buf: Custom(fs::cwd), size: ULong) FILE;
    chdir(pathname: Path) FILE;
    fchdir(fd: Fd) DESC;
    rename(oldpath: Path, newpath: Path) FILE;
    mkdir(pathname: Path, mode: Mode) FILE;
    rmdir(pathname: Path) FILE;
    creat(pathname: Path, mode: Mode) FILE | DESC -> Fd;
    link(oldpath: Path, newpath: Path) FILE;
    unlink(pathname: Path) FILE;
    symlink(target: Target, linkpath: Path) FILE;
    readlink(pathname: Path, buf: OutBytes, bufsiz: ULong) FILE;
    chmod(pathname: Path, mode: Mode) FILE;
    fchmod(fd: Fd, mode: Mode) DESC;
    chown(pathname: Path, owner: Int, group: Int) FILE;
    fchown(fd: Fd, owner: Int, group: Int) DESC;
    lchown(pathname: Path, owner: Int, group: Int) FILE;
    umask(mask: Mode) NONE -> Custom(fs::ret_octal);
    gettimeofday(tv: Custom(time::timeval_out), tz: Custom(time::timezone_out)) CLOCK;
    getrlimit(resource: Enum(sys::RLIMITS, "RLIMIT_???"), rlim: Custom(sys::rlimit_out)) NONE;
    getrusage(who: Enum(sys::RUSAGE_WHO, "RUSAGE_???"), usage: Custom(process::rusage)) NONE;
    sysinfo(info: Custom(sys::sysinfo)) NONE;
    times[1] NONE;
    ptrace(request: Int, pid: Int, addr: Hex, data: Hex) NONE => sys::ptrace;
    getuid() CREDS | PURE;
    syslog[3] NONE;
    getgid() CREDS | PURE;
    setuid(id: Id) CREDS;
    setgid(id: Id) CREDS;
    geteuid() CREDS | PURE;
    getegid() CREDS | PURE;
    setpgid(pid: Int, pgid: Int) NONE;
    getppid() PURE;
    getpgrp() PURE;
    setsid() NONE;
    setreuid(real: Id, effective: Id) CREDS;
    setregid(real: Id, effective: Id) CREDS;
    getgroups(size: Int, list: Custom(process::groups)) CREDS;
    setgroups(size: Int, list: Custom(process::groups)) CREDS;
    setresuid(real: Id, effective: Id, saved: Id) CREDS;
    getresuid(real: Custom(process::id_out), effective: Custom(process::id_out),
        saved: Custom(process::id_out)) CREDS;
    setresgid(real: Id, effective: Id, saved: Id) CREDS;
    getresgid(real: Custom(process::id_out), effective: Custom(process::id_out),
        saved: Custom(process::id_out)) CREDS;
    getpgid(pid: Int) NONE;
    setfsuid(id: Id) CREDS;
    setfsgid(id: Id) CREDS;
    getsid(pid: Int) NONE;
    capget[2] CREDS;
    capset[2] CREDS;
    rt_sigpending(set: Custom(signal::sigset_out), sigsetsize: ULong) SIGNAL;
    rt_sigtimedwait(set: Custom(signal::sigset_in), info: Custom(signal::siginfo_out),
        timeout: Custom(time::timespec_in), sigsetsize: ULong) SIGNAL -> Custom(signal::ret_signal);
    rt_sigqueueinfo(tgid: Int, sig: Signal, info: Custom(signal::siginfo_in)) PROCESS | SIGNAL;
    rt_sigsuspend(mask: Custom(signal::sigset_in), sigsetsize: ULong) SIGNAL;
    sigaltstack(ss: Custom(signal::stack_in), old_ss: Custom(signal::stack_out)) SIGNAL;
    utime[filename: Path, times: Ptr] FILE;
    mknod(pathname: Path, mode: Custom(stat::file_mode_arg), dev: Custom(stat::mknod_dev)) FILE;
    uselib[1] FILE;
    personality[1] NONE;
    ustat[2] STATFS_ANY;
    statfs(path: Path, buf: Custom(stat::statfs_buf)) FILE | STATFS | STATFS_ANY;
    fstatfs(fd: Fd, buf: Custom(stat::statfs_buf)) DESC | FSTATFS | STATFS_ANY;
    sysfs[3] NONE;
    getpriority(which: Enum(sys::PRIO_WHICH, "PRIO_???"), who: Int) NONE;
    setpriority(which: Enum(sys::PRIO_WHICH, "PRIO_???"), who: Int, prio: Int) NONE;
    sched_setparam[2] NONE;
    sched_getparam[2] NONE;
    sched_setscheduler[3] NONE;
    sched_getscheduler[1] NONE;
    sched_get_priority_max[1] NONE;
    sched_get_priority_min[1] NONE;
    sched_rr_get_interval[2] NONE;
    mlock(addr: Ptr, len: ULong) MEMORY;
    munlock(addr: Ptr, len: ULong) MEMORY;
    mlockall(flags: Flags(mem::MCL_FLAGS, "MCL_???")) MEMORY;
    munlockall() MEMORY;
    vhangup[0] NONE;
    modify_ldt[3] NONE;
    pivot_root[2] FILE;
    _sysctl[1] NONE;
    prctl(option: Int, arg2: Hex, arg3: Hex, arg4: Hex, arg5: Hex) CREDS => sys::prctl;
    arch_prctl(code: Int, addr: Hex) NONE => sys::arch_prctl;
    adjtimex[1] CLOCK;
    setrlimit(resource: Enum(sys::RLIMITS, "RLIMIT_???"), rlim: Custom(sys::rlimit_in)) NONE;
    chroot[path: Path] FILE;
    sync[0] NONE;
    acct[1] FILE;
    settimeofday(tv: Custom(time::timeval_in), tz: Custom(time::timezone_in)) CLOCK;
    mount[5] FILE;
    umount2(target: Path, flags: Flags(fs::UMOUNT_FLAGS, "MNT_???")) FILE;
    swapon[2] FILE;
    swapoff[1] FILE;
    reboot[4] NONE;
    sethostname[2] NONE;
    setdomainname[2] NONE;
    iopl[1] NONE;
    ioperm[3] NONE;
    create_module[2] NONE;
    init_module[3] NONE;
    delete_module[2] NONE;
    get_kernel_syms[1] NONE;
    query_module[5] NONE;
    quotactl[4] FILE;
    nfsservctl[3] NONE;
    getpmsg[5] NETWORK;
    putpmsg[5] NETWORK;
    afs_syscall[5] NONE;
    tuxcall[3] NONE;
    security[3] NONE;
    gettid() PURE;
    readahead[3] DESC;
    setxattr[path: Path, name: Str, value: Ptr, size: ULong, flags: Int] FILE;
    lsetxattr[path: Path, name: Str, value: Ptr, size: ULong, flags: Int] FILE;
    fsetxattr[5] DESC;
    getxattr(path: Path, name: Str, value: OutBytes, size: ULong) FILE;
    lgetxattr(path: Path, name: Str, value: OutBytes, size: ULong) FILE;
    fgetxattr(fd: Fd, name: Str, value: OutBytes, size: ULong) DESC;
    listxattr[path: Path, list: Ptr, size: ULong] FILE;
    llistxattr[path: Path, list: Ptr, size: ULong] FILE;
    flistxattr[3] DESC;
    removexattr[path: Path, name: Str] FILE;
    lremovexattr[path: Path, name: Str] FILE;
    fremovexattr[2] DESC;
    tkill(pid: Int, sig: Signal) PROCESS | SIGNAL;
    time[1] CLOCK;
    futex(uaddr: Ptr, futex_op: Int, val: UInt, timeout: Ptr, uaddr2: Ptr,
        val3: UInt) NONE => sys::futex;
    sched_setaffinity(pid: Int, cpusetsize: ULong, mask: Custom(sys::cpu_mask_in)) NONE;
    sched_getaffinity(pid: Int, cpusetsize: ULong, mask: Custom(sys::cpu_mask_out)) NONE;
    set_thread_area[1] NONE;
    io_setup[2] MEMORY;
    io_destroy[1] MEMORY;
    io_getevents[5] NONE;
    io_submit[3] NONE;
    io_cancel[3] NONE;
    get_thread_area[1] NONE;
    lookup_dcookie[3] NONE;
    epoll_create(size: Int) DESC -> Fd;
    epoll_ctl_old[4] NONE;
    epoll_wait_old[4] NONE;
    remap_file_pages[5] MEMORY;
    getdents64(fd: Fd, dirp: Custom(desc::dirents), count: UInt) DESC;
    set_tid_address(tidptr: Ptr) NONE;
    restart_syscall[0] NONE;
    semtimedop[4] IPC;
    fadvise64(fd: Fd, offset: Long, len: Long, advice: Enum(fs::FADVICE, "POSIX_FADV_???")) DESC;
    timer_create[3] NONE;
    timer_settime[4] NONE;
    timer_gettime[2] NONE;
    timer_getoverrun[1] NONE;
    timer_delete[1] NONE;
    clock_settime(clockid: Enum(time::CLOCKS, "CLOCK_???"), tp: Custom(time::timespec_in)) CLOCK;
    clock_gettime(clockid: Enum(time::CLOCKS, "CLOCK_???"), tp: Custom(time::timespec_out)) CLOCK;
    clock_getres(clockid: Enum(time::CLOCKS, "CLOCK_???"), tp: Custom(time::timespec_out)) CLOCK;
    clock_nanosleep(clockid: Enum(time::CLOCKS, "CLOCK_???"),
        flags: Flags(time::TIMER_FLAGS,
        "TIMER_???"), request: Custom(time::timespec_in), remain: Custom(time::remaining)) NONE;
    exit_group(status: Int) PROCESS;
    epoll_wait(epfd: Fd, events: Custom(desc::epoll_events), maxevents: Int, timeout: Int) DESC;
    epoll_ctl(epfd: Fd, op: Enum(desc::EPOLL_OPS, "EPOLL_CTL_???"), fd: Fd,
        event: Custom(desc::epoll_event)) DESC;
    tgkill(tgid: Int, tid: Int, sig: Signal) PROCESS | SIGNAL;
    utimes[filename: Path, times: Ptr] FILE;
    vserver[5] NONE;
    mbind[6] MEMORY;
    set_mempolicy[3] MEMORY;
    get_mempolicy[5] MEMORY;
    mq_open[4] DESC;
    mq_unlink[1] NONE;
    mq_timedsend[5] DESC;
    mq_timedreceive[5] DESC;
    mq_notify[2] DESC;
    mq_getsetattr[3] DESC;
    kexec_load[4] NONE;
    waitid(idtype: Enum(process::IDTYPES, "P_???"), id: Int, infop: Custom(signal::siginfo_out),
        options: Flags(process::WAIT_OPTIONS, "W???"), rusage: Custom(process::rusage)) PROCESS;
    add_key[5] NONE;
    request_key[4] NONE;
    keyctl[5] NONE;
    ioprio_set[3] NONE;
    ioprio_get[2] NONE;
    inotify_init[0] DESC;
    inotify_add_watch(fd: Fd, pathname: Path, mask: Flags(desc::IN_MASK, "IN_???")) FILE | DESC;
    inotify_rm_watch(fd: Fd, wd: Int) DESC;
    migrate_pages[4] MEMORY;
    openat(dirfd: Dirfd, pathname: Path, flags: Custom(fs::open_flags),
        mode: Custom(fs::open_mode)) FILE | DESC -> Fd;
    mkdirat(dirfd: Dirfd, pathname: Path, mode: Mode) FILE | DESC;
    mknodat(dirfd: Dirfd, pathname: Path, mode: Custom(stat::file_mode_arg),
        dev: Custom(stat::mknod_dev)) FILE | DESC;
    fchownat(dirfd: Dirfd, pathname: Path, owner: Int, group: Int,
        flags: Flags(fs::AT_FLAGS, "AT_???")) FILE | DESC;
    futimesat[dirfd: Dirfd, pathname: Path, times: Ptr] FILE | DESC;
    newfstatat(dirfd: Dirfd, pathname: Path, statbuf: Custom(stat::stat_buf),
        flags: Flags(fs::AT_FLAGS, "AT_???")) FILE | DESC | FSTAT | STAT_ANY;
    unlinkat(dirfd: Dirfd, pathname: Path, flags: Flags(fs::AT_FLAGS, "AT_???")) FILE | DESC;
    renameat(olddirfd: Dirfd, oldpath: Path, newdirfd: Dirfd, newpath: Path) FILE | DESC;
    linkat(olddirfd: Dirfd, oldpath: Path, newdirfd: Dirfd, newpath: Path,
        flags: Flags(fs::AT_FLAGS, "AT_???")) FILE | DESC;
    symlinkat(target: Target, newdirfd: Dirfd, linkpath: Path) FILE | DESC;
    readlinkat(dirfd: Dirfd, pathname: Path, buf: OutBytes, bufsiz: ULong) FILE | DESC;
    fchmodat(dirfd: Dirfd, pathname: Path, mode: Mode) FILE | DESC;
    faccessat(dirfd: Dirfd, pathname: Path, mode: Custom(fs::access_mode)) FILE | DESC;
    pselect6[6] DESC;
    ppoll[5] DESC;
    unshare(flags: Flags(process::UNSHARE_FLAGS, "CLONE_???")) NONE;
    set_robust_list(head: Ptr, len: ULong) NONE;
    get_robust_list[3] NONE;
    splice[6] DESC;
    tee[4] DESC;
    sync_file_range(fd: Fd, offset: Long, nbytes: Long,
        flags: Flags(fs::SYNC_FILE_RANGE_FLAGS, "SYNC_FILE_RANGE_???")) DESC;
    vmsplice[4] DESC;
    move_pages[6] MEMORY;
    utimensat(dirfd: Dirfd, pathname: Path, times: Custom(fs::utimens),
        flags: Flags(fs::AT_FLAGS, "AT_???")) FILE | DESC;
    epoll_pwait[6] DESC;
    signalfd(fd: Fd, mask: Custom(signal::sigset_in), sizemask: ULong) SIGNAL | DESC -> Fd;
    timerfd_create[2] DESC;
    eventfd[1] DESC;
    fallocate(fd: Fd, mode: Flags(fs::FALLOC_FLAGS, "FALLOC_FL_???"), offset: Long, len: Long) DESC;
    timerfd_settime[4] DESC;
    timerfd_gettime[2] DESC;
    accept4(sockfd: Fd, addr: Custom(net::sockaddr_out), addrlen: Custom(net::len_at),
        flags: Flags(net::SOCK_FLAGS, "SOCK_???")) NETWORK -> Fd;
    signalfd4(fd: Fd, mask: Custom(signal::sigset_in), sizemask: ULong,
        flags: Flags(desc::SFD_FLAGS, "SFD_???")) SIGNAL | DESC -> Fd;
    eventfd2(initval: UInt, flags: Flags(desc::EFD_FLAGS, "EFD_???")) DESC -> Fd;
    epoll_create1(flags: Flags(desc::EPOLL_CREATE_FLAGS, "EPOLL_???")) DESC -> Fd;
    dup3(oldfd: Fd, newfd: Fd, flags: Flags(fs::OPEN_FLAGS, "O_???")) DESC -> Fd;
    pipe2(pipefd: Custom(desc::pipefd), flags: Flags(fs::OPEN_FLAGS, "O_???")) DESC;
    inotify_init1(flags: Flags(desc::IN_INIT_FLAGS, "IN_???")) DESC -> Fd;
    preadv[4] DESC;
    pwritev[4] DESC;
    rt_tgsigqueueinfo[4] PROCESS | SIGNAL;
    perf_event_open[5] DESC;
    recvmmsg[5] NETWORK;
    fanotify_init[2] DESC;
    fanotify_mark[5] FILE | DESC;
    prlimit64(pid: Int, resource: Enum(sys::RLIMITS, "RLIMIT_???"),
        new_limit: Custom(sys::rlimit_in), old_limit: Custom(sys::rlimit_out)) NONE;
    name_to_handle_at[5] FILE | DESC;
    open_by_handle_at[3] DESC;
    clock_adjtime[2] CLOCK;
    syncfs[1] DESC;
    sendmmsg[4] NETWORK;
    setns[2] DESC;
    getcpu[3] NONE;
    process_vm_readv[6] NONE;
    process_vm_writev[6] NONE;
    kcmp[5] NONE;
    finit_module[3] DESC;
    sched_setattr[3] NONE;
    sched_getattr[4] NONE;
    renameat2(olddirfd: Dirfd, oldpath: Path, newdirfd: Dirfd, newpath: Path,
        flags: Flags(fs::RENAME_FLAGS, "RENAME_??")) FILE | DESC;
    seccomp[3] NONE;
    getrandom(buf: Custom(sys::random_bytes), buflen: ULong,
        flags: Flags(sys::GRND, "GRND_???")) NONE;
    memfd_create(name: Str, flags: Flags(mem::MFD_FLAGS, "MFD_???")) DESC -> Fd;
    kexec_file_load[5] DESC;
    bpf[3] DESC;
    execveat(dirfd: Dirfd, pathname: Path, argv: Custom(process::argv),
        envp: Custom(process::envp), flags: Flags(process::AT_EXEC_FLAGS,
        "AT_???")) FILE | PROCESS | DESC;
    userfaultfd[1] DESC;
    membarrier[3] NONE;
    mlock2[3] MEMORY;
    copy_file_range(fd_in: Fd, off_in: Custom(fs::moved_offset), fd_out: Fd,
        off_out: Custom(fs::moved_offset), len: ULong, flags: UInt) DESC;
    preadv2[5] DESC;
    pwritev2[5] DESC;
    pkey_mprotect[4] MEMORY;
    pkey_alloc(flags: UInt, access_rights: Flags(mem::PKEY_RIGHTS, "PKEY_???")) NONE;
    pkey_free[1] NONE;
    statx(dirfd: Dirfd, pathname: Path, flags: Custom(stat::statx_flags),
        mask: Flags(stat::STATX_MASK,
        "STATX_???"), statxbuf: Custom(stat::statx_buf)) FILE | DESC | FSTAT | STAT_ANY;
    io_pgetevents[6] NONE;
    rseq(rseq: Ptr, rseq_len: Xint, flags: Flags(sys::RSEQ_FLAGS, "RSEQ_FLAG_???"), sig: Xint) NONE;
    uretprobe[0] NONE; // not in strace 6.1
    uprobe[0] NONE; // not in strace 6.1
    pidfd_send_signal(pidfd: Fd, sig: Signal, info: Custom(signal::siginfo_in), flags: UInt)
        PROCESS | SIGNAL | DESC;
    io_uring_setup[2] DESC;
    io_uring_enter[6] SIGNAL | DESC;
    io_uring_register[4] DESC | MEMORY;
    open_tree[3] FILE | DESC;
    move_mount[5] FILE | DESC;
    fsopen[2] DESC;
    fsconfig[5] FILE | DESC;
    fsmount[3] DESC;
    fspick[3] FILE | DESC;
    pidfd_open[2] DESC;
    clone3(cl_args: Custom(process::clone_args), size: ULong) PROCESS;
    close_range(first: UInt, last: UInt,
        flags: Flags(fs::CLOSE_RANGE_FLAGS, "CLOSE_RANGE_???")) NONE;
    openat2[dirfd: Dirfd, pathname: Path, how: Ptr, size: ULong] FILE | DESC;
    pidfd_getfd[3] DESC;
    faccessat2(dirfd: Dirfd, pathname: Path, mode: Custom(fs::access_mode),
        flags: Flags(fs::ACCESS_AT_FLAGS, "AT_???")) FILE | DESC;
    process_madvise[5] DESC;
    epoll_pwait2[6] DESC;
    mount_setattr[5] FILE | DESC;
    quotactl_fd[4] DESC;
    landlock_create_ruleset[3] DESC;
    landlock_add_rule[4] DESC;
    landlock_restrict_self(ruleset_fd: Fd, flags: UInt) DESC;
    memfd_secret[1] DESC;
    process_mrelease[2] DESC;
    futex_waitv[5] NONE;
    set_mempolicy_home_node[4] MEMORY;
    cachestat[4] DESC; // not in strace 6.1
    fchmodat2[4] DESC | FILE; // not in strace 6.1
    map_shadow_stack[3] MEMORY; // not in strace 6.1
    futex_wake[4] NONE; // not in strace 6.1
    futex_wait[6] NONE; // not in strace 6.1
    futex_requeue[4] NONE; // not in strace 6.1
    statmount[4] NONE; // not in strace 6.1
    listmount[4] NONE; // not in strace 6.1
    lsm_get_self_attr[4] NONE; // not in strace 6.1
    lsm_set_self_attr[4] NONE; // not in strace 6.1
    lsm_list_modules[3] NONE; // not in strace 6.1
    mseal[3] MEMORY; // not in strace 6.1
    setxattrat[6] DESC | FILE; // not in strace 6.1
    getxattrat[6] DESC | FILE; // not in strace 6.1
    listxattrat[5] DESC | FILE; // not in strace 6.1
    removexattrat[4] DESC | FILE; // not in strace 6.1
    open_tree_attr[5] DESC | FILE; // not in strace 6.1
    file_getattr[5] DESC | FILE; // not in strace 6.1
    file_setattr[5] DESC | FILE; // not in strace 6.1
}
