/* A non-PIE program whose own text (below 4 GiB) makes raw system calls,
 * as Go's cgo binaries do: a write, a signal handler whose restorer is its
 * own code (rt_sigreturn from below 4 GiB), and an exec of a statically
 * linked program whose code lies at the same low addresses.
 * Usage: low_code STATIC_PROGRAM */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long raw3(long nr, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static long raw4(long nr, long a, long b, long c, long d) {
    long r;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return r;
}

/* The restorer: rt_sigreturn from this program's own text. */
__asm__(".text\n.globl own_restorer\nown_restorer:\n mov $15, %eax\n syscall\n hlt\n");
void own_restorer(void);

static volatile sig_atomic_t handled;

static void on_usr1(int sig) {
    (void)sig;
    static const char msg[] = "low code: handler ran\n";
    raw3(SYS_write, 1, (long)msg, sizeof msg - 1);
    handled++;
}

struct kernel_sigaction { void (*handler)(int); unsigned long flags; void (*restorer)(void); unsigned long mask; };

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    static const char hello[] = "low code: raw write\n";
    if (raw3(SYS_write, 1, (long)hello, sizeof hello - 1) != sizeof hello - 1) return 3;
    struct kernel_sigaction act = { on_usr1, 0x04000000 /* SA_RESTORER */, own_restorer, 0 };
    if (raw4(SYS_rt_sigaction, SIGUSR1, (long)&act, 0, 8) != 0) return 4;
    for (int i = 0; i < 3; i++) {
        raw3(SYS_kill, getpid(), SIGUSR1, 0);
    }
    printf("low code: handled %d\n", (int)handled);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        execl(argv[1], argv[1], (char *)0);
        _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("low code: static child %s %d\n", WIFEXITED(status) ? "exited" : "killed by",
           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return 9;
}
