//! Processes, memory, signals, time and the rest of what is not a file or a socket.
//!
//! Formats follow strace 6.1's output (checked against runs on small C
//! programs; the tests say which). Decoders run at exit: a pointer the
//! kernel fills is shown decoded only when the call succeeded, otherwise
//! as its address.

use super::signal::{
    write_sigaction_at, write_siginfo_at, write_signal, write_sigset_at, write_stack_at, SIG_HOW,
};
use super::{read_struct, Context, Decoder, Plain, Ret, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;
use selftrace::Sysno;

pub fn decoder(sysno: Sysno) -> Option<Decoder> {
    Some(match sysno {
        Sysno::mmap => mmap,
        Sysno::munmap => addr_len,
        Sysno::mprotect => mprotect,
        Sysno::brk => brk,
        Sysno::mremap => mremap,
        Sysno::madvise => madvise,
        Sysno::execve => execve,
        Sysno::execveat => execveat,
        Sysno::exit | Sysno::exit_group => exit,
        Sysno::wait4 => wait4,
        Sysno::waitid => waitid,
        Sysno::clone => clone,
        Sysno::clone3 => clone3,
        Sysno::kill | Sysno::tkill => kill,
        Sysno::tgkill => tgkill,
        Sysno::rt_sigaction => rt_sigaction,
        Sysno::rt_sigprocmask => rt_sigprocmask,
        Sysno::rt_sigsuspend => rt_sigsuspend,
        Sysno::rt_sigpending => rt_sigpending,
        Sysno::rt_sigtimedwait => rt_sigtimedwait,
        Sysno::rt_sigqueueinfo => rt_sigqueueinfo,
        Sysno::sigaltstack => sigaltstack,
        Sysno::set_tid_address => set_tid_address,
        Sysno::set_robust_list => set_robust_list,
        Sysno::rseq => rseq,
        Sysno::arch_prctl => arch_prctl,
        Sysno::prlimit64 => prlimit64,
        Sysno::getrlimit | Sysno::setrlimit => getrlimit,
        Sysno::getrandom => getrandom,
        Sysno::futex => futex,
        Sysno::nanosleep => nanosleep,
        Sysno::clock_nanosleep => clock_nanosleep,
        Sysno::clock_gettime | Sysno::clock_getres | Sysno::clock_settime => clock_gettime,
        Sysno::gettimeofday | Sysno::settimeofday => gettimeofday,
        Sysno::uname => uname,
        Sysno::sysinfo => sysinfo,
        Sysno::getrusage => getrusage,
        Sysno::prctl => prctl,
        Sysno::sched_getaffinity | Sysno::sched_setaffinity => sched_affinity,
        Sysno::fork
        | Sysno::vfork
        | Sysno::sched_yield
        | Sysno::getpid
        | Sysno::getppid
        | Sysno::gettid
        | Sysno::getuid
        | Sysno::geteuid
        | Sysno::getgid
        | Sysno::getegid
        | Sysno::getpgrp
        | Sysno::setsid
        | Sysno::pause => no_args,
        Sysno::setuid | Sysno::setgid | Sysno::setfsuid | Sysno::setfsgid => one_id,
        Sysno::setreuid | Sysno::setregid => two_ids,
        Sysno::setresuid | Sysno::setresgid => three_ids,
        Sysno::getresuid | Sysno::getresgid => getresuid,
        Sysno::setpgid => setpgid,
        Sysno::getpgid | Sysno::getsid => one_pid,
        Sysno::getgroups | Sysno::setgroups => groups,
        _ => return None,
    })
}

// ---- shared pieces ------------------------------------------------------

/// Whether what the kernel wrote to output pointers can be shown.
fn wrote(info: &SyscallInfo) -> bool {
    !info.is_error()
}

/// `T` at `addr` through `f`, `NULL`, or the address if unreadable.
fn at<T: Plain>(o: &mut Out, addr: u64, f: impl FnOnce(&mut Out, &T)) {
    if addr == 0 {
        return o.str("NULL");
    }
    match read_struct::<T>(addr) {
        Some(v) => f(o, &v),
        None => o.hex(addr),
    }
}

/// An output pointer: decoded when the call succeeded, else its address.
fn out_at<T: Plain>(o: &mut Out, info: &SyscallInfo, addr: u64, f: impl FnOnce(&mut Out, &T)) {
    if wrote(info) {
        at(o, addr, f);
    } else {
        o.ptr(addr);
    }
}

fn timespec(o: &mut Out, t: &libc::timespec) {
    o.str("{tv_sec=");
    o.dec(t.tv_sec);
    o.str(", tv_nsec=");
    o.udec(t.tv_nsec as u64);
    o.byte(b'}');
}

fn timeval(o: &mut Out, t: &libc::timeval) {
    o.str("{tv_sec=");
    o.dec(t.tv_sec);
    o.str(", tv_usec=");
    o.udec(t.tv_usec as u64);
    o.byte(b'}');
}

/// `struct rusage` without -v: the two times, then `...`.
fn rusage(o: &mut Out, r: &libc::rusage) {
    o.str("{ru_utime=");
    timeval(o, &r.ru_utime);
    o.str(", ru_stime=");
    timeval(o, &r.ru_stime);
    o.str(", ...}");
}

/// `[N]`: an `int` the kernel stored.
fn int_in_brackets(o: &mut Out, v: &i32) {
    o.byte(b'[');
    o.dec(*v as i64);
    o.byte(b']');
}

/// A uid or gid: `-1` for the "unchanged" value, else unsigned.
fn id(o: &mut Out, v: u64) {
    let v = v as u32;
    if v == u32::MAX {
        o.str("-1");
    } else {
        o.udec(v as u64);
    }
}

// ---- memory -------------------------------------------------------------

const PROT: &[(u64, &str)] =
    &flags![PROT_READ, PROT_WRITE, PROT_EXEC, (0x8, "PROT_SEM"), PROT_GROWSDOWN, PROT_GROWSUP];

fn prot(o: &mut Out, v: u64) {
    if v == 0 {
        o.str("PROT_NONE");
    } else {
        o.flags_or_unknown(v, PROT, "PROT_???");
    }
}

const MAP_TYPES: &[(u64, &str)] =
    &flags![(0, "MAP_FILE"), MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE];

/// mmap flags in strace's order (not by value).
const MAP_FLAGS: &[(u64, &str)] = &flags![
    MAP_FIXED,
    MAP_ANONYMOUS,
    MAP_32BIT,
    MAP_NORESERVE,
    MAP_POPULATE,
    MAP_NONBLOCK,
    MAP_GROWSDOWN,
    MAP_DENYWRITE,
    MAP_EXECUTABLE,
    MAP_LOCKED,
    MAP_STACK,
    MAP_HUGETLB,
    MAP_SYNC,
    MAP_FIXED_NOREPLACE,
];

const MAP_TYPE_MASK: u64 = 0xf;
const MAP_HUGE_SHIFT: u32 = 26;
const MAP_HUGE_MASK: u64 = 0x3f;

/// `MAP_PRIVATE|MAP_ANONYMOUS|21<<MAP_HUGE_SHIFT`: the sharing type, the
/// flags, unknown bits, then the huge page size.
fn map_flags(o: &mut Out, v: u64) {
    let v = v & 0xffff_ffff;
    o.value(v & MAP_TYPE_MASK, MAP_TYPES, "MAP_???");
    let huge = (v >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
    let rest = v & !MAP_TYPE_MASK & !(MAP_HUGE_MASK << MAP_HUGE_SHIFT);
    if rest != 0 {
        o.byte(b'|');
        o.flags(rest, MAP_FLAGS);
    }
    if huge != 0 {
        o.byte(b'|');
        o.udec(huge);
        o.str("<<MAP_HUGE_SHIFT");
    }
}

fn mmap(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.ptr("addr", a[0]);
    w.uint("length", a[1]);
    w.text("prot", a[2], |o| prot(o, a[2]));
    w.text("flags", a[3], |o| map_flags(o, a[3]));
    w.fd("fd", a[4]);
    w.text("offset", a[5], |o| o.hex0(a[5]));
    w.returns(Ret::Hex);
}

fn addr_len(w: &mut Writer, i: &SyscallInfo) {
    w.ptr("addr", i.args[0]);
    w.uint("length", i.args[1]);
}

fn mprotect(w: &mut Writer, i: &SyscallInfo) {
    addr_len(w, i);
    let p = i.args[2];
    w.text("prot", p, |o| prot(o, p));
}

fn brk(w: &mut Writer, i: &SyscallInfo) {
    w.ptr("addr", i.args[0]);
    w.returns(Ret::Hex);
}

const MREMAP: &[(u64, &str)] =
    &[(1, "MREMAP_MAYMOVE"), (2, "MREMAP_FIXED"), (4, "MREMAP_DONTUNMAP")];

fn mremap(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.ptr("old_address", a[0]);
    w.uint("old_size", a[1]);
    w.uint("new_size", a[2]);
    w.text("flags", a[3], |o| o.flags_or_unknown(a[3], MREMAP, "MREMAP_???"));
    if a[3] & 3 == 3 {
        w.ptr("new_address", a[4]);
    }
    w.returns(Ret::Hex);
}

const MADV: &[(u64, &str)] = &[
    (0, "MADV_NORMAL"),
    (1, "MADV_RANDOM"),
    (2, "MADV_SEQUENTIAL"),
    (3, "MADV_WILLNEED"),
    (4, "MADV_DONTNEED"),
    (8, "MADV_FREE"),
    (9, "MADV_REMOVE"),
    (10, "MADV_DONTFORK"),
    (11, "MADV_DOFORK"),
    (12, "MADV_MERGEABLE"),
    (13, "MADV_UNMERGEABLE"),
    (14, "MADV_HUGEPAGE"),
    (15, "MADV_NOHUGEPAGE"),
    (16, "MADV_DONTDUMP"),
    (17, "MADV_DODUMP"),
    (18, "MADV_WIPEONFORK"),
    (19, "MADV_KEEPONFORK"),
    (20, "MADV_COLD"),
    (21, "MADV_PAGEOUT"),
    (22, "MADV_POPULATE_READ"),
    (23, "MADV_POPULATE_WRITE"),
    (24, "MADV_DONTNEED_LOCKED"),
    (25, "MADV_COLLAPSE"),
    (100, "MADV_HWPOISON"),
    (101, "MADV_SOFT_OFFLINE"),
];

fn madvise(w: &mut Writer, i: &SyscallInfo) {
    addr_len(w, i);
    let v = i.args[2] as u32 as u64;
    w.text("advice", v, |o| o.value(v, MADV, "MADV_???"));
}

// ---- programs -----------------------------------------------------------

/// Read pointers of a NULL-terminated array page by page: calls `f` with
/// each entry until it returns false, the NULL, or an unreadable slot
/// (then `f` gets `Err(slot address)`).
fn each_pointer(addr: u64, mut f: impl FnMut(Result<u64, u64>) -> bool) {
    let mut at = addr;
    loop {
        let mut chunk = [0u64; 64];
        let to_page_end = (4096 - (at % 4096)) as usize / 8;
        let n = to_page_end.clamp(1, chunk.len());
        let Some(slots) = chunk.get_mut(..n) else { return };
        // SAFETY: `slots` is a live, writable array of u64; viewing it as
        // bytes of the same length is valid for any contents.
        let bytes = unsafe { std::slice::from_raw_parts_mut(slots.as_mut_ptr() as *mut u8, n * 8) };
        if selftrace::mem::read(at, bytes).is_err() {
            f(Err(at));
            return;
        }
        for &p in slots.iter() {
            if p == 0 || !f(Ok(p)) {
                return;
            }
        }
        at = at.wrapping_add(n as u64 * 8);
    }
}

/// A string from program memory cut at `-s`, or its address.
fn string_at(o: &mut Out, addr: u64, cx: &Context) {
    let mut buf = [0u8; super::PATH_MAX + 1];
    let limit = cx.string_limit.min(super::PATH_MAX);
    let want = (limit + 1).min(buf.len());
    match buf.get_mut(..want).map(|b| selftrace::mem::read_cstr(addr, b)) {
        Some(Ok(n)) => {
            let shown = n.min(limit);
            o.quoted(buf.get(..shown).unwrap_or(&[]), n > limit);
        }
        _ => o.hex(addr),
    }
}

/// `["ls", "-l"]`: an argv-style array of strings, at most `-s` of them
/// shown (then `...`); `NULL`, or the address when unreadable.
pub fn write_argv(out: &mut Out, addr: u64, cx: &Context) {
    if addr == 0 {
        return out.str("NULL");
    }
    if selftrace::mem::read_u64(addr).is_err() {
        return out.hex(addr);
    }
    out.byte(b'[');
    let mut count = 0usize;
    each_pointer(addr, |p| {
        if count > 0 {
            out.str(", ");
        }
        if count >= cx.string_limit {
            out.str("...");
            return false;
        }
        count += 1;
        match p {
            Ok(s) => string_at(out, s, cx),
            Err(slot) => {
                out.str("... /* ");
                out.hex(slot);
                out.str(" */");
            }
        }
        true
    });
    out.byte(b']');
}

/// `0x7ffd... /* 22 vars */`: the environment's address and its size.
fn envp(o: &mut Out, addr: u64) {
    if addr == 0 {
        return o.str("NULL");
    }
    if selftrace::mem::read_u64(addr).is_err() {
        return o.hex(addr);
    }
    let mut count = 0u64;
    let mut complete = true;
    each_pointer(addr, |p| {
        if p.is_err() {
            complete = false;
            return false;
        }
        count += 1;
        count < 1 << 20
    });
    o.hex(addr);
    if complete {
        o.str(" /* ");
        o.udec(count);
        o.str(if count == 1 { " var */" } else { " vars */" });
    }
}

fn execve(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let cx = *w.context();
    w.path("pathname", a[0]);
    w.text("argv", a[1], |o| write_argv(o, a[1], &cx));
    w.text("envp", a[2], |o| envp(o, a[2]));
}

const AT_EXEC_FLAGS: &[(u64, &str)] = &flags![AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH];

fn execveat(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let cx = *w.context();
    w.dirfd("dirfd", a[0]);
    w.path("pathname", a[1]);
    w.text("argv", a[2], |o| write_argv(o, a[2], &cx));
    w.text("envp", a[3], |o| envp(o, a[3]));
    let f = a[4] as u32 as u64;
    w.text("flags", f, |o| o.flags_or_unknown(f, AT_EXEC_FLAGS, "AT_???"));
}

fn exit(w: &mut Writer, i: &SyscallInfo) {
    w.int("status", i.args[0] as i32 as i64);
}

fn no_args(_: &mut Writer, _: &SyscallInfo) {}

// ---- waiting ------------------------------------------------------------

/// Options of wait4 and waitid, in strace's order.
const WAIT_OPTIONS: &[(u64, &str)] = &flags![
    WNOHANG,
    WEXITED,
    WSTOPPED,
    WCONTINUED,
    WNOWAIT,
    (libc::__WCLONE as u32 as u64, "__WCLONE"),
    __WALL,
    __WNOTHREAD,
];

/// `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]` and the other shapes.
fn wait_status(o: &mut Out, s: &i32) {
    let s = *s;
    o.str("[{");
    if libc::WIFEXITED(s) {
        o.str("WIFEXITED(s) && WEXITSTATUS(s) == ");
        o.dec(libc::WEXITSTATUS(s) as i64);
    } else if libc::WIFSIGNALED(s) {
        o.str("WIFSIGNALED(s) && WTERMSIG(s) == ");
        write_signal(o, libc::WTERMSIG(s));
        if libc::WCOREDUMP(s) {
            o.str(" && WCOREDUMP(s)");
        }
    } else if libc::WIFSTOPPED(s) {
        o.str("WIFSTOPPED(s) && WSTOPSIG(s) == ");
        write_signal(o, libc::WSTOPSIG(s));
    } else if libc::WIFCONTINUED(s) {
        o.str("WIFCONTINUED(s)");
    } else {
        o.hex(s as u32 as u64);
    }
    o.str("}]");
}

fn wait_options(o: &mut Out, v: u64) {
    o.flags_or_unknown(v as u32 as u64, WAIT_OPTIONS, "W???");
}

fn wait4(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.int("pid", a[0] as i32 as i64);
    // Only a reaped child (return > 0) leaves a status.
    w.text("wstatus", a[1], |o| {
        if i.rval > 0 {
            at(o, a[1], wait_status);
        } else {
            o.ptr(a[1]);
        }
    });
    w.text("options", a[2], |o| wait_options(o, a[2]));
    w.text("rusage", a[3], |o| out_at(o, i, a[3], rusage));
}

const IDTYPES: &[(u64, &str)] = &[(0, "P_ALL"), (1, "P_PID"), (2, "P_PGID"), (3, "P_PIDFD")];

fn waitid(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let t = a[0] as u32 as u64;
    w.text("idtype", t, |o| o.value(t, IDTYPES, "P_???"));
    w.int("id", a[1] as i32 as i64);
    w.text("infop", a[2], |o| if wrote(i) { write_siginfo_at(o, a[2]) } else { o.ptr(a[2]) });
    w.text("options", a[3], |o| wait_options(o, a[3]));
    w.text("rusage", a[4], |o| out_at(o, i, a[4], rusage));
}

// ---- clone --------------------------------------------------------------

/// Clone flags by value; the last two exist for clone3 only.
const CLONE_FLAGS: &[(u64, &str)] = &[
    (0x80, "CLONE_NEWTIME"),
    (0x100, "CLONE_VM"),
    (0x200, "CLONE_FS"),
    (0x400, "CLONE_FILES"),
    (0x800, "CLONE_SIGHAND"),
    (0x1000, "CLONE_PIDFD"),
    (0x2000, "CLONE_PTRACE"),
    (0x4000, "CLONE_VFORK"),
    (0x8000, "CLONE_PARENT"),
    (0x10000, "CLONE_THREAD"),
    (0x20000, "CLONE_NEWNS"),
    (0x40000, "CLONE_SYSVSEM"),
    (0x80000, "CLONE_SETTLS"),
    (0x100000, "CLONE_PARENT_SETTID"),
    (0x200000, "CLONE_CHILD_CLEARTID"),
    (0x400000, "CLONE_DETACHED"),
    (0x800000, "CLONE_UNTRACED"),
    (0x1000000, "CLONE_CHILD_SETTID"),
    (0x2000000, "CLONE_NEWCGROUP"),
    (0x4000000, "CLONE_NEWUTS"),
    (0x8000000, "CLONE_NEWIPC"),
    (0x10000000, "CLONE_NEWUSER"),
    (0x20000000, "CLONE_NEWPID"),
    (0x40000000, "CLONE_NEWNET"),
    (0x80000000, "CLONE_IO"),
    (0x100000000, "CLONE_CLEAR_SIGHAND"),
    (0x200000000, "CLONE_INTO_CGROUP"),
];
const CLONE_PIDFD: u64 = 0x1000;
const CLONE_SETTLS: u64 = 0x80000;
const CLONE_PARENT_SETTID: u64 = 0x100000;
const CLONE_CHILD_CLEARTID: u64 = 0x200000;
const CLONE_CHILD_SETTID: u64 = 0x1000000;
const CLONE_INTO_CGROUP: u64 = 0x200000000;
const CSIGNAL: u64 = 0xff;

/// clone's flags: the flags, then the exit signal after `|`.
fn clone_flags(o: &mut Out, v: u64) {
    let table = CLONE_FLAGS.get(1..CLONE_FLAGS.len() - 2).unwrap_or(&[]);
    let f = v & !CSIGNAL;
    let sig = (v & CSIGNAL) as i32;
    if f != 0 {
        o.flags(f, table);
        if sig != 0 {
            o.byte(b'|');
        }
    }
    if sig != 0 || f == 0 {
        write_signal(o, sig);
    }
}

/// A tid the kernel stored for the parent: `[1234]` after success.
fn tid_out(o: &mut Out, i: &SyscallInfo, addr: u64) {
    if i.rval > 0 {
        at(o, addr, int_in_brackets);
    } else {
        o.ptr(addr);
    }
}

fn clone(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let (flags, stack, ptid, ctid, tls) = (a[0], a[1], a[2], a[3], a[4]);
    w.text("stack", stack, |o| {
        o.str("child_stack=");
        o.ptr(stack);
    });
    w.text("flags", flags, |o| {
        o.str("flags=");
        clone_flags(o, flags);
    });
    if flags & (CLONE_PARENT_SETTID | CLONE_PIDFD) != 0 {
        w.text("parent_tid", ptid, |o| {
            o.str("parent_tid=");
            tid_out(o, i, ptid);
        });
    }
    if flags & CLONE_SETTLS != 0 {
        w.text("tls", tls, |o| {
            o.str("tls=");
            o.ptr(tls);
        });
    }
    if flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID) != 0 {
        w.text("child_tid", ctid, |o| {
            o.str("child_tidptr=");
            o.ptr(ctid);
        });
    }
}

#[derive(Clone, Copy, Default)]
#[repr(C)]
struct CloneArgs {
    flags: u64,
    pidfd: u64,
    child_tid: u64,
    parent_tid: u64,
    exit_signal: u64,
    stack: u64,
    stack_size: u64,
    tls: u64,
    set_tid: u64,
    set_tid_size: u64,
    cgroup: u64,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for CloneArgs {}

const CLONE_ARGS_SIZE_VER0: u64 = 64;
const CLONE_ARGS_SIZE_VER1: u64 = 80;
const CLONE_ARGS_SIZE_VER2: u64 = 88;

fn clone3(w: &mut Writer, i: &SyscallInfo) {
    let (addr, size) = (i.args[0], i.args[1]);
    w.text("cl_args", addr, |o| clone_args(o, i, addr, size));
    w.uint("size", size);
}

fn clone_args(o: &mut Out, i: &SyscallInfo, addr: u64, size: u64) {
    if addr == 0 {
        return o.str("NULL");
    }
    if size < CLONE_ARGS_SIZE_VER0 {
        return o.hex(addr);
    }
    // Read only the fields the given size covers.
    let mut c = CloneArgs::default();
    let n = (size.min(CLONE_ARGS_SIZE_VER2) / 8) as usize;
    let mut words = [0u64; 11];
    let Some(part) = words.get_mut(..n) else { return o.hex(addr) };
    // SAFETY: `part` is a live array of u64 viewed as bytes of the same
    // length; any byte pattern is a valid u64.
    let bytes = unsafe { std::slice::from_raw_parts_mut(part.as_mut_ptr() as *mut u8, n * 8) };
    if selftrace::mem::read(addr, bytes).is_err() {
        return o.hex(addr);
    }
    let [flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup] =
        words;
    c.flags = flags;
    o.str("{flags=");
    o.flags(c.flags, CLONE_FLAGS);
    if flags & CLONE_PIDFD != 0 {
        o.str(", pidfd=");
        o.ptr(pidfd);
    }
    if flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID) != 0 {
        o.str(", child_tid=");
        o.ptr(child_tid);
    }
    if flags & CLONE_PARENT_SETTID != 0 {
        o.str(", parent_tid=");
        o.ptr(parent_tid);
    }
    o.str(", exit_signal=");
    match super::signal_name(exit_signal as i32).filter(|_| exit_signal <= 64) {
        Some(name) => o.str(name),
        None => o.udec(exit_signal),
    }
    o.str(", stack=");
    o.ptr(stack);
    o.str(", stack_size=");
    o.hex0(stack_size);
    if flags & CLONE_SETTLS != 0 {
        o.str(", tls=");
        o.ptr(tls);
    }
    if size >= CLONE_ARGS_SIZE_VER1 && (set_tid != 0 || set_tid_size != 0) {
        o.str(", set_tid=");
        int_array(o, set_tid, set_tid_size.min(32));
        o.str(", set_tid_size=");
        o.udec(set_tid_size);
    }
    if size >= CLONE_ARGS_SIZE_VER2 && (flags & CLONE_INTO_CGROUP != 0 || cgroup != 0) {
        o.str(", cgroup=");
        o.udec(cgroup);
    }
    o.byte(b'}');
    // What the kernel wrote for the parent.
    if i.rval > 0 && flags & (CLONE_PIDFD | CLONE_PARENT_SETTID) != 0 {
        o.str(" => {");
        if flags & CLONE_PIDFD != 0 {
            o.str("pidfd=");
            at(o, pidfd, int_in_brackets);
        }
        if flags & CLONE_PARENT_SETTID != 0 {
            if flags & CLONE_PIDFD != 0 {
                o.str(", ");
            }
            o.str("parent_tid=");
            at(o, parent_tid, int_in_brackets);
        }
        o.byte(b'}');
    }
}

/// `[1, 2]`: `n` ints at `addr`, or the address.
fn int_array(o: &mut Out, addr: u64, n: u64) {
    if addr == 0 {
        return o.str("NULL");
    }
    let mut buf = [0i32; 64];
    let n = (n as usize).min(buf.len());
    let Some(part) = buf.get_mut(..n) else { return o.hex(addr) };
    // SAFETY: a live i32 array viewed as bytes of the same length.
    let bytes = unsafe { std::slice::from_raw_parts_mut(part.as_mut_ptr() as *mut u8, n * 4) };
    if selftrace::mem::read(addr, bytes).is_err() {
        return o.hex(addr);
    }
    o.byte(b'[');
    for (k, v) in part.iter().enumerate() {
        if k > 0 {
            o.str(", ");
        }
        o.dec(*v as i64);
    }
    o.byte(b']');
}

// ---- signals ------------------------------------------------------------

fn kill(w: &mut Writer, i: &SyscallInfo) {
    w.int("pid", i.args[0] as i32 as i64);
    let s = i.args[1] as i32;
    w.text("sig", i.args[1], |o| write_signal(o, s));
}

fn tgkill(w: &mut Writer, i: &SyscallInfo) {
    w.int("tgid", i.args[0] as i32 as i64);
    w.int("tid", i.args[1] as i32 as i64);
    let s = i.args[2] as i32;
    w.text("sig", i.args[2], |o| write_signal(o, s));
}

fn rt_sigaction(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let s = a[0] as i32;
    w.text("signum", a[0], |o| write_signal(o, s));
    w.text("act", a[1], |o| write_sigaction_at(o, a[1]));
    w.text("oldact", a[2], |o| if wrote(i) { write_sigaction_at(o, a[2]) } else { o.ptr(a[2]) });
    w.uint("sigsetsize", a[3]);
}

fn rt_sigprocmask(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let how = a[0] as u32 as u64;
    w.text("how", how, |o| o.value(how, SIG_HOW, "SIG_???"));
    w.text("set", a[1], |o| write_sigset_at(o, a[1], a[3]));
    w.text("oldset", a[2], |o| if wrote(i) { write_sigset_at(o, a[2], a[3]) } else { o.ptr(a[2]) });
    w.uint("sigsetsize", a[3]);
}

fn rt_sigsuspend(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("mask", a[0], |o| write_sigset_at(o, a[0], a[1]));
    w.uint("sigsetsize", a[1]);
}

fn rt_sigpending(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("set", a[0], |o| if wrote(i) { write_sigset_at(o, a[0], a[1]) } else { o.ptr(a[0]) });
    w.uint("sigsetsize", a[1]);
}

/// `= 12 (SIGUSR2)`: a returned signal number with its name.
fn ret_signal(o: &mut Out, i: &SyscallInfo, _: &Context) {
    o.dec(i.rval);
    if let Some(name) = super::signal_name(i.rval as i32) {
        o.str(" (");
        o.str(name);
        o.byte(b')');
    }
}

fn rt_sigtimedwait(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("set", a[0], |o| write_sigset_at(o, a[0], a[3]));
    w.text("info", a[1], |o| if wrote(i) { write_siginfo_at(o, a[1]) } else { o.ptr(a[1]) });
    w.text("timeout", a[2], |o| at(o, a[2], timespec));
    w.uint("sigsetsize", a[3]);
    w.returns(Ret::Custom(ret_signal));
}

fn rt_sigqueueinfo(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.int("tgid", a[0] as i32 as i64);
    let s = a[1] as i32;
    w.text("sig", a[1], |o| write_signal(o, s));
    w.text("info", a[2], |o| write_siginfo_at(o, a[2]));
}

fn sigaltstack(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("ss", a[0], |o| write_stack_at(o, a[0]));
    w.text("old_ss", a[1], |o| if wrote(i) { write_stack_at(o, a[1]) } else { o.ptr(a[1]) });
}

// ---- threads, limits, randomness, futexes -------------------------------

fn set_tid_address(w: &mut Writer, i: &SyscallInfo) {
    w.ptr("tidptr", i.args[0]);
}

fn set_robust_list(w: &mut Writer, i: &SyscallInfo) {
    w.ptr("head", i.args[0]);
    w.uint("len", i.args[1]);
}

fn rseq(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.ptr("rseq", a[0]);
    let len = a[1] as u32 as u64;
    w.text("rseq_len", len, |o| o.hex0(len));
    let f = a[2] as u32 as u64;
    w.text("flags", f, |o| o.flags_or_unknown(f, &[(1, "RSEQ_FLAG_UNREGISTER")], "RSEQ_FLAG_???"));
    let sig = a[3] as u32 as u64;
    w.text("sig", sig, |o| o.hex0(sig));
}

const ARCH_CODES: &[(u64, &str)] = &[
    (0x1001, "ARCH_SET_GS"),
    (0x1002, "ARCH_SET_FS"),
    (0x1003, "ARCH_GET_FS"),
    (0x1004, "ARCH_GET_GS"),
    (0x1011, "ARCH_GET_CPUID"),
    (0x1012, "ARCH_SET_CPUID"),
    (0x1021, "ARCH_GET_XCOMP_SUPP"),
    (0x1022, "ARCH_GET_XCOMP_GUEST_PERM"),
    (0x1023, "ARCH_REQ_XCOMP_PERM"),
    (0x1024, "ARCH_REQ_XCOMP_GUEST_PERM"),
    (0x2001, "ARCH_MAP_VDSO_X32"),
    (0x2002, "ARCH_MAP_VDSO_32"),
    (0x2003, "ARCH_MAP_VDSO_64"),
];

fn arch_prctl(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let code = a[0] as u32 as u64;
    w.text("code", code, |o| o.value(code, ARCH_CODES, "ARCH_???"));
    match code {
        0x1011 => {}
        0x1003 | 0x1004 => w.text("addr", a[1], |o| {
            out_at(o, i, a[1], |o, v: &u64| {
                o.byte(b'[');
                o.ptr(*v);
                o.byte(b']');
            })
        }),
        _ => w.text("addr", a[1], |o| o.hex0(a[1])),
    }
}

const RLIMITS: &[(u64, &str)] = &[
    (0, "RLIMIT_CPU"),
    (1, "RLIMIT_FSIZE"),
    (2, "RLIMIT_DATA"),
    (3, "RLIMIT_STACK"),
    (4, "RLIMIT_CORE"),
    (5, "RLIMIT_RSS"),
    (6, "RLIMIT_NPROC"),
    (7, "RLIMIT_NOFILE"),
    (8, "RLIMIT_MEMLOCK"),
    (9, "RLIMIT_AS"),
    (10, "RLIMIT_LOCKS"),
    (11, "RLIMIT_SIGPENDING"),
    (12, "RLIMIT_MSGQUEUE"),
    (13, "RLIMIT_NICE"),
    (14, "RLIMIT_RTPRIO"),
    (15, "RLIMIT_RTTIME"),
];

#[derive(Clone, Copy)]
#[repr(C)]
struct Rlimit {
    cur: u64,
    max: u64,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for Rlimit {}

/// `RLIM64_INFINITY`, `8192*1024`, or decimal.
fn rlim(o: &mut Out, v: u64) {
    if v == u64::MAX {
        o.str("RLIM64_INFINITY");
    } else if v > 1024 && v.is_multiple_of(1024) {
        o.udec(v / 1024);
        o.str("*1024");
    } else {
        o.udec(v);
    }
}

fn rlimit(o: &mut Out, r: &Rlimit) {
    o.str("{rlim_cur=");
    rlim(o, r.cur);
    o.str(", rlim_max=");
    rlim(o, r.max);
    o.byte(b'}');
}

fn resource(w: &mut Writer, v: u64) {
    let r = v as u32 as u64;
    w.text("resource", r, |o| o.value(r, RLIMITS, "RLIMIT_???"));
}

fn getrlimit(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    resource(w, a[0]);
    if i.is(Sysno::getrlimit) {
        w.text("rlim", a[1], |o| out_at(o, i, a[1], rlimit));
    } else {
        w.text("rlim", a[1], |o| at(o, a[1], rlimit));
    }
}

fn prlimit64(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.int("pid", a[0] as i32 as i64);
    resource(w, a[1]);
    w.text("new_limit", a[2], |o| at(o, a[2], rlimit));
    w.text("old_limit", a[3], |o| out_at(o, i, a[3], rlimit));
}

const GRND: &[(u64, &str)] = &[(1, "GRND_NONBLOCK"), (2, "GRND_RANDOM"), (4, "GRND_INSECURE")];

/// `"\x29\x1e..."`: bytes all in hex escapes, as strace shows random data.
fn hex_string(o: &mut Out, bytes: &[u8], more: bool) {
    o.byte(b'"');
    for &b in bytes {
        o.str("\\x");
        o.byte(b"0123456789abcdef"[(b >> 4) as usize]);
        o.byte(b"0123456789abcdef"[(b & 15) as usize]);
    }
    o.byte(b'"');
    if more {
        o.str("...");
    }
}

fn getrandom(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let limit = w.context().string_limit;
    w.text("buf", a[0], |o| {
        if !wrote(i) {
            return o.ptr(a[0]);
        }
        let got = i.rval.max(0) as u64;
        let mut buf = [0u8; super::PATH_MAX];
        let shown = (got as usize).min(limit).min(buf.len());
        match buf.get_mut(..shown).map(|b| selftrace::mem::read(a[0], b)) {
            Some(Ok(())) => hex_string(o, buf.get(..shown).unwrap_or(&[]), got as usize > shown),
            _ => o.ptr(a[0]),
        }
    });
    w.uint("buflen", a[1]);
    let f = a[2] as u32 as u64;
    w.text("flags", f, |o| o.flags_or_unknown(f, GRND, "GRND_???"));
}

const FUTEX_CMDS: &[(u64, &str)] = &[
    (0, "FUTEX_WAIT"),
    (1, "FUTEX_WAKE"),
    (2, "FUTEX_FD"),
    (3, "FUTEX_REQUEUE"),
    (4, "FUTEX_CMP_REQUEUE"),
    (5, "FUTEX_WAKE_OP"),
    (6, "FUTEX_LOCK_PI"),
    (7, "FUTEX_UNLOCK_PI"),
    (8, "FUTEX_TRYLOCK_PI"),
    (9, "FUTEX_WAIT_BITSET"),
    (10, "FUTEX_WAKE_BITSET"),
    (11, "FUTEX_WAIT_REQUEUE_PI"),
    (12, "FUTEX_CMP_REQUEUE_PI"),
    (13, "FUTEX_LOCK_PI2"),
];
const FUTEX_PRIVATE: u64 = 128;
const FUTEX_CLOCK_REALTIME: u64 = 256;

fn futex_op(o: &mut Out, op: u64) -> Option<u64> {
    let cmd = op & !(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
    let Some(&(_, name)) = FUTEX_CMDS.iter().find(|&&(c, _)| c == cmd) else {
        o.hex(op);
        o.str(" /* FUTEX_??? */");
        return None;
    };
    o.str(name);
    if op & FUTEX_PRIVATE != 0 {
        o.str("_PRIVATE");
    }
    if op & FUTEX_CLOCK_REALTIME != 0 {
        o.str("|FUTEX_CLOCK_REALTIME");
    }
    Some(cmd)
}

const FUTEX_OPS: &[&str] =
    &["FUTEX_OP_SET", "FUTEX_OP_ADD", "FUTEX_OP_OR", "FUTEX_OP_ANDN", "FUTEX_OP_XOR"];
const FUTEX_CMPS: &[&str] = &[
    "FUTEX_OP_CMP_EQ",
    "FUTEX_OP_CMP_NE",
    "FUTEX_OP_CMP_LT",
    "FUTEX_OP_CMP_LE",
    "FUTEX_OP_CMP_GT",
    "FUTEX_OP_CMP_GE",
];

/// The encoded operation of FUTEX_WAKE_OP.
fn wake_op(o: &mut Out, v: u64) {
    let v = v as u32;
    if v & (8 << 28) != 0 {
        o.str("FUTEX_OP_OPARG_SHIFT<<28|");
    }
    let op = (v >> 28) & 7;
    match FUTEX_OPS.get(op as usize) {
        Some(n) => o.str(n),
        None => o.udec(op as u64),
    }
    o.str("<<28|");
    o.udec(((v >> 12) & 0xfff) as u64);
    o.str("<<12|");
    let cmp = (v >> 24) & 15;
    match FUTEX_CMPS.get(cmp as usize) {
        Some(n) => o.str(n),
        None => o.udec(cmp as u64),
    }
    o.str("<<24|");
    o.hex0((v & 0xfff) as u64);
}

fn futex(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.ptr("uaddr", a[0]);
    let mut cmd = None;
    w.text("futex_op", a[1], |o| cmd = futex_op(o, a[1] as u32 as u64));
    let val = a[2] as u32 as u64;
    let val2 = a[3] as u32 as u64;
    let val3 = a[5] as u32 as u64;
    let timeout = |w: &mut Writer| w.text("timeout", a[3], |o| at(o, a[3], timespec));
    match cmd {
        Some(0) => {
            w.uint("val", val);
            timeout(w);
        }
        Some(1) | Some(2) => w.uint("val", val),
        Some(3) => {
            w.uint("val", val);
            w.uint("val2", val2);
            w.ptr("uaddr2", a[4]);
        }
        Some(4) | Some(12) => {
            w.uint("val", val);
            w.uint("val2", val2);
            w.ptr("uaddr2", a[4]);
            w.uint("val3", val3);
        }
        Some(5) => {
            w.uint("val", val);
            w.uint("val2", val2);
            w.ptr("uaddr2", a[4]);
            w.text("val3", val3, |o| wake_op(o, val3));
        }
        Some(6) | Some(13) => timeout(w),
        Some(7) | Some(8) => {}
        Some(9) => {
            w.uint("val", val);
            timeout(w);
            w.text("val3", val3, |o| bitset(o, val3));
        }
        Some(10) => {
            w.uint("val", val);
            w.text("val3", val3, |o| bitset(o, val3));
        }
        Some(11) => {
            w.uint("val", val);
            timeout(w);
            w.ptr("uaddr2", a[4]);
        }
        _ => {
            w.uint("val", val);
            w.ptr("timeout", a[3]);
            w.ptr("uaddr2", a[4]);
            w.uint("val3", val3);
        }
    }
}

fn bitset(o: &mut Out, v: u64) {
    if v == u32::MAX as u64 {
        o.str("FUTEX_BITSET_MATCH_ANY");
    } else {
        o.hex0(v);
    }
}

// ---- time ---------------------------------------------------------------

const CLOCKS: &[(u64, &str)] = &[
    (0, "CLOCK_REALTIME"),
    (1, "CLOCK_MONOTONIC"),
    (2, "CLOCK_PROCESS_CPUTIME_ID"),
    (3, "CLOCK_THREAD_CPUTIME_ID"),
    (4, "CLOCK_MONOTONIC_RAW"),
    (5, "CLOCK_REALTIME_COARSE"),
    (6, "CLOCK_MONOTONIC_COARSE"),
    (7, "CLOCK_BOOTTIME"),
    (8, "CLOCK_REALTIME_ALARM"),
    (9, "CLOCK_BOOTTIME_ALARM"),
    (10, "CLOCK_SGI_CYCLE"),
    (11, "CLOCK_TAI"),
];

fn clock(w: &mut Writer, v: u64) {
    let c = v as u32 as u64;
    w.text("clockid", c, |o| o.value(c, CLOCKS, "CLOCK_???"));
}

/// A remaining-time output: shown only when a sleep was interrupted.
fn remaining(o: &mut Out, i: &SyscallInfo, addr: u64) {
    if i.errno() == Some(libc::EINTR) {
        at(o, addr, timespec);
    } else {
        o.ptr(addr);
    }
}

fn nanosleep(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("req", a[0], |o| at(o, a[0], timespec));
    w.text("rem", a[1], |o| remaining(o, i, a[1]));
}

fn clock_nanosleep(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    clock(w, a[0]);
    let f = a[1] as u32 as u64;
    w.text("flags", f, |o| o.flags_or_unknown(f, &[(1, "TIMER_ABSTIME")], "TIMER_???"));
    w.text("request", a[2], |o| at(o, a[2], timespec));
    w.text("remain", a[3], |o| remaining(o, i, a[3]));
}

fn clock_gettime(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    clock(w, a[0]);
    if i.is(Sysno::clock_settime) {
        w.text("tp", a[1], |o| at(o, a[1], timespec));
    } else {
        w.text("tp", a[1], |o| out_at(o, i, a[1], timespec));
    }
}

/// `struct timezone` (libc declares it opaque).
#[derive(Clone, Copy)]
#[repr(C)]
struct Timezone {
    minuteswest: i32,
    dsttime: i32,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for Timezone {}

fn timezone(o: &mut Out, t: &Timezone) {
    o.str("{tz_minuteswest=");
    o.dec(t.minuteswest as i64);
    o.str(", tz_dsttime=");
    o.dec(t.dsttime as i64);
    o.byte(b'}');
}

fn gettimeofday(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    if i.is(Sysno::settimeofday) {
        w.text("tv", a[0], |o| at(o, a[0], timeval));
        w.text("tz", a[1], |o| at(o, a[1], timezone));
    } else {
        w.text("tv", a[0], |o| out_at(o, i, a[0], timeval));
        w.text("tz", a[1], |o| out_at(o, i, a[1], timezone));
    }
}

/// A fixed-size, NUL-padded text field.
fn field(o: &mut Out, f: &[libc::c_char]) {
    let n = f.iter().position(|&c| c == 0).unwrap_or(f.len());
    let bytes = f.get(..n).unwrap_or(&[]);
    // SAFETY: c_char and u8 have the same size and layout.
    let bytes = unsafe { std::slice::from_raw_parts(bytes.as_ptr() as *const u8, bytes.len()) };
    o.quoted(bytes, false);
}

fn uname(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("buf", a[0], |o| {
        out_at(o, i, a[0], |o, u: &libc::utsname| {
            o.str("{sysname=");
            field(o, &u.sysname);
            o.str(", nodename=");
            field(o, &u.nodename);
            o.str(", ...}");
        })
    });
}

fn sysinfo(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("info", a[0], |o| {
        out_at(o, i, a[0], |o, s: &libc::sysinfo| {
            o.str("{uptime=");
            o.dec(s.uptime);
            o.str(", loads=[");
            for (k, l) in s.loads.iter().enumerate() {
                if k > 0 {
                    o.str(", ");
                }
                o.udec(*l);
            }
            let fields = [
                ("], totalram=", s.totalram),
                (", freeram=", s.freeram),
                (", sharedram=", s.sharedram),
                (", bufferram=", s.bufferram),
                (", totalswap=", s.totalswap),
                (", freeswap=", s.freeswap),
                (", procs=", s.procs as u64),
                (", totalhigh=", s.totalhigh),
                (", freehigh=", s.freehigh),
                (", mem_unit=", s.mem_unit as u64),
            ];
            for (name, v) in fields {
                o.str(name);
                o.udec(v);
            }
            o.byte(b'}');
        })
    });
}

const RUSAGE_WHO: &[(u64, &str)] =
    &[(0, "RUSAGE_SELF"), (u32::MAX as u64, "RUSAGE_CHILDREN"), (1, "RUSAGE_THREAD")];

fn getrusage(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let who = a[0] as u32 as u64;
    w.text("who", who, |o| o.value(who, RUSAGE_WHO, "RUSAGE_???"));
    w.text("usage", a[1], |o| out_at(o, i, a[1], rusage));
}

// ---- prctl --------------------------------------------------------------

const PR_OPTIONS: &[(u64, &str)] = &[
    (1, "PR_SET_PDEATHSIG"),
    (2, "PR_GET_PDEATHSIG"),
    (3, "PR_GET_DUMPABLE"),
    (4, "PR_SET_DUMPABLE"),
    (5, "PR_GET_UNALIGN"),
    (6, "PR_SET_UNALIGN"),
    (7, "PR_GET_KEEPCAPS"),
    (8, "PR_SET_KEEPCAPS"),
    (9, "PR_GET_FPEMU"),
    (10, "PR_SET_FPEMU"),
    (11, "PR_GET_FPEXC"),
    (12, "PR_SET_FPEXC"),
    (13, "PR_GET_TIMING"),
    (14, "PR_SET_TIMING"),
    (15, "PR_SET_NAME"),
    (16, "PR_GET_NAME"),
    (19, "PR_GET_ENDIAN"),
    (20, "PR_SET_ENDIAN"),
    (21, "PR_GET_SECCOMP"),
    (22, "PR_SET_SECCOMP"),
    (23, "PR_CAPBSET_READ"),
    (24, "PR_CAPBSET_DROP"),
    (25, "PR_GET_TSC"),
    (26, "PR_SET_TSC"),
    (27, "PR_GET_SECUREBITS"),
    (28, "PR_SET_SECUREBITS"),
    (29, "PR_SET_TIMERSLACK"),
    (30, "PR_GET_TIMERSLACK"),
    (31, "PR_TASK_PERF_EVENTS_DISABLE"),
    (32, "PR_TASK_PERF_EVENTS_ENABLE"),
    (33, "PR_MCE_KILL"),
    (34, "PR_MCE_KILL_GET"),
    (35, "PR_SET_MM"),
    (36, "PR_SET_CHILD_SUBREAPER"),
    (37, "PR_GET_CHILD_SUBREAPER"),
    (38, "PR_SET_NO_NEW_PRIVS"),
    (39, "PR_GET_NO_NEW_PRIVS"),
    (40, "PR_GET_TID_ADDRESS"),
    (41, "PR_SET_THP_DISABLE"),
    (42, "PR_GET_THP_DISABLE"),
    (45, "PR_SET_FP_MODE"),
    (46, "PR_GET_FP_MODE"),
    (47, "PR_CAP_AMBIENT"),
    (52, "PR_GET_SPECULATION_CTRL"),
    (53, "PR_SET_SPECULATION_CTRL"),
    (57, "PR_SET_IO_FLUSHER"),
    (58, "PR_GET_IO_FLUSHER"),
    (59, "PR_SET_SYSCALL_USER_DISPATCH"),
    (62, "PR_SCHED_CORE"),
];

const CAPS: &[&str] = &[
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

const SUID_DUMP: &[(u64, &str)] =
    &[(0, "SUID_DUMP_DISABLE"), (1, "SUID_DUMP_USER"), (2, "SUID_DUMP_ROOT")];

/// `= 1 (SUID_DUMP_USER)` for PR_GET_DUMPABLE.
fn ret_dumpable(o: &mut Out, i: &SyscallInfo, _: &Context) {
    o.dec(i.rval);
    if let Some(&(_, n)) = SUID_DUMP.iter().find(|&&(v, _)| v as i64 == i.rval) {
        o.str(" (");
        o.str(n);
        o.byte(b')');
    }
}

fn prctl(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let option = a[0] as u32 as u64;
    w.text("option", option, |o| o.value(option, PR_OPTIONS, "PR_???"));
    match option {
        // PR_SET_PDEATHSIG
        1 => {
            let s = a[1] as i32;
            w.text("arg2", a[1], |o| write_signal(o, s));
        }
        // PR_GET_PDEATHSIG
        2 => w.text("arg2", a[1], |o| {
            out_at(o, i, a[1], |o, s: &i32| {
                o.byte(b'[');
                write_signal(o, *s);
                o.byte(b']');
            })
        }),
        // PR_GET_DUMPABLE
        3 => w.returns(Ret::Custom(ret_dumpable)),
        // PR_SET_DUMPABLE
        4 => w.text("arg2", a[1], |o| o.value(a[1], SUID_DUMP, "SUID_DUMP_???")),
        // PR_GET_KEEPCAPS, PR_GET_SECCOMP, PR_GET_TIMERSLACK,
        // PR_GET_SECUREBITS, PR_GET_THP_DISABLE, PR_GET_IO_FLUSHER
        7 | 21 | 27 | 30 | 42 | 58 => {}
        // PR_SET_KEEPCAPS, PR_SET_TIMERSLACK, PR_SET_CHILD_SUBREAPER
        8 | 29 | 36 => w.uint("arg2", a[1]),
        // PR_SET_NAME
        15 => w.cstr("arg2", a[1]),
        // PR_GET_NAME
        16 => {
            if wrote(i) {
                w.cstr("arg2", a[1]);
            } else {
                w.ptr("arg2", a[1]);
            }
        }
        // PR_SET_SECCOMP
        22 => {
            let mode = a[1];
            w.text("arg2", mode, |o| {
                o.value(
                    mode,
                    &[
                        (0, "SECCOMP_MODE_DISABLED"),
                        (1, "SECCOMP_MODE_STRICT"),
                        (2, "SECCOMP_MODE_FILTER"),
                    ],
                    "SECCOMP_MODE_???",
                )
            });
            if mode == 2 {
                w.ptr("arg3", a[2]);
            }
        }
        // PR_CAPBSET_READ, PR_CAPBSET_DROP
        23 | 24 => w.text("arg2", a[1], |o| match CAPS.get(a[1] as usize) {
            Some(n) => o.str(n),
            None => {
                o.hex(a[1]);
                o.str(" /* CAP_??? */");
            }
        }),
        // PR_GET_CHILD_SUBREAPER
        37 => w.text("arg2", a[1], |o| out_at(o, i, a[1], int_in_brackets)),
        // PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS
        38 | 39 => {
            w.uint("arg2", a[1]);
            w.uint("arg3", a[2]);
            w.uint("arg4", a[3]);
            w.uint("arg5", a[4]);
        }
        _ => {
            for (name, v) in [("arg2", a[1]), ("arg3", a[2]), ("arg4", a[3]), ("arg5", a[4])] {
                w.text(name, v, |o| o.hex0(v));
            }
        }
    }
}

// ---- scheduling and identity -------------------------------------------

/// `[0 1]`: the CPUs in a mask of `len` bytes.
fn cpu_set(o: &mut Out, addr: u64, len: u64) {
    let mut buf = [0u8; 1024];
    let n = (len as usize).min(buf.len());
    match buf.get_mut(..n).map(|b| selftrace::mem::read(addr, b)) {
        Some(Ok(())) => {}
        _ => return o.ptr(addr),
    }
    o.byte(b'[');
    let mut first = true;
    for (k, byte) in buf.iter().take(n).enumerate() {
        for bit in 0..8 {
            if byte & (1 << bit) != 0 {
                if !first {
                    o.byte(b' ');
                }
                first = false;
                o.udec((k * 8 + bit) as u64);
            }
        }
    }
    o.byte(b']');
}

fn sched_affinity(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.int("pid", a[0] as i32 as i64);
    w.uint("cpusetsize", a[1]);
    if i.is(Sysno::sched_setaffinity) {
        w.text("mask", a[2], |o| cpu_set(o, a[2], a[1]));
    } else if wrote(i) {
        // The kernel returns how many bytes of the mask it wrote.
        w.text("mask", a[2], |o| cpu_set(o, a[2], i.rval as u64));
    } else {
        w.ptr("mask", a[2]);
    }
}

fn one_id(w: &mut Writer, i: &SyscallInfo) {
    let v = i.args[0];
    w.text("id", v, |o| id(o, v));
}

fn two_ids(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("real", a[0], |o| id(o, a[0]));
    w.text("effective", a[1], |o| id(o, a[1]));
}

fn three_ids(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    w.text("real", a[0], |o| id(o, a[0]));
    w.text("effective", a[1], |o| id(o, a[1]));
    w.text("saved", a[2], |o| id(o, a[2]));
}

fn getresuid(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    for (name, p) in [("real", a[0]), ("effective", a[1]), ("saved", a[2])] {
        w.text(name, p, |o| {
            out_at(o, i, p, |o, v: &u32| {
                o.byte(b'[');
                id(o, *v as u64);
                o.byte(b']');
            })
        });
    }
}

fn setpgid(w: &mut Writer, i: &SyscallInfo) {
    w.int("pid", i.args[0] as i32 as i64);
    w.int("pgid", i.args[1] as i32 as i64);
}

fn one_pid(w: &mut Writer, i: &SyscallInfo) {
    w.int("pid", i.args[0] as i32 as i64);
}

/// getgroups/setgroups: the size, then the groups (at most `-s` shown).
fn groups(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let size = a[0] as i32;
    w.int("size", size as i64);
    let limit = w.context().string_limit;
    let count = if i.is(Sysno::setgroups) {
        Some(size.max(0) as u64)
    } else if wrote(i) && size > 0 {
        Some(i.rval.max(0) as u64)
    } else {
        None
    };
    w.text("list", a[1], |o| match count {
        Some(n) if a[1] != 0 => id_array(o, a[1], n, limit),
        _ => o.ptr(a[1]),
    });
}

/// `[0, 5]`: `n` ids at `addr`, at most `limit` shown, or the address.
fn id_array(o: &mut Out, addr: u64, n: u64, limit: usize) {
    let mut ids = [0u32; 64];
    let shown = (n as usize).min(limit).min(ids.len());
    let Some(part) = ids.get_mut(..shown) else { return o.hex(addr) };
    // SAFETY: a live u32 array viewed as bytes of the same length.
    let bytes = unsafe { std::slice::from_raw_parts_mut(part.as_mut_ptr() as *mut u8, shown * 4) };
    if selftrace::mem::read(addr, bytes).is_err() {
        return o.hex(addr);
    }
    o.byte(b'[');
    for (k, g) in part.iter().enumerate() {
        if k > 0 {
            o.str(", ");
        }
        id(o, *g as u64);
    }
    if n as usize > shown {
        o.str(", ...");
    }
    o.byte(b']');
}

#[cfg(test)]
mod tests {
    use super::super::signal::tests::{addr, line, line_cx, BAD};
    use super::*;

    #[test]
    fn memory() {
        // strace 6.1, /tmp/st/mem.c, mem2.c, mem3.c.
        assert_eq!(
            line(Sysno::mmap, &[0, 8192, 3, 0x22, u64::MAX, 0], 0x7fe63db51000),
            "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fe63db51000"
        );
        assert_eq!(
            line(Sysno::mmap, &[0x1000, 4096, 1, 0x800011, 99, 0x1000], -9),
            "mmap(0x1000, 4096, PROT_READ, MAP_SHARED|MAP_FIXED|0x800000, 99, 0x1000) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 0x80, 3, 3, 0], -9),
            "mmap(NULL, 4096, 0x80 /* PROT_??? */, MAP_SHARED_VALIDATE, 3, 0) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 1, 0x2 | 0x20 | 0x4000 | 0x8000 | 0x100 | 0x20000 | 0x40000 | (21 << 26), u64::MAX, 0], -22),
            "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_POPULATE|MAP_GROWSDOWN|MAP_STACK|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 7, 0x2 | 0x200 | (30 << 26), u64::MAX, 0], -9),
            "mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|0x200|30<<MAP_HUGE_SHIFT, -1, 0) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 7, 0x17, u64::MAX, 0], -9),
            "mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, 0x7 /* MAP_??? */|MAP_FIXED, -1, 0) = -1 EBADF (Bad file descriptor)"
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 1, 0x20, u64::MAX, 0], -22),
            "mmap(NULL, 4096, PROT_READ, MAP_FILE|MAP_ANONYMOUS, -1, 0) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::mmap, &[0, 4096, 1, 0, u64::MAX, u64::MAX], -22),
            "mmap(NULL, 4096, PROT_READ, MAP_FILE, -1, 0xffffffffffffffff) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::mprotect, &[0x7fe63db51000, 4096, 0], 0),
            "mprotect(0x7fe63db51000, 4096, PROT_NONE) = 0"
        );
        assert_eq!(
            line(Sysno::mprotect, &[0x7fe63db51000, 4096, 0x105], -22),
            "mprotect(0x7fe63db51000, 4096, PROT_READ|PROT_EXEC|0x100) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::mprotect, &[0, 4096, 0x10], -22),
            "mprotect(NULL, 4096, 0x10 /* PROT_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(line(Sysno::brk, &[0], 0x55911d445000), "brk(NULL) = 0x55911d445000");
        assert_eq!(
            line(Sysno::munmap, &[0, 0], -22),
            "munmap(NULL, 0) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::madvise, &[0x7fe63db51000, 8192, 77], -22),
            "madvise(0x7fe63db51000, 8192, 0x4d /* MADV_??? */) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::madvise, &[0x7fe63db51000, 8192, 14], 0),
            "madvise(0x7fe63db51000, 8192, MADV_HUGEPAGE) = 0"
        );
        assert_eq!(
            line(Sysno::mremap, &[0x7fe63db51000, 8192, 16384, 7, 0x10000], -22),
            "mremap(0x7fe63db51000, 8192, 16384, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 0x10000) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::mremap, &[0, 4096, 4096, 0x12, 0x10000], -22),
            "mremap(NULL, 4096, 4096, MREMAP_FIXED|0x10) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::mremap, &[0, 4096, 4096, 0x40, 0], -22),
            "mremap(NULL, 4096, 4096, 0x40 /* MREMAP_??? */) = -1 EINVAL (Invalid argument)"
        );
    }

    fn cstrs<const N: usize>(strs: [&'static [u8]; N]) -> [u64; N] {
        strs.map(|s| if s.is_empty() { 0 } else { s.as_ptr() as u64 })
    }

    #[test]
    fn exec() {
        // strace 6.1 -s 10, /tmp/st/ex.c.
        let cx = Context { string_limit: 10, fd_paths: false };
        let argv = cstrs([
            b"ls\0",
            b"-l\0",
            b"a\"b\n\0",
            b"0123456789012345678901234567890123456789\0",
            b"",
        ]);
        let env = cstrs([b"A=1\0", b"B=2\0", b""]);
        let e = addr(&env);
        assert_eq!(
            line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, addr(&argv), e], -2, cx),
            format!("execve(\"/nonexistent\", [\"ls\", \"-l\", \"a\\\"b\\n\", \"0123456789\"...], {e:#x} /* 2 vars */) = -1 ENOENT (No such file or directory)")
        );
        assert_eq!(
            line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, 0, 0], -2, cx),
            "execve(\"/nonexistent\", NULL, NULL) = -1 ENOENT (No such file or directory)"
        );
        assert_eq!(
            line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, BAD, BAD], -2, cx),
            "execve(\"/nonexistent\", 0x8, 0x8) = -1 ENOENT (No such file or directory)"
        );
        let mut many = [c"x".as_ptr() as u64; 40];
        many[39] = 0;
        assert_eq!(
            line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, addr(&many), e], -2, cx),
            format!("execve(\"/nonexistent\", [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", ...], {e:#x} /* 2 vars */) = -1 ENOENT (No such file or directory)")
        );
        let bad = [c"a".as_ptr() as u64, BAD, 0];
        assert_eq!(
            line_cx(Sysno::execve, &[c"/nonexistent".as_ptr() as u64, addr(&bad), e], -2, cx),
            format!("execve(\"/nonexistent\", [\"a\", 0x8], {e:#x} /* 2 vars */) = -1 ENOENT (No such file or directory)")
        );
        assert_eq!(
            line_cx(Sysno::execveat, &[5, c"".as_ptr() as u64, addr(&argv), e, 0x10], -2, cx),
            format!("execveat(5, \"\", [\"ls\", \"-l\", \"a\\\"b\\n\", \"0123456789\"...], {e:#x} /* 2 vars */, 0x10 /* AT_??? */) = -1 ENOENT (No such file or directory)")
        );
        assert_eq!(
            line_cx(Sysno::execveat, &[libc::AT_FDCWD as u64, c"/x".as_ptr() as u64, 0, 0, 0x1100], -2, cx),
            "execveat(AT_FDCWD, \"/x\", NULL, NULL, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH) = -1 ENOENT (No such file or directory)"
        );
        assert_eq!(line(Sysno::exit_group, &[3], 0), "exit_group(3) = 0");
    }

    #[test]
    fn waiting() {
        // strace 6.1, /tmp/st/proc.c and proc2.c.
        let mut st: i32 = 0;
        assert_eq!(
            line(Sysno::wait4, &[u64::MAX, addr(&st), 0, 0], 1234),
            "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 1234"
        );
        st = libc::SIGKILL;
        assert_eq!(
            line(Sysno::wait4, &[7848, addr(&st), 0, 0], 7848),
            "wait4(7848, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 7848"
        );
        st = libc::SIGSEGV | 0x80;
        assert_eq!(
            line(Sysno::wait4, &[7848, addr(&st), 0, 0], 7848),
            "wait4(7848, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], 0, NULL) = 7848"
        );
        st = 0x137f;
        assert_eq!(
            line(Sysno::wait4, &[7850, addr(&st), 2, 0], 7850),
            "wait4(7850, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, NULL) = 7850"
        );
        st = 0xffff;
        assert_eq!(
            line(Sysno::wait4, &[7850, addr(&st), 8, 0], 7850),
            "wait4(7850, [{WIFCONTINUED(s)}], WCONTINUED, NULL) = 7850"
        );
        let a = addr(&st);
        assert_eq!(
            line(Sysno::wait4, &[7850, a, 1, 0], 0),
            format!("wait4(7850, {a:#x}, WNOHANG, NULL) = 0")
        );
        assert_eq!(
            line(Sysno::wait4, &[7850, a, 0x8000000b, 0], -10),
            format!("wait4(7850, {a:#x}, WNOHANG|WSTOPPED|WCONTINUED|__WCLONE, NULL) = -1 ECHILD (No child processes)")
        );
        assert_eq!(
            line(Sysno::wait4, &[u64::MAX, 0, 0xe0000100, 0], -22),
            "wait4(-1, NULL, __WCLONE|__WALL|__WNOTHREAD|0x100, NULL) = -1 EINVAL (Invalid argument)"
        );
        // SAFETY: rusage is plain C data.
        // SAFETY: rusage is plain integers; all zeroes is a valid value.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        ru.ru_utime.tv_usec = 88;
        st = 3 << 8;
        assert_eq!(
            line(Sysno::wait4, &[7849, addr(&st), 0x40000000, addr(&ru)], 7849),
            "wait4(7849, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], __WALL, {ru_utime={tv_sec=0, tv_usec=88}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 7849"
        );
        let mut si = [0u64; 16];
        si[0] = libc::SIGCHLD as u64;
        si[1] = libc::CLD_EXITED as u64;
        si[2] = 7851;
        si[3] = 3;
        assert_eq!(
            line(Sysno::waitid, &[1, 7851, addr(&si), 4, 0], 0),
            "waitid(P_PID, 7851, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=7851, si_uid=0, si_status=3, si_utime=0, si_stime=0}, WEXITED, NULL) = 0"
        );
        let empty = [0u64; 16];
        assert_eq!(
            line(Sysno::waitid, &[1, 19107, addr(&empty), 5, 0], 0),
            "waitid(P_PID, 19107, {}, WNOHANG|WEXITED, NULL) = 0"
        );
        let e = addr(&empty);
        assert_eq!(
            line(Sysno::waitid, &[7, 3, e, 0x10e, 0], -22),
            format!("waitid(0x7 /* P_??? */, 3, {e:#x}, WEXITED|WSTOPPED|WCONTINUED|0x100, NULL) = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn cloning() {
        // strace 6.1, /tmp/st/proc.c and proc2.c.
        assert_eq!(
            line(Sysno::clone, &[0x1200011, 0, 0, 0x7f2cd0806a10, 0], 7847),
            "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f2cd0806a10) = 7847"
        );
        assert_eq!(
            line(Sysno::clone, &[0x1003d0f00 , 0x1000, 0x2000, 0x3000, 0x4000], 7863),
            "clone(child_stack=0x1000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|0x100000000, parent_tid=0x2000, tls=0x4000, child_tidptr=0x3000) = 7863"
        );
        assert_eq!(
            line(Sysno::clone, &[0xff, 0x1000, 8, 16, 24], 19108),
            "clone(child_stack=0x1000, flags=255) = 19108"
        );
        assert_eq!(
            line(Sysno::clone, &[0, 0x1000, 8, 16, 24], 19109),
            "clone(child_stack=0x1000, flags=0) = 19109"
        );
        assert_eq!(
            line(Sysno::clone, &[0x10000000 | 17, 0, 0, 0, 0], 7861),
            "clone(child_stack=NULL, flags=CLONE_NEWUSER|SIGCHLD) = 7861"
        );
        let ptid: i32 = 7860;
        assert_eq!(
            line(Sysno::clone, &[0x100000 | 17, 0, addr(&ptid), 0, 0], 7860),
            "clone(child_stack=NULL, flags=CLONE_PARENT_SETTID|SIGCHLD, parent_tid=[7860]) = 7860"
        );
        let mut ca = CloneArgs { flags: 0x4100, exit_signal: 17, ..CloneArgs::default() };
        assert_eq!(
            line(Sysno::clone3, &[addr(&ca), 88], 7855),
            "clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 7855"
        );
        let pidfd: i32 = 3;
        ca.flags = 0x1000 | 0x100000 | 0x1000000;
        ca.pidfd = addr(&pidfd);
        ca.parent_tid = addr(&ptid);
        ca.child_tid = 0x7ffe9162b854;
        assert_eq!(
            line(Sysno::clone3, &[addr(&ca), 88], 7860),
            format!(
                "clone3({{flags=CLONE_PIDFD|CLONE_PARENT_SETTID|CLONE_CHILD_SETTID, pidfd={:#x}, child_tid=0x7ffe9162b854, parent_tid={:#x}, exit_signal=SIGCHLD, stack=NULL, stack_size=0}} => {{pidfd=[3], parent_tid=[7860]}}, 88) = 7860",
                addr(&pidfd),
                addr(&ptid)
            )
        );
        let tids = [1i32, 2];
        let ca = CloneArgs {
            flags: 0x20000 | 0x80000 | 0x100000000 | 0x200000000 | 0x800000000,
            exit_signal: 77,
            stack: 0x1000,
            stack_size: 0x2000,
            tls: 0x3000,
            set_tid: addr(&tids),
            set_tid_size: 2,
            cgroup: 5,
            ..CloneArgs::default()
        };
        assert_eq!(
            line(Sysno::clone3, &[addr(&ca), 88], -22),
            "clone3({flags=CLONE_NEWNS|CLONE_SETTLS|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP|0x800000000, exit_signal=77, stack=0x1000, stack_size=0x2000, tls=0x3000, set_tid=[1, 2], set_tid_size=2, cgroup=5}, 88) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::clone3, &[addr(&ca), 64], -22),
            "clone3({flags=CLONE_NEWNS|CLONE_SETTLS|CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP|0x800000000, exit_signal=77, stack=0x1000, stack_size=0x2000, tls=0x3000}, 64) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::clone3, &[0, 88], -14),
            "clone3(NULL, 88) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::clone3, &[BAD, 88], -14),
            "clone3(0x8, 88) = -1 EFAULT (Bad address)"
        );
        assert_eq!(line(Sysno::vfork, &[], 7852), "vfork() = 7852");
    }

    #[repr(C)]
    struct Ksa {
        h: u64,
        flags: u64,
        restorer: u64,
        mask: u64,
    }

    #[test]
    fn signals() {
        // strace 6.1, /tmp/st/sig.c and sig2.c.
        assert_eq!(
            line(Sysno::kill, &[99999, 35], -3),
            "kill(99999, SIGRT_3) = -1 ESRCH (No such process)"
        );
        assert_eq!(
            line(Sysno::kill, &[99999, 65], -3),
            "kill(99999, 65) = -1 ESRCH (No such process)"
        );
        assert_eq!(
            line(Sysno::kill, &[99999, 0x100000001], -3),
            "kill(99999, SIGHUP) = -1 ESRCH (No such process)"
        );
        assert_eq!(line(Sysno::kill, &[0, 0], 0), "kill(0, 0) = 0");
        assert_eq!(
            line(Sysno::tgkill, &[20591, 20591, 12], 0),
            "tgkill(20591, 20591, SIGUSR2) = 0"
        );
        let act =
            Ksa { h: 0x5633fde3e159, flags: 0x04000000 | 0x10000000, restorer: 0x1234, mask: 0 };
        let old = Ksa { h: 0, flags: 0, restorer: 0, mask: 0 };
        assert_eq!(
            line(Sysno::rt_sigaction, &[2, addr(&act), addr(&old), 8], 0),
            "rt_sigaction(SIGINT, {sa_handler=0x5633fde3e159, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x1234}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0"
        );
        let act = Ksa {
            h: 0,
            flags: 0x08000000 | 0x40000000 | 0x80000000 | 7 | 0x10c00,
            restorer: 0,
            mask: !0,
        };
        assert_eq!(
            line(Sysno::rt_sigaction, &[10, addr(&act), 0, 8], 0),
            "rt_sigaction(SIGUSR1, {sa_handler=SIG_DFL, sa_mask=~[], sa_flags=SA_ONSTACK|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0x10c00}, NULL, 8) = 0"
        );
        let act = Ksa { h: 1, flags: 0x80000000, restorer: 0, mask: !((1 << 8) | (1 << 18)) };
        let o = addr(&old);
        assert_eq!(
            line(Sysno::rt_sigaction, &[9, addr(&act), o, 8], -22),
            format!("rt_sigaction(SIGKILL, {{sa_handler=SIG_IGN, sa_mask=~[KILL STOP], sa_flags=SA_RESETHAND}}, {o:#x}, 8) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::rt_sigaction, &[10, 8, 16, 8], -14),
            "rt_sigaction(SIGUSR1, 0x8, 0x10, 8) = -1 EFAULT (Bad address)"
        );
        let set: u64 = 1 << 16;
        let oset: u64 = 0;
        assert_eq!(
            line(Sysno::rt_sigprocmask, &[0, addr(&set), addr(&oset), 8], 0),
            "rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8) = 0"
        );
        let (s, os) = (addr(&set), addr(&oset));
        assert_eq!(
            line(Sysno::rt_sigprocmask, &[0, s, os, 16], -22),
            format!(
                "rt_sigprocmask(SIG_BLOCK, {s:#x}, {os:#x}, 16) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(Sysno::rt_sigprocmask, &[5, addr(&oset), 0, 8], -22),
            "rt_sigprocmask(0x5 /* SIG_??? */, [], NULL, 8) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(line(Sysno::rt_sigpending, &[addr(&oset), 8], 0), "rt_sigpending([], 8) = 0");
        assert_eq!(
            line(Sysno::rt_sigpending, &[8, 8], -14),
            "rt_sigpending(0x8, 8) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::rt_sigsuspend, &[s, 7], -22),
            format!("rt_sigsuspend({s:#x}, 7) = -1 EINVAL (Invalid argument)")
        );
        let ss = libc::stack_t { ss_sp: 0x1000 as *mut libc::c_void, ss_flags: 0, ss_size: 8192 };
        let oss = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: 2, ss_size: 0 };
        assert_eq!(
            line(Sysno::sigaltstack, &[addr(&ss), addr(&oss)], 0),
            "sigaltstack({ss_sp=0x1000, ss_flags=0, ss_size=8192}, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}) = 0"
        );
        let ss2 = libc::stack_t {
            ss_sp: 0x1000 as *mut libc::c_void,
            ss_flags: 1 | (1 << 31) | 0x10,
            ss_size: 8192,
        };
        assert_eq!(
            line(Sysno::sigaltstack, &[addr(&ss2), 8], -22),
            "sigaltstack({ss_sp=0x1000, ss_flags=SS_ONSTACK|SS_AUTODISARM|0x10, ss_size=8192}, 0x8) = -1 EINVAL (Invalid argument)"
        );
        let usr2: u64 = 1 << 11;
        let ts = libc::timespec { tv_sec: 0, tv_nsec: 1000 };
        let mut si = [0u64; 16];
        si[0] = 12;
        si[1] = libc::SI_TKILL as u32 as u64;
        si[2] = 20591;
        assert_eq!(
            line(Sysno::rt_sigtimedwait, &[addr(&usr2), addr(&si), addr(&ts), 8], 12),
            "rt_sigtimedwait([USR2], {si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=20591, si_uid=0}, {tv_sec=0, tv_nsec=1000}, 8) = 12 (SIGUSR2)"
        );
        let sip = addr(&si);
        assert_eq!(
            line(Sysno::rt_sigtimedwait, &[addr(&usr2), sip, addr(&ts), 8], -11),
            format!("rt_sigtimedwait([USR2], {sip:#x}, {{tv_sec=0, tv_nsec=1000}}, 8) = -1 EAGAIN (Resource temporarily unavailable)")
        );
    }

    #[test]
    fn limits_random_futex() {
        // strace 6.1, /tmp/st/tm.c.
        let r = Rlimit { cur: 8192 * 1024, max: u64::MAX };
        assert_eq!(
            line(Sysno::prlimit64, &[0, 3, 0, addr(&r)], 0),
            "prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0"
        );
        let n = Rlimit { cur: 1025, max: 4096 };
        let o = Rlimit { cur: 20000, max: 20000 };
        assert_eq!(
            line(Sysno::prlimit64, &[0, 7, addr(&n), addr(&o)], 0),
            "prlimit64(0, RLIMIT_NOFILE, {rlim_cur=1025, rlim_max=4*1024}, {rlim_cur=20000, rlim_max=20000}) = 0"
        );
        let oa = addr(&o);
        assert_eq!(
            line(Sysno::prlimit64, &[1, 99, 0, oa], -22),
            format!(
                "prlimit64(1, 0x63 /* RLIMIT_??? */, NULL, {oa:#x}) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(Sysno::getrlimit, &[4, addr(&Rlimit { cur: 0, max: u64::MAX })], 0),
            "getrlimit(RLIMIT_CORE, {rlim_cur=0, rlim_max=RLIM64_INFINITY}) = 0"
        );
        let rnd = [0x29u8, 0x1e, 0xe8, 0x37, 0x11, 0xdb, 0x50, 0x02];
        assert_eq!(
            line(Sysno::getrandom, &[addr(&rnd), 8, 1], 8),
            r#"getrandom("\x29\x1e\xe8\x37\x11\xdb\x50\x02", 8, GRND_NONBLOCK) = 8"#
        );
        let big = [0xabu8; 40];
        assert_eq!(
            line(Sysno::getrandom, &[addr(&big), 40, 0], 40),
            format!("getrandom(\"{}\"..., 40, 0) = 40", "\\xab".repeat(32))
        );
        let b = addr(&rnd);
        assert_eq!(
            line(Sysno::getrandom, &[b, 4, 0xe], -22),
            format!("getrandom({b:#x}, 4, GRND_RANDOM|GRND_INSECURE|0x8) = -1 EINVAL (Invalid argument)")
        );
        let f: i32 = 0;
        let fa = addr(&f);
        let ts = libc::timespec { tv_sec: 0, tv_nsec: 1 };
        assert_eq!(
            line(Sysno::futex, &[fa, 129, 1, 0, 0, 0], 0),
            format!("futex({fa:#x}, FUTEX_WAKE_PRIVATE, 1) = 0")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 128, 1, 0, 0, 0], -11),
            format!("futex({fa:#x}, FUTEX_WAIT_PRIVATE, 1, NULL) = -1 EAGAIN (Resource temporarily unavailable)")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 0x189, 0, addr(&ts), 0, 0xffffffff], -110),
            format!("futex({fa:#x}, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, {{tv_sec=0, tv_nsec=1}}, FUTEX_BITSET_MATCH_ANY) = -1 ETIMEDOUT (Connection timed out)")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 10, 1, 0, 0, 5], 0),
            format!("futex({fa:#x}, FUTEX_WAKE_BITSET, 1, 0x5) = 0")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 131, 1, 2, fa, 0], 0),
            format!("futex({fa:#x}, FUTEX_REQUEUE_PRIVATE, 1, 2, {fa:#x}) = 0")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 132, 1, 2, fa, 0], 0),
            format!("futex({fa:#x}, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, {fa:#x}, 0) = 0")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 133, 1, 2, fa, 0x04000001], 0),
            format!("futex({fa:#x}, FUTEX_WAKE_OP_PRIVATE, 1, 2, {fa:#x}, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1) = 0")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 134, 0, 0, 0, 0], 0),
            format!("futex({fa:#x}, FUTEX_LOCK_PI_PRIVATE, NULL) = 0")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 135, 0, 0, 0, 0], 0),
            format!("futex({fa:#x}, FUTEX_UNLOCK_PI_PRIVATE) = 0")
        );
        assert_eq!(
            line(Sysno::futex, &[fa, 99, 0, 0, 0, 0], -38),
            format!("futex({fa:#x}, 0x63 /* FUTEX_??? */, 0, NULL, NULL, 0) = -1 ENOSYS (Function not implemented)")
        );
    }

    #[test]
    fn time_and_system() {
        // strace 6.1, /tmp/st/tm.c.
        let ts = libc::timespec { tv_sec: 0, tv_nsec: 1000 };
        let rem = ts;
        let r = addr(&rem);
        assert_eq!(
            line(Sysno::nanosleep, &[addr(&ts), r], 0),
            format!("nanosleep({{tv_sec=0, tv_nsec=1000}}, {r:#x}) = 0")
        );
        assert_eq!(
            line(Sysno::nanosleep, &[8, 0], -14),
            "nanosleep(0x8, NULL) = -1 EFAULT (Bad address)"
        );
        let neg = libc::timespec { tv_sec: 0, tv_nsec: -1 };
        assert_eq!(
            line(Sysno::nanosleep, &[addr(&neg), 0], -22),
            "nanosleep({tv_sec=0, tv_nsec=18446744073709551615}, NULL) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::nanosleep, &[addr(&ts), r], -4),
            "nanosleep({tv_sec=0, tv_nsec=1000}, {tv_sec=0, tv_nsec=1000}) = -1 EINTR (Interrupted system call)"
        );
        assert_eq!(
            line(Sysno::clock_nanosleep, &[0, 1, addr(&ts), 0], 0),
            "clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, {tv_sec=0, tv_nsec=1000}, NULL) = 0"
        );
        assert_eq!(
            line(Sysno::clock_nanosleep, &[99, 2, addr(&ts), 0], -22),
            "clock_nanosleep(0x63 /* CLOCK_??? */, 0x2 /* TIMER_??? */, {tv_sec=0, tv_nsec=1000}, NULL) = -1 EINVAL (Invalid argument)"
        );
        let now = libc::timespec { tv_sec: 1795443536, tv_nsec: 707555909 };
        assert_eq!(
            line(Sysno::clock_gettime, &[0, addr(&now)], 0),
            "clock_gettime(CLOCK_REALTIME, {tv_sec=1795443536, tv_nsec=707555909}) = 0"
        );
        assert_eq!(
            line(Sysno::clock_gettime, &[7, 8], -14),
            "clock_gettime(CLOCK_BOOTTIME, 0x8) = -1 EFAULT (Bad address)"
        );
        assert_eq!(
            line(Sysno::clock_gettime, &[(-2i64) as u64, addr(&now)], 0),
            "clock_gettime(0xfffffffe /* CLOCK_??? */, {tv_sec=1795443536, tv_nsec=707555909}) = 0"
        );
        let tv = libc::timeval { tv_sec: 1795443536, tv_usec: 707745 };
        let tz = Timezone { minuteswest: 0, dsttime: 0 };
        assert_eq!(
            line(Sysno::gettimeofday, &[addr(&tv), addr(&tz)], 0),
            "gettimeofday({tv_sec=1795443536, tv_usec=707745}, {tz_minuteswest=0, tz_dsttime=0}) = 0"
        );
        // SAFETY: utsname, sysinfo and rusage are plain C data.
        let mut u: libc::utsname = unsafe { std::mem::zeroed() };
        for (d, s) in u.sysname.iter_mut().zip(b"Linux") {
            *d = *s as libc::c_char;
        }
        for (d, s) in u.nodename.iter_mut().zip(b"vm") {
            *d = *s as libc::c_char;
        }
        assert_eq!(
            line(Sysno::uname, &[addr(&u)], 0),
            "uname({sysname=\"Linux\", nodename=\"vm\", ...}) = 0"
        );
        assert_eq!(line(Sysno::uname, &[8], -14), "uname(0x8) = -1 EFAULT (Bad address)");
        // SAFETY: sysinfo is plain integers; all zeroes is a valid value.
        let mut s: libc::sysinfo = unsafe { std::mem::zeroed() };
        s.uptime = 5922;
        s.loads = [20800, 27904, 23552];
        s.totalram = 25276514304;
        s.freeram = 23784448000;
        s.sharedram = 8998912;
        s.bufferram = 3588096;
        s.procs = 88;
        s.mem_unit = 1;
        assert_eq!(
            line(Sysno::sysinfo, &[addr(&s)], 0),
            "sysinfo({uptime=5922, loads=[20800, 27904, 23552], totalram=25276514304, freeram=23784448000, sharedram=8998912, bufferram=3588096, totalswap=0, freeswap=0, procs=88, totalhigh=0, freehigh=0, mem_unit=1}) = 0"
        );
        // SAFETY: rusage is plain integers; all zeroes is a valid value.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        ru.ru_utime.tv_usec = 853;
        assert_eq!(
            line(Sysno::getrusage, &[0, addr(&ru)], 0),
            "getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=853}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0"
        );
        assert_eq!(
            line(Sysno::getrusage, &[u64::MAX, addr(&ru)], 0),
            "getrusage(RUSAGE_CHILDREN, {ru_utime={tv_sec=0, tv_usec=853}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 0"
        );
        let ra = addr(&ru);
        assert_eq!(
            line(Sysno::getrusage, &[5, ra], -22),
            format!("getrusage(0x5 /* RUSAGE_??? */, {ra:#x}) = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn prctl_and_friends() {
        // strace 6.1, /tmp/st/tm.c.
        let name = *b"hello\0";
        assert_eq!(line(Sysno::prctl, &[15, addr(&name)], 0), "prctl(PR_SET_NAME, \"hello\") = 0");
        assert_eq!(line(Sysno::prctl, &[16, addr(&name)], 0), "prctl(PR_GET_NAME, \"hello\") = 0");
        assert_eq!(line(Sysno::prctl, &[1, 9], 0), "prctl(PR_SET_PDEATHSIG, SIGKILL) = 0");
        let sig: i32 = 9;
        assert_eq!(
            line(Sysno::prctl, &[2, addr(&sig)], 0),
            "prctl(PR_GET_PDEATHSIG, [SIGKILL]) = 0"
        );
        assert_eq!(
            line(Sysno::prctl, &[38, 1, 0, 0, 0], 0),
            "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0"
        );
        assert_eq!(line(Sysno::prctl, &[4, 1], 0), "prctl(PR_SET_DUMPABLE, SUID_DUMP_USER) = 0");
        assert_eq!(line(Sysno::prctl, &[3], 1), "prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)");
        assert_eq!(line(Sysno::prctl, &[23, 1], 1), "prctl(PR_CAPBSET_READ, CAP_DAC_OVERRIDE) = 1");
        assert_eq!(
            line(Sysno::prctl, &[999, 1, 2, 3, 4], -22),
            "prctl(0x3e7 /* PR_??? */, 0x1, 0x2, 0x3, 0x4) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(
            line(Sysno::prctl, &[22, 2, 0], -14),
            "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL) = -1 EFAULT (Bad address)"
        );
        assert_eq!(line(Sysno::prctl, &[29, 50000], 0), "prctl(PR_SET_TIMERSLACK, 50000) = 0");
        let fs: u64 = 0x7f53eaf47740;
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1003, addr(&fs)], 0),
            "arch_prctl(ARCH_GET_FS, [0x7f53eaf47740]) = 0"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1002, fs], 0),
            "arch_prctl(ARCH_SET_FS, 0x7f53eaf47740) = 0"
        );
        assert_eq!(
            line(Sysno::arch_prctl, &[0x9999, 0], -22),
            "arch_prctl(0x9999 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)"
        );
        let zero: u64 = 0;
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1004, addr(&zero)], 0),
            "arch_prctl(ARCH_GET_GS, [NULL]) = 0"
        );
        assert_eq!(line(Sysno::arch_prctl, &[0x1011, 0], 1), "arch_prctl(ARCH_GET_CPUID) = 1");
        assert_eq!(
            line(Sysno::arch_prctl, &[0x1012, 1], -19),
            "arch_prctl(ARCH_SET_CPUID, 0x1) = -1 ENODEV (No such device)"
        );
        assert_eq!(
            line(Sysno::set_tid_address, &[0x7fff1099042c], 21098),
            "set_tid_address(0x7fff1099042c) = 21098"
        );
        assert_eq!(
            line(Sysno::set_robust_list, &[0x1000, 24], 0),
            "set_robust_list(0x1000, 24) = 0"
        );
        assert_eq!(
            line(Sysno::rseq, &[0x1000, 32, 0, 0x53053053], -22),
            "rseq(0x1000, 0x20, 0, 0x53053053) = -1 EINVAL (Invalid argument)"
        );
        let cpus = [3u8; 128];
        assert_eq!(
            line(Sysno::sched_getaffinity, &[0, 128, addr(&cpus)], 8),
            "sched_getaffinity(0, 128, [0 1 8 9 16 17 24 25 32 33 40 41 48 49 56 57]) = 8"
        );
        let one = [3u8, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            line(Sysno::sched_getaffinity, &[0, 8, addr(&one)], 8),
            "sched_getaffinity(0, 8, [0 1]) = 8"
        );
        let ca = addr(&one);
        assert_eq!(
            line(Sysno::sched_getaffinity, &[0, 3, ca], -22),
            format!("sched_getaffinity(0, 3, {ca:#x}) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(line(Sysno::sched_yield, &[], 0), "sched_yield() = 0");
    }

    #[test]
    fn identity() {
        // strace 6.1, /tmp/st/tm.c.
        assert_eq!(line(Sysno::getpid, &[], 21098), "getpid() = 21098");
        assert_eq!(line(Sysno::getpgrp, &[], 21093), "getpgrp() = 21093");
        assert_eq!(
            line(Sysno::setuid, &[0xffffffff], -22),
            "setuid(-1) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(line(Sysno::setreuid, &[0xffffffff, 0], 0), "setreuid(-1, 0) = 0");
        assert_eq!(line(Sysno::setresuid, &[0xffffffff, 0, 1], 0), "setresuid(-1, 0, 1) = 0");
        let (a, b, c) = (0u32, 0u32, 1u32);
        assert_eq!(
            line(Sysno::getresuid, &[addr(&a), addr(&b), addr(&c)], 0),
            "getresuid([0], [0], [1]) = 0"
        );
        assert_eq!(line(Sysno::setpgid, &[0, 0], 0), "setpgid(0, 0) = 0");
        assert_eq!(line(Sysno::setsid, &[], -1), "setsid() = -1 EPERM (Operation not permitted)");
        assert_eq!(line(Sysno::getsid, &[0], 3515), "getsid(0) = 3515");
        let g = [0u32, 5, 0, 0, 0, 0, 0, 0];
        assert_eq!(line(Sysno::getgroups, &[0, 0], 0), "getgroups(0, NULL) = 0");
        assert_eq!(line(Sysno::getgroups, &[8, addr(&g)], 0), "getgroups(8, []) = 0");
        assert_eq!(line(Sysno::getgroups, &[8, addr(&g)], 2), "getgroups(8, [0, 5]) = 2");
        assert_eq!(line(Sysno::setgroups, &[2, addr(&g)], 0), "setgroups(2, [0, 5]) = 0");
        assert_eq!(line(Sysno::setgroups, &[0, 0], 0), "setgroups(0, NULL) = 0");
    }
}
