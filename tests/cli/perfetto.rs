//! `--perfetto FILE`: the timeline, decoded here with the same protos and
//! checked against the text trace of the same run: one slice (or, for a
//! call that does not return, one instant) per call line, on its thread's
//! track, under its process's track, named by its command; slices nest.
//!
//! trace_processor and ui.perfetto.dev are not run here (neither can be
//! fetched on this machine); the checks are what they rely on.

#[path = "../common/mod.rs"]
mod common;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use common::{Outcome, TempDir};
use perfetto_protos::trace::Trace;
use perfetto_protos::track_event::track_event::Type;
use protobuf::Message;

const LIMIT: Duration = Duration::from_secs(60);

/// One track event: timestamp, type, name, its annotations as `NAME=VALUE`.
type Event = (u64, Type, String, Vec<String>);

/// What a test reads off a timeline.
#[derive(Default, Debug)]
struct Timeline {
    /// Thread track uuid → (pid, tid, parent uuid).
    threads: HashMap<u64, (i32, i32, u64)>,
    /// Process track uuid → (pid, every name it was given, in order).
    processes: HashMap<u64, (i32, Vec<String>)>,
    /// Per thread track: (timestamp, type, name, annotation names) in file order.
    events: BTreeMap<u64, Vec<Event>>,
}

fn decode(path: &std::path::Path) -> Timeline {
    let bytes = std::fs::read(path).unwrap();
    let trace = Trace::parse_from_bytes(&bytes).expect("a Trace message");
    let mut t = Timeline::default();
    let mut clocks = 0;
    for p in &trace.packet {
        assert_eq!(p.trusted_packet_sequence_id(), 1);
        if p.has_clock_snapshot() {
            clocks += 1;
        }
        if p.has_track_descriptor() {
            let d = p.track_descriptor();
            if let Some(th) = d.thread.as_ref() {
                t.threads.insert(d.uuid(), (th.pid(), th.tid(), d.parent_uuid()));
            }
            if let Some(pr) = d.process.as_ref() {
                let e = t.processes.entry(d.uuid()).or_insert((pr.pid(), Vec::new()));
                e.1.push(pr.process_name().to_string());
            }
        }
        if p.has_track_event() {
            let e = p.track_event();
            assert_eq!(p.timestamp_clock_id(), 3, "events are on CLOCK_MONOTONIC");
            let names = e.debug_annotations.iter().map(annotation).collect();
            let kind = e.type_();
            t.events.entry(e.track_uuid()).or_default().push((
                p.timestamp(),
                kind,
                e.name().to_string(),
                names,
            ));
        }
    }
    assert_eq!(clocks, 1, "one clock snapshot");
    t
}

fn annotation(a: &perfetto_protos::debug_annotation::DebugAnnotation) -> String {
    let value = if a.has_int_value() {
        a.int_value().to_string()
    } else if a.has_bool_value() {
        a.bool_value().to_string()
    } else {
        a.string_value().to_string()
    };
    format!("{}={value}", a.name())
}

fn is_task_event(name: &str) -> bool {
    name.starts_with("SIG") || name.starts_with("exited with") || name.starts_with("killed by")
}

impl Timeline {
    /// Calls per tid: slices' and call instants' names, in order.
    fn calls(&self) -> BTreeMap<i32, Vec<String>> {
        let mut out: BTreeMap<i32, Vec<String>> = BTreeMap::new();
        for (uuid, events) in &self.events {
            let (_, tid, _) = self.threads[uuid];
            for (_, kind, name, _) in events {
                let call = *kind == Type::TYPE_SLICE_BEGIN
                    || (*kind == Type::TYPE_INSTANT && !is_task_event(name));
                if call {
                    out.entry(tid).or_default().push(name.clone());
                }
            }
        }
        out
    }

    /// Every slice ends after it begins, on its own track, and none
    /// overlaps another but by nesting inside it.
    fn assert_slices_nest(&self) {
        for (uuid, events) in &self.events {
            assert!(self.threads.contains_key(uuid), "an event on a thread's track");
            let mut open: Vec<u64> = Vec::new();
            let mut last = 0;
            for (ts, kind, name, _) in events.iter().filter(|e| e.1 != Type::TYPE_INSTANT) {
                assert!(*ts >= last, "slice events of a thread in time order: {name} at {ts}");
                last = *ts;
                match kind {
                    Type::TYPE_SLICE_BEGIN => open.push(*ts),
                    Type::TYPE_SLICE_END => {
                        let begin = open.pop().expect("an end closes an open slice");
                        assert!(*ts >= begin);
                    }
                    _ => {}
                }
            }
            assert!(open.is_empty(), "every slice of track {uuid:#x} ends");
        }
    }
}

/// Calls per tid of a `-f -o FILE` text trace (`PID  call(...`).
fn text_calls(text: &str) -> BTreeMap<i32, Vec<String>> {
    let mut out: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let (tid, rest) = line.split_once(' ').unwrap();
        let rest = rest.trim_start();
        if rest.starts_with("+++") || rest.starts_with("---") || rest.starts_with("<...") {
            continue;
        }
        if rest.starts_with("selftrace:") {
            continue;
        }
        let name = rest.split('(').next().unwrap();
        out.entry(tid.parse().unwrap()).or_default().push(name.to_string());
    }
    out
}

/// `selftrace -f --perfetto T -o TXT ARGS...`: the timeline and the text.
fn traced(dir: &TempDir, tag: &str, extra: &[&str], args: &[&str]) -> (Timeline, String) {
    let (pf, txt) = (dir.path(&format!("{tag}.pftrace")), dir.path(&format!("{tag}.txt")));
    let mut cmd = common::selftrace_command();
    cmd.args(["-f", "--perfetto"]).arg(&pf).arg("-o").arg(&txt).args(extra).arg("--").args(args);
    let run = common::run(cmd, &dir.0, tag, LIMIT);
    assert_eq!(run.code(), Some(0), "{tag}: {}", run.describe());
    (decode(&pf), std::fs::read_to_string(&txt).unwrap())
}

#[test]
fn a_pipeline_has_one_slice_per_call_on_its_threads_track_under_its_named_process() {
    let dir = TempDir::new("perfetto");
    let (t, text) = traced(&dir, "pipeline", &[], &["sh", "-c", "ls / | wc -l; sleep 0.01 & wait"]);
    t.assert_slices_nest();
    assert_eq!(t.calls(), text_calls(&text), "calls per thread, timeline against text:\n{text}");
    // Every thread's track hangs under its process's.
    for (pid, _, parent) in t.threads.values() {
        let (owner, _) = &t.processes[parent];
        assert_eq!(owner, pid);
    }
    let names: Vec<&str> =
        t.processes.values().filter_map(|(_, n)| n.last().map(String::as_str)).collect();
    for command in ["sh", "ls", "wc", "sleep"] {
        assert!(names.contains(&command), "a process named {command}: {names:?}");
    }
    // Arguments, result and errno as annotations.
    let all = t.events.values().flatten();
    let openat = all
        .clone()
        .find(|e| e.2 == "openat" && e.1 == Type::TYPE_SLICE_BEGIN)
        .expect("an openat slice");
    for a in ["args.dirfd=AT_FDCWD", "args.pathname=", "args.flags=O_RDONLY", "return="] {
        assert!(openat.3.iter().any(|n| n.starts_with(a)), "openat has {a}: {:?}", openat.3);
    }
    // The same call in both: the first openat's path and result.
    let first = text.lines().find(|l| l.contains("openat(")).unwrap();
    let path = first.split('"').nth(1).unwrap();
    let result = first.rsplit("= ").next().unwrap().split(' ').next().unwrap();
    let (path, result) = (format!("args.pathname={path}"), format!("return={result}"));
    assert!(
        all.clone().any(|e| e.2 == "openat" && e.3.contains(&path) && e.3.contains(&result)),
        "a slice for {first}"
    );
    assert!(
        all.clone().any(|e| e.3.iter().any(|n| n.starts_with("errno=E"))),
        "a failed call carries its errno"
    );
    assert!(all.clone().any(|e| e.2 == "SIGCHLD"), "the SIGCHLD the shell got");
    assert!(all.clone().any(|e| e.2 == "exited with 0"), "ends of tasks");
}

#[test]
fn threads_of_one_process_get_a_track_each() {
    let python = common::python();
    let script = "import threading\n\
                  def work():\n    open('/etc/hostname').read()\n\
                  ts = [threading.Thread(target=work) for _ in range(3)]\n\
                  [t.start() for t in ts]\n[t.join() for t in ts]";
    let dir = TempDir::new("perfetto");
    let (t, text) =
        traced(&dir, "threads", &["-e", "trace=openat,read"], &[python, "-S", "-c", script]);
    t.assert_slices_nest();
    assert_eq!(t.calls(), text_calls(&text), "calls per thread:\n{text}");
    let pids: std::collections::BTreeSet<i32> = t.threads.values().map(|v| v.0).collect();
    assert_eq!(pids.len(), 1, "one process: {:?}", t.threads);
    let hostname_readers =
        t.events.iter().filter(|(_, ev)| ev.iter().any(|e| e.2 == "openat")).count();
    assert!(hostname_readers >= 4, "the main thread and three workers: {:?}", t.threads);
    assert_eq!(t.processes.len(), 1);
}

#[test]
fn json_and_perfetto_together_carry_the_same_calls() {
    let dir = TempDir::new("perfetto");
    let (t, text) =
        traced(&dir, "json", &["--json"], &["sh", "-c", "cat /etc/hostname >/dev/null"]);
    t.assert_slices_nest();
    let calls = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "syscall")
        .count();
    assert!(calls > 10);
    assert_eq!(t.calls().values().map(Vec::len).sum::<usize>(), calls);
    let every_call_is_timed = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "syscall")
        .all(|v| v["mono_ns"].as_u64().is_some_and(|n| n > 0));
    assert!(every_call_is_timed, "--json lines carry mono_ns:\n{text}");
}

#[test]
fn perfetto_refuses_what_it_cannot_do_in_one_line() {
    let run = Outcome::of(common::selftrace_command().args([
        "-c",
        "--perfetto",
        "/tmp/x.pftrace",
        "--",
        "true",
    ]));
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.describe());
    let run = Outcome::of(common::selftrace_command().args([
        "--perfetto",
        "/nonexistent/t.pftrace",
        "--",
        "true",
    ]));
    assert_eq!(run.code(), Some(1), "{}", run.describe());
    assert_eq!(
        run.stderr.trim(),
        "selftrace: cannot create '/nonexistent/t.pftrace': No such file or directory"
    );
}
