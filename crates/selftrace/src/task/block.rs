//! The runtime's own per-thread block: its stacks and its per-thread state,
//! found through the `%gs` base and never through the program's TLS.
//!
//! The trap path runs in threads the program made as it liked: Go sets its
//! own `%fs` (so `__tls_get_addr` and `errno` point at Go's memory), Node.js
//! and Go start threads on stacks of a few KiB, and glibc carves every
//! preloaded library's static TLS out of each thread's stack (docs/design.md,
//! hazards 13-16). So the runtime keeps nothing in TLS. Each thread that
//! meets the runtime gets one anonymous mapping:
//!
//! ```text
//! low  [guard][stack 3][guard][stack 2][guard][stack 1][guard][stack 0][header | locals]  high
//! ```
//!
//! - The header is what the SIGSYS entry (`arch`) reads before any Rust
//!   runs: the `%fs` base of the thread it belongs to, the stacks' bounds,
//!   and how many of the stacks are in use.
//! - Stack `k` is where a trap entered from outside the runtime's stacks
//!   runs while `k` such traps are live beneath it (a program handler on its
//!   own altstack that traps while a hook runs, a vfork child's traps while
//!   its parent waits in the handler). A trap from code already on a stack
//!   of ours (a hook's own calls) stays where it is.
//! - The locals are [`ThreadLocal`] values: zeroed memory, laid out on first
//!   use, the runtime's replacement for `thread_local!`.
//!
//! x86_64 Linux programs leave `%gs` alone (its base is 0 in every new
//! thread and after exec); a thread that inherited another's `%gs` (a raw
//! `clone` outside the traced code) is told apart by its `%fs` base and,
//! where that changed, its tid. Threads created through the spawn gate
//! start with `%gs` cleared. The block of a thread that ends with `exit(2)`
//! is unmapped by the exit itself (see `arch::exit_thread`).

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use crate::sys::arch;

/// Stacks per thread, for traps nested from outside (see the module docs).
pub(crate) const STACKS: u64 = 4;
/// Size of one stack. The tracer's deepest path uses about 24 KiB; the rest
/// is for program signal handlers that interrupt a hook and run here.
const STACK_SIZE: u64 = 128 * 1024;
const GUARD: u64 = 4096;
/// Distance between the tops of two stacks.
pub(crate) const STACK_STRIDE: u64 = STACK_SIZE + GUARD;
/// Room for [`ThreadLocal`] values.
const LOCALS_SIZE: usize = 32 * 1024;
const PAGE: u64 = 4096;

/// The fields the SIGSYS entry reads by offset (`arch`), then the rest.
#[repr(C)]
pub(crate) struct Header {
    /// `%fs` base of the owning thread when it last met the runtime. A
    /// mismatch sends the entry to [`current`]'s slow path.
    pub owner_fs: AtomicU64,
    /// Stacks in use by traps entered from outside them.
    pub level: AtomicU64,
    /// Bounds of the stacks: `[stack_lo, stack_hi)`; stack 0 ends at `stack_hi`.
    pub stack_lo: u64,
    pub stack_hi: u64,
    /// Base and length of the whole mapping.
    pub base: u64,
    pub len: u64,
    /// The image whose runtime made this block (a program that links the
    /// library and runs under the preload has two runtimes).
    image: u64,
    /// Thread id of the owner.
    owner_tid: AtomicU64,
    /// Whether `%fs` holds a libc thread pointer (see [`libc_usable`]).
    libc_fs: AtomicBool,
}

/// Offsets of [`Header`] fields the assembly entry uses.
pub(crate) mod offsets {
    use super::Header;
    pub const OWNER_FS: usize = std::mem::offset_of!(Header, owner_fs);
    pub const LEVEL: usize = std::mem::offset_of!(Header, level);
    pub const STACK_LO: usize = std::mem::offset_of!(Header, stack_lo);
    pub const STACK_HI: usize = std::mem::offset_of!(Header, stack_hi);
}

const LOCALS_OFFSET: u64 = (size_of::<Header>() as u64 + 63) & !63;
const TOP_SIZE: u64 = (LOCALS_OFFSET + LOCALS_SIZE as u64 + PAGE - 1) & !(PAGE - 1);
/// Length of one thread's mapping.
const MAPPING_LEN: u64 = STACKS * STACK_STRIDE + TOP_SIZE;

/// Learn whether `rdgsbase` and friends may be used (`HWCAP2_FSGSBASE`;
/// otherwise `arch_prctl(2)` does it). Run at installation, before the
/// first trap.
pub(crate) fn detect_cpu() {
    const HWCAP2_FSGSBASE: u64 = 1 << 1;
    // SAFETY: getauxval only reads the auxiliary vector.
    let hwcap2 = unsafe { libc::getauxval(libc::AT_HWCAP2) };
    arch::set_fsgsbase(hwcap2 & HWCAP2_FSGSBASE != 0);
}

/// A value of this image, to tell its blocks from another runtime's.
static IMAGE_TAG: u8 = 0;

fn image_tag() -> u64 {
    &raw const IMAGE_TAG as u64
}

/// This thread's block, made on first use. `None` where none can be had:
/// the mapping failed, or `%gs` belongs to another runtime in this process.
#[inline]
pub(crate) fn current() -> Option<&'static Header> {
    let gs = arch::gs_base();
    if gs != 0 {
        // SAFETY: a non-zero `%gs` base in a thread of this process was set
        // by a runtime (ours or another image's, checked below) to a live
        // block: blocks are unmapped only by their own thread's exit.
        let block = unsafe { &*(gs as *const Header) };
        if block.owner_fs.load(Ordering::Relaxed) == arch::fs_base() && block.image == image_tag() {
            return Some(block);
        }
    }
    current_slow(gs)
}

/// The block when the fast check failed: none yet, `%fs` changed, another
/// thread's block inherited through `clone`, or another runtime's.
#[cold]
fn current_slow(gs: u64) -> Option<&'static Header> {
    let fs = arch::fs_base();
    let tid = crate::sys::raw::gettid() as u64;
    if gs != 0 {
        // SAFETY: as in `current`.
        let block = unsafe { &*(gs as *const Header) };
        if block.image != image_tag() {
            return None;
        }
        let owner = block.owner_tid.load(Ordering::Relaxed);
        if owner == 0 || owner == tid {
            claim(block, tid, fs);
            return Some(block);
        }
        // Inherited from the thread that made this one: its own block.
    }
    let block = allocate()?;
    claim(block, tid, fs);
    // SAFETY: a block of this thread's, mapped until the thread exits.
    unsafe { arch::set_gs_base(block as *const Header as u64) };
    Some(block)
}

/// Entry for the assembly SIGSYS entry when the fast check failed; runs on
/// the program's stack, so it stays small. Returns the block or null.
pub(crate) extern "C" fn current_for_entry() -> *const Header {
    current().map_or(std::ptr::null(), |b| b as *const Header)
}

/// Make `block` `tid`'s, with `%fs` base `fs`.
fn claim(block: &Header, tid: u64, fs: u64) {
    block.owner_tid.store(tid, Ordering::Relaxed);
    block.libc_fs.store(is_libc_thread_pointer(fs), Ordering::Relaxed);
    block.owner_fs.store(fs, Ordering::Relaxed);
}

/// Whether `fs` is a thread pointer as glibc and musl make them: the x86_64
/// TLS ABI has the thread control block start with a pointer to itself. Go's
/// `%fs` (and a cleared one) is not.
fn is_libc_thread_pointer(fs: u64) -> bool {
    fs != 0 && crate::sys::mem::read_u64(fs) == Ok(fs)
}

/// Map a new block. Its memory is zeroed, so every local starts at zero.
fn allocate() -> Option<&'static Header> {
    const PROT_NONE: u64 = 0;
    const PROT_RW: u64 = 3;
    const FLAGS: u64 = (libc::MAP_NORESERVE | libc::MAP_STACK) as u64;
    let base = crate::sys::raw::map_anonymous(MAPPING_LEN, PROT_RW, FLAGS);
    if (-4095..0).contains(&base) {
        return None;
    }
    let base = base as u64;
    for k in 0..STACKS {
        // The guard below stack k.
        let guard = base + (STACKS - 1 - k) * STACK_STRIDE;
        // SAFETY: the guard pages lie inside the mapping just made, which
        // nothing uses yet.
        unsafe { arch::gate_native(arch::nr::MPROTECT, [guard, GUARD, PROT_NONE, 0, 0, 0]) };
    }
    let stack_hi = base + STACKS * STACK_STRIDE;
    let header = stack_hi as *mut Header;
    // SAFETY: `header` lies at the start of the top part of a fresh private
    // read-write mapping of ours, suitably aligned (page), large enough.
    unsafe {
        header.write(Header {
            owner_fs: AtomicU64::new(0),
            level: AtomicU64::new(0),
            stack_lo: base + GUARD,
            stack_hi,
            base,
            len: MAPPING_LEN,
            image: image_tag(),
            owner_tid: AtomicU64::new(0),
            libc_fs: AtomicBool::new(false),
        });
        Some(&*header)
    }
}

impl Header {
    fn locals(&self) -> *mut u8 {
        (self as *const Header as *mut u8).wrapping_add(LOCALS_OFFSET as usize)
    }

    /// Whether `tid` owns this block (a vfork child shares its parent's).
    pub(crate) fn owned_by(&self, tid: u32) -> bool {
        self.owner_tid.load(Ordering::Relaxed) == tid as u64
    }

    /// Whether the owner's `%fs` is libc's (see [`libc_usable`]).
    pub(crate) fn libc_usable(&self) -> bool {
        self.libc_fs.load(Ordering::Relaxed)
    }

    /// After `fork`: the child's copy is the child's.
    pub(crate) fn set_owner(&self, tid: u32) {
        self.owner_tid.store(tid as u64, Ordering::Relaxed);
    }
}

/// End this thread with `exit(status)`, unmapping its block if it owns it;
/// returns (for the caller to exit as usual) where it does not: a vfork
/// child runs on its parent's block.
pub(crate) fn exit_thread(status: u64) {
    let Some(block) = current() else { return };
    if block.owned_by(crate::sys::raw::gettid()) && block.level.load(Ordering::Relaxed) <= 1 {
        // SAFETY: the block is this thread's own (owner checked; threads
        // made through the spawn gate never share it) and the thread ends
        // in this call, with only this trap on the block's stacks.
        unsafe { arch::exit_thread(block.base, block.len, status) }
    }
}

/// Whether this thread's `%fs` is libc's, so that hooks may call libc
/// (and touch `errno`) here. False in Go's threads, whose `%fs` is Go's
/// own: there, only the runtime's raw calls ([`crate::sys::raw`]) are safe.
pub fn libc_usable() -> bool {
    current().is_some_and(Header::libc_usable)
}

/// Types whose all-zero bytes are a valid value: what a [`ThreadLocal`]
/// starts as in every thread.
///
/// # Safety
/// Implement only for types for which zeroed memory is a valid value.
pub unsafe trait Zeroed {}

// SAFETY: zero is a valid integer, bool (false) and Cell of either.
unsafe impl Zeroed for u8 {}
// SAFETY: as above.
unsafe impl Zeroed for u32 {}
// SAFETY: as above.
unsafe impl Zeroed for u64 {}
// SAFETY: as above.
unsafe impl Zeroed for usize {}
// SAFETY: as above.
unsafe impl Zeroed for i32 {}
// SAFETY: as above.
unsafe impl Zeroed for bool {}
// SAFETY: a Cell is its contents.
unsafe impl<T: Zeroed> Zeroed for std::cell::Cell<T> {}
// SAFETY: an UnsafeCell is its contents.
unsafe impl<T: Zeroed> Zeroed for std::cell::UnsafeCell<T> {}
// SAFETY: an array of zeroed values.
unsafe impl<T: Zeroed, const N: usize> Zeroed for [T; N] {}
// SAFETY: MaybeUninit is valid for any bytes.
unsafe impl<T> Zeroed for std::mem::MaybeUninit<T> {}
// SAFETY: pairs of zeroed values.
unsafe impl<A: Zeroed, B: Zeroed> Zeroed for (A, B) {}

/// Bytes of the locals area handed out so far (the same layout in every
/// thread's block).
static LOCALS_USED: AtomicUsize = AtomicUsize::new(0);

/// A per-thread value in the runtime's block, zeroed in each new thread:
/// `thread_local!` without TLS, safe in any thread the trap path runs in.
/// A vfork child shares its parent's values, as it shares its memory.
pub struct ThreadLocal<T> {
    /// Offset in the locals area plus one; 0 until first use.
    offset: AtomicUsize,
    _value: PhantomData<fn() -> T>,
}

// SAFETY: each thread reaches only its own block's copy of the value.
unsafe impl<T> Sync for ThreadLocal<T> {}

impl<T: Zeroed> ThreadLocal<T> {
    pub const fn new() -> ThreadLocal<T> {
        ThreadLocal { offset: AtomicUsize::new(0), _value: PhantomData }
    }

    fn offset(&self) -> Option<usize> {
        match self.offset.load(Ordering::Acquire) {
            0 => self.lay_out(),
            n => Some(n - 1),
        }
    }

    #[cold]
    fn lay_out(&self) -> Option<usize> {
        let (size, align) = (size_of::<T>(), align_of::<T>().max(8));
        let mut used = LOCALS_USED.load(Ordering::Relaxed);
        let start = loop {
            let start = (used + align - 1) & !(align - 1);
            if start + size > LOCALS_SIZE || align > 64 {
                return None;
            }
            match LOCALS_USED.compare_exchange(
                used,
                start + size,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => break start,
                Err(now) => used = now,
            }
        };
        // Another thread may have laid this value out meanwhile: its offset
        // wins, this room stays unused.
        match self.offset.compare_exchange(0, start + 1, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => Some(start),
            Err(n) => Some(n - 1),
        }
    }

    /// Run `f` on this thread's value; `None` where the thread has no block.
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> Option<R> {
        let block = current()?;
        let offset = self.offset()?;
        // SAFETY: `offset` lies within the locals area (checked at layout),
        // aligned for T (the area is 64-aligned); the memory is this
        // thread's, zeroed at mapping, which is a valid T (`Zeroed`), and
        // only ever reached as a shared `&T`.
        let value = unsafe { &*block.locals().add(offset).cast::<T>() };
        Some(f(value))
    }
}

impl<T: Zeroed> Default for ThreadLocal<T> {
    fn default() -> Self {
        ThreadLocal::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    static A: ThreadLocal<Cell<u64>> = ThreadLocal::new();
    static B: ThreadLocal<[Cell<u8>; 3]> = ThreadLocal::new();

    #[test]
    fn values_start_at_zero_and_are_per_thread() {
        detect_cpu();
        A.with(|a| a.set(7)).unwrap();
        B.with(|b| b[2].set(9)).unwrap();
        assert_eq!(A.with(Cell::get), Some(7));
        let other =
            std::thread::spawn(|| (A.with(Cell::get), B.with(|b| b[2].get()))).join().unwrap();
        assert_eq!(other, (Some(0), Some(0)));
        assert_eq!(B.with(|b| b[2].get()), Some(9));
    }

    #[test]
    fn a_thread_has_one_block_with_guarded_stacks() {
        detect_cpu();
        let a = current().unwrap() as *const Header;
        let b = current().unwrap();
        assert_eq!(a, b as *const Header);
        assert_eq!(b.stack_hi - b.stack_lo, STACKS * STACK_STRIDE - GUARD);
        assert!(libc_usable(), "a Rust test thread's %fs is glibc's");
    }
}
