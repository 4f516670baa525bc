/*
 * The floor of a trap-based design, for benches/trap.rs: a seccomp filter
 * that traps getppid(2), and a SIGSYS handler with nothing else in it.
 *
 *  - trap_floor_install(0): the handler only writes the result into RAX
 *    (the call is emulated); what is left is signal delivery, the frame,
 *    and rt_sigreturn.
 *  - trap_floor_install(1): the handler re-issues the call through its own
 *    `syscall` gate, whose return address the filter lets through; that is
 *    the least any runtime that really runs the call can do.
 *
 * The filter has the same shape as selftrace's for a hooked call: arch,
 * number, then the instruction pointer (seccomp_data offsets 12 and 8)
 * compared with the gate's return address. Every other number is decided
 * from arch and number alone, so the kernel's action cache skips it.
 *
 * Linked into the bench binary only (build.rs), never into the library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

/* What the emulating handler makes getppid return: above any pid_max. */
#define TRAP_FLOOR_VALUE (1L << 30)

/*
 * trap_floor_gate(nr, a0..a5): a raw syscall whose return address,
 * trap_floor_gate_ret, is the only place getppid is let through from.
 */
__asm__(
    ".text\n"
    ".p2align 4\n"
    ".globl trap_floor_gate\n"
    ".hidden trap_floor_gate\n"
    ".type trap_floor_gate,@function\n"
    "trap_floor_gate:\n"
    "    mov %rdi, %rax\n"
    "    mov %rsi, %rdi\n"
    "    mov %rdx, %rsi\n"
    "    mov %rcx, %rdx\n"
    "    mov %r8, %r10\n"
    "    mov %r9, %r8\n"
    "    mov 8(%rsp), %r9\n"
    "    syscall\n"
    ".globl trap_floor_gate_ret\n"
    ".hidden trap_floor_gate_ret\n"
    "trap_floor_gate_ret:\n"
    "    ret\n"
    ".size trap_floor_gate, . - trap_floor_gate\n");

long trap_floor_gate(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
extern const char trap_floor_gate_ret[];

/* Calls re-issued by the gate handler; single-threaded bench, no atomics. */
static volatile unsigned long reissued;

static void on_sigsys_emulate(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RAX] = TRAP_FLOOR_VALUE;
}

static void on_sigsys_reissue(int sig, siginfo_t *si, void *ctx)
{
    greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
    (void)sig;
    (void)si;
    /* RAX still holds the number of the trapped call. */
    g[REG_RAX] = trap_floor_gate(g[REG_RAX], g[REG_RDI], g[REG_RSI], g[REG_RDX],
                                 g[REG_R10], g[REG_R8], g[REG_R9]);
    reissued = reissued + 1;
}

long trap_floor_value(void)
{
    return TRAP_FLOOR_VALUE;
}

unsigned long trap_floor_reissued(void)
{
    return reissued;
}

/*
 * Install the handler (emulating if reissue == 0, re-issuing otherwise) and
 * the filter on the calling thread. Returns 0, or -errno of the step that
 * failed. Cannot be undone.
 */
int trap_floor_install(int reissue)
{
    uint64_t gate = (uint64_t)(uintptr_t)trap_floor_gate_ret;
    struct sock_filter prog[] = {
        /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 7),
        /* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 5),
        /* 4 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12), /* instruction_pointer, high word */
        /* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(gate >> 32), 0, 2),
        /* 6 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8), /* instruction_pointer, low word */
        /* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)gate, 1, 0),
        /* 8 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
        /* 9 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog fprog = { .len = sizeof(prog) / sizeof(prog[0]), .filter = prog };
    struct sigaction sa;
    sigset_t sigsys;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = reissue ? on_sigsys_reissue : on_sigsys_emulate;
    /* The flags selftrace uses, so the kernel does the same mask work. */
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) != 0)
        return -errno;
    sigemptyset(&sigsys);
    sigaddset(&sigsys, SIGSYS);
    if (sigprocmask(SIG_UNBLOCK, &sigsys, NULL) != 0)
        return -errno;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, &fprog) == 0)
        return 0;
    if (errno != EINVAL)
        return -errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0)
        return 0;
    return -errno;
}
