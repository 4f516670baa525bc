//! x86_64: registers in the signal frame, the two gates, the restorer, and
//! the numbers the filter needs.
//!
//! Everything that differs between architectures lives here, so a port is a
//! sibling module exporting the same names.

use crate::info::Abi;

/// `AUDIT_ARCH_X86_64`, as seen in `seccomp_data.arch` and `si_arch`.
pub const AUDIT_ARCH_NATIVE: u32 = 0xc000_003e;
/// `AUDIT_ARCH_I386`: an `int 0x80` call from a 64-bit process.
pub const AUDIT_ARCH_COMPAT: u32 = 0x4000_0003;
/// Bit set in the number of an x32 call (`__X32_SYSCALL_BIT`).
pub const X32_SYSCALL_BIT: u64 = 0x4000_0000;

/// `SA_RESTORER`: the kernel's flag for a caller-supplied `sa_restorer`.
pub const SA_RESTORER: u64 = 0x0400_0000;

/// Size of the syscall tables the hook registry indexes, per ABI.
pub const TABLE_SIZE: usize = 1024;

/// Native (x86_64) numbers the runtime must never trap.
///
/// `rt_sigreturn` would re-enter the handler forever (docs/design.md,
/// hazard 7); `restart_syscall` must reach the kernel from wherever the
/// kernel put it. (`clone`, `clone3` and `vfork` are trapped: the child is
/// started at the program's return address, see [`gate_spawn`].)
pub const NEVER_TRAP_NATIVE: &[u32] = &[15, 219];
/// The same for i386 numbering: `restart_syscall`, `sigreturn`, `clone`,
/// `rt_sigreturn`, `vfork`, `clone3`. The i386 task-creating calls stay
/// untrapped: the spawn gate is native only.
pub const NEVER_TRAP_COMPAT: &[u32] = &[0, 119, 120, 173, 190, 435];
/// x32 numbers (without the x32 bit) never trapped: its `rt_sigreturn` is
/// 513, `restart_syscall` is shared with x86_64.
pub const NEVER_TRAP_X32: &[u32] = &[219, 513];

/// Native numbers of the calls the runtime makes for itself (through its
/// gates, or in libc and std while installing), which it cannot let the
/// kernel refuse: signal handling and masks, its per-thread blocks and
/// their stacks, `%fs`/`%gs` and Syscall User Dispatch, ids, clocks and
/// sleeps, the trace's writes and descriptors, reading `/proc/self/maps`,
/// `readlink` of descriptors (`-y`), the exec'd file's ELF header, the
/// filter itself, deferred `PTRACE_TRACEME`, signals it sends, a thread's
/// end, and what the allocator and std need (`brk`, `futex`, `madvise`).
pub const RUNTIME_CALLS: &[u32] = &[
    0,   // read
    1,   // write
    3,   // close
    4,   // stat
    5,   // fstat
    9,   // mmap
    10,  // mprotect
    11,  // munmap
    12,  // brk
    13,  // rt_sigaction
    14,  // rt_sigprocmask
    15,  // rt_sigreturn
    17,  // pread64
    28,  // madvise
    32,  // dup
    33,  // dup2
    35,  // nanosleep
    39,  // getpid
    60,  // exit
    62,  // kill
    72,  // fcntl
    79,  // getcwd
    101, // ptrace
    110, // getppid
    131, // sigaltstack
    135, // personality
    157, // prctl
    158, // arch_prctl
    186, // gettid
    200, // tkill
    202, // futex
    228, // clock_gettime
    230, // clock_nanosleep
    231, // exit_group
    234, // tgkill
    257, // openat
    262, // newfstatat
    267, // readlinkat
    292, // dup3
    312, // kcmp
    317, // seccomp
    332, // statx
    334, // rseq
    436, // close_range
];

/// Native numbers of the calls the signal protection owns.
pub mod nr {
    pub const RT_SIGACTION: u64 = 13;
    pub const RT_SIGPROCMASK: u64 = 14;
    pub const RT_SIGPENDING: u64 = 127;
    pub const RT_SIGTIMEDWAIT: u64 = 128;
    pub const RT_SIGSUSPEND: u64 = 130;
    pub const PSELECT6: u64 = 270;
    pub const PPOLL: u64 = 271;
    pub const EPOLL_PWAIT: u64 = 281;
    pub const SIGNALFD: u64 = 282;
    pub const SIGNALFD4: u64 = 289;
    pub const EPOLL_PWAIT2: u64 = 441;
    pub const PROCESS_VM_READV: u64 = 310;
    pub const PROCESS_VM_WRITEV: u64 = 311;
    pub const GETPID: u64 = 39;
    pub const GETTID: u64 = 186;
    pub const TGKILL: u64 = 234;
    pub const PRCTL: u64 = 157;
    pub const SECCOMP: u64 = 317;
    pub const CLONE: u64 = 56;
    pub const FORK: u64 = 57;
    pub const VFORK: u64 = 58;
    pub const CLONE3: u64 = 435;
    pub const EXECVE: u64 = 59;
    pub const EXECVEAT: u64 = 322;
    pub const PERSONALITY: u64 = 135;
    pub const MMAP: u64 = 9;
    pub const MUNMAP: u64 = 11;
    pub const MPROTECT: u64 = 10;
    pub const ARCH_PRCTL: u64 = 158;
    pub const EXIT: u64 = 60;
    pub const SIGALTSTACK: u64 = 131;
    pub const PTRACE: u64 = 101;
    pub const KILL: u64 = 62;
    pub const RT_SIGRETURN: u64 = 15;
    pub const TKILL: u64 = 200;
}

/// i386 numbers of the mask-carrying calls the protection owns.
pub mod compat_nr {
    pub const SIGPROCMASK: u64 = 126;
    pub const RT_SIGPROCMASK: u64 = 175;
}

/// Registers of a trapped call, read from and written back to the
/// `ucontext_t` the kernel passed to the SIGSYS handler.
pub struct Frame {
    uc: *mut libc::ucontext_t,
}

impl Frame {
    /// # Safety
    /// `uc` must be the `ucontext_t` pointer the kernel passed to a signal
    /// handler that is still running.
    pub unsafe fn new(uc: *mut libc::c_void) -> Frame {
        Frame { uc: uc.cast() }
    }

    fn reg(&self, r: libc::c_int) -> u64 {
        // SAFETY: `uc` points at a live ucontext (constructor contract) and
        // `r` is one of libc's REG_* indices into `gregs`.
        unsafe { (*self.uc).uc_mcontext.gregs[r as usize] as u64 }
    }

    /// The six arguments, taken from the registers `abi` passes them in.
    pub fn args(&self, abi: Abi) -> [u64; 6] {
        use libc::*;
        match abi {
            Abi::X86_64 | Abi::X32 => [
                self.reg(REG_RDI),
                self.reg(REG_RSI),
                self.reg(REG_RDX),
                self.reg(REG_R10),
                self.reg(REG_R8),
                self.reg(REG_R9),
            ],
            // i386 arguments are 32 bits wide; the upper halves are noise.
            Abi::I386 => [REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP]
                .map(|r| self.reg(r) & 0xffff_ffff),
        }
    }

    /// The number register: still the syscall number while the handler runs.
    pub fn number(&self) -> u64 {
        self.reg(libc::REG_RAX)
    }

    /// Address of the instruction after the `syscall` / `int 0x80`.
    pub fn instruction_pointer(&self) -> u64 {
        self.reg(libc::REG_RIP)
    }

    pub fn stack_pointer(&self) -> u64 {
        self.reg(libc::REG_RSP)
    }

    pub fn frame_pointer(&self) -> u64 {
        self.reg(libc::REG_RBP)
    }

    /// Store the call's result where the program will read it after the
    /// handler returns.
    pub fn set_return(&mut self, rval: i64) {
        // SAFETY: as in `reg`; the kernel restores gregs from this frame on
        // rt_sigreturn, which is how the result reaches the program.
        unsafe { (*self.uc).uc_mcontext.gregs[libc::REG_RAX as usize] = rval }
    }

    /// The signal mask the thread will have after the handler returns
    /// (first 64 signals; the kernel's sigset is 8 bytes here).
    pub fn sigmask(&self) -> u64 {
        // SAFETY: `uc_sigmask` is at least 8 bytes and initialised by the kernel.
        unsafe { *((&raw const (*self.uc).uc_sigmask).cast::<u64>()) }
    }

    pub fn set_sigmask(&mut self, mask: u64) {
        // SAFETY: as in `sigmask`; rt_sigreturn installs this mask.
        unsafe { *((&raw mut (*self.uc).uc_sigmask).cast::<u64>()) = mask }
    }

    /// The thread's alternate signal stack as it was at the trap (the
    /// kernel saved it in the frame; `ss_flags` has `SS_ONSTACK` if the
    /// program was running on it).
    pub fn altstack(&self) -> libc::stack_t {
        // SAFETY: `uc_stack` is initialised by the kernel.
        unsafe { (*self.uc).uc_stack }
    }

    /// The alternate signal stack rt_sigreturn will install: a
    /// `sigaltstack(2)` made inside the handler would be undone by it.
    pub fn set_altstack(&mut self, stack: libc::stack_t) {
        // SAFETY: as in `altstack`.
        unsafe { (*self.uc).uc_stack = stack }
    }

    /// The program's registers at the trap, for a task that must resume
    /// the program without returning through this frame.
    pub fn resume_point(&self) -> ResumePoint {
        use libc::*;
        let regs = [
            REG_RBX, REG_RBP, REG_R12, REG_R13, REG_R14, REG_R15, REG_RDI, REG_RSI, REG_RDX,
            REG_R8, REG_R9, REG_R10,
        ]
        .map(|r| self.reg(r));
        ResumePoint {
            regs,
            sp: self.stack_pointer(),
            ip: self.instruction_pointer(),
            flags: self.reg(REG_EFL),
            parent_after: 0,
            after_sp: 0,
        }
    }
}

/// Where a task resumes the program after a trapped `clone`, `clone3` or
/// `vfork`: the registers the program had at the trap, except the stack
/// pointer and the result. The spawn gate's resume code reads it by offset.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct ResumePoint {
    /// rbx, rbp, r12-r15, rdi, rsi, rdx, r8, r9, r10 (offsets 0-88).
    regs: [u64; 12],
    /// The stack pointer to resume with (offset 96): the child's new stack,
    /// or the program's own for a child that shares it.
    pub sp: u64,
    ip: u64,
    flags: u64,
    /// Only for a child that runs on the parent's stack (vfork): an
    /// `extern "C" fn(result: i64, point: *mut ResumePoint) -> i64` the
    /// parent calls, on the program's stack, once the child has left it;
    /// the parent then resumes the program from here too, with the
    /// function's result.
    pub parent_after: u64,
    /// The stack `parent_after` runs on (offset 128).
    pub after_sp: u64,
}

/// Room the resume point takes at the top of a child's new stack: below
/// the red zone and the scratch word the resume code pushes flags through.
pub const RESUME_POINT_ROOM: u64 = 512;

// The gates: the only `syscall` / `int 0x80` instructions the filter lets
// through untrapped (it lets through every call whose return address lies
// in this section, between `selftrace_gates_start` and `selftrace_gates_end`).
// `.hidden` keeps each image's gates private, so a program that links the
// library and also runs under the preload has two working sets.
core::arch::global_asm!(
    ".pushsection .text.selftrace_gates,\"ax\",@progbits",
    ".p2align 4",
    ".globl selftrace_gates_start",
    ".hidden selftrace_gates_start",
    "selftrace_gates_start:",
    // selftrace_gate_native(nr, a0, a1, a2, a3, a4, a5) -> raw result
    ".globl selftrace_gate_native",
    ".hidden selftrace_gate_native",
    ".type selftrace_gate_native,@function",
    "selftrace_gate_native:",
    "mov rax, rdi",
    "mov rdi, rsi",
    "mov rsi, rdx",
    "mov rdx, rcx",
    "mov r10, r8",
    "mov r8, r9",
    "mov r9, [rsp + 8]",
    "syscall",
    "ret",
    ".size selftrace_gate_native, . - selftrace_gate_native",
    // selftrace_gate_compat(nr, a0, ..., a5): the same through int 0x80,
    // i386 argument registers, result sign-extended from eax.
    ".p2align 4",
    ".globl selftrace_gate_compat",
    ".hidden selftrace_gate_compat",
    ".type selftrace_gate_compat,@function",
    "selftrace_gate_compat:",
    "push rbx",
    "push rbp",
    "mov rax, rdi",
    "mov rbx, rsi",
    "mov r11, rcx",
    "mov rcx, rdx",
    "mov rdx, r11",
    "mov rsi, r8",
    "mov rdi, r9",
    "mov rbp, [rsp + 24]",
    "int 0x80",
    "pop rbp",
    "pop rbx",
    "movsxd rax, eax",
    "ret",
    ".size selftrace_gate_compat, . - selftrace_gate_compat",
    // selftrace_gate_spawn(nr, args: *const [u64; 6], point: *const
    // ResumePoint or null, shared: u64) -> raw result: a task-creating
    // call. Without a point, both tasks return here as from the native
    // gate (a fork child has its own copy of this stack). With one, the
    // child resumes the program from it, with `%gs` cleared (it gets a
    // runtime block of its own when it first needs one); so does the
    // parent if the child shared its stack (`shared` != 0), after calling
    // the point's `parent_after` on the point's `after_sp`. The parent
    // decides from registers only: a point on a new stack is the child's
    // to overwrite at once.
    ".p2align 4",
    ".globl selftrace_gate_spawn",
    ".hidden selftrace_gate_spawn",
    ".type selftrace_gate_spawn,@function",
    "selftrace_gate_spawn:",
    "push r12",
    "push r13",
    "mov r12, rdx",
    "mov r13, rcx",
    "mov rax, rdi",
    "mov rdi, [rsi]",
    "mov rdx, [rsi + 16]",
    "mov r10, [rsi + 24]",
    "mov r8, [rsi + 32]",
    "mov r9, [rsi + 40]",
    "mov rsi, [rsi + 8]",
    "syscall",
    "test r12, r12",
    "jz 3f",
    "test rax, rax",
    "jz 4f",
    "cmp rax, -4095",
    "jae 3f",
    "test r13, r13",
    "jz 3f",
    "mov rsp, [r12 + 128]",
    "and rsp, -16",
    "mov rdi, rax",
    "mov rsi, r12",
    "call qword ptr [r12 + 120]",
    "jmp selftrace_resume",
    "3:",
    "pop r13",
    "pop r12",
    "ret",
    // The child: `%gs` cleared, then the program resumed with rax = 0. A
    // child sharing the parent's stack keeps the parent's block, as it
    // keeps the rest of its memory.
    "4:",
    "test r13, r13",
    "jnz selftrace_resume",
    "cmp byte ptr [rip + {fsgsbase}], 0",
    "je 5f",
    "wrgsbase rax",
    "jmp 6f",
    "5:",
    "mov eax, 158",
    "mov edi, {arch_set_gs}",
    "xor esi, esi",
    "syscall",
    "xor eax, eax",
    // ... and Syscall User Dispatch turned on again, which a new thread
    // does not inherit (`dispatch`).
    "6:",
    "cmp byte ptr [rip + {dispatch}], 0",
    "je selftrace_resume",
    "mov eax, 157",
    "mov edi, {dispatch_prctl}",
    "mov esi, {dispatch_on}",
    "mov rdx, {allowed_start}",
    "mov r10, {allowed_len}",
    "xor r8d, r8d",
    "syscall",
    "xor eax, eax",
    // Resume the program from the point in r12 with the result in rax:
    // rcx and r11 end as the kernel leaves them after `syscall` (return
    // address, flags), so no register is left over for the program.
    "selftrace_resume:",
    "mov rcx, r12",
    "mov rbx, [rcx]",
    "mov rbp, [rcx + 8]",
    "mov r12, [rcx + 16]",
    "mov r13, [rcx + 24]",
    "mov r14, [rcx + 32]",
    "mov r15, [rcx + 40]",
    "mov rdi, [rcx + 48]",
    "mov rsi, [rcx + 56]",
    "mov rdx, [rcx + 64]",
    "mov r8, [rcx + 72]",
    "mov r9, [rcx + 80]",
    "mov r10, [rcx + 88]",
    "mov rsp, [rcx + 96]",
    "lea rsp, [rsp - 128]",
    "push qword ptr [rcx + 112]",
    "popfq",
    "lea rsp, [rsp + 128]",
    "mov r11, [rcx + 112]",
    "mov rcx, [rcx + 104]",
    "jmp rcx",
    ".size selftrace_gate_spawn, . - selftrace_gate_spawn",
    // selftrace_exit_thread(base, len, status) -> !: the thread's last
    // call, made with its block unmapped under it. Registers only from the
    // munmap on, every signal blocked first: nothing may touch the stack
    // that is going away.
    ".p2align 4",
    ".globl selftrace_exit_thread",
    ".hidden selftrace_exit_thread",
    ".type selftrace_exit_thread,@function",
    "selftrace_exit_thread:",
    "mov r12, rdi",
    "mov r13, rsi",
    "mov r14, rdx",
    "mov eax, 14",
    "mov edi, 2",
    "lea rsi, [rip + .Lselftrace_every_signal]",
    "xor edx, edx",
    "mov r10d, 8",
    "syscall",
    "mov eax, 11",
    "mov rdi, r12",
    "mov rsi, r13",
    "syscall",
    "mov eax, 60",
    "mov rdi, r14",
    "syscall",
    "ud2",
    ".Lselftrace_every_signal:",
    ".quad -1",
    ".size selftrace_exit_thread, . - selftrace_exit_thread",
    // selftrace_sigreturn_at(sp) -> !: the program's own rt_sigreturn, made
    // from its stack pointer (its frame lies at sp - 8), for a call the
    // kernel dispatched to us instead of making it (`dispatch`).
    ".p2align 4",
    ".globl selftrace_sigreturn_at",
    ".hidden selftrace_sigreturn_at",
    ".type selftrace_sigreturn_at,@function",
    "selftrace_sigreturn_at:",
    "mov rsp, rdi",
    "mov eax, 15",
    "syscall",
    "ud2",
    ".size selftrace_sigreturn_at, . - selftrace_sigreturn_at",
    // The SIGSYS handler's sa_restorer: rt_sigreturn, never trapped.
    ".p2align 4",
    ".globl selftrace_restorer",
    ".hidden selftrace_restorer",
    ".type selftrace_restorer,@function",
    "selftrace_restorer:",
    "mov rax, 15",
    "syscall",
    "ud2",
    ".size selftrace_restorer, . - selftrace_restorer",
    ".globl selftrace_gates_end",
    ".hidden selftrace_gates_end",
    "selftrace_gates_end:",
    ".popsection",
    fsgsbase = sym ENTRY_FSGSBASE,
    dispatch = sym DISPATCH_LOW_CODE,
    arch_set_gs = const ARCH_SET_GS,
    dispatch_prctl = const crate::trap::dispatch::PR_SET_SYSCALL_USER_DISPATCH,
    dispatch_on = const crate::trap::dispatch::PR_SYS_DISPATCH_ON,
    allowed_start = const crate::trap::dispatch::ALLOWED_START,
    allowed_len = const crate::trap::dispatch::ALLOWED_LEN,
);

// The SIGSYS handler's entry, before any Rust runs: find the thread's
// block, copy the kernel's signal frame onto one of its stacks and run the
// handler there (see `task::block`). The program's stack (or altstack)
// holds only the kernel's frame, and only until the copy: a signal that
// lands on the same altstack while the handler runs overwrites nothing in
// use. The handler returns through the copy, whose `pretcode` is our
// restorer: rt_sigreturn reads the copied frame. Every register may be
// used: rt_sigreturn restores them all.
//
// selftrace_sigsys_entry(signo, siginfo, ucontext); rsp -> pretcode.
core::arch::global_asm!(
    ".pushsection .text.selftrace_entry,\"ax\",@progbits",
    ".p2align 4",
    ".globl selftrace_sigsys_entry",
    ".hidden selftrace_sigsys_entry",
    ".type selftrace_sigsys_entry,@function",
    "selftrace_sigsys_entry:",
    "cld",
    "mov rbx, rdi",
    "mov r12, rsi",
    "mov r13, rdx",
    "cmp byte ptr [rip + {fsgsbase}], 0",
    "je 2f",
    "rdgsbase r14",
    "test r14, r14",
    "jz 2f",
    "rdfsbase rax",
    "cmp rax, [r14 + {owner_fs}]",
    "je 3f",
    // No block yet, `%fs` changed, or no FSGSBASE: ask Rust, on this stack
    // (rsp is 8 mod 16 here, as at any function entry).
    "2:",
    "sub rsp, 8",
    "call {current}",
    "add rsp, 8",
    "mov r14, rax",
    "test r14, r14",
    "jz 8f",
    "3:",
    "mov r15, [r14 + {level}]",
    // Already on one of our stacks (a hook's own call): stay.
    "cmp rsp, [r14 + {stack_lo}]",
    "jb 4f",
    "cmp rsp, [r14 + {stack_hi}]",
    "jb 9f",
    "4:",
    "cmp r15, {stacks}",
    "jae 9f",
    // The frame's end: the xsave area's end if there is one (its extended
    // size when the xstate magic says so), else the siginfo's.
    "lea r10, [r12 + 128]",
    "mov r9, [r13 + {uc_fpregs}]",
    "test r9, r9",
    "jz 5f",
    "mov r11d, 512",
    "cmp dword ptr [r9 + 464], 0x46505853",
    "jne 6f",
    "mov r11d, dword ptr [r9 + 468]",
    "6:",
    "add r11, r9",
    "cmp r11, r10",
    "cmova r10, r11",
    "5:",
    "sub r10, rsp",
    "cmp r10, {max_frame}",
    "ja 9f",
    // Destination: below the top of stack `level`, 64-byte congruent with
    // the source so that the xsave area stays aligned.
    "imul rax, r15, {stride}",
    "mov rdi, [r14 + {stack_hi}]",
    "sub rdi, rax",
    "sub rdi, r10",
    "sub rdi, rsp",
    "and rdi, -64",
    "mov rbp, rdi",
    "inc qword ptr [r14 + {level}]",
    "mov rsi, rsp",
    "lea rdi, [rsp + rbp]",
    "mov rcx, r10",
    "rep movsb",
    "add rsp, rbp",
    "add r12, rbp",
    "add r13, rbp",
    "mov rax, [r13 + {uc_fpregs}]",
    "test rax, rax",
    "jz 7f",
    "add rax, rbp",
    "mov [r13 + {uc_fpregs}], rax",
    "7:",
    "mov edi, ebx",
    "mov rsi, r12",
    "mov rdx, r13",
    "mov rcx, r14",
    "mov r8, r15",
    "sub rsp, 8",
    "call {handler}",
    "add rsp, 8",
    "dec qword ptr [r14 + {level}]",
    "ret",
    // Without a block, or where no stack is free: run where we are.
    "8:",
    "xor r15, r15",
    "9:",
    "mov edi, ebx",
    "mov rsi, r12",
    "mov rdx, r13",
    "mov rcx, r14",
    "mov r8, r15",
    "sub rsp, 8",
    "call {handler}",
    "add rsp, 8",
    "ret",
    ".size selftrace_sigsys_entry, . - selftrace_sigsys_entry",
    ".popsection",
    fsgsbase = sym ENTRY_FSGSBASE,
    current = sym crate::task::block::current_for_entry,
    handler = sym crate::trap::handler::on_sigsys,
    owner_fs = const crate::task::block::offsets::OWNER_FS,
    level = const crate::task::block::offsets::LEVEL,
    stack_lo = const crate::task::block::offsets::STACK_LO,
    stack_hi = const crate::task::block::offsets::STACK_HI,
    stacks = const crate::task::block::STACKS,
    stride = const crate::task::block::STACK_STRIDE,
    uc_fpregs = const UC_FPREGS,
    max_frame = const MAX_SIGNAL_FRAME,
);

/// Offset of `uc_mcontext.fpregs` (the xsave area's address) in a ucontext.
const UC_FPREGS: usize = std::mem::offset_of!(libc::ucontext_t, uc_mcontext)
    + std::mem::offset_of!(libc::mcontext_t, fpregs);
/// A signal frame larger than this is not copied (the handler runs where
/// the kernel put it): more than any xsave area a CPU has today.
const MAX_SIGNAL_FRAME: u64 = 32 * 1024;

/// Read by the entry and the spawn gate: whether `rdgsbase`/`wrgsbase`
/// may be used.
static ENTRY_FSGSBASE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Read by the spawn gate: whether new threads turn Syscall User Dispatch on.
static DISPATCH_LOW_CODE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

pub fn set_dispatch_low_code(on: bool) {
    DISPATCH_LOW_CODE.store(on as u8, std::sync::atomic::Ordering::Relaxed);
}

pub fn set_fsgsbase(usable: bool) {
    ENTRY_FSGSBASE.store(usable as u8, std::sync::atomic::Ordering::Relaxed);
}

#[inline]
fn fsgsbase() -> bool {
    ENTRY_FSGSBASE.load(std::sync::atomic::Ordering::Relaxed) != 0
}

extern "C" {
    fn selftrace_gate_native(nr: u64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64) -> i64;
    fn selftrace_gate_compat(nr: u64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64) -> i64;
    static selftrace_gates_start: u8;
    static selftrace_gates_end: u8;
    fn selftrace_gate_spawn(
        nr: u64,
        args: *const [u64; 6],
        point: *const ResumePoint,
        shared: u64,
    ) -> i64;
    fn selftrace_exit_thread(base: u64, len: u64, status: u64) -> !;
    fn selftrace_sigreturn_at(sp: u64) -> !;
    fn selftrace_restorer();
    fn selftrace_sigsys_entry(signo: libc::c_int, si: *mut libc::siginfo_t, uc: *mut libc::c_void);
}

const ARCH_SET_GS: u64 = 0x1001;
const ARCH_GET_FS: u64 = 0x1003;
const ARCH_GET_GS: u64 = 0x1004;

/// A segment base: `rd{fs,gs}base` where usable, else `arch_prctl(2)`.
macro_rules! read_base {
    ($insn:literal, $code:expr) => {
        if fsgsbase() {
            let v: u64;
            // SAFETY: rdfsbase/rdgsbase only read the base; the kernel
            // enabled them (HWCAP2_FSGSBASE).
            unsafe {
                core::arch::asm!(
                    concat!($insn, " {}"),
                    out(reg) v,
                    options(nomem, nostack, preserves_flags)
                )
            };
            v
        } else {
            base_by_arch_prctl($code)
        }
    };
}

/// The `%gs` base.
#[inline]
pub fn gs_base() -> u64 {
    read_base!("rdgsbase", ARCH_GET_GS)
}

/// The `%fs` base (the thread pointer of whatever runtime set it).
#[inline]
pub fn fs_base() -> u64 {
    read_base!("rdfsbase", ARCH_GET_FS)
}

/// A segment base read with `arch_prctl(2)` (`ARCH_GET_FS` / `ARCH_GET_GS`),
/// where the CPU or kernel does not allow `rdfsbase`/`rdgsbase`.
fn base_by_arch_prctl(code: u64) -> u64 {
    let mut v = 0u64;
    // SAFETY: ARCH_GET_FS / ARCH_GET_GS store one u64 at the live `v`.
    unsafe { gate_native(nr::ARCH_PRCTL, [code, &raw mut v as u64, 0, 0, 0, 0]) };
    v
}

/// Point `%gs` at `base` for this thread.
///
/// # Safety
/// The SIGSYS entry reads a non-zero `%gs` base as this thread's runtime
/// block: `base` must be 0 or a block that stays mapped while it is the
/// base (see `task::block`).
pub unsafe fn set_gs_base(base: u64) {
    if fsgsbase() {
        // SAFETY: wrgsbase changes only this thread's %gs base, which the
        // program does not use (see `task::block`); the caller vouches for
        // the block.
        unsafe {
            core::arch::asm!("wrgsbase {}", in(reg) base, options(nomem, nostack, preserves_flags))
        };
    } else {
        // SAFETY: as above; ARCH_SET_GS takes the base as a value.
        unsafe { gate_native(nr::ARCH_PRCTL, [ARCH_SET_GS, base, 0, 0, 0, 0]) };
    }
}

/// Make the program's `rt_sigreturn` with its stack pointer at `sp`.
///
/// # Safety
/// `sp - 8` must be the program's signal frame, as at its own
/// `rt_sigreturn`; nothing of the caller's runs after this.
pub unsafe fn sigreturn_at(sp: u64) -> ! {
    // SAFETY: the caller gives the frame; the kernel restores everything.
    unsafe { selftrace_sigreturn_at(sp) }
}

/// The SIGSYS handler's address, for `sa_handler`.
pub fn sigsys_entry() -> usize {
    selftrace_sigsys_entry as *const () as usize
}

/// End this thread with `exit(2)` after unmapping `[base, base + len)`,
/// the block whose stack it is running on.
///
/// # Safety
/// `[base, base + len)` must be this thread's own block, used by no other
/// task, and nothing may run on it after this call.
pub unsafe fn exit_thread(base: u64, len: u64, status: u64) -> ! {
    // SAFETY: the caller gives up the block; the code touches no memory
    // once it is unmapped.
    unsafe { selftrace_exit_thread(base, len, status) }
}

/// Issue a native call through the gate. Never trapped by our filter.
///
/// # Safety
/// The call is made exactly as given, as with `libc::syscall`: each
/// pointer argument must be valid for what call `nr` does through it, and
/// the call must not break what the program or the runtime relies on
/// (memory in use unmapped or remapped, a signal handler or the `%gs` base
/// replaced, the thread ended).
#[inline]
pub unsafe fn gate_native(nr: u64, a: [u64; 6]) -> i64 {
    // SAFETY: the gate is a plain syscall trampoline that touches no
    // memory itself; the caller answers for what the call does.
    unsafe { selftrace_gate_native(nr, a[0], a[1], a[2], a[3], a[4], a[5]) }
}

/// Issue an i386 call through the `int 0x80` gate.
///
/// # Safety
/// As for [`gate_native`], with i386 numbering; pointers are truncated to
/// 32 bits, so they must point below 4 GiB.
#[inline]
pub unsafe fn gate_compat(nr: u64, a: [u64; 6]) -> i64 {
    // SAFETY: as in `gate_native`.
    unsafe { selftrace_gate_compat(nr, a[0], a[1], a[2], a[3], a[4], a[5]) }
}

/// Issue a native task-creating call (`clone`, `clone3`, `vfork`, x32's
/// too) through the spawn gate. With a `point`, the child resumes the
/// program from it instead of returning here (see [`ResumePoint`]); with
/// `shared` (a child on this stack), so does the parent, after calling
/// the point's `parent_after`.
///
/// # Safety
/// `point`, if not null, must stay valid and unchanged until the child has
/// read it: on the child's new stack, or (`shared`) in storage the parent
/// owns until it resumes. With `shared`, `parent_after` must be a function
/// of the documented type that does not unwind.
pub unsafe fn gate_spawn(nr: u64, a: [u64; 6], point: *const ResumePoint, shared: bool) -> i64 {
    // SAFETY: the caller upholds the contract above; the gate otherwise
    // behaves as the native gate.
    unsafe { selftrace_gate_spawn(nr, &a, point, shared as u64) }
}

/// Issue a call of any ABI through its gate. x32 calls keep their bit.
///
/// # Safety
/// As for [`gate_native`] (or [`gate_compat`] for i386) with `abi`'s
/// numbering. A call the program made, with its own arguments, meets it:
/// the kernel would have run it as given without the trap.
pub unsafe fn gate(abi: Abi, nr: u64, a: [u64; 6]) -> i64 {
    // SAFETY: the caller's contract, for the gate of `abi`.
    unsafe {
        match abi {
            Abi::X86_64 | Abi::X32 => gate_native(nr, a),
            Abi::I386 => gate_compat(nr, a),
        }
    }
}

/// The section that holds the gates, for the filter: calls returning
/// into it are the runtime's own.
pub fn gate_addresses() -> Gates {
    Gates {
        start: (&raw const selftrace_gates_start) as u64,
        end: (&raw const selftrace_gates_end) as u64,
    }
}

/// Return addresses `[start, end)` of the `syscall` / `int 0x80`
/// instructions the filter lets through.
#[derive(Clone, Copy, Debug)]
pub struct Gates {
    pub start: u64,
    pub end: u64,
}

/// The restorer to put in `sa_restorer` of the SIGSYS handler.
pub fn restorer() -> usize {
    selftrace_restorer as *const () as usize
}

/// The ABI of a trapped call, from `si_arch` and the x32 bit of the number.
pub fn abi_of(arch: u32, nr: u64) -> Option<Abi> {
    match arch {
        AUDIT_ARCH_NATIVE if nr & X32_SYSCALL_BIT != 0 => Some(Abi::X32),
        AUDIT_ARCH_NATIVE => Some(Abi::X86_64),
        AUDIT_ARCH_COMPAT => Some(Abi::I386),
        _ => None,
    }
}

/// Name of a call in its ABI's numbering.
pub fn syscall_name(abi: Abi, nr: u64) -> Option<&'static str> {
    let id = usize::try_from(nr & !X32_SYSCALL_BIT).ok()?;
    match abi {
        Abi::X86_64 | Abi::X32 => syscalls::x86_64::Sysno::new(id).map(|s| s.name()),
        Abi::I386 => syscalls::x86::Sysno::new(id).map(|s| s.name()),
    }
}
