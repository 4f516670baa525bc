//! In-flight records: what each traced thread is doing now, in memory
//! the CLI's collector reads, so that a call that blocks shows while it
//! blocks (`read(0,  <unfinished ...>`, later `<... read resumed>...`).
//!
//! The CLI creates one shared area (a memfd) and passes its path down in
//! [`VAR`]; every traced process maps it. The area holds [`SLOTS`] slots,
//! each owned by one thread (claimed once, by its tid) and written only by
//! it: a [`Head`] and [`TEXT`] bytes for the call's entry part, its name
//! and the arguments known at entry, rendered as strace prints them.
//!
//! A slot's `word` is `call << 2 | state`, `call` counting the thread's
//! calls. At entry the tracer sets the state to [`IDLE`], writes the text
//! and then sets [`RUNNING`]; at exit it swaps the state back to [`IDLE`].
//! The collector copies a `RUNNING` slot's text, checks that the word did
//! not change meanwhile (the text is then whole), and, once the call has
//! been running for its threshold, prints `<unfinished ...>` and swaps
//! `RUNNING` for [`SHOWN`] with a compare-and-swap on the whole word. Each
//! call's end is decided by exactly one of the two atomic operations: the
//! exit that finds `SHOWN` writes the `<... NAME resumed>` form of the line,
//! the exit that finds `RUNNING` the ordinary one. A collector that printed
//! a call's death (`= ?`) for a task that is dying sets [`ENDED`], and the
//! exit, if it still comes, prints nothing.
//!
//! Per call this costs the slot lookup, the entry part rendered into the
//! slot, a few stores and one atomic swap at exit; no system call. Only
//! the CLI's collector has an area: the preload writing directly to a file
//! or standard error keeps no records and prints calls at exit, as before.
//!
//! Not recorded: calls of JSON or `-c` traces, with `-e status=` choosing
//! outcomes (a call's line is only known to be shown at its exit), calls
//! that do not return (`exit`, `exit_group`, `execve`), and calls made by
//! a signal handler inside another call of the same thread, on its stack
//! (the slot holds the outer one; a handler on an alternate stack takes
//! the slot over, and the outer call prints its ordinary line).

use std::cell::Cell;
use std::sync::atomic::{fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, Ordering};

use crate::config::{Config, Format};
use crate::decode::{self, Context, MAX_ARGS};
use crate::out::Out;
use selftrace::info::{Abi, SyscallInfo};
use selftrace::thread::ThreadLocal;
use selftrace::Sysno;

/// The environment variable naming the area: `/proc/PID/fd/N` of the CLI.
pub const VAR: &str = "SELFTRACE_INFLIGHT";

/// Threads with a slot at once; a thread that finds none is not recorded.
pub const SLOTS: usize = 1024;
/// Room for a call's entry part; longer ones are cut.
pub const TEXT: usize = 4096;

/// First bytes of the area: what it is and which layout.
pub const MAGIC: u64 = u64::from_le_bytes(*b"stinfl01");
/// Where the heads start (after the magic, one cache line).
pub const HEADS_AT: usize = 64;
/// Where the texts start.
pub const TEXTS_AT: usize = HEADS_AT + SLOTS * std::mem::size_of::<Head>();
/// The area's size in bytes.
pub const SIZE: usize = TEXTS_AT + SLOTS * TEXT;

/// The state in the low bits of [`Head::word`]: no call in flight (or
/// its entry part being written).
pub const IDLE: u64 = 0;
/// A call in flight, not shown.
pub const RUNNING: u64 = 1;
/// A call in flight whose `<unfinished ...>` line the collector printed.
pub const SHOWN: u64 = 2;
/// A call whose end the collector printed (`= ?`): its task was dying.
pub const ENDED: u64 = 3;
/// The state bits of a word.
pub const STATE: u64 = 3;

/// One slot's fixed part. Atomics only: another process reads it.
#[repr(C, align(64))]
pub struct Head {
    /// The owning thread's tid; 0 when free.
    pub owner: AtomicU32,
    /// The owning thread's process.
    pub pid: AtomicU32,
    /// `call << 2 | state`.
    pub word: AtomicU64,
    /// Entry time (ns since the epoch) where timestamps are shown, else 0.
    pub wall: AtomicU64,
    /// Bytes of the entry part in the slot's text.
    pub len: AtomicU32,
    /// The call's stack pointer, telling its exit from the exit of a call
    /// made inside it (by a signal handler). The tracer's alone.
    pub sp: AtomicU64,
}

/// How far below a call in flight a call is taken to be made inside it.
const NESTED_SPAN: u64 = 1 << 20;

/// The area in this process, null when there is none.
static AREA: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
/// Whether calls are recorded: an area, and a configuration that prints
/// calls at their exit in strace's format.
static RECORDING: AtomicBool = AtomicBool::new(false);

/// This thread's slot: `tid << 32 | index + 1`, 0 for none. Keyed by the
/// tid because a forked child (or a task sharing this storage) sees its
/// parent's value.
static MINE: ThreadLocal<Cell<u64>> = ThreadLocal::new();

/// The heads of the area at `base`.
///
/// # Safety
///
/// `base` must be the start of a mapping of [`SIZE`] bytes that lives as
/// long as the returned reference.
pub unsafe fn heads<'a>(base: *const u8) -> &'a [Head; SLOTS] {
    // SAFETY: the caller's mapping covers the heads, 64-aligned (page
    // start plus 64); `Head` is atomics only, valid at any bit pattern
    // and zero (a fresh memfd) included.
    unsafe { &*base.add(HEADS_AT).cast::<[Head; SLOTS]>() }
}

/// Slot `i`'s text in the area at `base`.
///
/// # Safety
///
/// As for [`heads`], and `i < SLOTS`.
pub unsafe fn text_ptr(base: *mut u8, i: usize) -> *mut u8 {
    // SAFETY: within the mapping, by the caller's promise.
    unsafe { base.add(TEXTS_AT + i * TEXT) }
}

/// Make a new area: a memfd of [`SIZE`] bytes (its pages allocated only
/// when written), mapped here, the magic written. Returns the descriptor
/// and the mapping, which is never unmapped by this module.
pub fn create() -> std::io::Result<(std::os::fd::OwnedFd, *mut u8)> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    // SAFETY: memfd_create with a NUL-terminated name.
    let fd = unsafe { libc::memfd_create(c"selftrace-inflight".as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a new descriptor owned by nobody else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: sizing the memfd just created.
    if unsafe { libc::ftruncate(fd.as_raw_fd(), SIZE as libc::off_t) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let base = map(fd.as_raw_fd())?;
    // SAFETY: the first, page-aligned 8 bytes of the mapping.
    unsafe { (*base.cast::<AtomicU64>()).store(MAGIC, Ordering::Release) };
    Ok((fd, base))
}

/// A shared read-write mapping of the first [`SIZE`] bytes of `fd`.
fn map(fd: i32) -> std::io::Result<*mut u8> {
    // SAFETY: a new shared mapping; callers checked the file's size.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            SIZE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error());
    }
    Ok(base.cast())
}

/// Map the area named by `path` (the CLI's memfd) and record calls if
/// `config` prints them at exit. Runs at installation.
pub fn attach(path: &str, config: &Config) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new().read(true).write(true).open(path)?;
    if file.metadata()?.len() < SIZE as u64 {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    let base = map(file.as_raw_fd())?;
    // SAFETY: the first 8 bytes of the mapping, aligned (page start).
    let magic = unsafe { (*base.cast::<AtomicU64>()).load(Ordering::Acquire) };
    if magic != MAGIC {
        // SAFETY: unmapping what was just mapped, never handed out.
        unsafe { libc::munmap(base.cast(), SIZE) };
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    AREA.store(base, Ordering::Release);
    let status = config.status;
    let recording = config.prints_calls()
        && config.format == Format::Strace
        && status.successful
        && status.failed
        && status.unfinished;
    RECORDING.store(recording, Ordering::Release);
    forget_threads_of(selftrace::raw::getpid(), selftrace::raw::gettid());
    Ok(())
}

/// A new image starts with one thread: slots its process held for the
/// threads `execve` ended are free again.
fn forget_threads_of(pid: u32, keep: u32) {
    let Some(heads) = area_heads() else { return };
    for h in heads.iter() {
        let owner = h.owner.load(Ordering::Acquire);
        if owner != 0 && owner != keep && h.pid.load(Ordering::Relaxed) == pid {
            let w = h.word.load(Ordering::Relaxed);
            h.word.store(w & !STATE, Ordering::Release);
            let _ = h.owner.compare_exchange(owner, 0, Ordering::AcqRel, Ordering::Relaxed);
        }
    }
}

fn area() -> Option<*mut u8> {
    let base = AREA.load(Ordering::Acquire);
    (!base.is_null()).then_some(base)
}

fn area_heads() -> Option<&'static [Head; SLOTS]> {
    // SAFETY: AREA holds a mapping of SIZE bytes that is never unmapped.
    area().map(|base| unsafe { heads(base) })
}

/// Whether calls are recorded in this process.
pub fn recording() -> bool {
    RECORDING.load(Ordering::Relaxed)
}

/// Calls never recorded: they do not return to their exit hook.
fn unrecorded(info: &SyscallInfo) -> bool {
    info.is(Sysno::exit)
        || info.is(Sysno::exit_group)
        || info.is(Sysno::execve)
        || info.is(Sysno::execveat)
}

/// This thread's slot index, claiming one if it has none.
fn slot(tid: u32, pid: u32, heads: &[Head; SLOTS]) -> Option<usize> {
    let mine = MINE.with(|m| m.get())?;
    if mine >> 32 == tid as u64 && mine as u32 != 0 {
        return Some((mine as u32 - 1) as usize);
    }
    let i = claim(tid, pid, heads)?;
    let _ = MINE.with(|m| m.set((tid as u64) << 32 | (i as u64 + 1)));
    Some(i)
}

/// A slot for `tid`: one it already owns (a thread whose storage another
/// task overwrote, or a tid the collector has not freed yet), else a free
/// one.
#[cold]
fn claim(tid: u32, pid: u32, heads: &[Head; SLOTS]) -> Option<usize> {
    let found =
        heads.iter().position(|h| h.owner.load(Ordering::Acquire) == tid).or_else(|| {
            heads.iter().position(|h| {
                h.owner.load(Ordering::Relaxed) == 0
                    && h.owner.compare_exchange(0, tid, Ordering::AcqRel, Ordering::Relaxed).is_ok()
            })
        })?;
    heads[found].pid.store(pid, Ordering::Release);
    Some(found)
}

/// The position of a call's first argument that is known only at its
/// exit (in the order strace prints them), [`MAX_ARGS`] when all are
/// known at entry. strace prints the arguments before it at entry.
pub fn first_exit_arg(info: &SyscallInfo) -> usize {
    use crate::table::{Kind, Render};
    const ALL: usize = MAX_ARGS;
    if info.abi == Abi::I386 {
        return ALL;
    }
    let nr = info.nr & !selftrace::info::X32_SYSCALL_BIT;
    let Some(call) = crate::table::by_number(nr) else { return ALL };
    let s = call.sysno;
    // Calls whose argument rendered by code is an input, or that a
    // decoder renders whole: where their entry part ends.
    let known = match s {
        Sysno::poll | Sysno::connect | Sysno::sendto | Sysno::sendmsg | Sysno::writev => ALL,
        Sysno::rt_sigsuspend | Sysno::futex | Sysno::open | Sysno::openat | Sysno::creat => ALL,
        Sysno::access | Sysno::faccessat | Sysno::faccessat2 | Sysno::mkdir => ALL,
        Sysno::mkdirat | Sysno::mmap | Sysno::mprotect | Sysno::socket | Sysno::epoll_ctl => ALL,
        Sysno::nanosleep | Sysno::rt_sigtimedwait => 1,
        Sysno::ioctl => 2,
        Sysno::clock_nanosleep => 3,
        Sysno::statx => 4,
        Sysno::fcntl => match info.args[1] as i32 {
            libc::F_GETLK | libc::F_OFD_GETLK => 2,
            // F_GETOWN_EX fills a structure.
            16 => 2,
            _ => ALL,
        },
        _ => usize::MAX,
    };
    if known != usize::MAX {
        return known;
    }
    match call.render {
        // The first argument the kernel fills, or rendered by code (that
        // may be one): from there on, the arguments wait for the exit.
        Render::Plain => call
            .args
            .iter()
            .position(|a| matches!(a.kind, Kind::OutBytes | Kind::Custom(_)))
            .unwrap_or(ALL),
        // A decoder's arguments all wait for the exit: nothing is
        // printed that the call may still change.
        Render::Code(_) => 0,
        Render::Raw => ALL,
    }
}

/// At a call's entry: fill this thread's in-flight record. `wall` is the
/// entry time where timestamps are shown (0 otherwise).
pub fn enter(info: &SyscallInfo, (pid, tid): (u32, u32), wall: u64, cx: Context) {
    if !recording() || unrecorded(info) {
        return;
    }
    let Some(base) = area() else { return };
    // SAFETY: AREA is a mapping of SIZE bytes, never unmapped.
    let heads = unsafe { heads(base) };
    let Some(i) = slot(tid, pid, heads) else { return };
    let Some(h) = heads.get(i) else { return };
    let word = h.word.load(Ordering::Relaxed);
    if matches!(word & STATE, RUNNING | SHOWN) {
        // A call in flight: this one is made inside it (a signal handler
        // on the same stack, below it) and leaves the record alone, or
        // that call never came back (a handler jumped out of it, a vfork
        // child exec'd): the record is stale.
        let outer = h.sp.load(Ordering::Relaxed);
        if info.stack_pointer < outer && outer - info.stack_pointer < NESTED_SPAN {
            return;
        }
    }
    let call = (word >> 2).wrapping_add(1);
    h.word.store(call << 2 | IDLE, Ordering::Relaxed);
    // The text written below must not be seen before the word says IDLE.
    fence(Ordering::Release);
    // SAFETY: slot `i` is this thread's (claimed with its tid), and only
    // its owner writes its text; the collector only reads it, and keeps
    // what it read only if the word did not change meanwhile.
    // (`i` < SLOTS: `heads.get(i)` found it.)
    let text = unsafe { std::slice::from_raw_parts_mut(text_ptr(base, i), TEXT) };
    let mut o = Out::new(text);
    match info.name() {
        Some(n) => o.str(n),
        None => {
            o.str("syscall_");
            o.hex(info.nr);
        }
    }
    o.byte(b'(');
    decode::render_entry(&mut o, info, cx, first_exit_arg(info));
    h.len.store(o.len() as u32, Ordering::Relaxed);
    h.wall.store(wall, Ordering::Relaxed);
    h.sp.store(info.stack_pointer, Ordering::Relaxed);
    h.word.store(call << 2 | RUNNING, Ordering::Release);
}

/// How a recorded call ends, as its exit finds its record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Not recorded, or not shown: the ordinary line.
    Line,
    /// `<unfinished ...>` was printed: the `<... NAME resumed>` form.
    Resumed,
    /// Its end was printed already (`= ?`): nothing.
    Ended,
}

/// At a call's exit: end this thread's in-flight record.
pub fn exit(info: &SyscallInfo, tid: u32) -> Ending {
    if !recording() || unrecorded(info) {
        return Ending::Line;
    }
    let Some(heads) = area_heads() else { return Ending::Line };
    let Some(mine) = MINE.with(|m| m.get()) else { return Ending::Line };
    if mine >> 32 != tid as u64 || mine as u32 == 0 {
        return Ending::Line;
    }
    let Some(h) = heads.get((mine as u32 - 1) as usize) else { return Ending::Line };
    if h.sp.load(Ordering::Relaxed) != info.stack_pointer {
        return Ending::Line;
    }
    let w = h.word.load(Ordering::Relaxed);
    if w & STATE == IDLE {
        return Ending::Line;
    }
    // The collector changes only the state bits: the call bits stay.
    match h.word.swap(w & !STATE, Ordering::AcqRel) & STATE {
        SHOWN => Ending::Resumed,
        ENDED => Ending::Ended,
        _ => Ending::Line,
    }
}

/// The thread is leaving (`exit`, `exit_group`): give its slot back.
pub fn release(tid: u32) {
    let Some(heads) = area_heads() else { return };
    let Some(mine) = MINE.with(|m| m.replace(0)) else { return };
    if mine >> 32 != tid as u64 || mine as u32 == 0 {
        return;
    }
    let Some(h) = heads.get((mine as u32 - 1) as usize) else { return };
    let w = h.word.load(Ordering::Relaxed);
    h.word.store(w & !STATE, Ordering::Release);
    let _ = h.owner.compare_exchange(tid, 0, Ordering::AcqRel, Ordering::Relaxed);
}

/// Where a call's exit part starts in its full rendering: at argument
/// `first` (from [`first_exit_arg`]), or at the closing parenthesis
/// when the line has no argument there. `args_end` is the end of the
/// arguments' text.
pub fn exit_part_start(rendered: &decode::Rendered, first: usize, args_end: usize) -> usize {
    rendered.args().get(first).map_or(args_end, |a| a.start)
}
