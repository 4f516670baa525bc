//! Memory: mmap's protections and flags, mremap and madvise.

use super::{arg, Writer};
use crate::out::Out;
use selftrace::info::SyscallInfo;

const PROT: &[(u64, &str)] =
    &flags![PROT_READ, PROT_WRITE, PROT_EXEC, (0x8, "PROT_SEM"), PROT_GROWSDOWN, PROT_GROWSUP];

fn write_prot(o: &mut Out, v: u64) {
    if v == 0 {
        o.str("PROT_NONE");
    } else {
        o.flags_or_unknown(v, PROT, "PROT_???");
    }
}

const MAP_TYPES: &[(u64, &str)] =
    &flags![(0, "MAP_FILE"), MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE];

/// mmap flags in strace's order (not by value).
const MAP_FLAGS: &[(u64, &str)] = &flags![
    MAP_FIXED,
    MAP_ANONYMOUS,
    MAP_32BIT,
    MAP_NORESERVE,
    MAP_POPULATE,
    MAP_NONBLOCK,
    MAP_GROWSDOWN,
    MAP_DENYWRITE,
    MAP_EXECUTABLE,
    MAP_LOCKED,
    MAP_STACK,
    MAP_HUGETLB,
    MAP_SYNC,
    MAP_FIXED_NOREPLACE,
];

const MAP_TYPE_MASK: u64 = 0xf;

const MAP_HUGE_SHIFT: u32 = 26;

const MAP_HUGE_MASK: u64 = 0x3f;

/// `MAP_PRIVATE|MAP_ANONYMOUS|21<<MAP_HUGE_SHIFT`: the sharing type, the
/// flags, unknown bits, then the huge page size.
fn write_map_flags(o: &mut Out, v: u64) {
    let v = v & 0xffff_ffff;
    o.value(v & MAP_TYPE_MASK, MAP_TYPES, "MAP_???");
    let huge = (v >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
    let rest = v & !MAP_TYPE_MASK & !(MAP_HUGE_MASK << MAP_HUGE_SHIFT);
    if rest != 0 {
        o.byte(b'|');
        o.flags(rest, MAP_FLAGS);
    }
    if huge != 0 {
        o.byte(b'|');
        o.udec(huge);
        o.str("<<MAP_HUGE_SHIFT");
    }
}

const MREMAP: &[(u64, &str)] =
    &[(1, "MREMAP_MAYMOVE"), (2, "MREMAP_FIXED"), (4, "MREMAP_DONTUNMAP")];

/// mlockall(2)'s flags.
pub(crate) const MCL_FLAGS: &[(u64, &str)] = &flags![MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT];

/// memfd_create(2)'s flags.
pub(crate) const MFD_FLAGS: &[(u64, &str)] = &flags![MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB];

/// pkey_alloc(2)'s access rights.
pub(crate) const PKEY_RIGHTS: &[(u64, &str)] =
    &flags![(0x1, "PKEY_DISABLE_ACCESS"), (0x2, "PKEY_DISABLE_WRITE")];

pub(crate) const MADV: &[(u64, &str)] = &[
    (0, "MADV_NORMAL"),
    (1, "MADV_RANDOM"),
    (2, "MADV_SEQUENTIAL"),
    (3, "MADV_WILLNEED"),
    (4, "MADV_DONTNEED"),
    (8, "MADV_FREE"),
    (9, "MADV_REMOVE"),
    (10, "MADV_DONTFORK"),
    (11, "MADV_DOFORK"),
    (12, "MADV_MERGEABLE"),
    (13, "MADV_UNMERGEABLE"),
    (14, "MADV_HUGEPAGE"),
    (15, "MADV_NOHUGEPAGE"),
    (16, "MADV_DONTDUMP"),
    (17, "MADV_DODUMP"),
    (18, "MADV_WIPEONFORK"),
    (19, "MADV_KEEPONFORK"),
    (20, "MADV_COLD"),
    (21, "MADV_PAGEOUT"),
    (22, "MADV_POPULATE_READ"),
    (23, "MADV_POPULATE_WRITE"),
    (24, "MADV_DONTNEED_LOCKED"),
    (25, "MADV_COLLAPSE"),
    (100, "MADV_HWPOISON"),
    (101, "MADV_SOFT_OFFLINE"),
];

pub(crate) fn prot(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let p = arg(info, i);
    w.text(name, p, |o| write_prot(o, p));
}

pub(crate) fn map_flags(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let f = arg(info, i);
    w.text(name, f, |o| write_map_flags(o, f));
}

pub(crate) fn mremap_flags(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    let f = arg(info, i);
    w.text(name, f, |o| o.flags_or_unknown(f, MREMAP, "MREMAP_???"));
}

/// mremap's new address, shown only with MREMAP_MAYMOVE|MREMAP_FIXED in
/// the flags before it.
pub(crate) fn mremap_new(w: &mut Writer, info: &SyscallInfo, name: &'static str, i: usize) {
    if arg(info, i.wrapping_sub(1)) & 3 == 3 {
        w.ptr(name, arg(info, i));
    }
}
