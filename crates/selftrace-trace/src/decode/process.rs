//! Processes: exec, exit, wait and clone, and the groups of a process.
//!
//! Formats follow strace 6.1's output (checked against runs on small C
//! programs; the tests say which). Decoders run at exit: a pointer the
//! kernel fills is shown decoded only when the call succeeded, otherwise
//! as its address.

use super::signal::write_signal;
use super::time::timeval;
use super::{arg, at, id, int_in_brackets, out_at, wrote, Context, Plain, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;
use selftrace::Sysno;

/// `struct rusage` without -v: the two times, then `...`.
fn write_rusage(o: &mut Out, r: &libc::rusage) {
    o.str("{ru_utime=");
    timeval(o, &r.ru_utime);
    o.str(", ru_stime=");
    timeval(o, &r.ru_stime);
    o.str(", ...}");
}

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
fn write_envp(o: &mut Out, addr: u64) {
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

pub(crate) const AT_EXEC_FLAGS: &[(u64, &str)] = &flags![AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH];

/// Options of wait4 and waitid, in strace's order.
pub(crate) const WAIT_OPTIONS: &[(u64, &str)] = &flags![
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

pub(crate) const IDTYPES: &[(u64, &str)] =
    &[(0, "P_ALL"), (1, "P_PID"), (2, "P_PGID"), (3, "P_PIDFD")];

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

/// unshare(2)'s flags: clone's, without the two of clone3 only.
pub(crate) const UNSHARE_FLAGS: &[(u64, &str)] = CLONE_FLAGS.split_at(CLONE_FLAGS.len() - 2).0;

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

pub(crate) fn clone(w: &mut Writer, i: &SyscallInfo) {
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
pub(crate) struct CloneArgs {
    pub(crate) flags: u64,
    pub(crate) pidfd: u64,
    pub(crate) child_tid: u64,
    pub(crate) parent_tid: u64,
    pub(crate) exit_signal: u64,
    pub(crate) stack: u64,
    pub(crate) stack_size: u64,
    pub(crate) tls: u64,
    pub(crate) set_tid: u64,
    pub(crate) set_tid_size: u64,
    pub(crate) cgroup: u64,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for CloneArgs {}

const CLONE_ARGS_SIZE_VER0: u64 = 64;

const CLONE_ARGS_SIZE_VER1: u64 = 80;

const CLONE_ARGS_SIZE_VER2: u64 = 88;

fn write_clone_args(o: &mut Out, i: &SyscallInfo, addr: u64, size: u64) {
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

/// getgroups and setgroups: the groups, at most `-s` shown.
pub(crate) fn groups(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = [arg(i, idx.wrapping_sub(1)), arg(i, idx)];
    let size = a[0] as i32;
    let limit = w.context().string_limit;
    let count = if i.is(Sysno::setgroups) {
        Some(size.max(0) as u64)
    } else if wrote(i) && size > 0 {
        Some(i.rval.max(0) as u64)
    } else {
        None
    };
    w.text(name, a[1], |o| match count {
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

pub(crate) fn argv(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let (a, cx) = (arg(i, idx), *w.context());
    w.text(name, a, |o| write_argv(o, a, &cx));
}

pub(crate) fn envp(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = arg(i, idx);
    w.text(name, a, |o| write_envp(o, a));
}

/// wait4's status: only a reaped child (return > 0) leaves one.
pub(crate) fn wstatus(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = arg(i, idx);
    w.text(name, a, |o| {
        if i.rval > 0 {
            at(o, a, wait_status);
        } else {
            o.ptr(a);
        }
    });
}

/// `struct rusage` the kernel filled.
pub(crate) fn rusage(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = arg(i, idx);
    w.text(name, a, |o| out_at(o, i, a, write_rusage));
}

/// clone3's arguments, with the size after them.
pub(crate) fn clone_args(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let (addr, size) = (arg(i, idx), arg(i, idx + 1));
    w.text(name, addr, |o| write_clone_args(o, i, addr, size));
}

/// An id the kernel stored: `[1000]`.
pub(crate) fn id_out(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let p = arg(i, idx);
    w.text(name, p, |o| {
        out_at(o, i, p, |o, v: &u32| {
            o.byte(b'[');
            id(o, *v as u64);
            o.byte(b']');
        })
    });
}
