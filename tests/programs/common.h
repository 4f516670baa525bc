/* Shared helpers of the whole-program tests (tests/whole_programs.rs).
 *
 * Every program prints deterministic results on stdout (no pids, no
 * addresses) and anything run-dependent that the test needs to look for in
 * the trace (a tid, a child's pid) on stderr as `key=value` lines. stdout
 * is unbuffered so that fork never duplicates pending output. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static inline void die(const char *what) {
    fprintf(stderr, "%s: %s\n", what, strerror(errno));
    exit(100);
}

static inline void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "check failed: %s\n", what);
        exit(101);
    }
}

/* A line for the test to find: `key=value` on stderr. */
static inline void note(const char *key, long value) {
    fprintf(stderr, "%s=%ld\n", key, value);
}

/* The program's own seccomp filter: `nr` gets `action`, the rest runs. */
static inline void own_filter(int nr, unsigned action) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, action),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof code / sizeof code[0], .filter = code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        die("PR_SET_NO_NEW_PRIVS");
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
        die("seccomp");
}

static inline void unbuffered(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
}

/* main() of each program: `prog CASE [ARGS]` runs the function named CASE. */
struct cmd {
    const char *name;
    int (*run)(int argc, char **argv);
};

static inline int dispatch(const struct cmd *cmds, int argc, char **argv) {
    unbuffered();
    if (argc < 2) {
        fprintf(stderr, "usage: %s CASE [ARGS]\n", argv[0]);
        return 102;
    }
    for (const struct cmd *c = cmds; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0)
            return c->run(argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown case %s\n", argv[0], argv[1]);
    return 102;
}

#include <signal.h>

/* The end of every exec and spawn: a call the test looks for in the trace
 * (access of a path that does not exist, so it fails with ENOENT), the
 * signals this image starts with blocked, and an exit code from argv. */
#define LEAF_MARKER "/selftrace-leaf-marker"

static inline int run_leaf(int argc, char **argv) {
    int r = access(LEAF_MARKER, F_OK);
    printf("leaf: ran, marker access %s\n", r == -1 && errno == ENOENT ? "ENOENT" : "unexpected");
    sigset_t mask;
    sigprocmask(SIG_BLOCK, NULL, &mask);
    printf("leaf: SIGUSR2 blocked: %s\n", sigismember(&mask, SIGUSR2) ? "yes" : "no");
    printf("leaf: SIGSYS blocked: %s\n", sigismember(&mask, SIGSYS) ? "yes" : "no");
    return argc > 1 ? atoi(argv[1]) : 0;
}

/* "exited N" or "killed by SIGNAME". */
static inline const char *describe(int status) {
    static char buf[64];
    if (WIFEXITED(status))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, sizeof buf, "killed by SIG%s", sigabbrev_np(WTERMSIG(status)));
    else
        snprintf(buf, sizeof buf, "status 0x%x", status);
    return buf;
}
