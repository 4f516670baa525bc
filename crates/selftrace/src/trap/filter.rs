//! The seccomp-BPF program: which calls trap, from where.
//!
//! Hand-written rather than built with a rule compiler because it must test
//! the instruction pointer (calls from the gates are let through, calls from
//! code outside the traced ranges too) and must never kill on an arch
//! mismatch (`int 0x80` arrives as i386).
//!
//! Layout, in order of cost: the arch word, then the number, looked up by
//! binary search; only calls whose number traps go on to load the
//! instruction pointer. A call whose number does not trap is therefore
//! decided from arch and number alone, which lets the kernel's seccomp
//! action cache skip the filter for it entirely.

use crate::error::Error;
use crate::sys::arch;

/// `SECCOMP_RET_TRAP`.
const RET_TRAP: u32 = 0x0003_0000;
/// `SECCOMP_RET_ALLOW`.
pub(super) const RET_ALLOW: u32 = 0x7fff_0000;
/// Data of our traps; the kernel reports it in `si_errno`, which is how the
/// handler tells our SIGSYS from a foreign one.
pub(crate) const TRAP_TAG: u32 = 0x5354;

const MAX_INSNS: usize = 4096;

// seccomp_data offsets.
pub(super) const OFF_NR: u32 = 0;
pub(super) const OFF_ARCH: u32 = 4;
const OFF_IP_LO: u32 = 8;
const OFF_IP_HI: u32 = 12;

/// Numbers that trap in one ABI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TrapSet {
    /// Exactly these numbers.
    Only(Vec<u32>),
    /// Every number but these.
    AllExcept(Vec<u32>),
}

/// Everything the program is generated from.
#[derive(Clone, Debug)]
pub(crate) struct Spec {
    pub native: TrapSet,
    pub x32: TrapSet,
    pub i386: TrapSet,
    /// Return addresses of the gates: the runtime's own calls.
    pub gates: arch::Gates,
    /// Code ranges `[start, end)` whose calls trap; `None`: all code.
    pub ranges: Option<Vec<(u64, u64)>>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Label(usize);

#[derive(Clone, Copy, Debug)]
pub(super) enum Jump {
    Next,
    To(Label),
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Insn {
    Load(u32),
    Jeq(u32, Jump, Jump),
    Jge(u32, Jump, Jump),
    Jgt(u32, Jump, Jump),
    Jset(u32, Jump, Jump),
    Goto(Label),
    Ret(u32),
    Mark(Label),
}

#[derive(Default)]
pub(super) struct Asm {
    code: Vec<Insn>,
    labels: usize,
}

impl Asm {
    pub(super) fn label(&mut self) -> Label {
        self.labels += 1;
        Label(self.labels - 1)
    }

    pub(super) fn emit(&mut self, i: Insn) {
        self.code.push(i);
    }

    pub(super) fn mark(&mut self, l: Label) {
        self.code.push(Insn::Mark(l));
    }

    /// Resolve labels into a kernel program.
    pub(super) fn finish(self) -> Result<Vec<libc::sock_filter>, Error> {
        let mut at = vec![usize::MAX; self.labels];
        let mut pos = 0;
        for i in &self.code {
            match i {
                Insn::Mark(l) => at[l.0] = pos,
                _ => pos += 1,
            }
        }
        if pos > MAX_INSNS {
            return Err(Error::FilterTooLarge { instructions: pos });
        }
        let mut out = Vec::with_capacity(pos);
        for i in &self.code {
            let here = out.len();
            let rel = |j: Jump| -> u32 {
                match j {
                    Jump::Next => 0,
                    Jump::To(l) => (at[l.0] - here - 1) as u32,
                }
            };
            let short = |j: Jump| -> u8 {
                let r = rel(j);
                assert!(r <= 255, "conditional BPF jump too long: generator bug");
                r as u8
            };
            let op = |code: u16, k: u32, t: u8, f: u8| libc::sock_filter { code, jt: t, jf: f, k };
            let insn = match *i {
                Insn::Mark(_) => continue,
                Insn::Load(off) => op(0x20, off, 0, 0), // BPF_LD|BPF_W|BPF_ABS
                Insn::Jeq(k, t, f) => op(0x15, k, short(t), short(f)),
                Insn::Jge(k, t, f) => op(0x35, k, short(t), short(f)),
                Insn::Jgt(k, t, f) => op(0x25, k, short(t), short(f)),
                Insn::Jset(k, t, f) => op(0x45, k, short(t), short(f)),
                Insn::Goto(l) => op(0x05, rel(Jump::To(l)), 0, 0), // BPF_JMP|BPF_JA
                Insn::Ret(k) => op(0x06, k, 0, 0),
            };
            out.push(insn);
        }
        Ok(out)
    }
}

/// Emit a binary search of the accumulator over `sorted`: jump to `found`
/// if it holds one of them, else to `missing`. Every long jump is a `Goto`,
/// so conditional offsets stay within BPF's 8 bits whatever the set size.
pub(super) fn search(a: &mut Asm, sorted: &[u32], found: Label, missing: Label) {
    if sorted.len() <= 4 {
        for &k in sorted {
            let skip = a.label();
            a.emit(Insn::Jeq(k, Jump::Next, Jump::To(skip)));
            a.emit(Insn::Goto(found));
            a.mark(skip);
        }
        a.emit(Insn::Goto(missing));
        return;
    }
    let (low, high) = sorted.split_at(sorted.len() / 2);
    let right = a.label();
    let left = a.label();
    a.emit(Insn::Jge(high[0], Jump::Next, Jump::To(left)));
    a.emit(Insn::Goto(right));
    a.mark(left);
    search(a, low, found, missing);
    a.mark(right);
    search(a, high, found, missing);
}

fn number_block(a: &mut Asm, set: &TrapSet, or_bits: u32, trap: Label, allow: Label) {
    let (list, found, missing) = match set {
        TrapSet::Only(l) => (l, trap, allow),
        TrapSet::AllExcept(l) => (l, allow, trap),
    };
    let mut sorted: Vec<u32> = list.iter().map(|n| n | or_bits).collect();
    sorted.sort_unstable();
    sorted.dedup();
    search(a, &sorted, found, missing);
}

/// Allow calls returning into the gates' section; trap those from
/// `ranges`; allow the rest.
fn origin_block(
    a: &mut Asm,
    gates: arch::Gates,
    ranges: &Option<Vec<(u64, u64)>>,
    trap: Label,
    allow: Label,
) {
    for &(start, end) in &split_at_4g(&[(gates.start, gates.end)]) {
        range_test(a, start, end, allow);
    }
    let Some(ranges) = ranges else {
        a.emit(Insn::Goto(trap));
        return;
    };
    for &(start, end) in &split_at_4g(ranges) {
        range_test(a, start, end, trap);
    }
    a.emit(Insn::Goto(allow));
}

/// Jump to `hit` if the instruction pointer lies in `[start, end)`, a
/// range within one 4 GiB window; fall through otherwise.
fn range_test(a: &mut Asm, start: u64, end: u64, hit: Label) {
    let next = a.label();
    let inside = a.label();
    a.emit(Insn::Load(OFF_IP_HI));
    a.emit(Insn::Jeq((start >> 32) as u32, Jump::Next, Jump::To(next)));
    a.emit(Insn::Load(OFF_IP_LO));
    a.emit(Insn::Jge(start as u32, Jump::Next, Jump::To(next)));
    a.emit(Insn::Jgt((end - 1) as u32, Jump::To(next), Jump::To(inside)));
    a.mark(inside);
    a.emit(Insn::Goto(hit));
    a.mark(next);
}

/// Split ranges so that each lies within one 4 GiB window (the filter
/// compares the high and low words separately).
fn split_at_4g(ranges: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(mut s, e) in ranges {
        while s < e {
            let window_end = (s | 0xffff_ffff).saturating_add(1);
            let piece_end = e.min(window_end);
            out.push((s, piece_end));
            s = piece_end;
        }
    }
    out
}

/// Jump on the arch word: x86_64 (and x32) calls to `native`, i386 ones
/// to `compat`; a call of any other arch is allowed, never killed.
pub(super) fn by_arch(a: &mut Asm, native: Label, compat: Label) {
    a.emit(Insn::Load(OFF_ARCH));
    let not_native = a.label();
    a.emit(Insn::Jeq(arch::AUDIT_ARCH_NATIVE, Jump::Next, Jump::To(not_native)));
    a.emit(Insn::Goto(native));
    a.mark(not_native);
    let not_compat = a.label();
    a.emit(Insn::Jeq(arch::AUDIT_ARCH_COMPAT, Jump::Next, Jump::To(not_compat)));
    a.emit(Insn::Goto(compat));
    a.mark(not_compat);
    a.emit(Insn::Ret(RET_ALLOW));
}

/// Generate the kernel program for `spec`.
pub(crate) fn build(spec: &Spec) -> Result<Vec<libc::sock_filter>, Error> {
    let mut a = Asm::default();
    let [native, x32, compat, origin_native, origin_compat, trap, allow] =
        std::array::from_fn(|_| a.label());

    by_arch(&mut a, native, compat);

    a.mark(native);
    a.emit(Insn::Load(OFF_NR));
    let not_x32 = a.label();
    a.emit(Insn::Jset(arch::X32_SYSCALL_BIT as u32, Jump::Next, Jump::To(not_x32)));
    a.emit(Insn::Goto(x32));
    a.mark(not_x32);
    number_block(&mut a, &spec.native, 0, origin_native, allow);

    a.mark(x32);
    number_block(&mut a, &spec.x32, arch::X32_SYSCALL_BIT as u32, origin_native, allow);

    a.mark(compat);
    a.emit(Insn::Load(OFF_NR));
    number_block(&mut a, &spec.i386, 0, origin_compat, allow);

    a.mark(origin_native);
    origin_block(&mut a, spec.gates, &spec.ranges, trap, allow);
    a.mark(origin_compat);
    origin_block(&mut a, spec.gates, &spec.ranges, trap, allow);

    a.mark(trap);
    a.emit(Insn::Ret(RET_TRAP | TRAP_TAG));
    a.mark(allow);
    a.emit(Insn::Ret(RET_ALLOW));
    a.finish()
}

/// Load `program` on every thread of the process (`SECCOMP_FILTER_FLAG_TSYNC`),
/// asking the kernel not to force speculation mitigations on us
/// (`SECCOMP_FILTER_FLAG_SPEC_ALLOW`) where it allows that.
pub(crate) fn install(program: &[libc::sock_filter]) -> Result<(), Error> {
    const PR_SET_NO_NEW_PRIVS: u64 = 38;
    const SET_MODE_FILTER: u64 = 1;
    const FLAG_TSYNC: u64 = 1;
    const FLAG_SPEC_ALLOW: u64 = 4;

    // SAFETY: PR_SET_NO_NEW_PRIVS takes values only.
    let r = unsafe { arch::gate_native(arch::nr::PRCTL, [PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0]) };
    crate::sys::raw::check(r).map_err(Error::NoNewPrivs)?;
    let prog = libc::sock_fprog { len: program.len() as u16, filter: program.as_ptr() as *mut _ };
    let prog_at = &raw const prog as u64;
    // SAFETY: the kernel copies the program `prog` describes, a live slice;
    // a program that traps is loaded only once the SIGSYS handler is in
    // place (a denial filter has no traps).
    let load = |flags: u64| unsafe {
        arch::gate_native(arch::nr::SECCOMP, [SET_MODE_FILTER, flags, prog_at, 0, 0, 0])
    };
    let mut r = load(FLAG_TSYNC | FLAG_SPEC_ALLOW);
    if r == crate::sys::raw::fail::EINVAL {
        r = load(FLAG_TSYNC);
    }
    match r {
        0 => Ok(()),
        tid if tid > 0 => Err(Error::ThreadSync { tid: tid as u32 }),
        e => Err(Error::SeccompUnavailable(crate::sys::raw::Errno::new(-e as i32))),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A classic-BPF interpreter for the instructions `build` emits, so the
    /// generated program's decisions are checked without loading it.
    pub(crate) fn run(prog: &[libc::sock_filter], nr: u32, arch: u32, ip: u64) -> u32 {
        let word = |off: u32| match off {
            OFF_NR => nr,
            OFF_ARCH => arch,
            OFF_IP_LO => ip as u32,
            OFF_IP_HI => (ip >> 32) as u32,
            _ => panic!("unexpected load at {off}"),
        };
        let (mut pc, mut acc) = (0usize, 0u32);
        loop {
            let i = prog[pc];
            let branch = |taken: bool| pc + 1 + if taken { i.jt as usize } else { i.jf as usize };
            pc = match i.code {
                0x20 => {
                    acc = word(i.k);
                    pc + 1
                }
                0x15 => branch(acc == i.k),
                0x35 => branch(acc >= i.k),
                0x25 => branch(acc > i.k),
                0x45 => branch(acc & i.k != 0),
                0x05 => pc + 1 + i.k as usize,
                0x06 => return i.k,
                c => panic!("unexpected opcode {c:#x}"),
            };
        }
    }

    const TRAP: u32 = RET_TRAP | TRAP_TAG;
    const GATE: u64 = LIBC.0 + 0x5000;
    const SPAWN_GATE: u64 = LIBC.0 + 0x5080;
    const COMPAT_GATE: u64 = LIBC.0 + 0x5100;
    const GATES_END: u64 = LIBC.0 + 0x5200;
    const LIBC: (u64, u64) = (0x7f12_0000_0000, 0x7f12_0010_0000);

    fn spec(native: TrapSet) -> Spec {
        Spec {
            native,
            x32: TrapSet::Only(vec![39]),
            i386: TrapSet::Only(vec![20]),
            gates: arch::Gates { start: GATE, end: GATES_END },
            ranges: Some(vec![LIBC]),
        }
    }

    const X86: u32 = arch::AUDIT_ARCH_NATIVE;
    const I386: u32 = arch::AUDIT_ARCH_COMPAT;
    const IN_LIBC: u64 = LIBC.0 + 0x1234;

    #[test]
    fn traps_listed_numbers_from_traced_code_only() {
        let p = build(&spec(TrapSet::Only(vec![39, 257]))).unwrap();
        assert_eq!(run(&p, 39, X86, IN_LIBC), TRAP);
        assert_eq!(run(&p, 257, X86, IN_LIBC), TRAP);
        assert_eq!(run(&p, 110, X86, IN_LIBC), RET_ALLOW);
        assert_eq!(run(&p, 39, X86, GATE), RET_ALLOW, "the gate is never trapped");
        assert_eq!(run(&p, 39, X86, SPAWN_GATE), RET_ALLOW, "nor the spawn gate");
        assert_eq!(run(&p, 39, X86, LIBC.1), RET_ALLOW, "end of range is exclusive");
        assert_eq!(run(&p, 39, X86, LIBC.0 - 2), RET_ALLOW, "outside traced code");
        assert_eq!(run(&p, 39, X86, LIBC.0), TRAP);
        assert_eq!(run(&p, 39, X86, GATES_END - 1), RET_ALLOW, "the whole gates' section is ours");
        assert_eq!(run(&p, 39, X86, GATES_END), TRAP);
    }

    #[test]
    fn i386_and_x32_are_decided_by_their_own_tables_and_never_killed() {
        let p = build(&spec(TrapSet::Only(vec![39]))).unwrap();
        assert_eq!(run(&p, 20, I386, IN_LIBC), TRAP, "i386 getpid");
        assert_eq!(run(&p, 39, I386, IN_LIBC), RET_ALLOW, "39 is not hooked for i386");
        assert_eq!(run(&p, 20, I386, COMPAT_GATE), RET_ALLOW);
        assert_eq!(run(&p, 20, I386, GATES_END), TRAP, "the gates' section ends where it ends");
        assert_eq!(run(&p, 20, I386, GATE - 2), TRAP);
        assert_eq!(run(&p, 0x4000_0000 | 39, X86, IN_LIBC), TRAP, "x32 getpid");
        assert_eq!(run(&p, 0x4000_0000 | 20, X86, IN_LIBC), RET_ALLOW);
        assert_eq!(
            run(&p, 39, 0xc000_00b7, IN_LIBC),
            RET_ALLOW,
            "foreign arch is allowed, not killed"
        );
    }

    #[test]
    fn all_except_traps_everything_else() {
        let p = build(&spec(TrapSet::AllExcept(vec![15, 56]))).unwrap();
        for nr in [0, 1, 14, 16, 55, 57, 300, 450, 1000] {
            assert_eq!(run(&p, nr, X86, IN_LIBC), TRAP, "nr {nr}");
        }
        assert_eq!(run(&p, 15, X86, IN_LIBC), RET_ALLOW);
        assert_eq!(run(&p, 56, X86, IN_LIBC), RET_ALLOW);
    }

    #[test]
    fn large_sets_keep_every_jump_in_range() {
        let every_other: Vec<u32> = (0..500).step_by(2).collect();
        let p = build(&spec(TrapSet::Only(every_other))).unwrap();
        for nr in 0..520u32 {
            let want = if nr < 500 && nr % 2 == 0 { TRAP } else { RET_ALLOW };
            assert_eq!(run(&p, nr, X86, IN_LIBC), want, "nr {nr}");
        }
    }

    #[test]
    fn ranges_across_a_4g_boundary_are_split() {
        let mut s = spec(TrapSet::Only(vec![39]));
        s.ranges = Some(vec![(0x1_ffff_f000, 0x2_0000_1000)]);
        let p = build(&s).unwrap();
        assert_eq!(run(&p, 39, X86, 0x1_ffff_fff0), TRAP);
        assert_eq!(run(&p, 39, X86, 0x2_0000_0010), TRAP);
        assert_eq!(run(&p, 39, X86, 0x2_0000_1000), RET_ALLOW);
    }

    #[test]
    fn everywhere_traps_any_origin_but_the_gate() {
        let mut s = spec(TrapSet::Only(vec![39]));
        s.ranges = None;
        let p = build(&s).unwrap();
        assert_eq!(run(&p, 39, X86, 0x1000), TRAP);
        assert_eq!(run(&p, 39, X86, GATE), RET_ALLOW);
    }

    #[test]
    fn too_many_ranges_is_a_typed_error() {
        let mut s = spec(TrapSet::Only(vec![39]));
        s.ranges = Some((0..1000u64).map(|i| (i * 0x10000, i * 0x10000 + 0x1000)).collect());
        assert!(matches!(build(&s), Err(Error::FilterTooLarge { .. })));
    }
}
