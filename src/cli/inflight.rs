//! Blocked calls, shown while they block: the collector's side of the
//! in-flight records (`selftrace_trace::inflight` describes the records).
//!
//! The CLI creates the shared area and names it to the preload. Every
//! [`TICK`] the collector looks at the records: a call seen in flight for
//! [`THRESHOLD`] prints as `read(0,  <unfinished ...>`, and its exit record
//! then comes in the `<... read resumed>"abc", 3) = 3` form. A task that
//! dies inside a call gets `read(0,  <unfinished ...>) = ?` (or `<... read
//! resumed> <unfinished ...>) = ?` once its call was shown) before its
//! `+++` line. On SIGINT without `-o` the calls in flight are printed and
//! selftrace ends, as strace detaches on Ctrl-C.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{fence, Ordering};
use std::time::{Duration, Instant};

use selftrace_trace::config::Timestamps;
use selftrace_trace::inflight::{self as records, Head, ENDED, RUNNING, SHOWN, SLOTS, STATE};
use selftrace_trace::tracer::{wall_clock_ns, write_timestamp};

use crate::cli::collector::Collector;

/// How long a call runs before it shows as `<unfinished ...>`: long
/// enough that calls which merely take a while (a disk read, a short
/// sleep) keep their one line, short enough to feel immediate.
pub const THRESHOLD: Duration = Duration::from_millis(100);
/// Overrides [`THRESHOLD`], in milliseconds.
pub const THRESHOLD_VAR: &str = "SELFTRACE_UNFINISHED_MS";
/// How often the records are looked at.
pub const TICK: Duration = Duration::from_millis(20);
/// How often shown calls are checked for a task that died in them, and
/// processes that ended for slots to free.
const LIVENESS_EVERY: Duration = Duration::from_millis(500);

/// The shared area, mapped here too.
pub struct Area {
    base: *mut u8,
    fd: OwnedFd,
}

// SAFETY: the mapping is plain shared memory reached through atomics and
// byte copies; nothing in it is tied to the creating thread.
unsafe impl Send for Area {}

impl Area {
    pub fn create() -> io::Result<Area> {
        let (fd, base) = records::create()?;
        Ok(Area { base, fd })
    }

    /// The path the preload opens: this process's descriptor.
    pub fn path(&self) -> String {
        format!("/proc/{}/fd/{}", std::process::id(), self.fd.as_raw_fd())
    }

    fn heads(&self) -> &[Head; SLOTS] {
        // SAFETY: `base` is a mapping of SIZE bytes, unmapped never.
        unsafe { records::heads(self.base) }
    }

    /// A copy of slot `i`'s record if it holds a call in one of `states`
    /// and did not change while copied.
    fn snapshot(&self, i: usize, states: &[u64]) -> Option<Entry> {
        let h = &self.heads()[i];
        let word = h.word.load(Ordering::Acquire);
        if !states.contains(&(word & STATE)) || h.owner.load(Ordering::Relaxed) == 0 {
            return None;
        }
        let (pid, tid) = (h.pid.load(Ordering::Relaxed), h.owner.load(Ordering::Relaxed));
        let wall = h.wall.load(Ordering::Relaxed);
        let len = (h.len.load(Ordering::Relaxed) as usize).min(records::TEXT);
        let mut text = vec![0u8; len];
        // SAFETY: slot i's text lies within the mapping; the bytes may be
        // changing under us (another process writes them), which the word
        // check below detects; a byte copy of them is harmless.
        unsafe {
            std::ptr::copy_nonoverlapping(records::text_ptr(self.base, i), text.as_mut_ptr(), len)
        };
        fence(Ordering::Acquire);
        (h.word.load(Ordering::Relaxed) == word).then_some(Entry {
            slot: i,
            word,
            pid,
            tid,
            wall,
            text,
        })
    }

    /// Move slot `e.slot` from the state `e` saw to `state`; false when
    /// the call ended (or changed) first.
    fn mark(&self, e: &Entry, state: u64) -> bool {
        let h = &self.heads()[e.slot];
        h.word
            .compare_exchange(
                e.word,
                (e.word & !STATE) | state,
                Ordering::AcqRel,
                Ordering::Relaxed,
            )
            .is_ok()
    }

    fn free(&self, i: usize) {
        let h = &self.heads()[i];
        let w = h.word.load(Ordering::Relaxed);
        h.word.store(w & !STATE, Ordering::Release);
        h.owner.store(0, Ordering::Release);
    }
}

impl Drop for Area {
    fn drop(&mut self) {
        // SAFETY: unmapping our own mapping; nothing refers to it after.
        unsafe { libc::munmap(self.base.cast(), records::SIZE) };
    }
}

/// A call in flight, as its record said.
pub struct Entry {
    slot: usize,
    word: u64,
    pub pid: u32,
    pub tid: u32,
    /// Entry time for timestamps (0 without them).
    pub wall: u64,
    /// `name(` and the arguments known at entry.
    pub text: Vec<u8>,
}

impl Entry {
    fn shown(&self) -> bool {
        self.word & STATE == SHOWN
    }

    /// The call's name: its text up to the parenthesis.
    fn name(&self) -> &[u8] {
        let end = self.text.iter().position(|&b| b == b'(').unwrap_or(self.text.len());
        &self.text[..end]
    }
}

/// The collector's view of the records.
pub struct Watch {
    area: Area,
    threshold: Duration,
    /// Per slot: the word last seen in flight and since when.
    seen: Vec<(u64, Instant)>,
    last_tick: Instant,
    last_liveness: Instant,
    /// Processes that called `exit_group`, whose slots are freed once
    /// they are gone: when they were seen ending.
    ended: HashMap<u32, Instant>,
}

impl Watch {
    pub fn new(area: Area) -> Watch {
        let threshold = std::env::var(THRESHOLD_VAR)
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(THRESHOLD, Duration::from_millis);
        let now = Instant::now();
        Watch {
            area,
            threshold,
            seen: vec![(0, now); SLOTS],
            last_tick: now,
            last_liveness: now,
            ended: HashMap::new(),
        }
    }

    /// Calls in flight for the threshold, marked shown.
    fn due(&mut self, now: Instant) -> Vec<Entry> {
        let mut out = Vec::new();
        for (i, h) in self.area.heads().iter().enumerate() {
            let word = h.word.load(Ordering::Acquire);
            if word & STATE != RUNNING || h.owner.load(Ordering::Relaxed) == 0 {
                continue;
            }
            if self.seen[i].0 != word {
                self.seen[i] = (word, now);
                continue;
            }
            if now.duration_since(self.seen[i].1) < self.threshold {
                continue;
            }
            if let Some(e) = self.area.snapshot(i, &[RUNNING]) {
                if self.area.mark(&e, SHOWN) {
                    out.push(e);
                }
            }
        }
        out
    }

    /// Every call in flight not shown yet, marked shown.
    fn running(&mut self) -> Vec<Entry> {
        (0..SLOTS)
            .filter_map(|i| self.area.snapshot(i, &[RUNNING]))
            .filter(|e| self.area.mark(e, SHOWN))
            .collect()
    }

    /// The calls of process `pid` (but thread `except`) that end with it,
    /// marked ended.
    fn dying(&mut self, pid: u32, except: Option<u32>) -> Vec<Entry> {
        (0..SLOTS)
            .filter(|&i| self.area.heads()[i].pid.load(Ordering::Relaxed) == pid)
            .filter_map(|i| self.area.snapshot(i, &[RUNNING, SHOWN]))
            .filter(|e| Some(e.tid) != except && self.area.mark(e, ENDED))
            .collect()
    }

    fn free_process(&mut self, pid: u32) {
        for i in 0..SLOTS {
            let h = &self.area.heads()[i];
            if h.owner.load(Ordering::Relaxed) != 0 && h.pid.load(Ordering::Relaxed) == pid {
                self.area.free(i);
            }
        }
    }

    /// Shown calls whose task is gone (killed, its process ended by
    /// another thread or reaped by a traced parent), marked ended.
    fn dead(&mut self) -> Vec<Entry> {
        (0..SLOTS)
            .filter_map(|i| self.area.snapshot(i, &[SHOWN]))
            .filter(|e| !task_alive(e.pid, e.tid) && self.area.mark(e, ENDED))
            .collect()
    }
}

/// Whether task `tid` of process `pid` still runs (a zombie does not).
fn task_alive(pid: u32, tid: u32) -> bool {
    let Ok(stat) = std::fs::read(format!("/proc/{pid}/task/{tid}/stat")) else { return false };
    // The state follows the command's closing parenthesis.
    let after = stat.iter().rposition(|&b| b == b')').map_or(0, |p| p + 2);
    !matches!(stat.get(after), Some(b'Z' | b'X' | b'x'))
}

/// Before the program starts: make the area, name it to the preload, and
/// have `collector` watch it (strace lines only: blocked calls show in
/// their text).
pub fn set_up(
    collector: &mut Collector,
    cmd: &mut std::process::Command,
    config: &selftrace_trace::config::Config,
) {
    cmd.env_remove(records::VAR);
    let strace_lines = config.prints_calls()
        && config.format == selftrace_trace::config::Format::Strace
        && !config.silent;
    if !strace_lines {
        return;
    }
    let Ok(area) = Area::create() else { return };
    cmd.env(records::VAR, area.path());
    collector.watch_in_flight(area);
}

impl Collector {
    /// Look at the in-flight records with `area`.
    pub fn watch_in_flight(&mut self, area: Area) {
        self.inflight = Some(Watch::new(area));
    }

    /// Wait until the trace pipe has records, printing calls that have
    /// been in flight for the threshold meanwhile.
    pub fn wait_for_records(&mut self, pipe: &File) {
        if self.inflight.is_none() {
            return;
        }
        loop {
            let mut fds = [libc::pollfd { fd: pipe.as_raw_fd(), events: libc::POLLIN, revents: 0 }];
            // SAFETY: poll on one pollfd structure we own.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, TICK.as_millis() as i32) };
            if n != 0 {
                return;
            }
            self.tick();
        }
    }

    /// After a read that emptied the pipe (or a quiet interval): print
    /// the calls due, at most once a [`TICK`].
    pub fn tick(&mut self) {
        let Some(w) = self.inflight.as_mut() else { return };
        let now = Instant::now();
        if now.duration_since(w.last_tick) < TICK {
            return;
        }
        w.last_tick = now;
        // Calls that became due in the same tick show in the order they
        // began, not in the order of their slots (under load, a tick can
        // find several).
        let mut due = w.due(now);
        due.sort_by_key(|e| e.wall);
        let liveness = now.duration_since(w.last_liveness) >= LIVENESS_EVERY;
        let mut dead = Vec::new();
        if liveness {
            w.last_liveness = now;
            dead = w.dead();
            let gone: Vec<u32> = w
                .ended
                .iter()
                .filter(|(pid, since)| {
                    now.duration_since(**since) > Duration::from_secs(10)
                        || !task_alive(**pid, **pid)
                })
                .map(|(pid, _)| *pid)
                .collect();
            for pid in gone {
                w.ended.remove(&pid);
                w.free_process(pid);
            }
        }
        for e in &due {
            self.unfinished(e);
        }
        for e in &dead {
            self.ended_in_call(e);
        }
        if !due.is_empty() || !dead.is_empty() {
            self.flush();
        }
    }

    /// Process `pid` ends (`exit_group`; the caller's own record is gone
    /// already): its other threads' calls end with it.
    pub fn process_ending(&mut self, pid: u32) {
        let Some(w) = self.inflight.as_mut() else { return };
        let dying = w.dying(pid, None);
        w.ended.insert(pid, Instant::now());
        for e in &dying {
            self.ended_in_call(e);
        }
    }

    /// Process `pid` is gone (reaped): the calls it was in end here,
    /// before its `+++` line.
    pub fn process_died(&mut self, pid: u32) {
        let Some(w) = self.inflight.as_mut() else { return };
        let dying = w.dying(pid, None);
        w.free_process(pid);
        w.ended.remove(&pid);
        for e in &dying {
            self.ended_in_call(e);
        }
    }

    /// selftrace ends before the program (a signal, see `signals`): every
    /// call in flight is printed `<unfinished ...>`, as strace does when it
    /// detaches.
    pub fn print_in_flight(&mut self) {
        if let Some(w) = self.inflight.as_mut() {
            let running = w.running();
            for e in &running {
                self.unfinished(e);
            }
        }
        self.flush();
    }

    /// `[pid N] read(0,  <unfinished ...>`
    fn unfinished(&mut self, e: &Entry) {
        let mut line = self.prefix(e.tid);
        line.extend_from_slice(&timestamp(self.timestamps, e.wall));
        line.extend_from_slice(&e.text);
        line.extend_from_slice(b" <unfinished ...>");
        self.emit(e.pid, line);
    }

    /// `read(0,  <unfinished ...>) = ?`, or `<... read resumed>
    /// <unfinished ...>) = ?` for a call shown already.
    fn ended_in_call(&mut self, e: &Entry) {
        let mut line = self.prefix(e.tid);
        if e.shown() {
            line.extend_from_slice(&timestamp(self.timestamps, wall_clock_ns()));
            line.extend_from_slice(b"<... ");
            line.extend_from_slice(e.name());
            line.extend_from_slice(b" resumed>");
        } else {
            line.extend_from_slice(&timestamp(self.timestamps, e.wall));
            line.extend_from_slice(&e.text);
        }
        line.extend_from_slice(b" <unfinished ...>) ");
        while line.len() < self.result_column {
            line.push(b' ');
        }
        line.extend_from_slice(b"= ?");
        self.emit(e.pid, line);
    }
}

fn timestamp(mode: Timestamps, wall: u64) -> Vec<u8> {
    let mut buf = [0u8; 64];
    let mut o = selftrace_trace::out::Out::new(&mut buf);
    write_timestamp(&mut o, mode, wall);
    o.as_bytes().to_vec()
}
