//! `execve` and `execveat`: the new image must survive the filter it
//! inherits (design notes, hazard 6).
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

use std::ffi::CString;
use std::sync::OnceLock;

use crate::arch::{self, nr};
use crate::info::{Abi, SyscallInfo};
use crate::mem;

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
    /// in front of the program's own list where it is missing.
    ListEntry { name: Vec<u8>, entry: Vec<u8> },
}

impl Keep {
    fn name(&self) -> &[u8] {
        match self {
            Keep::Var { name, .. } | Keep::ListEntry { name, .. } => name,
        }
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

/// Perform `execve` / `execveat` with the environment kept and the
/// randomization switched on; returns only if the exec failed.
pub(crate) fn perform(info: &SyscallInfo) -> i64 {
    let envp_arg = if info.nr == nr::EXECVE { 2 } else { 3 };
    let persona = arch::gate_native(nr::PERSONALITY, [0xffff_ffff, 0, 0, 0, 0, 0]);
    let flip = persona >= 0 && persona as u64 & ADDR_NO_RANDOMIZE != 0;
    let keep = KEEP.get().map_or(&[][..], |k| &k[..]);
    if !flip && keep.is_empty() {
        return with_sigsys_as_seen(|| arch::gate_native(info.nr, info.args));
    }
    let mut args = info.args;
    let env = match Environment::build(args[envp_arg], keep, flip) {
        Ok(env) => env,
        Err(e) => return e,
    };
    if let Some(env) = &env {
        args[envp_arg] = env.array();
    }
    if flip {
        arch::gate_native(nr::PERSONALITY, [persona as u64 & !ADDR_NO_RANDOMIZE, 0, 0, 0, 0, 0]);
    }
    let r = with_sigsys_as_seen(|| arch::gate_native(info.nr, args));
    if flip {
        arch::gate_native(nr::PERSONALITY, [persona as u64, 0, 0, 0, 0, 0]);
    }
    drop(env);
    r
}

/// Run the exec with SIGSYS really blocked if the program believes it is:
/// the new image starts with the mask the program set (a new runtime there
/// takes SIGSYS over again, and remembers it as blocked). Nothing can trap
/// in between: the exec goes through the gate.
fn with_sigsys_as_seen(exec: impl FnOnce() -> i64) -> i64 {
    if !crate::thread::sigsys_blocked() {
        return exec();
    }
    let bit = crate::protect::SIGSYS_BIT;
    let mask = |how: i32| {
        arch::gate_native(nr::RT_SIGPROCMASK, [how as u64, &raw const bit as u64, 0, 8, 0, 0]);
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
    let persona = arch::gate_native(nr::PERSONALITY, [0xffff_ffff, 0, 0, 0, 0, 0]);
    if persona >= 0 {
        arch::gate_native(nr::PERSONALITY, [persona as u64 | ADDR_NO_RANDOMIZE, 0, 0, 0, 0, 0]);
    }
    remove_marker();
}

/// Drop the marker from `environ`.
fn remove_marker() {
    let marker = &MARKER[..MARKER.len() - 1];
    // SAFETY: only called from constructors, as restore_personality says;
    // every entry of environ is a NUL-terminated string.
    unsafe {
        edit_environment(|entries| entries.retain(|&e| std::ffi::CStr::from_ptr(e).to_bytes() != marker));
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
pub(crate) unsafe fn edit_environment(edit: impl FnOnce(&mut Vec<*mut libc::c_char>)) {
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
}

/// Longest `LD_PRELOAD`-style list we rebuild.
const LIST_MAX: usize = 4096;
const EFAULT: i64 = -(libc::EFAULT as i64);
const E2BIG: i64 = -(libc::E2BIG as i64);

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

impl Environment {
    /// `Ok(None)`: the program's own array already has everything.
    fn build(envp: u64, keep: &[Keep], marker: bool) -> Result<Option<Environment>, i64> {
        let count = count_entries(envp)?;
        let found = find_kept(envp, count, keep)?;
        let keep = &keep[..keep.len().min(MAX_KEPT)];
        let adds_marker = marker && !found.marker;
        let missing = (0..keep.len()).filter(|&k| !found.has(k)).count();
        if missing == 0 && !adds_marker {
            return Ok(None);
        }
        let lists = keep.iter().filter(|k| matches!(k, Keep::ListEntry { .. })).count();
        let slots = count + missing + 2;
        let len = (slots * 8 + lists * LIST_MAX + 4095) as u64 & !4095;
        let env = Environment { base: map(len)?, len };
        // SAFETY: the mapping is ours, `len` bytes: `slots` pointers, then
        // LIST_MAX bytes for each merged list.
        let (array, mut text) = unsafe {
            let array = std::slice::from_raw_parts_mut(env.base as *mut u64, slots);
            let text = std::slice::from_raw_parts_mut((env.base + slots as u64 * 8) as *mut u8, lists * LIST_MAX);
            (array, text)
        };
        let mut at = 0;
        let mut push = |v: u64| {
            array[at] = v;
            at += 1;
        };
        for i in (0..count).filter(|&i| !found.replaces(i)) {
            push(entry_at(envp, i)?);
        }
        for (k, kept) in keep.iter().enumerate().filter(|&(k, _)| !found.has(k)) {
            match kept {
                Keep::Var { entry, .. } => push(entry.as_ptr() as u64),
                Keep::ListEntry { name, entry } => {
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

    fn array(&self) -> u64 {
        self.base
    }
}

impl Drop for Environment {
    fn drop(&mut self) {
        arch::gate_native(nr::MUNMAP, [self.base, self.len, 0, 0, 0, 0]);
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
    let flags = (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64;
    let r = arch::gate_native(nr::MMAP, [0, len, prot, flags, u64::MAX, 0]);
    if (-4095..0).contains(&r) {
        Err(r)
    } else {
        Ok(r as u64)
    }
}
