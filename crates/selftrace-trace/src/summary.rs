//! `-c` / `-C`: per-call counts, errors and time, and strace's table.
//!
//! Besides strace's totals, each call keeps its shortest and longest time
//! and a histogram of times in fixed buckets (eight per power of two, so
//! a bucket is at most 12.5% wide), from which `-U p50-time,p90-time,
//! p99-time` are read; histograms of several processes merge by adding.
//!
//! Counting happens on the trap path into fixed atomic arrays; the table
//! is written allocation-free too, because it is written from the
//! `exit_group` hook of a program that may be exiting from a signal
//! handler. Time is wall-clock time inside the call as the handler sees
//! it (strace's `-w` view), not the kernel's system time.
//!
//! Under the CLI the arrays are not the process's own: the CLI creates a
//! [`SharedTable`] (a memfd) and every traced process maps it at
//! installation ([`share`]) and adds into it, so the counts of a process
//! that dies of a signal, or execs, are already where the CLI reads them.
//! Without it (the preload alone, or a process that could not map it) a
//! process counts into [`COUNTERS`] and hands its rows over at its end.

use core::fmt::Write as _;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use crate::out::Out;

const SLOTS: usize = selftrace::info::TABLE_SIZE;

/// One process's counters, or all processes' in a [`SharedTable`],
/// indexed by x86_64 call number. (`repr(C)`: the CLI and every traced
/// process map the same bytes.)
#[repr(C)]
pub struct Counters {
    calls: [AtomicU64; SLOTS],
    errors: [AtomicU64; SLOTS],
    nanos: [AtomicU64; SLOTS],
    /// The shortest time, inverted (`!nanos`), so that zeroed memory
    /// means "none yet" and `fetch_max` keeps the shortest.
    shortest_inverted: [AtomicU64; SLOTS],
    longest: [AtomicU64; SLOTS],
    buckets: [[AtomicU64; BUCKETS]; SLOTS],
}

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: AtomicU64 = AtomicU64::new(0);
#[allow(clippy::declare_interior_mutable_const)]
const NO_BUCKETS: [AtomicU64; BUCKETS] = [ZERO; BUCKETS];

pub static COUNTERS: Counters = Counters {
    calls: [ZERO; SLOTS],
    errors: [ZERO; SLOTS],
    nanos: [ZERO; SLOTS],
    shortest_inverted: [ZERO; SLOTS],
    longest: [ZERO; SLOTS],
    buckets: [NO_BUCKETS; SLOTS],
};

/// Times below this many nanoseconds have a bucket each.
const EXACT: u64 = 16;
/// Buckets per power of two above [`EXACT`].
const PER_OCTAVE: usize = 8;
/// Powers of two covered: up to 2^40 ns (18 minutes); longer calls share
/// the last bucket.
const OCTAVES: usize = 40 - 4 + 1;
pub const BUCKETS: usize = EXACT as usize + OCTAVES * PER_OCTAVE;

/// The histogram bucket of a call that took `nanos`.
pub fn bucket_of(nanos: u64) -> usize {
    if nanos < EXACT {
        return nanos as usize;
    }
    let octave = 63 - nanos.leading_zeros() as usize; // >= 4
    let sub = (nanos >> (octave - 3)) as usize & (PER_OCTAVE - 1);
    (EXACT as usize + (octave - 4) * PER_OCTAVE + sub).min(BUCKETS - 1)
}

/// The times bucket `b` holds: `[low, high)`.
pub fn bucket_range(b: usize) -> (u64, u64) {
    if b < EXACT as usize {
        return (b as u64, b as u64 + 1);
    }
    let octave = (b - EXACT as usize) / PER_OCTAVE + 4;
    let sub = ((b - EXACT as usize) % PER_OCTAVE) as u64;
    let step = 1u64 << (octave - 3);
    let low = (1u64 << octave) + sub * step;
    (low, low + step)
}

/// The quantiles the summary shows: p50, p90, p99.
pub const QUANTILES: [(u64, u64); 3] = [(50, 100), (90, 100), (99, 100)];

/// Each of [`QUANTILES`] of the times counted in `count_at(bucket)`: the
/// middle of the bucket holding the nearest-rank call, kept within
/// `[shortest, longest]`; the last call's rank is `longest` itself. Zero
/// when nothing was timed.
pub fn quantiles(count_at: impl Fn(usize) -> u64, shortest: u64, longest: u64) -> [u64; 3] {
    let total: u64 = (0..BUCKETS).map(&count_at).sum();
    let mut out = [0u64; 3];
    if total == 0 {
        return out;
    }
    for (q, &(num, den)) in out.iter_mut().zip(&QUANTILES) {
        let rank = (total * num).div_ceil(den).max(1);
        if rank == total {
            *q = longest;
            continue;
        }
        let mut seen = 0;
        for b in 0..BUCKETS {
            seen += count_at(b);
            if seen >= rank {
                let (low, high) = bucket_range(b);
                *q = (low + (high - low) / 2).clamp(shortest, longest.max(shortest));
                break;
            }
        }
    }
    out
}

impl Counters {
    /// One call of `nr` that returned (`failed` or not) after `nanos`.
    pub fn add(&self, nr: u64, failed: bool, nanos: u64) {
        self.count_call(nr);
        self.add_outcome(nr, failed, nanos);
    }

    /// One call of `nr` made, its outcome to come (or never, for an exec
    /// that succeeds: the old image does not see it return).
    pub fn count_call(&self, nr: u64) {
        if let Some(c) = self.calls.get(nr as usize) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The outcome of a call of `nr` already counted by [`count_call`].
    ///
    /// [`count_call`]: Counters::count_call
    pub fn add_outcome(&self, nr: u64, failed: bool, nanos: u64) {
        let i = nr as usize;
        if i >= SLOTS {
            return;
        }
        if failed {
            self.errors[i].fetch_add(1, Ordering::Relaxed);
        }
        self.nanos[i].fetch_add(nanos, Ordering::Relaxed);
        // Loads first: after the first calls, a new extreme is rare, and
        // a plain load does not take the cache line from other processes.
        if self.longest[i].load(Ordering::Relaxed) < nanos {
            self.longest[i].fetch_max(nanos, Ordering::Relaxed);
        }
        if self.shortest_inverted[i].load(Ordering::Relaxed) < !nanos {
            self.shortest_inverted[i].fetch_max(!nanos, Ordering::Relaxed);
        }
        self.buckets[i][bucket_of(nanos)].fetch_add(1, Ordering::Relaxed);
    }

    /// How many calls of `nr` fell in bucket `b`.
    pub fn bucket(&self, nr: usize, b: usize) -> u64 {
        self.buckets[nr][b].load(Ordering::Relaxed)
    }

    /// The row of call `nr`, if it was made.
    pub fn row(&self, nr: usize) -> Option<Row> {
        let calls = self.calls.get(nr)?.load(Ordering::Relaxed);
        if calls == 0 {
            return None;
        }
        let shortest = !self.shortest_inverted[nr].load(Ordering::Relaxed);
        let longest = self.longest[nr].load(Ordering::Relaxed);
        let shortest = if shortest == u64::MAX { 0 } else { shortest };
        Some(Row {
            nr: nr as u32,
            calls,
            errors: self.errors[nr].load(Ordering::Relaxed),
            nanos: self.nanos[nr].load(Ordering::Relaxed),
            shortest,
            longest,
            quantiles: quantiles(|b| self.bucket(nr, b), shortest, longest),
        })
    }

    /// The quantiles of all calls of `rows` together (the total line).
    pub fn total_quantiles(&self, rows: &[Row]) -> [u64; 3] {
        let (shortest, longest) = extremes(rows);
        quantiles(|b| rows.iter().map(|r| self.bucket(r.nr as usize, b)).sum(), shortest, longest)
    }

    /// Forget everything (a forked child starts its own count). Only the
    /// calls made are cleared: the rest was never written, and touching
    /// it would fault in every page of the table.
    pub fn reset(&self) {
        for nr in 0..SLOTS {
            if self.calls[nr].load(Ordering::Relaxed) == 0 {
                continue;
            }
            for a in [&self.calls[nr], &self.errors[nr], &self.nanos[nr]]
                .into_iter()
                .chain([&self.shortest_inverted[nr], &self.longest[nr]])
                .chain(&self.buckets[nr])
            {
                a.store(0, Ordering::Relaxed);
            }
        }
    }
}

/// The shortest and longest time over `rows` (0 where none was timed).
fn extremes(rows: &[Row]) -> (u64, u64) {
    let timed = rows.iter().filter(|r| r.longest > 0 || r.shortest > 0);
    let shortest = timed.clone().map(|r| r.shortest).min().unwrap_or(0);
    (shortest, rows.iter().map(|r| r.longest).max().unwrap_or(0))
}

/// The shared counters, once this process mapped them ([`share`]).
static SHARED: AtomicPtr<Counters> = AtomicPtr::new(std::ptr::null_mut());

/// Where this process counts: the shared table if it mapped one, else
/// its own [`COUNTERS`]. Lock-free: one atomic load.
pub fn counters() -> &'static Counters {
    let shared = SHARED.load(Ordering::Acquire);
    if shared.is_null() {
        &COUNTERS
    } else {
        // SAFETY: `share` stored a pointer to a mapping of a whole
        // `Counters` that is never unmapped in this image (a fork child
        // inherits it, shared); atomics are valid for any bytes.
        unsafe { &*shared }
    }
}

/// Whether this process counts into the CLI's shared table (nothing to
/// hand over at its end).
pub fn is_shared() -> bool {
    !SHARED.load(Ordering::Acquire).is_null()
}

/// The bytes of a [`SharedTable`]: a header naming the layout, so that a
/// preload of another build leaves a table it does not understand alone,
/// then the counters.
#[repr(C)]
struct SharedLayout {
    magic: AtomicU64,
    slots: AtomicU64,
    counters: Counters,
}

const SHARED_MAGIC: u64 = u64::from_le_bytes(*b"selftrc2");
const SHARED_SIZE: usize = std::mem::size_of::<SharedLayout>();

/// Map the CLI's shared table at `path` and count into it from now on.
/// Runs at installation, not on the trap path. On failure the process
/// keeps counting on its own.
pub fn share(path: &str) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new().read(true).write(true).open(path)?;
    if file.metadata()?.len() < SHARED_SIZE as u64 {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    let layout = map(file.as_raw_fd())?;
    // SAFETY: `map` returned a mapping of SHARED_SIZE bytes, page-aligned.
    let table = unsafe { &*layout };
    let slots = table.slots.load(Ordering::Acquire);
    if table.magic.load(Ordering::Acquire) != SHARED_MAGIC || slots != SLOTS as u64 {
        // SAFETY: unmapping the mapping just made, never referenced again.
        unsafe { libc::munmap(layout.cast(), SHARED_SIZE) };
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    SHARED.store(&table.counters as *const Counters as *mut Counters, Ordering::Release);
    Ok(())
}

/// A shared read-write mapping of the first SHARED_SIZE bytes of `fd`.
fn map(fd: i32) -> std::io::Result<*mut SharedLayout> {
    // SAFETY: a new shared mapping of a file we hold open; no existing
    // memory is touched.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            SHARED_SIZE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error());
    }
    Ok(p.cast())
}

/// The CLI's side of the shared counters: a memfd holding one
/// [`Counters`] that every traced process adds into (atomic adds, no
/// locks), read when the trace ends. Traced processes reach it through
/// [`SharedTable::path`] (the CLI's `/proc/PID/fd/N`), as they reach the
/// collector's pipe.
pub struct SharedTable {
    fd: std::os::fd::OwnedFd,
    layout: *mut SharedLayout,
}

// SAFETY: the mapping is only accessed through atomics.
unsafe impl Send for SharedTable {}

impl SharedTable {
    pub fn create() -> std::io::Result<SharedTable> {
        use std::os::fd::{AsRawFd, FromRawFd};
        // SAFETY: memfd_create with a NUL-terminated name.
        let raw = unsafe { libc::memfd_create(c"selftrace-counts".as_ptr(), libc::MFD_CLOEXEC) };
        if raw < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: the descriptor is new and owned by nobody else.
        let fd = unsafe { std::os::fd::OwnedFd::from_raw_fd(raw) };
        std::fs::File::from(fd.try_clone()?).set_len(SHARED_SIZE as u64)?;
        let layout = map(fd.as_raw_fd())?;
        let table = SharedTable { fd, layout };
        let header = table.layout();
        header.slots.store(SLOTS as u64, Ordering::Release);
        header.magic.store(SHARED_MAGIC, Ordering::Release);
        Ok(table)
    }

    fn layout(&self) -> &SharedLayout {
        // SAFETY: `layout` maps SHARED_SIZE bytes until `self` is dropped;
        // a new memfd reads as zeros, valid atomics.
        unsafe { &*self.layout }
    }

    /// The counters, as traced processes see them.
    pub fn counters(&self) -> &Counters {
        &self.layout().counters
    }

    /// The path a traced process opens to map the table.
    pub fn path(&self) -> String {
        use std::os::fd::AsRawFd;
        format!("/proc/{}/fd/{}", std::process::id(), self.fd.as_raw_fd())
    }

    /// Every call counted so far, by number.
    pub fn rows(&self) -> impl Iterator<Item = Row> + '_ {
        (0..SLOTS).filter_map(|nr| self.counters().row(nr))
    }
}

impl Drop for SharedTable {
    fn drop(&mut self) {
        // SAFETY: unmapping our own mapping; nothing refers to it after.
        unsafe { libc::munmap(self.layout.cast(), SHARED_SIZE) };
    }
}

/// One line of the table. Times in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub nr: u32,
    pub calls: u64,
    pub errors: u64,
    pub nanos: u64,
    pub shortest: u64,
    pub longest: u64,
    /// p50, p90, p99 ([`QUANTILES`]).
    pub quantiles: [u64; 3],
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

/// A column of the table (`-U`): strace's, and the quantiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    TimePercent,
    TotalTime,
    MinTime,
    MaxTime,
    AvgTime,
    Calls,
    Errors,
    Name,
    P50Time,
    P90Time,
    P99Time,
}

impl Column {
    /// Every column: its name for `-U`, its other names, its heading and
    /// its narrowest width (strace's).
    const ALL: [(Column, &'static str, &'static [&'static str], &'static str, usize); 11] = [
        (Column::TimePercent, "time-percent", &["time"], "% time", 6),
        (Column::TotalTime, "total-time", &["time-total"], "seconds", 11),
        (Column::MinTime, "min-time", &["shortest", "time-min"], "shortest", 8),
        (Column::MaxTime, "max-time", &["longest", "time-max"], "longest", 8),
        (Column::AvgTime, "avg-time", &["time-avg"], "usecs/call", 11),
        (Column::Calls, "calls", &["count"], "calls", 9),
        (Column::Errors, "errors", &["error"], "errors", 9),
        (Column::Name, "name", &["syscall", "syscall-name"], "syscall", 16),
        (Column::P50Time, "p50-time", &["p50", "time-p50"], "p50", 8),
        (Column::P90Time, "p90-time", &["p90", "time-p90"], "p90", 8),
        (Column::P99Time, "p99-time", &["p99", "time-p99"], "p99", 8),
    ];

    fn entry(
        self,
    ) -> &'static (Column, &'static str, &'static [&'static str], &'static str, usize) {
        let i = Column::ALL.iter().position(|e| e.0 == self).unwrap_or(0);
        &Column::ALL[i]
    }

    /// The column a `-U` name stands for.
    pub fn parse(name: &str) -> Option<Column> {
        Column::ALL.iter().find(|e| e.1 == name || e.2.contains(&name)).map(|e| e.0)
    }

    /// Its name for `-U`.
    pub fn name(self) -> &'static str {
        self.entry().1
    }

    fn heading(self) -> &'static str {
        self.entry().3
    }

    fn min_width(self) -> usize {
        self.entry().4
    }
}

/// `-U`: the table's columns, in order; `name` is last unless placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Columns {
    list: [Column; Column::ALL.len()],
    len: usize,
}

impl Default for Columns {
    /// strace's: time-percent, total-time, avg-time, calls, errors, name.
    fn default() -> Columns {
        use Column::*;
        Columns::of(&[TimePercent, TotalTime, AvgTime, Calls, Errors, Name])
    }
}

impl Columns {
    fn of(columns: &[Column]) -> Columns {
        let mut c = Columns { list: [Column::Name; Column::ALL.len()], len: columns.len() };
        c.list[..columns.len()].copy_from_slice(columns);
        c
    }

    /// strace's `-U` list: comma-separated names, each once; `name` is
    /// added at the end when not given.
    pub fn parse(spec: &str) -> Result<Columns, String> {
        let mut list = Vec::new();
        for name in spec.split(',') {
            let column =
                Column::parse(name).ok_or_else(|| format!("unknown column name: '{name}'"))?;
            if list.contains(&column) {
                return Err(format!(
                    "call summary column has been provided more than once: '{name}'"
                ));
            }
            list.push(column);
        }
        if !list.contains(&Column::Name) {
            list.push(Column::Name);
        }
        Ok(Columns::of(&list))
    }

    pub fn as_slice(&self) -> &[Column] {
        &self.list[..self.len]
    }

    /// The `-U` text that gives these columns back.
    pub fn spec(&self) -> String {
        self.as_slice().iter().map(|c| c.name()).collect::<Vec<_>>().join(",")
    }
}

/// Write one cell of `r` (its text, unpadded).
fn cell(o: &mut Out, column: Column, r: &Row, name: &str, total_nanos: u64) {
    let seconds = |o: &mut Out, nanos: u64| {
        let _ = write!(o, "{}.{:06}", nanos / 1_000_000_000, nanos / 1000 % 1_000_000);
    };
    match column {
        Column::TimePercent => {
            let percent =
                if total_nanos == 0 { 0.0 } else { r.nanos as f64 * 100.0 / total_nanos as f64 };
            let _ = write!(o, "{percent:.2}");
        }
        Column::TotalTime => seconds(o, r.nanos),
        Column::MinTime => seconds(o, r.shortest),
        Column::MaxTime => seconds(o, r.longest),
        Column::AvgTime => o.udec(r.nanos / 1000 / r.calls.max(1)),
        Column::Calls => o.udec(r.calls),
        Column::Errors if r.errors == 0 => {}
        Column::Errors => o.udec(r.errors),
        Column::Name => o.str(name),
        Column::P50Time => seconds(o, r.quantiles[0]),
        Column::P90Time => seconds(o, r.quantiles[1]),
        Column::P99Time => seconds(o, r.quantiles[2]),
    }
}

/// Write strace's table for `rows` (already sorted) with `columns`, one
/// `emit` per line; `total_quantiles` are those of all the rows' calls.
/// Columns are as wide as strace makes them, wider where a value needs it.
pub fn write_table(
    rows: &[Row],
    columns: &Columns,
    total_quantiles: [u64; 3],
    mut emit: impl FnMut(&[u8]),
) {
    let (shortest, longest) = extremes(rows);
    let mut total = Row { shortest, longest, quantiles: total_quantiles, ..Row::default() };
    for r in rows {
        total.calls += r.calls;
        total.errors += r.errors;
        total.nanos += r.nanos;
    }
    let all = rows.iter().map(|r| (r, r.name())).chain([(&total, "total")]);
    let mut widths = [0usize; Column::ALL.len()];
    for (i, &c) in columns.as_slice().iter().enumerate() {
        widths[i] = c.min_width();
        for (r, name) in all.clone() {
            let mut buf = [0u8; 64];
            let mut o = Out::new(&mut buf);
            cell(&mut o, c, r, name, total.nanos);
            widths[i] = widths[i].max(o.len());
        }
    }
    let last = columns.len - 1;
    let mut buf = [0u8; 512];
    let mut heading = Out::new(&mut buf);
    for (i, &c) in columns.as_slice().iter().enumerate() {
        pad(&mut heading, c.heading().as_bytes(), widths[i], c == Column::Name, i == last);
    }
    emit(heading.as_bytes());
    let mut buf = [0u8; 512];
    let mut rule = Out::new(&mut buf);
    for (i, &w) in widths[..columns.len].iter().enumerate() {
        (0..w).for_each(|_| rule.byte(b'-'));
        rule.byte(if i == last { b'\n' } else { b' ' });
    }
    emit(rule.as_bytes());
    for (n, (r, name)) in all.enumerate() {
        if n == rows.len() {
            emit(rule.as_bytes());
        }
        let mut buf = [0u8; 512];
        let mut line = Out::new(&mut buf);
        for (i, &c) in columns.as_slice().iter().enumerate() {
            let mut text = [0u8; 64];
            let mut o = Out::new(&mut text);
            cell(&mut o, c, r, name, total.nanos);
            pad(&mut line, o.as_bytes(), widths[i], c == Column::Name, i == last);
        }
        emit(line.as_bytes());
    }
}

/// One cell padded to `width` (names to the left, numbers to the right),
/// then a space, or the end of the line after the last cell (a name there
/// is not padded).
fn pad(o: &mut Out, text: &[u8], width: usize, left: bool, last: bool) {
    let fill = width.saturating_sub(text.len());
    if !left {
        (0..fill).for_each(|_| o.byte(b' '));
    }
    o.bytes(text);
    if left && !last {
        (0..fill).for_each(|_| o.byte(b' '));
    }
    o.byte(if last { b'\n' } else { b' ' });
}

/// Write this process's table straight to the trace (the preload alone).
pub fn write_own(by: SortBy, columns: &Columns, emit: impl FnMut(&[u8])) {
    let mut rows = [Row::default(); SLOTS];
    let mut n = 0;
    for nr in 0..SLOTS {
        if let Some(r) = COUNTERS.row(nr) {
            rows[n] = r;
            n += 1;
        }
    }
    sort(&mut rows[..n], by);
    let quantiles = COUNTERS.total_quantiles(&rows[..n]);
    write_table(&rows[..n], columns, quantiles, emit);
}

/// The hand-over of one call's counts from a process that counted on its
/// own (a `kind::SUMMARY` record's body): `nr calls errors nanos shortest
/// longest` and ` bucket:count` for each bucket used.
pub fn write_record(o: &mut Out, counters: &Counters, nr: usize) -> bool {
    let Some(r) = counters.row(nr) else { return false };
    let _ = write!(o, "{} {} {} {} {} {}", r.nr, r.calls, r.errors, r.nanos, r.shortest, r.longest);
    for b in 0..BUCKETS {
        let count = counters.bucket(nr, b);
        if count > 0 {
            let _ = write!(o, " {b}:{count}");
        }
    }
    o.byte(b'\n');
    true
}

/// The CLI's merge of every process's counts: rows handed over in
/// records and the shared table.
#[derive(Default)]
pub struct Merged {
    calls: std::collections::BTreeMap<u32, (Row, Vec<u64>)>,
}

impl Merged {
    fn entry(&mut self, nr: u32) -> &mut (Row, Vec<u64>) {
        self.calls.entry(nr).or_insert_with(|| (Row { nr, ..Row::default() }, vec![0; BUCKETS]))
    }

    /// Add counts of one call: `calls`, `errors`, `nanos`, the extremes
    /// (0 when none was timed) and `(bucket, count)` pairs.
    pub fn add(&mut self, r: &Row, buckets: impl IntoIterator<Item = (usize, u64)>) {
        let (row, hist) = self.entry(r.nr);
        let timed = r.shortest > 0 || r.longest > 0;
        let was_timed = row.shortest > 0 || row.longest > 0;
        row.shortest = match (was_timed, timed) {
            (true, true) => row.shortest.min(r.shortest),
            (false, true) => r.shortest,
            _ => row.shortest,
        };
        row.longest = row.longest.max(r.longest);
        row.calls += r.calls;
        row.errors += r.errors;
        row.nanos += r.nanos;
        for (b, count) in buckets {
            if let Some(h) = hist.get_mut(b) {
                *h += count;
            }
        }
    }

    /// Add one [`write_record`] body; malformed records are ignored.
    pub fn add_record(&mut self, body: &[u8]) {
        let text = String::from_utf8_lossy(body);
        let mut words = text.split_whitespace();
        let mut numbers = [0u64; 6];
        for n in &mut numbers {
            match words.next().and_then(|w| w.parse().ok()) {
                Some(v) => *n = v,
                None => return,
            }
        }
        let [nr, calls, errors, nanos, shortest, longest] = numbers;
        let buckets: Vec<(usize, u64)> = words
            .filter_map(|w| w.split_once(':'))
            .filter_map(|(b, c)| Some((b.parse().ok()?, c.parse().ok()?)))
            .collect();
        let row = Row { nr: nr as u32, calls, errors, nanos, shortest, longest, ..Row::default() };
        self.add(&row, buckets);
    }

    /// Add every call counted in `counters`.
    pub fn add_counters(&mut self, counters: &Counters) {
        for nr in 0..SLOTS {
            if let Some(r) = counters.row(nr) {
                self.add(&r, (0..BUCKETS).map(|b| (b, counters.bucket(nr, b))));
            }
        }
    }

    /// The table, sorted by `by`, with `columns`.
    pub fn table(&self, by: SortBy, columns: &Columns) -> Vec<u8> {
        let mut rows: Vec<Row> = self
            .calls
            .values()
            .map(|(r, hist)| Row { quantiles: quantiles(|b| hist[b], r.shortest, r.longest), ..*r })
            .collect();
        sort(&mut rows, by);
        let (shortest, longest) = extremes(&rows);
        let total =
            quantiles(|b| self.calls.values().map(|(_, hist)| hist[b]).sum(), shortest, longest);
        let mut text = Vec::new();
        write_table(&rows, columns, total, |l| text.extend_from_slice(l));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_straces_layout() {
        let mut rows = [
            Row { nr: 0, calls: 3, errors: 0, nanos: 1_000_000, ..Row::default() },
            Row { nr: 257, calls: 2, errors: 1, nanos: 3_000_000, ..Row::default() },
        ];
        sort(&mut rows, SortBy::Time);
        let mut text = Vec::new();
        write_table(&rows, &Columns::default(), [0; 3], |l| text.extend_from_slice(l));
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

    /// A zeroed table on the heap (too big for a test thread's stack).
    fn fresh_counters() -> &'static Counters {
        let layout = std::alloc::Layout::new::<Counters>();
        // SAFETY: a non-zero-sized layout; zeroed atomics are valid
        // values; the table is leaked, so `'static` holds.
        unsafe { &*std::alloc::alloc_zeroed(layout).cast::<Counters>() }
    }

    fn table_of(rows: &[Row], spec: &str, total: [u64; 3]) -> String {
        let mut text = Vec::new();
        write_table(rows, &Columns::parse(spec).unwrap(), total, |l| text.extend_from_slice(l));
        String::from_utf8(text).unwrap()
    }

    #[test]
    fn columns_widen_for_long_times_as_straces_do() {
        // strace -w -c -U name,calls,min-time,max-time on `sleep 10.3`.
        let rows = [
            Row {
                nr: 230,
                calls: 1,
                nanos: 10_300_197_000,
                shortest: 10_300_197_000,
                longest: 10_300_197_000,
                ..Row::default()
            },
            Row {
                nr: 3,
                calls: 19,
                nanos: 661_000,
                shortest: 7_000,
                longest: 42_000,
                ..Row::default()
            },
        ];
        let expected = "\
syscall              calls  shortest   longest
---------------- --------- --------- ---------
clock_nanosleep          1 10.300197 10.300197
close                   19  0.000007  0.000042
---------------- --------- --------- ---------
total                   20  0.000007 10.300197
";
        assert_eq!(table_of(&rows, "name,calls,min-time,max-time", [0; 3]), expected);
    }

    #[test]
    fn name_goes_last_unpadded_unless_placed() {
        let rows = [Row { nr: 0, calls: 2, errors: 1, ..Row::default() }];
        let expected = concat!(
            "    calls    errors syscall\n",
            "--------- --------- ----------------\n",
            "        2         1 read\n",
            "--------- --------- ----------------\n",
            "        2         1 total\n",
        );
        assert_eq!(table_of(&rows, "count,error", [0; 3]), expected);
        let placed = table_of(&rows, "syscall,calls", [0; 3]);
        assert!(placed.starts_with("syscall              calls\n"), "{placed}");
    }

    #[test]
    fn column_lists_are_checked_as_strace_checks_them() {
        assert_eq!(Columns::parse("foo").unwrap_err(), "unknown column name: 'foo'");
        assert_eq!(
            Columns::parse("calls,count").unwrap_err(),
            "call summary column has been provided more than once: 'count'"
        );
        assert_eq!(Columns::parse("").unwrap_err(), "unknown column name: ''");
        let c = Columns::parse("p99,shortest").unwrap();
        assert_eq!(c.spec(), "p99-time,min-time,name");
        assert_eq!(Columns::parse(&c.spec()).unwrap(), c);
        assert_eq!(Columns::default().spec(), "time-percent,total-time,avg-time,calls,errors,name");
    }

    #[test]
    fn every_time_lands_in_the_bucket_that_holds_it() {
        let mut previous_high = 0;
        for b in 0..BUCKETS {
            let (low, high) = bucket_range(b);
            assert_eq!(low, previous_high, "bucket {b} starts where {} ends", b.saturating_sub(1));
            assert!(high > low);
            if b >= EXACT as usize {
                assert!((high - low) * 8 <= low, "bucket {b} is at most 12.5% wide");
            }
            for v in [low, low + (high - low) / 2, high - 1] {
                assert_eq!(bucket_of(v), b, "{v} ns");
            }
            previous_high = high;
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_of_known_times() {
        let counters = fresh_counters();
        // 100 calls of about 1 ms and 10 of about 20 ms.
        for i in 0..100 {
            counters.add(35, false, 1_000_000 + i * 1000);
        }
        for i in 0..10 {
            counters.add(35, false, 20_000_000 + i * 10_000);
        }
        let r = counters.row(35).unwrap();
        assert_eq!((r.calls, r.shortest, r.longest), (110, 1_000_000, 20_090_000));
        let [p50, p90, p99] = r.quantiles;
        // Nearest rank: the 55th, 99th and 109th of the 110 times.
        for (what, got, exact) in
            [("p50", p50, 1_054_000), ("p90", p90, 1_098_000), ("p99", p99, 20_080_000)]
        {
            assert_eq!(bucket_of(got), bucket_of(exact), "{what} = {got}, in {exact}'s bucket");
            assert!(got.abs_diff(exact) * 8 <= exact, "{what} = {got}, within 12.5% of {exact}");
        }
        assert_eq!(counters.total_quantiles(&[r]), r.quantiles);
        counters.reset();
        assert_eq!(counters.row(35), None);
        assert_eq!(counters.bucket(35, bucket_of(1_000_000)), 0);
    }

    #[test]
    fn handed_over_records_merge_with_the_shared_table() {
        let counters = fresh_counters();
        for _ in 0..9 {
            counters.add(0, false, 5_000);
        }
        let mut buf = [0u8; 4096];
        let mut o = Out::new(&mut buf);
        assert!(write_record(&mut o, counters, 0));
        assert!(!write_record(&mut Out::new(&mut [0u8; 64]), counters, 1));
        let mut merged = Merged::default();
        merged.add_record(o.as_bytes());
        merged.add_record(b"garbage");
        let other = fresh_counters();
        other.add(0, true, 9_000_000);
        merged.add_counters(other);
        let text =
            String::from_utf8(merged.table(
                SortBy::Time,
                &Columns::parse("calls,errors,min-time,max-time,p50").unwrap(),
            ))
            .unwrap();
        let read = text.lines().nth(2).unwrap();
        assert_eq!(
            read.split_whitespace().collect::<Vec<_>>(),
            ["10", "1", "0.000005", "0.009000", "0.000005", "read"]
        );
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
