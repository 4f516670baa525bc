//! `execve` and `execveat`: the new image must survive the filter it
//! inherits (docs/design.md, hazard 6).
//!
//! - **Kept environment.** Entries registered with
//!   [`crate::Builder::keep_env_var`] and [`crate::Builder::keep_env_list_entry`]
//!   are put back into the new image's environment where the program left
//!   them out (`env -i`, an `execve` with an empty `envp`), so that the
//!   preload library is loaded, and configured, in the new image too. The
//!   program's memory is never written: a new `envp` array is built in a
//!   private mapping, handed to the kernel, and unmapped if the exec fails.
//! - **Address randomization.** The filter traps calls from the code this
//!   image mapped at installation. With `ADDR_NO_RANDOMIZE` (`setarch -R`)
//!   the next image maps its C library at the same addresses, and the
//!   calls that library makes at start-up, before any handler of ours
//!   exists in it, would trap and kill it. So the exec runs with
//!   randomization on, and the new image sets `ADDR_NO_RANDOMIZE` again
//!   ([`restore_personality`], marked by [`NO_RANDOMIZE_VAR`]): programs it
//!   execs inherit the personality the program asked for, and the kernel's
//!   layout of the image itself is randomized.

use std::cell::Cell;
use std::ffi::CString;
use std::sync::OnceLock;

use crate::info::{Abi, SyscallInfo};
use crate::sys::arch::{self, nr};
use crate::sys::raw::fail::{E2BIG, EFAULT};
use crate::sys::{mem, raw};
use crate::task::block::ThreadLocal;

/// `ADDR_NO_RANDOMIZE` (personality(2)).
const ADDR_NO_RANDOMIZE: u64 = 0x0040000;
/// Marks an image exec'd with randomization switched on by us.
pub const NO_RANDOMIZE_VAR: &str = "SELFTRACE_NO_RANDOMIZE";
const MARKER: &[u8] = b"SELFTRACE_NO_RANDOMIZE=1\0";

/// An environment entry every exec'd image must have.
#[derive(Debug, Clone)]
pub(crate) enum Keep {
    /// `NAME=VALUE`, added where `NAME` is missing.
    Var { name: Vec<u8>, entry: CString },
    /// `entry` in the `:`-separated list `NAME` (`LD_PRELOAD`), added
    /// in front of the program's own list where it is missing (when
    /// `add`), and taken out for a program whose loader cannot load it.
    ListEntry { name: Vec<u8>, entry: Vec<u8>, add: bool },
}

impl Keep {
    fn name(&self) -> &[u8] {
        match self {
            Keep::Var { name, .. } | Keep::ListEntry { name, .. } => name,
        }
    }

    /// Whether an image that lacks the entry gets it.
    fn adds(&self) -> bool {
        !matches!(self, Keep::ListEntry { add: false, .. })
    }
}

static KEEP: OnceLock<Box<[Keep]>> = OnceLock::new();

/// Fix the kept entries; at installation, before the filter.
pub(crate) fn set_kept(keep: Vec<Keep>) {
    let _ = KEEP.set(keep.into_boxed_slice());
}

/// Whether the handler must perform this call here.
pub(crate) fn is_exec(info: &SyscallInfo) -> bool {
    info.abi == Abi::X86_64 && (info.nr == nr::EXECVE || info.nr == nr::EXECVEAT)
}

/// The task that asked to be traced by its parent (`PTRACE_TRACEME`); the
/// request is made for real just before its next exec (see [`defer_traceme`]).
static TRACEME: ThreadLocal<Cell<u32>> = ThreadLocal::new();

/// `ptrace(PTRACE_TRACEME)`, made later. Traced now, every trap of this
/// task would become a signal-delivery stop that only its parent can end,
/// and a parent blocked in `vfork` (gdb) never does. So the request waits
/// until the exec that starts the program to be debugged, which then runs
/// untraced by us (its tracer is the debugger), and is made through the
/// gate just before it.
pub(crate) fn defer_traceme() {
    let _ = TRACEME.with(|t| t.set(crate::sys::raw::gettid()));
}

/// Whether this task asked for `PTRACE_TRACEME` and has not exec'd since.
pub fn traceme_pending() -> bool {
    TRACEME.with(Cell::get).is_some_and(|tid| tid != 0 && tid == crate::sys::raw::gettid())
}

/// Make the deferred `PTRACE_TRACEME` now.
fn make_deferred_traceme() {
    const PTRACE_TRACEME: u64 = 0;
    // SAFETY: PTRACE_TRACEME takes no pointers; it names the parent tracer.
    unsafe { arch::gate_native(nr::PTRACE, [PTRACE_TRACEME, 0, 0, 0, 0, 0]) };
    let _ = TRACEME.with(|t| t.set(0));
}

/// Before a task that asked for `PTRACE_TRACEME` signals itself (gdb's
/// probe child stops itself for its parent, which waits for a ptrace
/// stop): make the request now, so that the stop is the one expected.
pub(crate) fn traceme_before_own_signal(info: &SyscallInfo) {
    if info.abi != Abi::X86_64 || !traceme_pending() {
        return;
    }
    let (pid, tid) = (crate::sys::raw::getpid() as u64, crate::sys::raw::gettid() as u64);
    let own = match info.nr {
        nr::KILL => info.args[0] == pid || info.args[0] == 0,
        nr::TKILL => info.args[0] == tid,
        nr::TGKILL => info.args[0] == pid && info.args[1] == tid,
        _ => false,
    };
    if own {
        make_deferred_traceme();
    }
}

/// Perform `execve` / `execveat` with the environment kept and the
/// randomization switched on; returns only if the exec failed. A program
/// that will run untraced (its loader cannot load a glibc library, or its
/// debugger traces it) gets the kept list entries taken out instead, and
/// the personality the program set.
pub(crate) fn perform(info: &SyscallInfo) -> i64 {
    let envp_arg = if info.nr == nr::EXECVE { 2 } else { 3 };
    let persona = raw::personality(0xffff_ffff);
    let keep = KEEP.get().map_or(&[][..], |k| &k[..]);
    let traceme = traceme_pending();
    let untraced = traceme
        || (!keep.is_empty() && !crate::task::image::target_loader(info).loads_glibc_libraries());
    let flip = !untraced && persona >= 0 && persona as u64 & ADDR_NO_RANDOMIZE != 0;
    if !flip && keep.is_empty() {
        // SAFETY: the program's exec, as it made it.
        return with_sigsys_as_seen(traceme, || unsafe { arch::gate_native(info.nr, info.args) });
    }
    let mut args = info.args;
    let built = if untraced {
        Environment::without_lists(args[envp_arg], keep)
    } else {
        Environment::build(args[envp_arg], keep, flip)
    };
    let env = match built {
        Ok(env) => env,
        Err(e) => return e,
    };
    if let Some(env) = &env {
        args[envp_arg] = env.array();
    }
    if flip {
        raw::personality(persona as u64 & !ADDR_NO_RANDOMIZE);
    }
    // SAFETY: the program's exec, its environment replaced by one in `env`,
    // which lives until after the call.
    let r = with_sigsys_as_seen(traceme, || unsafe { arch::gate_native(info.nr, args) });
    if flip {
        raw::personality(persona as u64);
    }
    drop(env);
    r
}

/// Run the exec with SIGSYS really blocked if the program believes it is:
/// the new image starts with the mask the program set (a new runtime there
/// takes SIGSYS over again, and remembers it as blocked). With `traceme`,
/// the deferred `PTRACE_TRACEME` is made first. Nothing can trap in
/// between: both go through the gate.
fn with_sigsys_as_seen(traceme: bool, exec: impl FnOnce() -> i64) -> i64 {
    if traceme {
        make_deferred_traceme();
    }
    if !crate::task::thread::sigsys_blocked() {
        return exec();
    }
    let bit = crate::signals::SIGSYS_BIT;
    let mask = |how: i32| {
        raw::sigprocmask(how, Some(&bit), None);
    };
    mask(libc::SIG_BLOCK);
    let r = exec();
    mask(libc::SIG_UNBLOCK);
    r
}

/// In a new image: set `ADDR_NO_RANDOMIZE` again if the exec that started
/// it switched it off (see the module documentation), and take the marker
/// out of the environment, so that it does not outlive the personality
/// it stands for. For constructors: runs before `main`, on one thread.
pub fn restore_personality() {
    if std::env::var_os(NO_RANDOMIZE_VAR).is_none() {
        return;
    }
    let persona = raw::personality(0xffff_ffff);
    if persona >= 0 {
        raw::personality(persona as u64 | ADDR_NO_RANDOMIZE);
    }
    remove_marker();
}

/// Drop the marker from `environ`.
fn remove_marker() {
    let marker = &MARKER[..MARKER.len() - 1];
    // SAFETY: only called from constructors, as restore_personality says;
    // every entry of environ is a NUL-terminated string.
    unsafe {
        edit_environment(|entries| {
            entries.retain(|&e| std::ffi::CStr::from_ptr(e).to_bytes() != marker)
        });
    }
}

/// Replace `environ` with an edited copy, without `setenv` or `unsetenv`,
/// which a program may define itself (bash does) and which must not run
/// before the program has initialised them. The old array is read, not
/// changed; the new one lives for the rest of the process.
///
/// # Safety
/// Only before `main`, on the only thread (a constructor). Entries `edit`
/// adds must live for the rest of the process.
pub unsafe fn edit_environment(edit: impl FnOnce(&mut Vec<*mut libc::c_char>)) {
    extern "C" {
        static mut environ: *mut *mut libc::c_char;
    }
    // SAFETY: the caller guarantees no other thread touches environ; it is
    // NULL or a NULL-terminated array.
    unsafe {
        let old = environ;
        let mut entries: Vec<*mut libc::c_char> = Vec::new();
        let mut i = 0;
        while !old.is_null() && !(*old.add(i)).is_null() {
            entries.push(*old.add(i));
            i += 1;
        }
        edit(&mut entries);
        entries.push(std::ptr::null_mut());
        environ = Box::leak(entries.into_boxed_slice()).as_mut_ptr();
    }
}

/// A new `envp` array in a private mapping (unmapped on drop).
struct Environment {
    base: u64,
    len: u64,
    slots: usize,
    lists: usize,
}

/// Longest `LD_PRELOAD`-style list we rebuild.
const LIST_MAX: usize = 4096;

/// Where the kept entries stand in the program's environment.
struct Found {
    /// Index in `envp` of each kept entry's `NAME=`, if there.
    at: [Option<usize>; MAX_KEPT],
    /// Kept list entries whose list is there but lacks them (the list is
    /// replaced by the merged one).
    unlisted: [bool; MAX_KEPT],
    marker: bool,
}

/// Kept entries there can be (`Builder` refuses more).
const MAX_KEPT: usize = 64;

impl Found {
    fn has(&self, k: usize) -> bool {
        self.at[k].is_some() && !self.unlisted[k]
    }

    /// Whether the program's entry `i` gives way to a merged list.
    fn replaces(&self, i: usize) -> bool {
        (0..MAX_KEPT).any(|k| self.unlisted[k] && self.at[k] == Some(i))
    }
}

fn entry_at(envp: u64, i: usize) -> Result<u64, i64> {
    mem::read_u64(envp + 8 * i as u64).map_err(|_| EFAULT)
}

/// Look for each kept name (and the marker) among the `count` entries.
fn find_kept(envp: u64, count: usize, keep: &[Keep]) -> Result<Found, i64> {
    let mut found = Found { at: [None; MAX_KEPT], unlisted: [false; MAX_KEPT], marker: false };
    let mut head = [0u8; 64];
    for i in 0..count {
        let n = mem::read_cstr(entry_at(envp, i)?, &mut head).map_err(|_| EFAULT)?;
        let head = &head[..n];
        found.marker |= head == &MARKER[..MARKER.len() - 1];
        for (k, kept) in keep.iter().enumerate().take(MAX_KEPT) {
            let name = kept.name();
            if head.len() > name.len() && head.starts_with(name) && head[name.len()] == b'=' {
                found.at[k] = Some(i);
            }
        }
    }
    for (k, kept) in keep.iter().enumerate().take(MAX_KEPT) {
        if let (Keep::ListEntry { entry, .. }, Some(i)) = (kept, found.at[k]) {
            let mut value = [0u8; LIST_MAX];
            let n = mem::read_cstr(entry_at(envp, i)?, &mut value).map_err(|_| EFAULT)?;
            let list = &value[(kept.name().len() + 1).min(n)..n];
            found.unlisted[k] = !list.split(|&b| b == b':' || b == b' ').any(|e| e == &entry[..]);
        }
    }
    Ok(found)
}

/// Write `NAME=ENTRY` or, with the program's own `NAME=LIST` at `theirs`,
/// `NAME=ENTRY:LIST`, NUL-terminated, into `out`.
fn merged_list(out: &mut [u8], name: &[u8], entry: &[u8], theirs: Option<u64>) -> Result<(), i64> {
    let mut list = [0u8; LIST_MAX];
    let list = match theirs {
        Some(p) => {
            let n = mem::read_cstr(p, &mut list).map_err(|_| EFAULT)?;
            &list[(name.len() + 1).min(n)..n]
        }
        None => &list[..0],
    };
    let sep: &[u8] = if list.is_empty() { b"" } else { b":" };
    let mut w = 0;
    for part in [name, b"=", entry, sep, list, b"\0"] {
        out.get_mut(w..w + part.len()).ok_or(E2BIG)?.copy_from_slice(part);
        w += part.len();
    }
    Ok(())
}

/// Write `NAME=LIST` without `ours`, NUL-terminated, into `out`, from the
/// program's entry at `theirs`; false if nothing is left of the list.
fn list_without(out: &mut [u8], name: &[u8], ours: &[u8], theirs: u64) -> Result<bool, i64> {
    let mut value = [0u8; LIST_MAX];
    let n = mem::read_cstr(theirs, &mut value).map_err(|_| EFAULT)?;
    let list = &value[(name.len() + 1).min(n)..n];
    let mut w = 0;
    let mut put = |part: &[u8]| -> Result<(), i64> {
        out.get_mut(w..w + part.len()).ok_or(E2BIG)?.copy_from_slice(part);
        w += part.len();
        Ok(())
    };
    put(name)?;
    put(b"=")?;
    let mut kept = 0;
    for e in list.split(|&b| b == b':' || b == b' ').filter(|e| !e.is_empty() && *e != ours) {
        if kept > 0 {
            put(b":")?;
        }
        put(e)?;
        kept += 1;
    }
    put(b"\0")?;
    Ok(kept > 0)
}

impl Environment {
    /// `Ok(None)`: the program's own array already has everything.
    fn build(envp: u64, keep: &[Keep], marker: bool) -> Result<Option<Environment>, i64> {
        let count = count_entries(envp)?;
        let found = find_kept(envp, count, keep)?;
        let keep = &keep[..keep.len().min(MAX_KEPT)];
        let adds_marker = marker && !found.marker;
        let missing = (0..keep.len()).filter(|&k| !found.has(k) && keep[k].adds()).count();
        if missing == 0 && !adds_marker {
            return Ok(None);
        }
        let lists = keep.iter().filter(|k| matches!(k, Keep::ListEntry { .. })).count();
        let mut env = Environment::with_room(count + missing + 2, lists)?;
        let (array, mut text) = env.parts();
        let mut at = 0;
        let mut push = |v: u64| {
            array[at] = v;
            at += 1;
        };
        for i in (0..count).filter(|&i| !found.replaces(i)) {
            push(entry_at(envp, i)?);
        }
        for (k, kept) in keep.iter().enumerate().filter(|&(k, kept)| !found.has(k) && kept.adds()) {
            match kept {
                Keep::Var { entry, .. } => push(entry.as_ptr() as u64),
                Keep::ListEntry { name, entry, .. } => {
                    let theirs = found.at[k].map(|i| entry_at(envp, i)).transpose()?;
                    let (out, rest) = std::mem::take(&mut text).split_at_mut(LIST_MAX);
                    text = rest;
                    merged_list(out, name, entry, theirs)?;
                    push(out.as_ptr() as u64);
                }
            }
        }
        if adds_marker {
            push(MARKER.as_ptr() as u64);
        }
        push(0);
        Ok(Some(env))
    }

    /// The program's environment with the kept list entries taken out of
    /// their lists (a list left empty is dropped); `Ok(None)` if none is there.
    fn without_lists(envp: u64, keep: &[Keep]) -> Result<Option<Environment>, i64> {
        let count = count_entries(envp)?;
        let found = find_kept(envp, count, keep)?;
        let keep = &keep[..keep.len().min(MAX_KEPT)];
        // The kept list entry (its index in `keep`) that entry `i` lists.
        let listed_at = |i: usize| {
            (0..keep.len()).find(|&k| {
                matches!(keep[k], Keep::ListEntry { .. }) && found.has(k) && found.at[k] == Some(i)
            })
        };
        let lists = (0..count).filter(|&i| listed_at(i).is_some()).count();
        if lists == 0 {
            return Ok(None);
        }
        let mut env = Environment::with_room(count + 1, lists)?;
        let (array, mut text) = env.parts();
        let mut at = 0;
        for i in 0..count {
            let mut value = entry_at(envp, i)?;
            if let Some(Keep::ListEntry { name, entry: ours, .. }) = listed_at(i).map(|k| &keep[k])
            {
                let (out, rest) = std::mem::take(&mut text).split_at_mut(LIST_MAX);
                text = rest;
                if !list_without(out, name, ours, value)? {
                    continue;
                }
                value = out.as_ptr() as u64;
            }
            array[at] = value;
            at += 1;
        }
        array[at] = 0;
        Ok(Some(env))
    }

    /// A private mapping for `slots` pointers, then LIST_MAX bytes for each
    /// of `lists` rebuilt lists.
    fn with_room(slots: usize, lists: usize) -> Result<Environment, i64> {
        let len = (slots * 8 + lists * LIST_MAX + 4095) as u64 & !4095;
        Ok(Environment { base: map(len)?, len, slots, lists })
    }

    /// The pointer array and the lists' room.
    fn parts(&mut self) -> (&mut [u64], &mut [u8]) {
        // SAFETY: the mapping is ours and `len` bytes long (`with_room`):
        // `slots` pointers, then `lists` buffers; both borrow `self`.
        unsafe {
            let array = std::slice::from_raw_parts_mut(self.base as *mut u64, self.slots);
            let text = std::slice::from_raw_parts_mut(
                (self.base + self.slots as u64 * 8) as *mut u8,
                self.lists * LIST_MAX,
            );
            (array, text)
        }
    }

    fn array(&self) -> u64 {
        self.base
    }
}

impl Drop for Environment {
    fn drop(&mut self) {
        // SAFETY: the mapping is this value's own; the exec that read it
        // (the only user of pointers into it) has returned.
        unsafe { arch::gate_native(nr::MUNMAP, [self.base, self.len, 0, 0, 0, 0]) };
    }
}

/// Entries in a NULL-terminated pointer array (a NULL array is empty, as
/// Linux treats it).
fn count_entries(envp: u64) -> Result<usize, i64> {
    if envp == 0 {
        return Ok(0);
    }
    let mut n = 0;
    while mem::read_u64(envp + 8 * n as u64).map_err(|_| EFAULT)? != 0 {
        n += 1;
        if n > 1 << 20 {
            return Err(E2BIG);
        }
    }
    Ok(n)
}

fn map(len: u64) -> Result<u64, i64> {
    let prot = (libc::PROT_READ | libc::PROT_WRITE) as u64;
    let r = raw::map_anonymous(len, prot, 0);
    if (-4095..0).contains(&r) {
        Err(r)
    } else {
        Ok(r as u64)
    }
}
