//! Task-creating calls trapped and re-issued (docs/design.md, hazards 4 and
//! 5): threads from `clone3` and `clone`, `CLONE_VM` children, glibc's
//! fallback from `clone3` to `clone`, `vfork` (also nested), and `fork`,
//! each with hooks that see the call and its result. Each test runs in
//! its own process (see `common`).

#[path = "../common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{errno, in_child, wait_exit_code};
use selftrace::{Action, Builder, Hook, SyscallInfo, Sysno};

/// Records the entries and exits a task-creating call shows its hooks.
#[derive(Default)]
struct Seen {
    entries: AtomicUsize,
    exits: AtomicUsize,
    /// Exits that reported 0, i.e. seen by a child.
    zero_exits: AtomicUsize,
    last_rval: AtomicI64,
}

impl Hook for Seen {
    fn enter(&self, _: &mut SyscallInfo) -> Action {
        self.entries.fetch_add(1, Ordering::SeqCst);
        Action::Run
    }

    fn exit(&self, call: &mut SyscallInfo) {
        self.exits.fetch_add(1, Ordering::SeqCst);
        if call.rval == 0 {
            self.zero_exits.fetch_add(1, Ordering::SeqCst);
        }
        self.last_rval.store(call.rval, Ordering::SeqCst);
    }
}

fn install(calls: &[Sysno]) -> Arc<Seen> {
    let seen = Arc::new(Seen::default());
    let mut b = Builder::new();
    for &c in calls {
        b = b.hook(c, seen.clone());
    }
    b.install().expect("install");
    seen
}

fn gettid() -> i64 {
    // SAFETY: gettid takes no arguments.
    unsafe { libc::syscall(libc::SYS_gettid) }
}

#[test]
fn threads_start_on_their_own_stack_and_the_hook_sees_their_tids() {
    in_child("threads_start_on_their_own_stack_and_the_hook_sees_their_tids", || {
        let seen = install(&[Sysno::clone3, Sysno::clone]);
        for i in 0..20u64 {
            let local = i * 3;
            let t = std::thread::spawn(move || (gettid(), local + 1));
            let (tid, got) = t.join().unwrap();
            assert_eq!(got, i * 3 + 1, "the thread ran its closure with its argument");
            assert_eq!(
                seen.last_rval.load(Ordering::SeqCst),
                tid,
                "the exit hook saw the new thread's tid"
            );
        }
        assert_eq!(seen.entries.load(Ordering::SeqCst), 20);
        assert_eq!(seen.exits.load(Ordering::SeqCst), 20, "only the parent sees the exit");
        assert_eq!(seen.zero_exits.load(Ordering::SeqCst), 0);
    });
}

#[test]
fn threads_are_traced_from_their_first_call() {
    in_child("threads_are_traced_from_their_first_call", || {
        static TIDS: [AtomicI64; 8] = [const { AtomicI64::new(0) }; 8];
        static N: AtomicUsize = AtomicUsize::new(0);
        Builder::new()
            .on_entry(Sysno::getppid, |call| {
                let tid = selftrace::raw::gettid() as i64;
                TIDS[N.fetch_add(1, Ordering::SeqCst) % 8].store(tid, Ordering::SeqCst);
                let _ = call;
                Action::Run
            })
            .install()
            .unwrap();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    // SAFETY: getppid takes no arguments.
                    unsafe { libc::getppid() };
                    gettid()
                })
            })
            .collect();
        let mut tids: Vec<i64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let mut seen: Vec<i64> = TIDS[..4].iter().map(|t| t.load(Ordering::SeqCst)).collect();
        tids.sort_unstable();
        seen.sort_unstable();
        assert_eq!(N.load(Ordering::SeqCst), 4);
        assert_eq!(seen, tids, "each thread's first call reached the hook");
    });
}

static SHARED: AtomicI64 = AtomicI64::new(0);

extern "C" fn clone_child(arg: *mut libc::c_void) -> libc::c_int {
    SHARED.store(arg as i64 * 2, Ordering::SeqCst);
    // SAFETY: getppid takes no arguments (a trapped call on the new stack).
    unsafe { libc::getppid() };
    0
}

fn clone_with_stack(flags: libc::c_int, arg: i64) -> (libc::pid_t, Vec<u8>) {
    let mut stack = vec![0u8; 256 * 1024];
    // SAFETY: the stack stays alive until the caller has waited for the
    // child (it is returned); clone_child only touches an atomic.
    let pid = unsafe {
        libc::clone(
            clone_child,
            stack.as_mut_ptr().add(stack.len()).cast(),
            flags,
            arg as *mut libc::c_void,
        )
    };
    assert!(pid > 0, "clone failed: errno {}", errno());
    (pid, stack)
}

#[test]
fn clone_with_clone_vm_and_no_clone_thread_shares_memory() {
    in_child("clone_with_clone_vm_and_no_clone_thread_shares_memory", || {
        let seen = install(&[Sysno::clone, Sysno::getppid]);
        let (pid, _stack) = clone_with_stack(libc::CLONE_VM | libc::SIGCHLD, 21);
        assert_eq!(wait_exit_code(pid, 0), 0);
        assert_eq!(SHARED.load(Ordering::SeqCst), 42, "the child wrote our memory");
        assert_eq!(seen.entries.load(Ordering::SeqCst), 2, "clone and the child's getppid");
        assert_eq!(seen.zero_exits.load(Ordering::SeqCst), 0, "the child saw no clone exit");
    });
}

#[test]
fn raw_clone_thread_with_its_own_stack() {
    in_child("raw_clone_thread_with_its_own_stack", || {
        let seen = install(&[Sysno::clone]);
        let flags = libc::CLONE_VM
            | libc::CLONE_FS
            | libc::CLONE_FILES
            | libc::CLONE_SIGHAND
            | libc::CLONE_THREAD
            | libc::CLONE_SYSVSEM;
        SHARED.store(0, Ordering::SeqCst);
        let (tid, _stack) = clone_with_stack(flags, 50);
        assert_eq!(seen.last_rval.load(Ordering::SeqCst), tid as i64);
        let start = std::time::Instant::now();
        while SHARED.load(Ordering::SeqCst) != 100 {
            assert!(start.elapsed().as_secs() < 10, "the thread never ran");
            std::thread::yield_now();
        }
        // The thread exits by returning from clone_child (exit, not
        // exit_group): give it a moment before the stack goes away.
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::mem::forget(_stack);
    });
}

#[test]
fn a_child_on_a_new_stack_resumes_with_the_programs_registers() {
    in_child("a_child_on_a_new_stack_resumes_with_the_programs_registers", || {
        let _seen = install(&[Sysno::clone]);
        let mut stack = vec![0u8; 64 * 1024];
        let top = (stack.as_mut_ptr() as u64 + stack.len() as u64) & !15;
        let result: i64;
        let child_ok: u64;
        // A raw clone (a fork with a new stack): in the child, every
        // register the syscall preserves must hold what it held before the
        // call, and the stack pointer must be the new stack's top.
        // SAFETY: the child runs only this asm and exits; the parent's
        // registers are declared as clobbered or as operands.
        unsafe {
            std::arch::asm!(
                "push rbx",
                "push rbp",
                "mov rbx, 0x1111",
                "mov rbp, 0x2222",
                "mov r12, 0x3333",
                "mov r13, 0x4444",
                "mov r14, 0x5555",
                "mov r15, 0x6666",
                "mov r9, 0x7777",
                "mov r8, 0x8888",
                "syscall",
                "test rax, rax",
                "jnz 2f",
                // child
                "xor edi, edi",
                "cmp rsp, rsi",
                "setne dil",
                "cmp rbx, 0x1111", "jne 3f",
                "cmp rbp, 0x2222", "jne 3f",
                "cmp r12, 0x3333", "jne 3f",
                "cmp r13, 0x4444", "jne 3f",
                "cmp r14, 0x5555", "jne 3f",
                "cmp r15, 0x6666", "jne 3f",
                "cmp r9, 0x7777", "jne 3f",
                "cmp r8, 0x8888", "jne 3f",
                "jmp 4f",
                "3:",
                "or edi, 2",
                "4:",
                "mov eax, 231",
                "syscall",
                "ud2",
                "2:",
                "pop rbp",
                "pop rbx",
                inout("rax") libc::SYS_clone => result,
                inout("rdi") libc::SIGCHLD as u64 => _,
                inout("rsi") top => child_ok,
                inout("rdx") 0u64 => _,
                inout("r10") 0u64 => _,
                out("r8") _, out("r9") _, out("r12") _, out("r13") _, out("r14") _, out("r15") _,
                out("rcx") _, out("r11") _,
            );
        }
        let _ = child_ok;
        assert!(result > 0, "clone failed: {result}");
        let code = wait_exit_code(result as libc::pid_t, 0);
        assert_eq!(code & 1, 0, "the child started on a stack other than the one it asked for");
        assert_eq!(code & 2, 0, "the child's registers differ from the program's at the call");
        drop(stack);
    });
}

#[test]
fn glibc_falls_back_from_clone3_to_clone() {
    in_child("glibc_falls_back_from_clone3_to_clone", || {
        let seen = install(&[Sysno::clone]);
        // The program's own filter says clone3 does not exist, as an older
        // kernel (or a container runtime) would.
        const RET_ERRNO_ENOSYS: u32 = 0x0005_0000 | libc::ENOSYS as u32;
        let op = |code: u16, k: u32, jt: u8, jf: u8| libc::sock_filter { code, jt, jf, k };
        let prog = [
            op(0x20, 0, 0, 0),
            op(0x15, libc::SYS_clone3 as u32, 0, 1),
            op(0x06, RET_ERRNO_ENOSYS, 0, 0),
            op(0x06, 0x7fff_0000, 0, 0),
        ];
        let fprog = libc::sock_fprog { len: prog.len() as u16, filter: prog.as_ptr() as *mut _ };
        // SAFETY: prctl with a valid program; no_new_privs is already set.
        let r = unsafe { libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &fprog) };
        assert_eq!(r, 0, "own filter: errno {}", errno());
        let tid = std::thread::spawn(gettid).join().unwrap();
        assert_eq!(seen.entries.load(Ordering::SeqCst), 1, "glibc used clone");
        assert_eq!(seen.last_rval.load(Ordering::SeqCst), tid);
    });
}

static VFORK_STAGE: AtomicI64 = AtomicI64::new(0);

/// vfork, with locals on this frame the parent must find intact after the
/// child has run on the same stack.
#[inline(never)]
#[allow(deprecated)]
fn vfork_then(code: i32, nested: bool) -> (libc::pid_t, [u64; 4]) {
    let locals = [0xdead_0001u64, 0xdead_0002, 0xdead_0003, 0xdead_0004];
    let locals = std::hint::black_box(locals);
    // SAFETY: the child only stores to an atomic, maybe vforks again, and
    // _exits; it never returns from this frame.
    let pid = unsafe { libc::vfork() };
    if pid == 0 {
        VFORK_STAGE.fetch_add(1, Ordering::SeqCst);
        if nested {
            // SAFETY: as above, one level down.
            let inner = unsafe { libc::vfork() };
            if inner == 0 {
                VFORK_STAGE.fetch_add(10, Ordering::SeqCst);
                // SAFETY: _exit in a vfork child.
                unsafe { libc::_exit(3) };
            }
            let mut status = 0;
            // SAFETY: waiting for our own child.
            unsafe { libc::waitpid(inner, &mut status, 0) };
            let ok = inner > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 3;
            // SAFETY: _exit in a vfork child.
            unsafe { libc::_exit(if ok { code } else { 99 }) };
        }
        // SAFETY: _exit in a vfork child.
        unsafe { libc::_exit(code) };
    }
    (pid, std::hint::black_box(locals))
}

#[test]
fn vfork_parent_resumes_with_its_frame_and_the_hook_sees_the_pid() {
    in_child("vfork_parent_resumes_with_its_frame_and_the_hook_sees_the_pid", || {
        let seen = install(&[Sysno::vfork, Sysno::exit_group]);
        for round in 1..=5 {
            let (pid, locals) = vfork_then(round, false);
            assert!(pid > 0, "vfork failed: errno {}", errno());
            assert_eq!(locals, [0xdead_0001, 0xdead_0002, 0xdead_0003, 0xdead_0004]);
            assert_eq!(
                seen.last_rval.load(Ordering::SeqCst),
                pid as i64,
                "the exit hook saw the child's pid"
            );
            assert_eq!(wait_exit_code(pid, 0), round);
        }
        assert_eq!(VFORK_STAGE.load(Ordering::SeqCst), 5, "each child ran in our memory");
        // 5 vforks and 5 _exits entered; only the vforks' exits are seen,
        // and never with the child's 0.
        assert_eq!(seen.entries.load(Ordering::SeqCst), 10);
        assert_eq!(seen.zero_exits.load(Ordering::SeqCst), 0);
    });
}

#[test]
fn a_vfork_child_may_vfork_again() {
    in_child("a_vfork_child_may_vfork_again", || {
        let seen = install(&[Sysno::vfork]);
        let (pid, locals) = vfork_then(8, true);
        assert!(pid > 0);
        assert_eq!(locals, [0xdead_0001, 0xdead_0002, 0xdead_0003, 0xdead_0004]);
        assert_eq!(wait_exit_code(pid, 0), 8, "the grandchild was created and reaped");
        assert_eq!(VFORK_STAGE.load(Ordering::SeqCst), 11);
        assert_eq!(seen.entries.load(Ordering::SeqCst), 2);
        assert_eq!(seen.last_rval.load(Ordering::SeqCst), pid as i64);
    });
}

#[test]
fn fork_children_see_no_exit_of_the_call_that_made_them() {
    in_child("fork_children_see_no_exit_of_the_call_that_made_them", || {
        let seen = install(&[Sysno::clone, Sysno::fork]);
        for _ in 0..3 {
            // SAFETY: the child only checks an atomic and _exits.
            let pid = unsafe { libc::fork() };
            if pid == 0 {
                let zero = seen.zero_exits.load(Ordering::SeqCst);
                // SAFETY: _exit in a forked child.
                unsafe { libc::_exit(zero as i32) };
            }
            assert!(pid > 0);
            assert_eq!(wait_exit_code(pid, 0), 0, "the child's hooks saw an exit");
            assert_eq!(seen.last_rval.load(Ordering::SeqCst), pid as i64);
        }
        assert_eq!(seen.exits.load(Ordering::SeqCst), 3);
    });
}

#[test]
fn posix_spawn_child_on_its_own_stack_execs() {
    in_child("posix_spawn_child_on_its_own_stack_execs", || {
        let seen = install(&[Sysno::clone3, Sysno::clone]);
        let out = std::process::Command::new("/bin/sh").args(["-c", "exit 6"]).status().unwrap();
        assert_eq!(out.code(), Some(6));
        assert!(seen.entries.load(Ordering::SeqCst) >= 1, "the spawn's clone was trapped");
        assert!(seen.last_rval.load(Ordering::SeqCst) > 0);
    });
}
