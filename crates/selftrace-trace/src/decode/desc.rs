//! Descriptors: fcntl, getdents, poll, epoll, eventfd and inotify.
//!
//! Every rendering here was checked against strace 6.1 on x86_64 (small C
//! programs under strace, default options unless a test says otherwise).

use super::fs::write_open_flags;
use super::{
    arg, array_arg, fd as write_fd, field_dec, field_udec, in_struct, int, out_struct, read_struct,
    uint, Context, Ret, Writer,
};
use crate::out::Out;
use selftrace::info::SyscallInfo;

const FD_FLAGS: &[(u64, &str)] = &flags![FD_CLOEXEC];

const LOCK_TYPES: &[(u64, &str)] =
    &flags![F_RDLCK, F_WRLCK, F_UNLCK, (4, "F_EXLCK"), (8, "F_SHLCK")];

/// `F_OWNER_TID`, `F_OWNER_PID`, `F_OWNER_PGRP` (<fcntl.h>).
const F_OWNER_TYPES: &[(u64, &str)] =
    &[(0, "F_OWNER_TID"), (1, "F_OWNER_PID"), (2, "F_OWNER_PGRP")];

const SEALS: &[(u64, &str)] =
    &flags![F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_WRITE, F_SEAL_FUTURE_WRITE];

/// `DN_*` (<fcntl.h>).
const DN_FLAGS: &[(u64, &str)] = &[
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

const FCNTL_CMDS: &[(u64, &str)] = &flags![
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
    o.value(l.l_type as u16 as u64, LOCK_TYPES, "F_???");
    o.str(", l_whence=");
    o.value(l.l_whence as u16 as u64, super::fs::WHENCE, "SEEK_???");
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
    o.value(v[0] as u32 as u64, F_OWNER_TYPES, "F_OWNER_???");
    o.str(", ");
    field_dec(o, "pid", v[1] as i64);
    o.byte(b'}');
}

pub(crate) fn fcntl(w: &mut Writer, info: &SyscallInfo) {
    let [fd, cmd, arg, ..] = info.args;
    let cmd = int(cmd) as i32;
    w.fd("fd", fd);
    w.text("cmd", cmd as u64, |o| o.value(cmd as u32 as u64, FCNTL_CMDS, "F_???"));
    match cmd {
        libc::F_DUPFD | libc::F_DUPFD_CLOEXEC => {
            w.int("arg", int(arg));
            w.returns(Ret::Fd);
        }
        libc::F_SETFD => w.text("arg", arg, |o| o.flags_or_unknown(uint(arg), FD_FLAGS, "FD_???")),
        libc::F_SETFL => w.text("arg", arg, |o| write_open_flags(o, arg)),
        libc::F_SETOWN | libc::F_SETPIPE_SZ => w.int("arg", int(arg)),
        F_SETSIG => {
            let sig = int(arg) as i32;
            w.text("arg", arg, |o| match super::signal_name(sig) {
                Some(name) => o.str(name),
                None => o.dec(sig as i64),
            })
        }
        libc::F_SETLEASE => w.text("arg", arg, |o| o.value(uint(arg), LOCK_TYPES, "F_???")),
        libc::F_NOTIFY => w.text("arg", arg, |o| o.flags_or_unknown(uint(arg), DN_FLAGS, "DN_???")),
        libc::F_ADD_SEALS => {
            w.text("arg", arg, |o| o.flags_or_unknown(uint(arg), SEALS, "F_SEAL_???"))
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
    named_bits(o, info.rval as u64, "flags", FD_FLAGS);
}

/// A returned bit set as fcntl's F_GET* show it: `0xe (seals A|B|C)`, or
/// `0` alone.
fn named_bits(o: &mut Out, v: u64, what: &str, table: &[(u64, &str)]) {
    if v == 0 {
        return o.byte(b'0');
    }
    o.hex(v);
    o.str(" (");
    o.str(what);
    o.byte(b' ');
    o.flags(v, table);
    o.byte(b')');
}

/// `0x8002 (flags O_RDWR|O_LARGEFILE)`, `0 (flags O_RDONLY)`.
fn ret_getfl(o: &mut Out, info: &SyscallInfo, _: &Context) {
    let v = info.rval as u64;
    o.hex0(v);
    o.str(" (flags ");
    write_open_flags(o, v);
    o.byte(b')');
}

/// `0x2 (F_UNLCK)`.
fn ret_getlease(o: &mut Out, info: &SyscallInfo, _: &Context) {
    let v = info.rval as u64;
    o.hex0(v);
    o.str(" (");
    o.value(v, LOCK_TYPES, "F_???");
    o.byte(b')');
}

/// `0xe (seals F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE)`; `0` alone.
fn ret_get_seals(o: &mut Out, info: &SyscallInfo, _: &Context) {
    named_bits(o, info.rval as u64, "seals", SEALS);
}

/// `getdents64(3, 0x5580... /* 5 entries */, 32768)`: the records the call
/// returned are counted (both layouts keep `d_reclen` at offset 16).
pub(crate) fn dirents(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let dirp = arg(info, i);
    if info.is_error() {
        w.ptr(name, dirp);
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
        w.text(name, dirp, |o| {
            o.ptr(dirp);
            o.str(" /* ");
            o.udec(entries);
            o.str(" entries */");
        });
    }
}

const POLL_EVENTS: &[(u64, &str)] = &flags![
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

pub(crate) fn pollfds(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let (fds, nfds) = (arg(info, i), arg(info, i + 1));
    let cx = *w.context();
    array_arg::<libc::pollfd>(w, name, fds, uint(nfds), |o, _, p| {
        o.str("{fd=");
        write_fd(o, p.fd, &cx);
        if p.fd >= 0 {
            o.str(", events=");
            o.flags(p.events as u16 as u64, POLL_EVENTS);
        }
        o.byte(b'}');
    });
}

/// `1 ([{fd=4, revents=POLLOUT}])`, `0 (Timeout)`.
pub(crate) fn ret_poll(o: &mut Out, info: &SyscallInfo, cx: &Context) {
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
        o.flags(p.revents as u16 as u64, POLL_EVENTS);
        o.byte(b'}');
        shown += 1;
        if shown >= info.rval as u64 {
            break;
        }
    }
    o.str("])");
}

const EPOLL_EVENTS: &[(u64, &str)] = &[
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

pub(crate) const EPOLL_OPS: &[(u64, &str)] = &flags![EPOLL_CTL_ADD, EPOLL_CTL_DEL, EPOLL_CTL_MOD];

/// `{events=EPOLLIN, data={u32=4660, u64=4660}}`.
fn epoll_event_body(o: &mut Out, ev: &libc::epoll_event) {
    // Copies out of the packed structure: no reference to a field is made.
    let events = ev.events;
    let data = ev.u64;
    o.str("{events=");
    o.flags(events as u64, EPOLL_EVENTS);
    o.str(", data={");
    field_udec(o, "u32", data as u32 as u64);
    o.str(", ");
    field_udec(o, "u64", data);
    o.str("}}");
}

/// epoll_wait's events: as many as the call returned.
pub(crate) fn epoll_events(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let events = arg(info, i);
    if info.is_error() {
        w.ptr(name, events);
    } else {
        array_arg(w, name, events, info.rval as u64, |o, _, ev| epoll_event_body(o, ev));
    }
}

/// signalfd4(2)'s flags.
pub(crate) const SFD_FLAGS: &[(u64, &str)] = &flags![SFD_CLOEXEC, SFD_NONBLOCK];

pub(crate) const EFD_FLAGS: &[(u64, &str)] = &flags![EFD_SEMAPHORE, EFD_CLOEXEC, EFD_NONBLOCK];

pub(crate) const IN_INIT_FLAGS: &[(u64, &str)] =
    &[(libc::IN_NONBLOCK as u64, "IN_NONBLOCK"), (libc::IN_CLOEXEC as u64, "IN_CLOEXEC")];

pub(crate) const IN_MASK: &[(u64, &str)] = &flags![
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

/// `[3, 4]`: the descriptors pipe made, or the address on failure.
pub(crate) fn pipefd(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let cx = *w.context();
    out_struct::<[i32; 2]>(w, info, name, arg(info, i), |o, fds| {
        o.byte(b'[');
        write_fd(o, fds[0], &cx);
        o.str(", ");
        write_fd(o, fds[1], &cx);
        o.byte(b']');
    });
}

pub(crate) fn epoll_event(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    in_struct(w, name, arg(info, i), epoll_event_body);
}

pub(crate) const EPOLL_CREATE_FLAGS: &[(u64, &str)] = &flags![EPOLL_CLOEXEC];
