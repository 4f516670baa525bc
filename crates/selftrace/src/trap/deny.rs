//! Calls the kernel refuses whoever makes them: a second filter that
//! answers chosen numbers with `SECCOMP_RET_ERRNO` (seccomp(2)).
//!
//! The trap filter decides by origin, so a call from code it does not
//! trap (the dynamic loader, code mapped after installation, a static
//! program exec'd later) runs untouched, and a rule enforced in a hook
//! does not reach it. A denial has no such hole: it depends on the arch
//! and number alone, is inherited by every thread and across exec, and
//! cannot be removed. Where both filters match, the kernel takes the
//! trap (`SECCOMP_RET_TRAP` outranks `SECCOMP_RET_ERRNO`), so calls from
//! traced code still reach the hooks, which show them failed.
//!
//! Because it ignores the origin, a denial also holds for the runtime's
//! own gates: calls the runtime makes for itself ([`arch::RUNTIME_CALLS`])
//! cannot be denied this way.

use crate::error::Error;
use crate::sys::arch;
use crate::trap::filter::{by_arch, search, Asm, Insn, OFF_NR, RET_ALLOW};

/// `SECCOMP_RET_ERRNO`; the errno goes in the low 16 bits.
const RET_ERRNO: u32 = 0x0005_0000;

/// Numbers to deny in each ABI, with the errno each fails with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Denials {
    /// x86_64 numbers; x32 calls with the same number are denied too.
    pub native: Vec<(u32, u16)>,
    pub i386: Vec<(u32, u16)>,
}

impl Denials {
    pub(crate) fn is_empty(&self) -> bool {
        self.native.is_empty() && self.i386.is_empty()
    }
}

/// Kernel denials built ahead, to load later: in a child between fork and
/// exec, say, to hold for a program that loads no runtime at all.
#[derive(Clone, Debug)]
pub struct DenyFilter {
    program: Vec<libc::sock_filter>,
}

impl DenyFilter {
    /// A filter that fails each x86_64 (and x32) call of `native` and
    /// each i386 call of `i386` with its errno, from any code. Calls the
    /// runtime makes for itself are refused (see
    /// [`crate::can_deny_in_kernel`]).
    pub fn new(
        native: &[(crate::Sysno, crate::Errno)],
        i386: &[(crate::i386::Sysno, crate::Errno)],
    ) -> Result<DenyFilter, Error> {
        if let Some((s, _)) = native.iter().find(|(s, _)| !crate::can_deny_in_kernel(*s)) {
            return Err(Error::Undeniable { name: s.name() });
        }
        let raw = |id: i32, e: crate::Errno| (id as u32, e.into_raw() as u16);
        let denials = Denials {
            native: native.iter().map(|&(s, e)| raw(s.id(), e)).collect(),
            i386: i386.iter().map(|&(s, e)| raw(s.id(), e)).collect(),
        };
        Ok(DenyFilter { program: build(&denials)? })
    }

    /// Load the filter for the calling process's threads (and everything
    /// they start), setting `no_new_privs`. Allocates nothing: safe
    /// between fork and exec.
    pub fn load(&self) -> Result<(), Error> {
        crate::trap::filter::install(&self.program)
    }
}

/// Generate the kernel program for `denials`.
pub(crate) fn build(denials: &Denials) -> Result<Vec<libc::sock_filter>, Error> {
    let mut a = Asm::default();
    let [native, compat, allow] = std::array::from_fn(|_| a.label());
    by_arch(&mut a, native, compat);

    a.mark(native);
    a.emit(Insn::Load(OFF_NR));
    // x32 shares the x86_64 numbers below 512, with the x32 bit set.
    let x32: Vec<(u32, u16)> = denials
        .native
        .iter()
        .filter(|(nr, _)| *nr < 512)
        .map(|&(nr, e)| (nr | arch::X32_SYSCALL_BIT as u32, e))
        .collect();
    by_errno(&mut a, denials.native.iter().chain(&x32), allow);
    a.mark(compat);
    a.emit(Insn::Load(OFF_NR));
    by_errno(&mut a, denials.i386.iter(), allow);

    a.mark(allow);
    a.emit(Insn::Ret(RET_ALLOW));
    a.finish()
}

/// For each errno in turn, a search of its numbers that returns it; the
/// numbers of none go to `allow`.
fn by_errno<'a>(
    a: &mut Asm,
    denials: impl Iterator<Item = &'a (u32, u16)>,
    allow: crate::trap::filter::Label,
) {
    let mut groups: Vec<(u16, Vec<u32>)> = Vec::new();
    for &(nr, errno) in denials {
        match groups.iter_mut().find(|(e, _)| *e == errno) {
            Some((_, nrs)) => nrs.push(nr),
            None => groups.push((errno, vec![nr])),
        }
    }
    for (errno, mut nrs) in groups {
        nrs.sort_unstable();
        nrs.dedup();
        let (deny, next) = (a.label(), a.label());
        search(a, &nrs, deny, next);
        a.mark(deny);
        a.emit(Insn::Ret(RET_ERRNO | u32::from(errno)));
        a.mark(next);
    }
    a.emit(Insn::Goto(allow));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trap::filter::tests::run;

    const X86: u32 = arch::AUDIT_ARCH_NATIVE;
    const I386: u32 = arch::AUDIT_ARCH_COMPAT;

    #[test]
    fn denies_listed_numbers_from_any_address_with_their_errno() {
        let d = Denials { native: vec![(41, 1), (42, 1), (87, 13)], i386: vec![(359, 1)] };
        let p = build(&d).unwrap();
        for ip in [0x40_1000, 0x7f12_0000_1234, 0xffff_ffff_ff60_0000] {
            assert_eq!(run(&p, 41, X86, ip), RET_ERRNO | 1, "socket from {ip:#x}");
            assert_eq!(run(&p, 42, X86, ip), RET_ERRNO | 1);
            assert_eq!(run(&p, 87, X86, ip), RET_ERRNO | 13, "unlink with EACCES");
            assert_eq!(run(&p, 39, X86, ip), RET_ALLOW);
        }
        assert_eq!(run(&p, 41 | 0x4000_0000, X86, 0), RET_ERRNO | 1, "x32 socket");
        assert_eq!(run(&p, 359, I386, 0), RET_ERRNO | 1, "i386 socket");
        assert_eq!(run(&p, 41, I386, 0), RET_ALLOW, "41 is not socket for i386");
        assert_eq!(run(&p, 41, 0xc000_00b7, 0), RET_ALLOW, "foreign arch is allowed");
    }

    #[test]
    fn many_numbers_and_errnos_stay_in_range() {
        let native: Vec<(u32, u16)> = (0..400).map(|n| (n, 1 + (n % 5) as u16)).collect();
        let p = build(&Denials { native, i386: vec![] }).unwrap();
        for nr in 0..450u32 {
            let want = if nr < 400 { RET_ERRNO | (1 + nr % 5) } else { RET_ALLOW };
            assert_eq!(run(&p, nr, X86, 0), want, "nr {nr}");
        }
    }
}
