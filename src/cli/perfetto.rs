//! `--perfetto FILE`: the trace as a Perfetto timeline, written by the
//! collector from the records it already reads.
//!
//! A Perfetto trace is a `Trace` message, that is a sequence of
//! `TracePacket`s, each written as field 1 of `Trace`, so packets are
//! appended as they come and the file is valid at every packet's end.
//! Tracks: one per process (named by its command, renamed at each exec),
//! under it one per thread. Each finished call is a slice on its thread's
//! track, from its entry to its exit (`CLOCK_MONOTONIC` as the tracer read
//! it), with its arguments, return value and errno as debug annotations;
//! calls that do not return (`exit_group`, the exec that started an
//! image) are instants. Signals and ends of tasks are instants at the time
//! the collector reads them.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use perfetto_protos::builtin_clock::BuiltinClock;
use perfetto_protos::clock_snapshot::{clock_snapshot::Clock, ClockSnapshot};
use perfetto_protos::debug_annotation::DebugAnnotation;
use perfetto_protos::process_descriptor::ProcessDescriptor;
use perfetto_protos::thread_descriptor::ThreadDescriptor;
use perfetto_protos::trace_packet::TracePacket;
use perfetto_protos::track_descriptor::TrackDescriptor;
use perfetto_protos::track_event::{track_event::Type, TrackEvent};
use protobuf::Message;
use serde_json::Value;

use selftrace_trace::sink::kind;

/// The one writer of this trace (Perfetto's unit of packet ordering).
const SEQUENCE: u32 = 1;
/// `TracePacket.sequence_flags`: SEQ_INCREMENTAL_STATE_CLEARED.
const INCREMENTAL_STATE_CLEARED: u32 = 1;

pub struct Timeline {
    out: BufWriter<File>,
    /// Processes with a track, and the name it shows.
    processes: HashMap<u32, String>,
    threads: HashSet<u32>,
    first_packet: bool,
    /// First write error, reported once at the end.
    error: Option<io::Error>,
    /// Packets written, for the summary in tests and notes.
    pub packets: u64,
}

/// Track uuids: processes and threads apart, ids within each.
fn process_track(pid: u32) -> u64 {
    1 << 40 | u64::from(pid)
}

fn thread_track(tid: u32) -> u64 {
    2 << 40 | u64::from(tid)
}

fn monotonic_ns() -> u64 {
    clock_ns(libc::CLOCK_MONOTONIC)
}

fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Timeline {
    pub fn create(path: &Path) -> io::Result<Timeline> {
        let mut t = Timeline {
            out: BufWriter::new(File::create(path)?),
            processes: HashMap::new(),
            threads: HashSet::new(),
            first_packet: true,
            error: None,
            packets: 0,
        };
        t.clocks();
        Ok(t)
    }

    /// The clocks read together, so that the monotonic timestamps of the
    /// packets can be shown as times of day.
    fn clocks(&mut self) {
        let mut snapshot = ClockSnapshot::new();
        for (id, clock) in [
            (BuiltinClock::BUILTIN_CLOCK_BOOTTIME, libc::CLOCK_BOOTTIME),
            (BuiltinClock::BUILTIN_CLOCK_MONOTONIC, libc::CLOCK_MONOTONIC),
            (BuiltinClock::BUILTIN_CLOCK_REALTIME, libc::CLOCK_REALTIME),
        ] {
            let mut c = Clock::new();
            c.set_clock_id(id as u32);
            c.set_timestamp(clock_ns(clock));
            snapshot.clocks.push(c);
        }
        let mut packet = TracePacket::new();
        packet.set_timestamp(clock_ns(libc::CLOCK_BOOTTIME));
        packet.set_clock_snapshot(snapshot);
        self.write(packet);
    }

    fn write(&mut self, mut packet: TracePacket) {
        packet.set_trusted_packet_sequence_id(SEQUENCE);
        if self.first_packet {
            packet.set_sequence_flags(INCREMENTAL_STATE_CLEARED);
            self.first_packet = false;
        }
        if packet.has_timestamp() && !packet.has_clock_snapshot() {
            packet.set_timestamp_clock_id(BuiltinClock::BUILTIN_CLOCK_MONOTONIC as u32);
        }
        let result = packet.write_to_bytes().map_err(io::Error::other).and_then(|bytes| {
            // Field 1 of `Trace`, length-delimited: tag (1 << 3) | 2.
            let mut head = vec![0x0a];
            varint(&mut head, bytes.len() as u64);
            self.out.write_all(&head)?;
            self.out.write_all(&bytes)
        });
        self.packets += 1;
        if let Err(e) = result {
            self.error.get_or_insert(e);
        }
    }

    /// A track for process `pid` named `name` (again, to rename it).
    fn describe_process(&mut self, pid: u32, name: &str) {
        let mut process = ProcessDescriptor::new();
        process.set_pid(pid as i32);
        process.set_process_name(name.to_string());
        let mut track = TrackDescriptor::new();
        track.set_uuid(process_track(pid));
        track.process = Some(process).into();
        let mut packet = TracePacket::new();
        packet.set_track_descriptor(track);
        self.write(packet);
        self.processes.insert(pid, name.to_string());
    }

    /// Tracks for `tid` and its process, the first time they are seen.
    fn ensure_tracks(&mut self, pid: u32, tid: u32) {
        if !self.processes.contains_key(&pid) {
            let name = comm(pid, pid).unwrap_or_else(|| format!("pid {pid}"));
            self.describe_process(pid, &name);
        }
        if self.threads.insert(tid) {
            let mut thread = ThreadDescriptor::new();
            thread.set_pid(pid as i32);
            thread.set_tid(tid as i32);
            let name = comm(pid, tid).unwrap_or_else(|| self.processes[&pid].clone());
            thread.set_thread_name(name);
            let mut track = TrackDescriptor::new();
            track.set_uuid(thread_track(tid));
            track.set_parent_uuid(process_track(pid));
            track.thread = Some(thread).into();
            let mut packet = TracePacket::new();
            packet.set_track_descriptor(track);
            self.write(packet);
        }
    }

    fn event(
        &mut self,
        tid: u32,
        ts: u64,
        kind: Type,
        name: Option<&str>,
        args: Vec<DebugAnnotation>,
    ) {
        let mut event = TrackEvent::new();
        event.set_type(kind);
        event.set_track_uuid(thread_track(tid));
        if let Some(name) = name {
            event.set_name(name.to_string());
        }
        event.debug_annotations = args;
        let mut packet = TracePacket::new();
        packet.set_timestamp(ts);
        packet.set_track_event(event);
        self.write(packet);
    }

    /// One record from a traced process, as the collector read it.
    pub fn record(&mut self, record: u8, pid: u32, tid: u32, body: &[u8]) {
        match record {
            kind::EVENT | kind::JSON | kind::MESSAGE | kind::END | kind::PROCESS_END => {}
            _ => return,
        }
        if body.first() == Some(&b'{') {
            if let Ok(v) = serde_json::from_slice::<Value>(body) {
                self.json(pid, tid, &v);
            }
            return;
        }
        let text = String::from_utf8_lossy(body);
        if let Some(at) = text.find("--- ").or_else(|| text.find("+++ ")) {
            let message = text[at + 4..].trim_end_matches([' ', '-', '+']).trim_end();
            let name = message.split(' ').next().unwrap_or(message);
            let name = if text[at..].starts_with("---") { name } else { message };
            self.instant(pid, tid, name, message);
        }
    }

    /// The end of a task the collector learnt of from its wait status.
    pub fn ended(&mut self, pid: u32, message: &str) {
        let message = message.trim_start_matches("+++ ").trim_end_matches(" +++");
        self.instant(pid, pid, message, message);
    }

    fn instant(&mut self, pid: u32, tid: u32, name: &str, text: &str) {
        self.ensure_tracks(pid, tid);
        let args =
            if name == text { Vec::new() } else { vec![annotation("text", &Value::from(text))] };
        self.event(tid, monotonic_ns(), Type::TYPE_INSTANT, Some(name), args);
    }

    fn json(&mut self, pid: u32, tid: u32, v: &Value) {
        match v["type"].as_str() {
            Some("syscall") => self.call(pid, tid, v),
            Some("signal") => {
                let name = v["signal"].as_str().unwrap_or("signal");
                let text = v["siginfo"].as_str().unwrap_or(name);
                self.instant(pid, tid, name, text);
            }
            Some("exited") => {
                let name = format!("exited with {}", v["status"]);
                self.instant(pid, tid, &name, &name);
            }
            Some("killed") => {
                let name = format!("killed by {}", v["signal"].as_str().unwrap_or("?"));
                self.instant(pid, tid, &name, &name);
            }
            _ => {}
        }
    }

    /// A call: a slice from entry to exit, or an instant at entry for a
    /// call that does not return here.
    fn call(&mut self, pid: u32, tid: u32, v: &Value) {
        let name = v["syscall"].as_str().unwrap_or("?");
        let Some(ts) = v["mono_ns"].as_u64() else { return };
        self.ensure_tracks(pid, tid);
        let mut args: Vec<DebugAnnotation> = v["args"]
            .as_object()
            .map(|a| a.iter().map(|(k, v)| annotation(&format!("args.{k}"), v)).collect())
            .unwrap_or_default();
        for key in ["return", "errno", "error", "injected", "delayed"] {
            if !v[key].is_null() {
                args.push(annotation(key, &v[key]));
            }
        }
        match v["duration"].as_f64() {
            Some(seconds) => {
                let end = ts + (seconds * 1e9).round() as u64;
                self.event(tid, ts, Type::TYPE_SLICE_BEGIN, Some(name), args);
                self.event(tid, end, Type::TYPE_SLICE_END, None, Vec::new());
            }
            None => self.event(tid, ts, Type::TYPE_INSTANT, Some(name), args),
        }
        let exec = matches!(name, "execve" | "execveat") && v["return"].as_i64() == Some(0);
        if exec {
            if let Some(path) = v["args"]["pathname"].as_str().or(v["args"]["filename"].as_str()) {
                let command = path.rsplit('/').next().unwrap_or(path);
                if self.processes.get(&pid).map(String::as_str) != Some(command) {
                    self.describe_process(pid, command);
                }
            }
        }
    }

    pub fn finish(mut self) -> Option<io::Error> {
        if let Err(e) = self.out.flush() {
            self.error.get_or_insert(e);
        }
        self.error
    }
}

/// A JSON value of the trace as a debug annotation named `name`.
fn annotation(name: &str, v: &Value) -> DebugAnnotation {
    let mut a = DebugAnnotation::new();
    a.set_name(name.to_string());
    match v {
        Value::Bool(b) => a.set_bool_value(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => a.set_int_value(i),
            None => a.set_double_value(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => a.set_string_value(s.clone()),
        Value::Null => a.set_string_value("NULL".to_string()),
        other => a.set_string_value(other.to_string()),
    }
    a
}

/// The command name of thread `tid` of `pid`, while it lives.
fn comm(pid: u32, tid: u32) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/comm")).ok()?;
    Some(text.trim_end().to_string())
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}
