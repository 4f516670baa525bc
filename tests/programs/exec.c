/* execve in its forms: a dynamically linked child, the same with an empty
 * environment, with address randomisation off, chains of execs, and any
 * program named on the command line (a static one, a setuid one). */
#include "common.h"

#include <sys/auxv.h>
#include <sys/personality.h>
#include <sys/prctl.h>

extern char **environ;

static int fork_exec(char *path, char **args, char **envp) {
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        execve(path, args, envp);
        fprintf(stderr, "execve %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    note("child", pid);
    return status;
}

static const char *aslr_off(void) {
    int persona = personality(0xffffffff);
    return persona != -1 && (persona & ADDR_NO_RANDOMIZE) ? "yes" : "no";
}

/* A dynamically linked child (this program again, as `leaf`). */
static int run_exec_dyn(int argc, char **argv) {
    (void)argc;
    char *args[] = {argv[-1], "leaf", "5", NULL};
    printf("exec: ASLR off: %s\n", aslr_off());
    printf("exec: child %s\n", describe(fork_exec("/proc/self/exe", args, environ)));
    return 0;
}

/* The same with an empty environment: envp = {NULL}. */
static int run_exec_noenv(int argc, char **argv) {
    (void)argc;
    char *args[] = {argv[-1], "leaf", "5", NULL};
    char *empty[] = {NULL};
    printf("exec noenv: child %s\n", describe(fork_exec("/proc/self/exe", args, empty)));
    return 0;
}

/* personality(ADDR_NO_RANDOMIZE), then exec into exec-dyn (what
 * `setarch -R` does before it execs its program). */
static int run_norandom(int argc, char **argv) {
    (void)argc;
    int persona = personality(0xffffffff);
    if (persona == -1 || personality(persona | ADDR_NO_RANDOMIZE) == -1)
        die("personality");
    char *args[] = {argv[-1], "exec-dyn", NULL};
    execv("/proc/self/exe", args);
    die("execv");
    return 1;
}

/* `chain N` prints its level and execs `chain N-1` in the same process;
 * `chain 0` is the leaf, exiting 9. */
static int run_chain(int argc, char **argv) {
    int level = argc > 1 ? atoi(argv[1]) : 0;
    printf("chain: level %d\n", level);
    if (level == 0) {
        char *args[] = {"leaf", "9", NULL};
        return run_leaf(2, args);
    }
    char next[16];
    snprintf(next, sizeof next, "%d", level - 1);
    char *args[] = {argv[-1], "chain", next, NULL};
    execv("/proc/self/exe", args);
    die("execv");
    return 1;
}

/* `run PATH ARGS...`: fork, exec PATH, report how it ended. */
static int run_run(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "run PATH ARGS...\n");
        return 102;
    }
    printf("run: child %s\n", describe(fork_exec(argv[1], argv + 1, environ)));
    return 0;
}

/* What a setuid image sees of its privileges. */
static int run_privs(int argc, char **argv) {
    (void)argc, (void)argv;
    printf("privs: no_new_privs %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    printf("privs: AT_SECURE %lu\n", getauxval(AT_SECURE));
    printf("privs: euid is uid: %s\n", geteuid() == getuid() ? "yes" : "no");
    return 8;
}

int main(int argc, char **argv) {
    static const struct cmd cmds[] = {
        {"exec-dyn", run_exec_dyn},
        {"exec-noenv", run_exec_noenv},
        {"norandom", run_norandom},
        {"chain", run_chain},
        {"run", run_run},
        {"privs", run_privs},
        {"leaf", run_leaf},
        {NULL, NULL},
    };
    return dispatch(cmds, argc, argv);
}
