//! `-c` / `-C`: per-call counts, errors and time, and strace's table.
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
}

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: AtomicU64 = AtomicU64::new(0);

pub static COUNTERS: Counters =
    Counters { calls: [ZERO; SLOTS], errors: [ZERO; SLOTS], nanos: [ZERO; SLOTS] };

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
        if let (Some(e), Some(n)) = (self.errors.get(i), self.nanos.get(i)) {
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

const SHARED_MAGIC: u64 = u64::from_le_bytes(*b"selftrc1");
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
