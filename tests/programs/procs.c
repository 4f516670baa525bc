/* New processes in every way libc makes them: fork, vfork, posix_spawn,
 * system, popen. Each child's pid goes to stderr as `child=N`. */
#include "common.h"

#include <spawn.h>
#include <sys/syscall.h>

extern char **environ;

static int wait_child(pid_t pid) {
    int status;
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    note("child", pid);
    return status;
}

/* fork: the child makes a call of its own and exits 3. */
static int run_fork(int argc, char **argv) {
    (void)argc, (void)argv;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        _exit(getppid() == parent ? 3 : 90);
    printf("fork: child %s\n", describe(wait_child(pid)));
    return 0;
}

/* vfork: the child writes on the parent's stack and memory, then _exits. */
static int run_vfork(int argc, char **argv) {
    (void)argc, (void)argv;
    pid_t pid = vfork();
    if (pid < 0)
        die("vfork");
    if (pid == 0) {
        static const char msg[] = "vfork: child wrote\n";
        write(1, msg, sizeof msg - 1);
        _exit(4);
    }
    printf("vfork: child %s\n", describe(wait_child(pid)));
    return 0;
}

/* vfork then exec: the new image runs while the parent is suspended. */
static int run_vfork_exec(int argc, char **argv) {
    (void)argc;
    char *args[] = {argv[-1], "leaf", "5", NULL};
    pid_t pid = vfork();
    if (pid < 0)
        die("vfork");
    if (pid == 0) {
        execve("/proc/self/exe", args, environ);
        _exit(127);
    }
    printf("vfork exec: child %s\n", describe(wait_child(pid)));
    return 0;
}

static void on_usr1(int sig) { (void)sig; }

/* posix_spawn: glibc clones with CLONE_VM|CLONE_VFORK on a stack of its
 * own, blocks every signal in the child, resets handlers, and execs. Once
 * plain, once with a full signal mask (SIGSYS included) and default
 * dispositions requested through the attributes. */
static int run_posix_spawn(int argc, char **argv) {
    (void)argc;
    char *args[] = {argv[-1], "leaf", "6", NULL};
    pid_t pid;
    int err = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ);
    if (err) {
        errno = err;
        die("posix_spawn");
    }
    printf("posix_spawn: child %s\n", describe(wait_child(pid)));

    signal(SIGUSR1, on_usr1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t all, usr1;
    sigfillset(&all);
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    posix_spawnattr_setsigmask(&attr, &all);
    posix_spawnattr_setsigdefault(&attr, &usr1);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    args[2] = "7";
    err = posix_spawn(&pid, "/proc/self/exe", NULL, &attr, args, environ);
    if (err) {
        errno = err;
        die("posix_spawn with attributes");
    }
    printf("posix_spawn masked: child %s\n", describe(wait_child(pid)));
    return 0;
}

/* system(): sh -c in a child, SIGCHLD blocked and SIGINT/SIGQUIT ignored
 * in the parent meanwhile. */
static int run_system(int argc, char **argv) {
    (void)argc, (void)argv;
    int status = system("echo system: sh ran; exit 6");
    printf("system: %s\n", describe(status));
    return 0;
}

/* popen(): sh -c with its stdout on a pipe we read. */
static int run_popen(int argc, char **argv) {
    (void)argc, (void)argv;
    FILE *f = popen("echo first line; echo second line; exit 2", "r");
    if (!f)
        die("popen");
    char line[128];
    while (fgets(line, sizeof line, f))
        printf("popen: read %s", line);
    printf("popen: pclose %s\n", describe(pclose(f)));
    return 0;
}

int main(int argc, char **argv) {
    static const struct cmd cmds[] = {
        {"fork", run_fork},
        {"vfork", run_vfork},
        {"vfork-exec", run_vfork_exec},
        {"posix-spawn", run_posix_spawn},
        {"system", run_system},
        {"popen", run_popen},
        {"leaf", run_leaf},
        {NULL, NULL},
    };
    return dispatch(cmds, argc, argv);
}
