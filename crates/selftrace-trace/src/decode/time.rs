//! Times and clocks: `struct timespec` and `timeval`, the clock ids, the
//! sleeps' remaining time, and dates as strace comments them.

use super::{arg, at, out_at, Plain, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;

/// ISO 8601 in UTC, nanoseconds and `+0000` (strace uses the local zone).
pub(super) fn utc_time(o: &mut Out, secs: i64, nsec: u64) {
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

pub(super) fn timespec(o: &mut Out, t: &libc::timespec) {
    o.str("{tv_sec=");
    o.dec(t.tv_sec);
    o.str(", tv_nsec=");
    o.udec(t.tv_nsec as u64);
    o.byte(b'}');
}

pub(super) fn timeval(o: &mut Out, t: &libc::timeval) {
    o.str("{tv_sec=");
    o.dec(t.tv_sec);
    o.str(", tv_usec=");
    o.udec(t.tv_usec as u64);
    o.byte(b'}');
}

pub(crate) const CLOCKS: &[(u64, &str)] = &[
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

/// `struct timezone` (libc declares it opaque).
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct Timezone {
    pub(crate) minuteswest: i32,
    pub(crate) dsttime: i32,
}

// SAFETY: integers only; every bit pattern is a valid value.
unsafe impl Plain for Timezone {}

fn write_timezone(o: &mut Out, t: &Timezone) {
    o.str("{tz_minuteswest=");
    o.dec(t.minuteswest as i64);
    o.str(", tz_dsttime=");
    o.dec(t.dsttime as i64);
    o.byte(b'}');
}

pub(crate) const TIMER_FLAGS: &[(u64, &str)] = &[(1, "TIMER_ABSTIME")];

/// A time the program passes.
pub(crate) fn timespec_in(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| at(o, a, timespec));
}

/// A time the kernel fills.
pub(crate) fn timespec_out(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| out_at(o, info, a, timespec));
}

/// A remaining-time output: shown only when a sleep was interrupted.
pub(crate) fn remaining(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| {
        if info.errno() == Some(selftrace::Errno::EINTR) {
            at(o, a, timespec);
        } else {
            o.ptr(a);
        }
    });
}

pub(crate) fn timeval_in(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| at(o, a, timeval));
}

pub(crate) fn timeval_out(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| out_at(o, info, a, timeval));
}

pub(crate) fn timezone_in(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| at(o, a, write_timezone));
}

pub(crate) fn timezone_out(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| out_at(o, info, a, write_timezone));
}

/// getitimer(2)'s and setitimer(2)'s timers.
pub(crate) const ITIMERS: &[(u64, &str)] = &flags![ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF];

/// `{it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=1, tv_usec=500}}`.
fn itimerval(o: &mut Out, v: &libc::itimerval) {
    o.str("{it_interval=");
    timeval(o, &v.it_interval);
    o.str(", it_value=");
    timeval(o, &v.it_value);
    o.byte(b'}');
}

pub(crate) fn itimerval_in(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| at(o, a, itimerval));
}

pub(crate) fn itimerval_out(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let a = arg(info, i);
    w.text(name, a, |o| out_at(o, info, a, itimerval));
}
