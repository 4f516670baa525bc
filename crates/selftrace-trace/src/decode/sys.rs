//! The process's environment: limits, system information, randomness,
//! futexes, prctl and arch_prctl, CPU affinity.
//!
//! Formats follow strace 6.1's output (checked against runs on small C
//! programs; the tests say which).

use super::signal::write_signal;
use super::time::timespec;
use super::{arg, at, int_in_brackets, out_at, wrote, Context, Plain, Ret, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;

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

pub(crate) fn arch_prctl(w: &mut Writer, i: &SyscallInfo) {
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

pub(crate) const RLIMITS: &[(u64, &str)] = &[
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
pub(crate) struct Rlimit {
    pub(crate) cur: u64,
    pub(crate) max: u64,
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

fn write_rlimit(o: &mut Out, r: &Rlimit) {
    o.str("{rlim_cur=");
    rlim(o, r.cur);
    o.str(", rlim_max=");
    rlim(o, r.max);
    o.byte(b'}');
}

pub(crate) const GRND: &[(u64, &str)] =
    &[(1, "GRND_NONBLOCK"), (2, "GRND_RANDOM"), (4, "GRND_INSECURE")];

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

pub(crate) fn random_bytes(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let addr = arg(i, idx);
    let limit = w.context().string_limit;
    w.text(name, addr, |o| {
        if !wrote(i) {
            return o.ptr(addr);
        }
        let got = i.rval.max(0) as u64;
        let mut buf = [0u8; super::PATH_MAX];
        let shown = (got as usize).min(limit).min(buf.len());
        match buf.get_mut(..shown).map(|b| selftrace::mem::read(addr, b)) {
            Some(Ok(())) => hex_string(o, buf.get(..shown).unwrap_or(&[]), got as usize > shown),
            _ => o.ptr(addr),
        }
    });
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

pub(crate) fn futex(w: &mut Writer, i: &SyscallInfo) {
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

/// A fixed-size, NUL-padded text field.
fn field(o: &mut Out, f: &[libc::c_char]) {
    let n = f.iter().position(|&c| c == 0).unwrap_or(f.len());
    let bytes = f.get(..n).unwrap_or(&[]);
    // SAFETY: c_char and u8 have the same size and layout.
    let bytes = unsafe { std::slice::from_raw_parts(bytes.as_ptr() as *const u8, bytes.len()) };
    o.quoted(bytes, false);
}

pub(crate) fn utsname(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let addr = arg(i, idx);
    w.text(name, addr, |o| {
        out_at(o, i, addr, |o, u: &libc::utsname| {
            o.str("{sysname=");
            field(o, &u.sysname);
            o.str(", nodename=");
            field(o, &u.nodename);
            o.str(", ...}");
        })
    });
}

pub(crate) fn sysinfo(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let addr = arg(i, idx);
    w.text(name, addr, |o| {
        out_at(o, i, addr, |o, s: &libc::sysinfo| {
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

pub(crate) const RUSAGE_WHO: &[(u64, &str)] =
    &[(0, "RUSAGE_SELF"), (u32::MAX as u64, "RUSAGE_CHILDREN"), (1, "RUSAGE_THREAD")];

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

pub(crate) fn prctl(w: &mut Writer, i: &SyscallInfo) {
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

pub(crate) const RSEQ_FLAGS: &[(u64, &str)] = &[(1, "RSEQ_FLAG_UNREGISTER")];

/// A limit the program passes.
pub(crate) fn rlimit_in(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = arg(i, idx);
    w.text(name, a, |o| at(o, a, write_rlimit));
}

/// A limit the kernel fills.
pub(crate) fn rlimit_out(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = arg(i, idx);
    w.text(name, a, |o| out_at(o, i, a, write_rlimit));
}

/// sched_setaffinity's mask: as many bytes as the size before it.
pub(crate) fn cpu_mask_in(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let (len, a) = (arg(i, idx.wrapping_sub(1)), arg(i, idx));
    w.text(name, a, |o| cpu_set(o, a, len));
}

/// sched_getaffinity's mask: the kernel returns how many bytes it wrote.
pub(crate) fn cpu_mask_out(w: &mut Writer, i: &SyscallInfo, name: &'static str, idx: usize) {
    let a = arg(i, idx);
    if wrote(i) {
        w.text(name, a, |o| cpu_set(o, a, i.rval as u64));
    } else {
        w.ptr(name, a);
    }
}

/// setpriority(2)'s `which`.
pub(crate) const PRIO_WHICH: &[(u64, &str)] = &flags![PRIO_PROCESS, PRIO_PGRP, PRIO_USER];

/// ptrace(2)'s requests.
const PTRACE_REQUESTS: &[(u64, &str)] = &[
    (0, "PTRACE_TRACEME"),
    (1, "PTRACE_PEEKTEXT"),
    (2, "PTRACE_PEEKDATA"),
    (3, "PTRACE_PEEKUSER"),
    (4, "PTRACE_POKETEXT"),
    (5, "PTRACE_POKEDATA"),
    (6, "PTRACE_POKEUSER"),
    (7, "PTRACE_CONT"),
    (8, "PTRACE_KILL"),
    (9, "PTRACE_SINGLESTEP"),
    (12, "PTRACE_GETREGS"),
    (13, "PTRACE_SETREGS"),
    (14, "PTRACE_GETFPREGS"),
    (15, "PTRACE_SETFPREGS"),
    (16, "PTRACE_ATTACH"),
    (17, "PTRACE_DETACH"),
    (24, "PTRACE_SYSCALL"),
    (0x4200, "PTRACE_SETOPTIONS"),
    (0x4201, "PTRACE_GETEVENTMSG"),
    (0x4202, "PTRACE_GETSIGINFO"),
    (0x4203, "PTRACE_SETSIGINFO"),
    (0x4204, "PTRACE_GETREGSET"),
    (0x4205, "PTRACE_SETREGSET"),
    (0x4206, "PTRACE_SEIZE"),
    (0x4207, "PTRACE_INTERRUPT"),
    (0x4208, "PTRACE_LISTEN"),
];

/// `PTRACE_O_*`, for PTRACE_SETOPTIONS and PTRACE_SEIZE.
const PTRACE_OPTIONS: &[(u64, &str)] = &[
    (0x1, "PTRACE_O_TRACESYSGOOD"),
    (0x2, "PTRACE_O_TRACEFORK"),
    (0x4, "PTRACE_O_TRACEVFORK"),
    (0x8, "PTRACE_O_TRACECLONE"),
    (0x10, "PTRACE_O_TRACEEXEC"),
    (0x20, "PTRACE_O_TRACEVFORKDONE"),
    (0x40, "PTRACE_O_TRACEEXIT"),
    (0x80, "PTRACE_O_TRACESECCOMP"),
    (0x10_0000, "PTRACE_O_EXITKILL"),
    (0x20_0000, "PTRACE_O_SUSPEND_SECCOMP"),
];

/// ptrace(2) as strace shows it: as many arguments as the request takes
/// (`ptrace(PTRACE_TRACEME)`, `ptrace(PTRACE_ATTACH, 1234)`), a signal for
/// the requests that resume, options for those that set them.
pub(crate) fn ptrace(w: &mut Writer, i: &SyscallInfo) {
    let a = i.args;
    let request = a[0] as u32 as u64;
    w.text("request", request, |o| o.value(request, PTRACE_REQUESTS, "PTRACE_???"));
    if request == 0 {
        return;
    }
    w.int("pid", a[1] as i32 as i64);
    match request {
        // PTRACE_KILL, PTRACE_ATTACH, PTRACE_INTERRUPT
        8 | 16 | 0x4207 => {}
        // PTRACE_GETREGS, PTRACE_SETREGS, PTRACE_GETFPREGS, PTRACE_SETFPREGS
        12..=15 => w.ptr("data", a[3]),
        // PTRACE_CONT, PTRACE_SINGLESTEP, PTRACE_DETACH, PTRACE_SYSCALL
        7 | 9 | 17 | 24 => {
            w.ptr("addr", a[2]);
            let sig = a[3] as i32;
            w.text("data", a[3], |o| if sig == 0 { o.byte(b'0') } else { write_signal(o, sig) });
        }
        // PTRACE_SETOPTIONS, PTRACE_SEIZE
        0x4200 | 0x4206 => {
            w.ptr("addr", a[2]);
            w.text("data", a[3], |o| o.flags(a[3], PTRACE_OPTIONS));
        }
        _ => {
            w.ptr("addr", a[2]);
            w.hex("data", a[3]);
        }
    }
}
