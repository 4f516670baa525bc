/* Threads and shared-memory children, made in every way glibc and raw
 * clone() make them. Each new thread or child calls getppid() once, so the
 * test can find that call in the trace under the tid it notes on stderr. */
#include "common.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define STACK_SIZE (256 * 1024)

static volatile long thread_tid, thread_ppid;

static void *pthread_body(void *arg) {
    (void)arg;
    thread_tid = syscall(SYS_gettid);
    thread_ppid = getppid();
    return NULL;
}

/* pthread_create (glibc 2.34+ makes the thread with clone3) and join. */
static int run_pthread(int argc, char **argv) {
    (void)argc, (void)argv;
    pthread_t t;
    int err = pthread_create(&t, NULL, pthread_body, NULL);
    if (err) {
        errno = err;
        die("pthread_create");
    }
    pthread_join(t, NULL);
    note("tid", thread_tid);
    printf("pthread: thread ran: %s\n", thread_tid > 0 && thread_tid != getpid() ? "yes" : "no");
    printf("pthread: getppid in thread is the process's: %s\n", thread_ppid == getppid() ? "yes" : "no");
    return 0;
}

static char *new_stack(void) {
    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        die("mmap stack");
    return stack + STACK_SIZE;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no system call */
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The raw thread shares the main thread's TLS (no CLONE_SETTLS): it makes
 * only raw calls, and the main thread waits for it without any system call,
 * so the two never run libc or the tracer on the same TLS at once. */
static volatile long raw_ppid, raw_tid;

static int raw_thread_body(void *arg) {
    (void)arg;
    raw_tid = syscall(SYS_gettid);
    raw_ppid = syscall(SYS_getppid);
    return 0; /* glibc's clone() then calls exit(2): this thread ends */
}

/* clone() with the flags of a thread, on a stack of its own. */
static int run_clone_thread(int argc, char **argv) {
    (void)argc, (void)argv;
    static pid_t ctid; /* set by CLONE_PARENT_SETTID, cleared at the thread's exit */
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM
              | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    long tid = clone(raw_thread_body, new_stack(), flags, NULL, &ctid, NULL, &ctid);
    if (tid < 0)
        die("clone");
    double deadline = now() + 20;
    while (__atomic_load_n(&ctid, __ATOMIC_ACQUIRE) != 0) {
        if (now() > deadline) {
            fprintf(stderr, "clone thread did not exit\n");
            return 103;
        }
        __builtin_ia32_pause();
    }
    note("tid", tid);
    printf("clone thread: ran with the tid clone returned: %s\n", raw_tid == tid ? "yes" : "no");
    printf("clone thread: getppid is the process's: %s\n", raw_ppid == getppid() ? "yes" : "no");
    return 0;
}

static volatile int shared_value;
static volatile long vm_child_ppid;

static int vm_child_body(void *arg) {
    (void)arg;
    vm_child_ppid = syscall(SYS_getppid);
    shared_value = 42;
    return 7;
}

/* CLONE_VM without CLONE_THREAD: a child process sharing our memory, on its
 * own stack, with no exit signal (so only __WALL waits for it). */
static int run_clone_vm(int argc, char **argv) {
    (void)argc, (void)argv;
    pid_t pid = clone(vm_child_body, new_stack(), CLONE_VM, NULL);
    if (pid < 0)
        die("clone");
    int status;
    if (waitpid(pid, &status, __WALL) != pid)
        die("waitpid");
    note("child", pid);
    printf("clone vm: child exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
    printf("clone vm: child wrote shared memory: %d\n", shared_value);
    printf("clone vm: child's parent is us: %s\n", vm_child_ppid == getpid() ? "yes" : "no");
    return 0;
}

/* glibc falls back from clone3 to clone when clone3 fails with ENOSYS
 * (old kernels, container runtimes' filters): make it so with a filter of
 * our own, and pthread_create must still work. */
static int run_clone3_enosys(int argc, char **argv) {
    (void)argc, (void)argv;
    own_filter(SYS_clone3, SECCOMP_RET_ERRNO | ENOSYS);
    long r = syscall(SYS_clone3, NULL, 0);
    printf("clone3 fallback: clone3 fails with ENOSYS: %s\n", r == -1 && errno == ENOSYS ? "yes" : "no");
    return run_pthread(argc, argv);
}

int main(int argc, char **argv) {
    static const struct cmd cmds[] = {
        {"pthread", run_pthread},
        {"clone-thread", run_clone_thread},
        {"clone-vm", run_clone_vm},
        {"clone3-enosys", run_clone3_enosys},
        {NULL, NULL},
    };
    return dispatch(cmds, argc, argv);
}
