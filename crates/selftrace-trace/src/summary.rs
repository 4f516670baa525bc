//! `-c` / `-C`: per-call counts, errors and time, and strace's table.
//!
//! Counting happens on the trap path into fixed atomic arrays; the table
//! is written allocation-free too, because it is written from the
//! `exit_group` hook of a program that may be exiting from a signal
//! handler. Time is wall-clock time inside the call as the handler sees
//! it (strace's `-w` view), not the kernel's system time.

use core::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::out::Out;

const SLOTS: usize = selftrace::info::TABLE_SIZE;

/// One process's counters, indexed by x86_64 call number.
pub struct Counters {
    calls: [AtomicU64; SLOTS],
    errors: [AtomicU64; SLOTS],
    nanos: [AtomicU64; SLOTS],
}

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: AtomicU64 = AtomicU64::new(0);

pub static COUNTERS: Counters =
    Counters { calls: [ZERO; SLOTS], errors: [ZERO; SLOTS], nanos: [ZERO; SLOTS] };

impl Counters {
    pub fn add(&self, nr: u64, failed: bool, nanos: u64) {
        let i = nr as usize;
        if let (Some(c), Some(e), Some(n)) =
            (self.calls.get(i), self.errors.get(i), self.nanos.get(i))
        {
            c.fetch_add(1, Ordering::Relaxed);
            if failed {
                e.fetch_add(1, Ordering::Relaxed);
            }
            n.fetch_add(nanos, Ordering::Relaxed);
        }
    }

    /// The row of call `nr`, if it was made.
    pub fn row(&self, nr: usize) -> Option<Row> {
        let calls = self.calls.get(nr)?.load(Ordering::Relaxed);
        (calls > 0).then(|| Row {
            nr: nr as u32,
            calls,
            errors: self.errors[nr].load(Ordering::Relaxed),
            nanos: self.nanos[nr].load(Ordering::Relaxed),
        })
    }

    /// Forget everything (a forked child starts its own count).
    pub fn reset(&self) {
        for a in self.calls.iter().chain(&self.errors).chain(&self.nanos) {
            a.store(0, Ordering::Relaxed);
        }
    }
}

/// One line of the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub nr: u32,
    pub calls: u64,
    pub errors: u64,
    pub nanos: u64,
}

impl Row {
    pub fn name(&self) -> &'static str {
        selftrace::Sysno::new(self.nr as usize).map_or("?", |s| s.name())
    }
}

/// `-S`: the order of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Time,
    Calls,
    Errors,
    Name,
    Nothing,
}

impl SortBy {
    /// strace's `-S` keys, with its aliases.
    pub fn parse(key: &str) -> Option<SortBy> {
        Some(match key {
            "time" | "time_total" | "total_time" => SortBy::Time,
            "calls" | "count" => SortBy::Calls,
            "errors" | "error" => SortBy::Errors,
            "name" | "syscall" | "syscall_name" => SortBy::Name,
            "nothing" | "none" => SortBy::Nothing,
            _ => return None,
        })
    }
}

/// Sort rows in place (no allocation: `sort_by` on a slice is a merge sort
/// with a buffer, so an insertion sort is used instead; tables are short).
pub fn sort(rows: &mut [Row], by: SortBy) {
    let before = |a: &Row, b: &Row| -> bool {
        match by {
            SortBy::Time => a.nanos > b.nanos,
            SortBy::Calls => a.calls > b.calls,
            SortBy::Errors => a.errors > b.errors,
            SortBy::Name => a.name() < b.name(),
            SortBy::Nothing => false,
        }
    };
    for i in 1..rows.len() {
        let mut j = i;
        while j > 0 && before(&rows[j], &rows[j - 1]) {
            rows.swap(j, j - 1);
            j -= 1;
        }
    }
}

const RULE: &str = "------ ----------- ----------- --------- --------- ----------------\n";

/// Write strace's table for `rows` (already sorted), one `emit` per line.
pub fn write_table(rows: &[Row], mut emit: impl FnMut(&[u8])) {
    let total_nanos: u64 = rows.iter().map(|r| r.nanos).sum();
    emit(b"% time     seconds  usecs/call     calls    errors syscall\n");
    emit(RULE.as_bytes());
    let mut total = Row::default();
    for r in rows {
        line(r, r.name(), total_nanos, &mut emit);
        total.calls += r.calls;
        total.errors += r.errors;
        total.nanos += r.nanos;
    }
    emit(RULE.as_bytes());
    line(&total, "total", total_nanos, &mut emit);
}

fn line(r: &Row, name: &str, total_nanos: u64, emit: &mut impl FnMut(&[u8])) {
    let mut buf = [0u8; 128];
    let mut o = Out::new(&mut buf);
    let percent = if total_nanos == 0 { 0.0 } else { r.nanos as f64 * 100.0 / total_nanos as f64 };
    let per_call = r.nanos / 1000 / r.calls.max(1);
    let _ = write!(
        o,
        "{percent:6.2} {:4}.{:06} {per_call:11} {:9} ",
        r.nanos / 1_000_000_000,
        r.nanos / 1000 % 1_000_000,
        r.calls
    );
    if r.errors > 0 {
        let _ = write!(o, "{:9} ", r.errors);
    } else {
        o.str("          ");
    }
    o.str(name);
    o.byte(b'\n');
    emit(o.as_bytes());
}

/// Write this process's table straight to the trace (the preload alone).
pub fn write_own(by: SortBy, emit: impl FnMut(&[u8])) {
    let mut rows = [Row::default(); SLOTS];
    let mut n = 0;
    for nr in 0..SLOTS {
        if let Some(r) = COUNTERS.row(nr) {
            rows[n] = r;
            n += 1;
        }
    }
    sort(&mut rows[..n], by);
    write_table(&rows[..n], emit);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_straces_layout() {
        let mut rows = [
            Row { nr: 0, calls: 3, errors: 0, nanos: 1_000_000 },
            Row { nr: 257, calls: 2, errors: 1, nanos: 3_000_000 },
        ];
        sort(&mut rows, SortBy::Time);
        let mut text = Vec::new();
        write_table(&rows, |l| text.extend_from_slice(l));
        let text = String::from_utf8(text).unwrap();
        let expected = "\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 75.00    0.003000        1500         2         1 openat
 25.00    0.001000         333         3           read
------ ----------- ----------- --------- --------- ----------------
100.00    0.004000         800         5         1 total
";
        assert_eq!(text, expected);
    }

    #[test]
    fn sort_keys() {
        let mut rows =
            [Row { nr: 1, calls: 1, ..Row::default() }, Row { nr: 0, calls: 5, ..Row::default() }];
        sort(&mut rows, SortBy::Name);
        assert_eq!(rows[0].name(), "read");
        sort(&mut rows, SortBy::Calls);
        assert_eq!(rows[0].calls, 5);
        assert_eq!(SortBy::parse("count"), Some(SortBy::Calls));
        assert_eq!(SortBy::parse("bogus"), None);
    }
}
