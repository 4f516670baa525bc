/* Programs with seccomp filters and SIGSYS of their own: a deny-list filter
 * (EPERM for mkdir), a filter that traps uname into the program's own SIGSYS
 * handler, and SIGSYS sent with raise() and kill(). */
#include "common.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <ucontext.h>

#define OWN_TRAP_DATA 0x0123
#define SI_CODE_SECCOMP 1 /* SYS_SECCOMP, which not every libc header names */

/* A filter of our own: `action` for system call `nr`, allow the rest. */

/* mkdir and mkdirat fail with EPERM; everything else still works, in this
 * process and in a forked child. The path's parent does not exist, so a
 * mkdir the filter let through would fail with ENOENT instead. */
static int run_deny(int argc, char **argv) {
    (void)argc, (void)argv;
    own_filter(SYS_mkdir, SECCOMP_RET_ERRNO | EPERM);
    own_filter(SYS_mkdirat, SECCOMP_RET_ERRNO | EPERM);
    const char *path = "/selftrace-no-such-dir/denied";
    int r = mkdir(path, 0755);
    printf("deny: mkdir %d %s\n", r, r == -1 ? strerrorname_np(errno) : "");
    r = syscall(SYS_mkdirat, AT_FDCWD, path, 0755);
    printf("deny: mkdirat %d %s\n", r, r == -1 ? strerrorname_np(errno) : "");
    r = rmdir(path);
    printf("deny: rmdir (allowed) %d %s\n", r, r == -1 ? strerrorname_np(errno) : "");
    pid_t pid = fork();
    if (pid == 0)
        _exit(mkdir(path, 0755) == -1 && errno == EPERM ? 0 : 1);
    int status;
    waitpid(pid, &status, 0);
    note("child", pid);
    printf("deny: child's mkdir denied too: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    return 0;
}

static volatile sig_atomic_t own_sigsys, own_sigsys_errno, own_sigsys_nr;

/* Emulates uname: fills in the sysname and returns 0. */
static void emulate_uname(int sig, siginfo_t *si, void *ctx) {
    (void)sig;
    ucontext_t *uc = ctx;
    own_sigsys++;
    own_sigsys_errno = si->si_errno;
    own_sigsys_nr = si->si_syscall;
    if (si->si_code == SI_CODE_SECCOMP && si->si_syscall == SYS_uname) {
        struct utsname *u = (struct utsname *)uc->uc_mcontext.gregs[REG_RDI];
        memset(u, 0, sizeof *u);
        strcpy(u->sysname, "Emulated");
        uc->uc_mcontext.gregs[REG_RAX] = 0;
    } else {
        uc->uc_mcontext.gregs[REG_RAX] = -ENOSYS;
    }
}

/* A filter that traps uname, and our own SIGSYS handler answering it. */
static int run_trap(int argc, char **argv) {
    (void)argc, (void)argv;
    struct sigaction sa = {.sa_sigaction = emulate_uname, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL))
        die("sigaction");
    own_filter(SYS_uname, SECCOMP_RET_TRAP | OWN_TRAP_DATA);
    struct utsname u;
    for (int i = 0; i < 2; i++) {
        int r = uname(&u);
        printf("trap: uname %d sysname %s\n", r, u.sysname);
    }
    printf("trap: our handler ran %d times, si_errno 0x%x, si_syscall %s\n", (int)own_sigsys, (int)own_sigsys_errno,
           own_sigsys_nr == SYS_uname ? "uname" : "other");
    struct sigaction now;
    sigaction(SIGSYS, NULL, &now);
    printf("trap: SIGSYS handler still ours: %s\n", now.sa_sigaction == emulate_uname ? "yes" : "no");
    return 0;
}

static volatile sig_atomic_t raised, raised_code;

static void on_sigsys(int sig, siginfo_t *si, void *ctx) {
    (void)sig, (void)ctx;
    raised++;
    raised_code = si->si_code;
}

static const char *code_name(int code) {
    return code == SI_TKILL ? "SI_TKILL" : code == SI_USER ? "SI_USER" : code == SI_CODE_SECCOMP ? "SYS_SECCOMP" : "other";
}

/* SIGSYS we send ourselves reach our handler; blocked, it stays pending. */
static int run_raise(int argc, char **argv) {
    (void)argc, (void)argv;
    struct sigaction sa = {.sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL))
        die("sigaction");
    raise(SIGSYS);
    printf("raise: handler ran %d, code %s\n", (int)raised, code_name(raised_code));
    kill(getpid(), SIGSYS);
    printf("kill: handler ran %d, code %s\n", (int)raised, code_name(raised_code));

    sigset_t sys, pending;
    sigemptyset(&sys);
    sigaddset(&sys, SIGSYS);
    sigprocmask(SIG_BLOCK, &sys, NULL);
    raise(SIGSYS);
    sigpending(&pending);
    printf("blocked raise: handler ran %d, pending: %s\n", (int)raised, sigismember(&pending, SIGSYS) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &sys, NULL);
    printf("unblocked: handler ran %d, code %s\n", (int)raised, code_name(raised_code));
    return 0;
}

int main(int argc, char **argv) {
    static const struct cmd cmds[] = {
        {"deny", run_deny},
        {"trap", run_trap},
        {"raise", run_raise},
        {NULL, NULL},
    };
    return dispatch(cmds, argc, argv);
}
