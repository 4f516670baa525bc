//! ioctl: the terminal and descriptor requests strace names, with their
//! arguments; other requests as `_IOC(...)` and a hex argument.

use super::{field_udec, in_struct, int, int_ref, out_struct, uint, Plain, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;

/// The kernel's `struct termios` starts with the four flag words, which
/// is all strace shows without `-v`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct TermiosFlags {
    pub(crate) iflag: u32,
    pub(crate) oflag: u32,
    pub(crate) cflag: u32,
    pub(crate) lflag: u32,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for TermiosFlags {}

const IFLAGS: &[(u64, &str)] = &flags![
    IGNBRK, BRKINT, IGNPAR, PARMRK, INPCK, ISTRIP, INLCR, IGNCR, ICRNL, IUCLC, IXON, IXANY, IXOFF,
    IMAXBEL, IUTF8,
];

const OFLAGS: &[(u64, &str)] = &flags![OPOST, OLCUC, ONLCR, OCRNL, ONOCR, ONLRET, OFILL, OFDEL];

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

const CFLAGS: &[(u64, &str)] =
    &flags![CSTOPB, CREAD, PARENB, PARODD, HUPCL, CLOCAL, CMSPAR, CRTSCTS];

const LFLAGS: &[(u64, &str)] = &flags![
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

/// A flag set where strace prints nothing at all for 0 (termios fields).
fn flags_or_empty(o: &mut Out, v: u64, table: &[(u64, &str)]) {
    if v != 0 {
        o.flags(v, table);
    }
}

fn termios_body(o: &mut Out, t: &TermiosFlags) {
    o.str("{c_iflag=");
    flags_or_empty(o, t.iflag as u64, IFLAGS);

    o.str(", c_oflag=");
    let mut rest = t.oflag as u64;
    for &(mask, names) in &ODELAYS {
        let shift = mask.trailing_zeros();
        let name = names.get(((rest & mask) >> shift) as usize).copied().unwrap_or("");
        o.str(name);
        o.byte(b'|');
        rest &= !mask;
    }
    flags_or_empty(o, rest, OFLAGS);

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
    flags_or_empty(o, c & !cbaud & !(cbaud << libc::IBSHIFT) & !csize, CFLAGS);

    o.str(", c_lflag=");
    flags_or_empty(o, t.lflag as u64, LFLAGS);
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

const TCFLSH_ARGS: &[(u64, &str)] = &flags![TCIFLUSH, TCOFLUSH, TCIOFLUSH];

/// The requests decoded here, by strace's names (it names a few terminal
/// requests after the OSS sequencer ones that share their numbers).
const IOCTLS: &[(u64, &str)] = &[
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

pub(crate) fn ioctl(w: &mut Writer, info: &SyscallInfo) {
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
        r if r == libc::TCFLSH => w.text("argp", arg, |o| o.value(uint(arg), TCFLSH_ARGS, "TC???")),
        r if r == libc::TIOCSCTTY => w.int("argp", int(arg)),
        _ => w.text("argp", arg, |o| o.hex0(arg)),
    }
}
