//! The CLI's side of the trace pipe: records from every traced process
//! come in, strace's lines go out, with `[pid N]` prefixes while more than
//! one task is alive, one file per process for `-ff`, exactly one end
//! line per task, and the `-c` table added up over all processes.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;

use selftrace_trace::config::Timestamps;
use selftrace_trace::config::{Config, Format, Summary};
use selftrace_trace::sink::{kind, pid_prefix};
use selftrace_trace::summary::{Columns, Merged, Row, SharedTable, SortBy};
use selftrace_trace::tracer::{wall_clock_ns, write_timestamp};

/// Record kind the CLI itself writes into the pipe when it reaps a
/// process: `R pid pid\tSTATUS` (the raw wait status). A traced parent
/// that reaps a child sends the same.
pub const REAPED: u8 = kind::REAPED;

/// Record kind the CLI writes when it stops collecting before every
/// traced process ended (interrupted, see `signals::Interruptible`):
/// `Q pid pid\t`. Records written after it are not read.
pub const QUIT: u8 = b'Q';

pub enum Output {
    Stderr,
    File(BufWriter<File>),
    /// `-ff -o BASE`: BASE.PID per process.
    PerProcess {
        base: PathBuf,
        files: HashMap<u32, BufWriter<File>>,
    },
}

pub struct Collector {
    output: Output,
    format: Format,
    summary: Summary,
    pub(super) timestamps: Timestamps,
    sort: SortBy,
    /// `-f -o FILE`: every line carries `PID  `, as strace writes files.
    plain_prefix: bool,
    /// Tasks seen and not yet ended, tid → pid.
    live: HashMap<u32, u32>,
    /// Tasks whose end line was printed: a task ends once, whoever
    /// reports it (its `exit`/`exit_group`, the parent that reaped it, or
    /// the CLI). A later record with the same id is a new task.
    ended: HashSet<u32>,
    counts: Merged,
    columns: Columns,
    /// The counters every traced process adds into (see `SharedTable`).
    shared: Option<SharedTable>,
    /// First write error, reported once at the end.
    pub error: Option<io::Error>,
    /// Calls in flight (see `inflight`), when the CLI made the area.
    pub(super) inflight: Option<crate::cli::inflight::Watch>,
    /// A [`QUIT`] record was read.
    quit: bool,
    /// `--perfetto`: the timeline written beside the trace.
    timeline: Option<crate::cli::perfetto::Timeline>,
    /// `-a`: the column results are aligned on.
    pub(super) result_column: usize,
    /// `-qq`: ends by exit are not shown.
    quiet_exit: bool,
}

/// Below this many bytes a read is a trickle, worth waiting after.
const BATCH: usize = 16 << 10;
const BATCH_WAIT: std::time::Duration = std::time::Duration::from_micros(500);

impl Collector {
    pub fn new(output: Output, config: &Config, sort: SortBy) -> Collector {
        let plain_prefix = config.follow && matches!(output, Output::File(_));
        let mut counts = Merged::default();
        if config.summary != Summary::Off && config.trace.contains(selftrace::Sysno::execve) {
            // The exec of the program itself, which the CLI makes: no
            // traced image sees it (strace counts it).
            let nr = selftrace::Sysno::execve.id() as u32;
            counts.add(&Row { nr, calls: 1, ..Row::default() }, []);
        }
        Collector {
            output,
            format: config.format,
            summary: config.summary,
            timestamps: config.timestamps,
            sort,
            plain_prefix,
            live: HashMap::new(),
            ended: HashSet::new(),
            counts,
            columns: config.columns,
            shared: None,
            error: None,
            inflight: None,
            quit: false,
            timeline: None,
            result_column: config.result_column,
            quiet_exit: config.quiet_exit,
        }
    }

    /// Add the shared counters to the table at the end.
    pub fn with_counters(mut self, shared: Option<SharedTable>) -> Collector {
        self.shared = shared;
        self
    }

    /// Write the timeline too.
    pub fn with_timeline(mut self, timeline: Option<crate::cli::perfetto::Timeline>) -> Collector {
        self.timeline = timeline;
        self
    }

    /// Read records until end of file (every writer closed) or [`QUIT`].
    ///
    /// Reads that return less than [`BATCH`] bytes are followed by a pause
    /// of [`BATCH_WAIT`].
    pub fn run(mut self, mut pipe: File) -> Collector {
        let mut buf = vec![0u8; 1 << 16];
        let mut pending: Vec<u8> = Vec::new();
        loop {
            self.wait_for_records(&pipe);
            let n = match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error.get_or_insert(e);
                    break;
                }
            };
            pending.extend_from_slice(&buf[..n]);
            let mut start = 0;
            while let Some(end) = pending[start..].iter().position(|&b| b == b'\n') {
                let record = pending[start..start + end].to_vec();
                self.record(&record);
                start += end + 1;
                if self.quit {
                    break;
                }
            }
            if self.quit {
                break;
            }
            pending.drain(..start);
            if n < buf.len() {
                self.tick();
                self.flush();
            }
            if n < BATCH {
                // A few lines at a time: let more pile up in the pipe, so
                // that a busy program wakes the collector once per batch,
                // not once per line (each wake-up costs the traced program
                // too). A line still reaches the output within a millisecond.
                std::thread::sleep(BATCH_WAIT);
            }
        }
        self.flush();
        self
    }

    fn record(&mut self, record: &[u8]) {
        let Some(tab) = record.iter().position(|&b| b == b'\t') else { return };
        let (head, body) = (&record[..tab], &record[tab + 1..]);
        let head = String::from_utf8_lossy(head);
        let mut parts = head.split(' ');
        let kind = parts.next().and_then(|k| k.bytes().next()).unwrap_or(0);
        let pid: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let tid: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(pid);
        if matches!(kind, kind::CALL | kind::TASK | kind::MESSAGE | kind::JSON) {
            // A task with the id of one that ended is a new one.
            self.ended.remove(&tid);
        }
        if let Some(timeline) = &mut self.timeline {
            timeline.record(kind, pid, tid, body);
        }
        match kind {
            kind::CALL => {
                self.live.insert(tid, pid);
                let (call, result) = match body.iter().position(|&b| b == b'\t') {
                    Some(t) => (&body[..t], &body[t + 1..]),
                    None => (body, &b"?"[..]),
                };
                let mut line = self.prefix(tid);
                line.extend_from_slice(call);
                line.push(b' ');
                while line.len() < self.result_column {
                    line.push(b' ');
                }
                line.extend_from_slice(b"= ");
                line.extend_from_slice(result);
                self.emit(pid, line);
            }
            kind::TASK => {
                self.live.insert(tid, pid);
            }
            kind::MESSAGE | kind::END | kind::PROCESS_END | kind::JSON => {
                if kind == kind::MESSAGE || kind == kind::JSON {
                    self.live.insert(tid, pid);
                }
                let mut line =
                    if self.format == Format::Json { Vec::new() } else { self.prefix(tid) };
                line.extend_from_slice(body);
                if kind == kind::END {
                    self.live.remove(&tid);
                    self.ended.insert(tid);
                }
                if kind == kind::PROCESS_END {
                    let threads = self.live.iter().filter(|(_, p)| **p == pid).map(|(t, _)| *t);
                    self.ended.extend(threads);
                    self.ended.insert(pid);
                    self.process_ending(pid);
                    self.live.retain(|_, p| *p != pid);
                }
                let quiet = self.quiet_exit
                    && matches!(kind, kind::END | kind::PROCESS_END)
                    && is_exit_line(body);
                if self.summary != Summary::Only && !quiet {
                    self.emit(pid, line);
                }
            }
            kind::SUMMARY => self.add_row(body),
            REAPED => self.reaped(pid, body),
            QUIT => {
                self.quit = true;
                self.print_in_flight();
            }
            _ => {}
        }
    }

    pub(super) fn prefix(&self, tid: u32) -> Vec<u8> {
        let mut buf = [0u8; 32];
        let mut o = selftrace_trace::out::Out::new(&mut buf);
        if matches!(self.output, Output::PerProcess { .. }) || self.format == Format::Json {
        } else if self.plain_prefix {
            pid_prefix(&mut o, tid, false);
        } else if self.live.len() > 1 {
            pid_prefix(&mut o, tid, true);
        }
        o.as_bytes().to_vec()
    }

    fn add_row(&mut self, body: &[u8]) {
        self.counts.add_record(body);
    }

    /// A process reaped by the CLI or its traced parent: its end line,
    /// unless one was printed (its own `exit_group`, or another report).
    /// That covers a death by signal, which no process reports itself, and
    /// an exit the preload could not report (a program it did not trace).
    fn reaped(&mut self, pid: u32, body: &[u8]) {
        self.process_died(pid);
        let status: i32 = String::from_utf8_lossy(body).parse().unwrap_or(0);
        // It was alive until now, whether or not it made a traced call:
        // its line has a prefix if another task is alive too.
        self.live.entry(pid).or_insert(pid);
        let message = if !self.ended.insert(pid) {
            None
        } else if libc::WIFSIGNALED(status) {
            let sig = libc::WTERMSIG(status);
            let core = if libc::WCOREDUMP(status) { " (core dumped)" } else { "" };
            Some((format!("+++ killed by {}{core} +++", signal_name(sig)), "killed", sig as i64))
        } else if libc::WIFEXITED(status) {
            let code = libc::WEXITSTATUS(status);
            Some((format!("+++ exited with {code} +++"), "exited", code as i64))
        } else {
            None
        };
        if let (Some((text, _, _)), Some(timeline)) = (&message, &mut self.timeline) {
            timeline.ended(pid, text);
        }
        let shown = self.summary != Summary::Only
            && !(self.quiet_exit && message.as_ref().is_some_and(|m| m.1 == "exited"));
        if let (Some((text, what, value)), true) = (message, shown) {
            let line = if self.format == Format::Json {
                let field = if what == "killed" { "signal" } else { "status" };
                let value = if what == "killed" {
                    format!("\"{}\"", signal_name(value as i32))
                } else {
                    value.to_string()
                };
                format!("{{\"type\":\"{what}\",\"pid\":{pid},\"tid\":{pid},\"{field}\":{value}}}")
                    .into_bytes()
            } else {
                let mut l = self.prefix(pid);
                let mut buf = [0u8; 64];
                let mut o = selftrace_trace::out::Out::new(&mut buf);
                write_timestamp(&mut o, self.timestamps, wall_clock_ns());
                l.extend_from_slice(o.as_bytes());
                l.extend_from_slice(text.as_bytes());
                l
            };
            self.emit(pid, line);
        }
        self.live.retain(|_, p| *p != pid);
    }

    pub(super) fn emit(&mut self, pid: u32, mut line: Vec<u8>) {
        line.push(b'\n');
        let result = match &mut self.output {
            Output::Stderr => io::stderr().write_all(&line),
            Output::File(f) => f.write_all(&line),
            Output::PerProcess { base, files } => {
                let file = match files.get_mut(&pid) {
                    Some(f) => Ok(f),
                    None => {
                        let mut path = base.clone().into_os_string();
                        path.push(format!(".{pid}"));
                        File::create(&path).map(|f| files.entry(pid).or_insert(BufWriter::new(f)))
                    }
                };
                file.and_then(|f| f.write_all(&line))
            }
        };
        if let Err(e) = result {
            self.error.get_or_insert(e);
        }
    }

    pub(super) fn flush(&mut self) {
        let result = match &mut self.output {
            Output::Stderr => Ok(()),
            Output::File(f) => f.flush(),
            Output::PerProcess { files, .. } => files.values_mut().try_for_each(|f| f.flush()),
        };
        if let Err(e) = result {
            self.error.get_or_insert(e);
        }
    }

    /// The `-c` / `-C` table over all processes, into the output (with
    /// `-ff`, to standard error).
    pub fn finish(mut self) -> Option<io::Error> {
        if self.summary != Summary::Off {
            if let Some(shared) = &self.shared {
                self.counts.add_counters(shared.counters());
            }
            let text = self.counts.table(self.sort, &self.columns);
            let result = match &mut self.output {
                Output::File(f) => f.write_all(&text),
                _ => io::stderr().write_all(&text),
            };
            if let Err(e) = result {
                self.error.get_or_insert(e);
            }
        }
        self.flush();
        if let Some(e) = self.timeline.take().and_then(|t| t.finish()) {
            self.error.get_or_insert(e);
        }
        self.error
    }
}

/// `+++ exited with N +++` (or its JSON), which `-qq` leaves out.
fn is_exit_line(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    text.contains("+++ exited with ") || text.contains("\"type\":\"exited\"")
}

pub fn signal_name(sig: i32) -> String {
    match selftrace_trace::decode::signal_name(sig) {
        Some(n) => n.to_string(),
        None => format!("SIG{sig}"),
    }
}
