//! The tracing hook: one line (or JSON object, or `-c` count) per call.

use std::cell::Cell;
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};

use crate::config::{Config, Format, Summary, Timestamps};
use crate::decode::{self, Context};
use crate::out::Out;
use crate::sink::{self, kind, MAX_RECORD};
use crate::summary::{self, SortBy, COUNTERS};
use selftrace::hook::{Action, Hook};
use selftrace::info::{Abi, SyscallInfo};
use selftrace::thread::ThreadLocal;
use selftrace::Sysno;

/// Without `-f`: the only thread traced (the process's first thread).
static ROOT_TID: AtomicU32 = AtomicU32::new(0);
/// Local time's offset from UTC in seconds, for `-t` and `-tt`.
static UTC_OFFSET: AtomicI64 = AtomicI64::new(0);
/// Entry time (ns since the epoch) of the process's previous call, for `-r`.
static LAST_ENTRY: AtomicU64 = AtomicU64::new(0);

/// What a call's entry leaves for its exit: its entry time, wall clock and
/// monotonic, keyed by the caller's tid and the call's stack pointer. The
/// key tells the exit whether the times are its own: a task sharing this
/// thread's storage (a vfork child, `CLONE_VM` without `CLONE_SETTLS`) may
/// have written here meanwhile. (The caller's ids travel in the call's
/// `SyscallInfo`, which is never shared.)
#[derive(Clone, Copy)]
struct EntryTime {
    tid: u32,
    sp: u64,
    wall: u64,
    mono: u64,
}

/// Calls nested in one thread kept apart (a signal handler's call inside
/// the call it interrupted, and so on); deeper ones share the last.
const NESTING: usize = 4;

// SAFETY: integers only.
unsafe impl selftrace::thread::Zeroed for EntryTime {}

static ENTRIES: ThreadLocal<[Cell<EntryTime>; NESTING]> = ThreadLocal::new();
/// Whether this task told the collector it exists (reset in a forked
/// child, whose only thread is a new task).
static ANNOUNCED: ThreadLocal<Cell<bool>> = ThreadLocal::new();
/// Where a `wait4` the program made with a NULL status pointer has the
/// kernel store the status instead (per nesting level, as [`ENTRIES`]):
/// the end line of the child it reaps needs it.
static WAIT_STATUS: ThreadLocal<[Cell<i32>; NESTING]> = ThreadLocal::new();

fn nesting_slot() -> usize {
    (selftrace::thread::trap_depth().max(1) as usize - 1).min(NESTING - 1)
}

/// Note that the call of task `tid` with stack pointer `sp` starts now.
fn record_entry(tid: u32, sp: u64, (wall, mono): (u64, u64)) {
    let _ = ENTRIES.with(|e| e[nesting_slot()].set(EntryTime { tid, sp, wall, mono }));
}

/// The entry time of that call, if nothing overwrote it.
fn entry_of(tid: u32, sp: u64) -> Option<(u64, u64)> {
    let e = ENTRIES.with(|e| e[nesting_slot()].get())?;
    (e.tid == tid && e.sp == sp).then_some((e.wall, e.mono))
}

/// Tell the collector about the calling task once, so `[pid N]` prefixes
/// start as soon as a second task exists, whatever calls are shown.
pub fn announce() {
    if !sink::is_collector() || ANNOUNCED.with(|a| a.replace(true)).unwrap_or(true) {
        return;
    }
    let mut buf = [0u8; 64];
    let mut o = Out::new(&mut buf);
    sink::begin(&mut o, kind::TASK, selftrace::raw::getpid(), selftrace::raw::gettid());
    o.byte(b'\n');
    sink::write(o.as_bytes());
}

/// The hook behind `selftrace` and the preload's `SELFTRACE_TRACE`.
pub struct Tracer {
    config: Config,
    context: Context,
    sort: SortBy,
    injector: Option<crate::inject::Injector>,
}

impl Tracer {
    /// A tracer for `config`; `root_tid` is the thread traced without `-f`.
    pub fn new(config: Config, sort: SortBy, root_tid: u32) -> Tracer {
        ROOT_TID.store(root_tid, Ordering::Relaxed);
        prepare_clock();
        crate::errno::prepare();
        crate::out::set_string_style(config.strings_in_hex);
        let context = Context { string_limit: config.string_limit, fd_paths: config.fd_paths };
        let injector = config.injector();
        Tracer { config, context, sort, injector }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every call the tracer must hook: those shown and those injected.
    pub fn calls(&self) -> crate::select::Selection {
        let mut set = self.config.trace;
        if let Some(inj) = &self.injector {
            for s in inj.calls().iter() {
                set.insert(s);
            }
        }
        set
    }

    /// The injector's rules the kernel is to enforce, on `builder`.
    pub fn deny_in_kernel(&self, builder: selftrace::Builder) -> selftrace::Builder {
        match &self.injector {
            Some(inj) => inj.deny_in_kernel(builder),
            None => builder,
        }
    }

    /// Whether the calling thread is traced.
    fn active(&self) -> bool {
        self.active_tid(selftrace::raw::gettid())
    }

    fn active_tid(&self, tid: u32) -> bool {
        self.config.follow || tid == ROOT_TID.load(Ordering::Relaxed)
    }

    /// The caller's `(pid, tid)`: the pid only where a line carries it
    /// (the collector's records, JSON), saving a syscall. Read once per
    /// call, at entry, and kept in the call's info for its exit.
    fn ids(&self, info: &mut SyscallInfo) -> (u32, u32) {
        let tid = info.tid();
        let pid = if sink::is_collector() || self.config.format == Format::Json {
            info.pid()
        } else {
            tid
        };
        (pid, tid)
    }

    fn shows(&self, info: &SyscallInfo) -> bool {
        match info.abi {
            Abi::I386 => self.config.trace.is_all(),
            _ => self.config.trace.contains_nr(info.nr & !(selftrace::info::X32_SYSCALL_BIT)),
        }
    }

    /// Whether `-c` counts this call (x86_64 numbering only).
    fn counts(&self, info: &SyscallInfo) -> bool {
        self.config.summary != Summary::Off && info.abi != Abi::I386 && self.shows(info)
    }

    /// Whether this process reports the end of the children it reaps:
    /// with `-f`, every traced task gets its `+++ ... +++` line, also
    /// one its traced parent reaps (the CLI never sees that one).
    pub fn reports_reaped(&self) -> bool {
        self.config.follow && self.config.prints_calls()
    }

    /// A `wait4` with a NULL status pointer gets one of ours, for the
    /// status of the child it reaps (put back to NULL at exit).
    fn lend_wait_status(&self, info: &mut SyscallInfo) {
        if self.reports_reaped() && info.is(Sysno::wait4) && info.args[1] == 0 {
            if let Some(p) = WAIT_STATUS.with(|s| s[nesting_slot()].as_ptr() as u64) {
                info.args[1] = p;
            }
        }
    }

    /// At the exit of a `wait4`/`waitid` that reaped a child: its end for
    /// the trace. The collector prints it unless the child's own end
    /// (`exit_group`) came first; the preload alone prints deaths by
    /// signal (an exit the child printed itself).
    fn report_reaped(&self, info: &mut SyscallInfo) {
        let lent = WAIT_STATUS.with(|s| s[nesting_slot()].as_ptr() as u64);
        let borrowed = info.is(Sysno::wait4) && lent.is_some_and(|p| p == info.args[1]);
        let reaped = reaped_child(info);
        if borrowed {
            info.args[1] = 0;
        }
        let Some((pid, status)) = reaped else { return };
        let mut buf = [0u8; 128];
        let mut o = Out::new(&mut buf);
        if sink::is_collector() {
            sink::header(&mut o, kind::REAPED, pid, pid);
            o.dec(status as i64);
            o.byte(b'\n');
            return sink::write(o.as_bytes());
        }
        if !libc::WIFSIGNALED(status) || self.config.format == Format::Json {
            return;
        }
        sink::begin(&mut o, kind::MESSAGE, pid, pid);
        self.timestamp(&mut o, now().0);
        o.str("+++ killed by ");
        decode::write_signal(&mut o, libc::WTERMSIG(status));
        o.str(if libc::WCOREDUMP(status) { " (core dumped) +++" } else { " +++" });
        emit(&mut o);
    }

    /// The line `execve(...) = 0` a new program image prints for the call
    /// that started it: the old image never sees its execve succeed.
    pub fn exec_line(&self) {
        let c = &self.config;
        if !self.active()
            || !c.trace.contains(Sysno::execve)
            || !c.prints_calls()
            || !c.status.successful
        {
            return;
        }
        let (wall, mono) = now();
        let (pid, tid) = (selftrace::raw::getpid(), selftrace::raw::gettid());
        let json = self.config.format == Format::Json;
        if json || (self.config.events && sink::is_collector()) {
            exec_json(if json { kind::JSON } else { kind::EVENT }, (pid, tid), (wall, mono));
            if json {
                return;
            }
        }
        let mut buf = [0u8; MAX_RECORD];
        let mut o = Out::new(&mut buf);
        sink::begin(&mut o, kind::CALL, pid, tid);
        let line_start = if sink::is_collector() { o.len() } else { 0 };
        self.timestamp(&mut o, wall);
        o.str("execve(");
        exec_args(&mut o, self.context.string_limit);
        o.byte(b')');
        sink::result_separator(&mut o, line_start, self.config.result_column);
        o.byte(b'0');
        emit(&mut o);
    }

    /// `now()` where lines or counts use the time (timestamps, `-T`, `-c`,
    /// JSON); zeros otherwise, saving the clock reads.
    fn clock(&self) -> (u64, u64) {
        let c = &self.config;
        let needed = c.timestamps != Timestamps::None
            || c.durations
            || c.summary != Summary::Off
            || c.format == Format::Json
            || c.events;
        if needed {
            now()
        } else {
            (0, 0)
        }
    }

    fn timestamp(&self, o: &mut Out, wall_ns: u64) {
        write_timestamp(o, self.config.timestamps, wall_ns);
    }

    /// Write the line of a call; `finished` is false for calls that do
    /// not return (printed at entry with `= ?`).
    /// `(pid, tid)` of the caller, `(wall, mono)` of the call's entry.
    /// `resumed`: the collector printed the call's `<unfinished ...>`
    /// line, so this is its `<... NAME resumed>` line.
    fn line(
        &self,
        info: &SyscallInfo,
        finished: bool,
        resumed: bool,
        (pid, tid): (u32, u32),
        (wall, mono): (u64, u64),
    ) {
        let json = self.config.format == Format::Json;
        let events = self.config.events && sink::is_collector();
        let timed = self.config.durations || json || events;
        let duration = (finished && timed).then(|| now().1.saturating_sub(mono));
        let marks = if finished { crate::inject::take_marks() } else { Default::default() };
        let facts = crate::json::CallFacts {
            pid,
            tid,
            time: (wall / 1_000_000_000, (wall / 1000 % 1_000_000) as u32),
            mono_ns: mono,
            duration_ns: duration,
            name: call_name(info).0,
            abi: abi_name(info.abi),
        };
        if json {
            return self.json_line(&facts, info, finished, marks);
        }
        let mut buf = [0u8; MAX_RECORD];
        let mut o = Out::new(&mut buf);
        let name = call_name(info);
        sink::begin(&mut o, kind::CALL, pid, tid);
        let line_start = if sink::is_collector() { o.len() } else { 0 };
        self.timestamp(&mut o, wall);
        self.call_prefix(&mut o, Some(info));
        let name_at = o.len();
        o.str(name.0);
        if let Some(nr) = name.1 {
            o.str("syscall_");
            o.hex(nr);
        }
        let name_end = o.len();
        o.byte(b'(');
        let rendered = decode::render(&mut o, info, self.context);
        let args_end = o.len();
        o.byte(b')');
        sink::result_separator(&mut o, line_start, self.config.result_column);
        if finished {
            decode::write_return(&mut o, info, &rendered, &self.context);
            if marks.injected {
                o.str(" (INJECTED)");
            }
            if marks.delayed {
                o.str(" (DELAYED)");
            }
        } else {
            o.byte(b'?');
        }
        if let (true, Some(d)) = (self.config.durations, duration) {
            use core::fmt::Write;
            let _ = write!(o, " <{}.{:06}>", d / 1_000_000_000, d / 1000 % 1_000_000);
        }
        // The timeline's event reuses the line's rendering of the
        // arguments (`rendered` points into `o`).
        let mut event_buf = [0u8; MAX_RECORD];
        let mut event = Out::new(&mut event_buf);
        if events {
            sink::begin(&mut event, kind::EVENT, pid, tid);
            crate::json::call(&mut event, &facts, info, &rendered, o.as_bytes(), finished, marks);
            terminate(&mut event);
        }
        if resumed {
            if events {
                sink::write(event.as_bytes());
            }
            let first = crate::inflight::first_exit_arg(info);
            let cut = crate::inflight::exit_part_start(&rendered, first, args_end);
            return self.resumed_line(o.as_bytes(), line_start, (name_at, name_end), cut);
        }
        terminate(&mut o);
        sink::write_pair(event.as_bytes(), o.as_bytes());
    }

    /// `-n` and `-i`: `[ NR] [IP] ` before a line, as strace writes them;
    /// lines that are not calls (`None`) get `[????????????????] ` for `-i`.
    fn call_prefix(&self, o: &mut Out, info: Option<&SyscallInfo>) {
        use core::fmt::Write;
        if let (true, Some(info)) = (self.config.syscall_numbers, info) {
            let _ = write!(o, "[{:4}] ", info.nr & !selftrace::info::X32_SYSCALL_BIT);
        }
        if self.config.instruction_pointers {
            match info {
                Some(info) => {
                    let _ = write!(o, "[{:016x}] ", info.instruction_pointer);
                }
                None => o.str("[????????????????] "),
            }
        }
    }

    /// A call as the JSON object of `--json`.
    fn json_line(
        &self,
        facts: &crate::json::CallFacts,
        info: &SyscallInfo,
        finished: bool,
        marks: crate::inject::Marks,
    ) {
        let mut buf = [0u8; MAX_RECORD];
        let mut o = Out::new(&mut buf);
        if sink::is_collector() {
            sink::begin(&mut o, kind::JSON, facts.pid, facts.tid);
        }
        // The strace text is rendered first, into a scratch buffer, to
        // give each argument its text and kind.
        let mut scratch = [0u8; MAX_RECORD];
        let mut s = Out::new(&mut scratch);
        let rendered = decode::render(&mut s, info, self.context);
        crate::json::call(&mut o, facts, info, &rendered, s.as_bytes(), finished, marks);
        emit(&mut o);
    }

    /// `<... NAME resumed>` and the exit part of the call's `record`
    /// (from byte `cut`), after the record's header (`line_start` bytes)
    /// and the exit's timestamp. `name` is where the record has the name.
    #[cold]
    fn resumed_line(&self, record: &[u8], line_start: usize, name: (usize, usize), cut: usize) {
        let mut buf = [0u8; MAX_RECORD];
        let mut o = Out::new(&mut buf);
        o.bytes(&record[..line_start]);
        if self.config.timestamps != Timestamps::None {
            self.timestamp(&mut o, now().0);
        }
        o.str("<... ");
        o.bytes(&record[name.0..name.1]);
        o.str(" resumed>");
        o.bytes(&record[cut.min(record.len())..]);
        emit(&mut o);
    }

    /// `+++ exited with N +++` for a thread (`exit`) or the whole process
    /// (`exit_group`) that is leaving.
    /// The whole process's line is its leader's, as strace shows it, also
    /// when another thread called `exit_group` (Go, the JVM).
    fn exit_message(&self, status: i64, whole_process: bool, (pid, tid): (u32, u32)) {
        let end = if whole_process { kind::PROCESS_END } else { kind::END };
        let tid = if whole_process { pid } else { tid };
        // The collector needs the record to know the task ended; it leaves
        // the line out for -qq.
        if self.config.quiet_exit && !sink::is_collector() {
            return;
        }
        let mut buf = [0u8; 256];
        let mut o = Out::new(&mut buf);
        if self.config.format == Format::Json {
            if sink::is_collector() {
                sink::begin(&mut o, end, pid, tid);
            }
            crate::json::event(&mut o, "exited", pid, tid, "status", status & 0xff);
        } else {
            sink::begin(&mut o, end, pid, tid);
            self.timestamp(&mut o, now().0);
            use core::fmt::Write;
            // -n shows the number of the task's last call, -i no address.
            if self.config.syscall_numbers {
                let nr = if whole_process { Sysno::exit_group } else { Sysno::exit };
                let _ = write!(o, "[{:4}] ", nr.id());
            }
            self.call_prefix(&mut o, None);
            let _ = write!(o, "+++ exited with {} +++", status & 0xff);
        }
        emit(&mut o);
    }

    /// Say so before exec'ing a program that will run untraced or without
    /// its privileges (the latter once per process).
    fn exec_notes(&self, info: &SyscallInfo, ids: (u32, u32)) {
        static SET_ID_NOTED: std::sync::atomic::AtomicBool =
            std::sync::atomic::AtomicBool::new(false);
        let mut path = [0u8; 4096];
        let (facts, n) = crate::notes::exec_facts(info, &mut path);
        use crate::notes::{DEBUGGED_NOTE, FOREIGN_LOADER_NOTE, STATIC_NOTE};
        let untraced = if selftrace::exec::traceme_pending() {
            Some(DEBUGGED_NOTE)
        } else if facts.statically_linked {
            Some(STATIC_NOTE)
        } else if facts.foreign_loader && self.config().follow {
            Some(FOREIGN_LOADER_NOTE)
        } else {
            None
        };
        if let Some(note) = untraced {
            self.note(&[&path[..n], note.as_bytes()], ids);
        }
        if facts.set_id && !SET_ID_NOTED.swap(true, Ordering::Relaxed) {
            let text = b" is set-user-ID or set-group-ID: it runs without gaining privileges (no_new_privs)";
            self.note(&[&path[..n], text], ids);
        }
    }

    /// A `selftrace: ...` line about the tracer itself, in the trace.
    fn note(&self, parts: &[&[u8]], (pid, tid): (u32, u32)) {
        let mut buf = [0u8; 1024];
        let mut o = Out::new(&mut buf);
        let json = self.config.format == Format::Json;
        if !json || sink::is_collector() {
            sink::begin(&mut o, if json { kind::JSON } else { kind::MESSAGE }, pid, tid);
        }
        crate::notes::write_note(&mut o, json, (pid, tid), parts);
        emit(&mut o);
    }

    /// Hand this process's `-c` counts over: rows to the collector, or the
    /// table straight into the trace.
    fn flush_summary(&self) {
        if self.config.summary == Summary::Off || summary::is_shared() {
            return;
        }
        if sink::is_collector() {
            let (pid, tid) = (selftrace::raw::getpid(), selftrace::raw::gettid());
            for nr in 0..selftrace::info::TABLE_SIZE {
                let mut buf = [0u8; MAX_RECORD];
                let mut o = Out::new(&mut buf);
                sink::begin(&mut o, kind::SUMMARY, pid, tid);
                if summary::write_record(&mut o, &COUNTERS, nr) {
                    sink::write(o.as_bytes());
                }
            }
            COUNTERS.reset();
        } else {
            crate::summary::write_own(self.sort, &self.config.columns, sink::write);
        }
    }
}

static WATCHING: std::sync::OnceLock<std::sync::Arc<Tracer>> = std::sync::OnceLock::new();

/// Print `--- SIGX {...} ---` for signals delivered to the program's
/// handlers from now on. (Signals with no handler, or ignored, are not
/// seen from inside the process.)
pub fn watch_signals(tracer: &std::sync::Arc<Tracer>) {
    if WATCHING.set(tracer.clone()).is_ok() {
        selftrace::signals::observe_deliveries(on_signal);
    }
}

fn on_signal(signo: libc::c_int, si: &libc::siginfo_t) {
    let Some(t) = WATCHING.get() else { return };
    if !t.active() || !t.config.prints_calls() || !t.config.shows_signal(signo) {
        return;
    }
    let (pid, tid) = (selftrace::raw::getpid(), selftrace::raw::gettid());
    let mut buf = [0u8; 512];
    let mut o = Out::new(&mut buf);
    if t.config.format == Format::Json {
        if sink::is_collector() {
            sink::begin(&mut o, kind::JSON, pid, tid);
        }
        let _ = core::fmt::Write::write_fmt(
            &mut o,
            format_args!("{{\"type\":\"signal\",\"pid\":{pid},\"tid\":{tid},\"signal\":\""),
        );
        decode::write_signal(&mut o, signo);
        o.str("\",\"siginfo\":");
        let mut text = [0u8; 256];
        let mut t = Out::new(&mut text);
        decode::write_siginfo(&mut t, si);
        crate::json::string(&mut o, t.as_bytes());
        o.str("}\n");
    } else {
        sink::begin(&mut o, kind::MESSAGE, pid, tid);
        t.timestamp(&mut o, now().0);
        o.str("--- ");
        decode::write_signal(&mut o, signo);
        o.byte(b' ');
        decode::write_siginfo(&mut o, si);
        o.str(" ---");
    }
    emit(&mut o);
}

/// Learn local time's offset from UTC (for `-t`), at startup.
pub fn prepare_clock() {
    UTC_OFFSET.store(utc_offset(), Ordering::Relaxed);
}

/// strace's timestamp prefix for `mode`, for an event at `wall_ns`
/// (nanoseconds since the epoch), followed by a space.
pub fn write_timestamp(o: &mut Out, mode: Timestamps, wall_ns: u64) {
    use core::fmt::Write;
    let (secs, micros) = (wall_ns / 1_000_000_000, wall_ns / 1000 % 1_000_000);
    match mode {
        Timestamps::None => {}
        Timestamps::Seconds | Timestamps::Micros => {
            let local =
                (secs as i64 + UTC_OFFSET.load(Ordering::Relaxed)).rem_euclid(86_400) as u64;
            let _ = write!(o, "{:02}:{:02}:{:02}", local / 3600, local / 60 % 60, local % 60);
            if mode == Timestamps::Micros {
                let _ = write!(o, ".{micros:06}");
            }
            o.byte(b' ');
        }
        Timestamps::Epoch => {
            let _ = write!(o, "{secs}.{micros:06} ");
        }
        Timestamps::Relative => {
            let last = LAST_ENTRY.swap(wall_ns, Ordering::Relaxed);
            let d = if last == 0 { 0 } else { wall_ns.saturating_sub(last) };
            let _ = write!(o, "{:6}.{:06} ", d / 1_000_000_000, d / 1000 % 1_000_000);
        }
    }
}

/// Now, in nanoseconds since the epoch.
pub fn wall_clock_ns() -> u64 {
    now().0
}

/// Finish a record: cut to fit with its newline kept, then one write.
/// The JSON object of the `execve` that started this image.
fn exec_json(record: u8, (pid, tid): (u32, u32), (wall, mono): (u64, u64)) {
    let mut buf = [0u8; MAX_RECORD];
    let mut o = Out::new(&mut buf);
    if sink::is_collector() {
        sink::begin(&mut o, record, pid, tid);
    }
    let _ = std::fmt::Write::write_fmt(
        &mut o,
        format_args!(
            "{{\"type\":\"syscall\",\"pid\":{pid},\"tid\":{tid},\"time\":{}.{:06},\"mono_ns\":{mono},\"syscall\":\"execve\",\"args\":{{\"pathname\":",
            wall / 1_000_000_000,
            wall / 1000 % 1_000_000
        ),
    );
    crate::json::data(&mut o, &exec_path());
    o.str(",\"argv\":[");
    for (i, a) in std::env::args_os().enumerate() {
        if i > 0 {
            o.byte(b',');
        }
        crate::json::data(&mut o, std::os::unix::ffi::OsStrExt::as_bytes(a.as_os_str()));
    }
    o.str("]},\"return\":0}\n");
    emit(&mut o);
}

fn emit(o: &mut Out) {
    terminate(o);
    sink::write(o.as_bytes());
}

/// End a record with its newline, cutting it to fit.
fn terminate(o: &mut Out) {
    if o.as_bytes().last() != Some(&b'\n') {
        if o.is_full() {
            o.truncate(MAX_RECORD - 1);
        }
        o.byte(b'\n');
    }
}

impl Hook for Tracer {
    fn enter(&self, info: &mut SyscallInfo) -> Action {
        let ids = self.ids(info);
        if !self.active_tid(ids.1) {
            return Action::Run;
        }
        announce();
        let entry = self.clock();
        record_entry(ids.1, info.stack_pointer, entry);
        if self.context.fd_paths && info.is(Sysno::close) && self.shows(info) {
            decode::remember_fd_path(info.args[0] as i32);
        }
        if self.shows(info) {
            crate::inflight::enter(info, ids, entry.0, self.context);
        }
        let leaving = info.is(Sysno::exit_group) || info.is(Sysno::exit);
        if leaving {
            crate::inflight::release(ids.1);
            if self.config.prints_calls() && self.shows(info) && self.config.status.unfinished {
                self.line(info, false, false, ids, entry);
            }
            if info.is(Sysno::exit_group) {
                self.flush_summary();
            }
            if self.config.prints_calls() {
                self.exit_message(info.args[0] as i64, info.is(Sysno::exit_group), ids);
            }
        } else if info.is(Sysno::execve) || info.is(Sysno::execveat) {
            // A successful exec never returns to this image: count the
            // call now, and only the outcome of a failed one at its exit.
            if self.counts(info) {
                summary::counters().count_call(info.nr);
            }
            if !self.config.quiet && self.config.prints_calls() {
                self.exec_notes(info, ids);
            }
            // The new image cannot see our counts: hand them over now.
            if sink::is_collector() {
                self.flush_summary();
            }
        } else {
            self.lend_wait_status(info);
        }
        match &self.injector {
            Some(inj) => inj.enter(info),
            None => Action::Run,
        }
    }

    fn exit(&self, info: &mut SyscallInfo) {
        let ids = self.ids(info);
        if !self.active_tid(ids.1) {
            return;
        }
        // A task sharing this thread's storage may have overwritten the
        // entry time meanwhile: the call then shows no time spent.
        let entry = entry_of(ids.1, info.stack_pointer).unwrap_or_else(|| self.clock());
        let ending = crate::inflight::exit(info, ids.1);
        if let Some(inj) = &self.injector {
            inj.exit(info);
        }
        // Without -f children are not traced, and their ends not shown.
        if (info.is(Sysno::wait4) || info.is(Sysno::waitid)) && self.reports_reaped() {
            self.report_reaped(info);
        }
        if !self.shows(info) {
            crate::inject::take_marks();
            return;
        }
        let failed = info.is_error();
        if self.counts(info) {
            let nr = info.nr & !(selftrace::info::X32_SYSCALL_BIT);
            let nanos = now().1.saturating_sub(entry.1);
            if info.is(Sysno::execve) || info.is(Sysno::execveat) {
                summary::counters().add_outcome(nr, failed, nanos);
            } else {
                summary::counters().add(nr, failed, nanos);
            }
        }
        let shown = self.config.prints_calls() && self.config.status.shows(failed);
        if shown && ending != crate::inflight::Ending::Ended {
            self.line(info, true, ending == crate::inflight::Ending::Resumed, ids, entry);
        }
        decode::forget_fd_path();
    }
}

/// The child a `wait4`/`waitid` at its exit reaped, with its wait status
/// (`waitid`'s `siginfo_t` put as `wait4` would have it): none for a
/// child only stopped or continued, left unreaped (`WNOWAIT`), or not
/// there yet (`WNOHANG`).
fn reaped_child(info: &SyscallInfo) -> Option<(u32, i32)> {
    if info.is(Sysno::wait4) {
        if info.rval <= 0 || info.args[1] == 0 {
            return None;
        }
        let status = decode::read_struct::<i32>(info.args[1])?;
        let ended = libc::WIFEXITED(status) || libc::WIFSIGNALED(status);
        return ended.then_some((info.rval as u32, status));
    }
    if info.rval != 0 || info.args[2] == 0 || info.args[3] & libc::WNOWAIT as u64 != 0 {
        return None;
    }
    // siginfo_t's first 28 bytes: si_signo, si_errno, si_code, padding,
    // si_pid, si_uid, si_status.
    let si = decode::read_struct::<[i32; 7]>(info.args[2])?;
    let (code, pid, value) = (si[2], si[4], si[6]);
    let status = match code {
        libc::CLD_EXITED => (value & 0xff) << 8,
        libc::CLD_KILLED => value & 0x7f,
        libc::CLD_DUMPED => (value & 0x7f) | 0x80,
        _ => return None,
    };
    (pid > 0).then_some((pid as u32, status))
}

/// The name to print, or (empty, number) for `syscall_0x1c8`.
fn call_name(info: &SyscallInfo) -> (&'static str, Option<u64>) {
    match info.name() {
        Some(n) => (n, None),
        None => ("", Some(info.nr)),
    }
}

fn abi_name(abi: Abi) -> &'static str {
    match abi {
        Abi::X86_64 => "x86_64",
        Abi::I386 => "i386",
        Abi::X32 => "x32",
    }
}

/// `(realtime, monotonic)` in nanoseconds: from the vDSO through libc
/// (no trap), or through the gate in a thread whose `%fs` is not libc's.
fn now() -> (u64, u64) {
    let through_libc = selftrace::thread::libc_usable();
    let read = |clock| {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        if through_libc {
            // SAFETY: clock_gettime writes the timespec it is given; it is
            // async-signal-safe and answered by the vDSO.
            unsafe { libc::clock_gettime(clock, &mut ts) };
        } else {
            // SAFETY: as above, made through the gate.
            let _ = unsafe {
                selftrace::raw::syscall(Sysno::clock_gettime, &[clock as u64, &raw mut ts as u64])
            };
        }
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    };
    (read(libc::CLOCK_REALTIME), read(libc::CLOCK_MONOTONIC))
}

fn utc_offset() -> i64 {
    // SAFETY: time and localtime_r with valid pointers; run at install.
    unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return 0;
        }
        tm.tm_gmtoff
    }
}

/// The arguments of the execve that started this image, as far as the
/// image can know them: the path it was started by (`AT_EXECFN`), its
/// argv, and its environment's address and size.
fn exec_args(o: &mut Out, limit: usize) {
    o.quoted(&exec_path(), false);
    o.str(", [");
    for (i, a) in std::env::args_os().enumerate() {
        if i > 0 {
            o.str(", ");
        }
        let b = std::os::unix::ffi::OsStrExt::as_bytes(a.as_os_str());
        o.quoted(&b[..b.len().min(limit)], b.len() > limit);
    }
    o.str("], ");
    extern "C" {
        static environ: *const *const libc::c_char;
    }
    // SAFETY: environ is the C library's environment array, NULL-terminated.
    let (env, count) = unsafe {
        let mut n = 0;
        while !(*environ.add(n)).is_null() {
            n += 1;
        }
        (environ as u64, n)
    };
    o.hex(env);
    use core::fmt::Write;
    let _ = write!(o, " /* {count} vars */");
}

/// The path this image was exec'd by, as the kernel recorded it.
fn exec_path() -> Vec<u8> {
    // SAFETY: getauxval reads the auxiliary vector; AT_EXECFN points at a
    // NUL-terminated string on the initial stack.
    let execfn = unsafe { libc::getauxval(libc::AT_EXECFN) };
    if execfn == 0 {
        return Vec::new();
    }
    // SAFETY: as above.
    unsafe { std::ffi::CStr::from_ptr(execfn as *const libc::c_char) }.to_bytes().to_vec()
}

/// Forget counts inherited from the parent: a forked child reports its own.
pub extern "C" fn after_fork_in_child() {
    let _ = ANNOUNCED.with(|a| a.set(false));
    if let Some(inj) = WATCHING.get().and_then(|t| t.injector.as_ref()) {
        inj.reset_counts();
    }
    COUNTERS.reset();
    LAST_ENTRY.store(0, Ordering::Relaxed);
}
