/* Signals around traced calls: handlers that block everything, waiting for
 * signals in every way, masks that include SIGSYS, a storm of SIGCHLD,
 * interrupted reads, and deaths by signal. */
#include "common.h"

#include <poll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>

static volatile sig_atomic_t handled;
static volatile long handler_ppid;

static void sigset_of(sigset_t *set, int sig) {
    sigemptyset(set);
    sigaddset(set, sig);
}

/* Every signal but `sig` (SIGSYS included). */
static void all_but(sigset_t *set, int sig) {
    sigfillset(set);
    sigdelset(set, sig);
}

static void install(int sig, void (*fn)(int), int flags, const sigset_t *mask) {
    struct sigaction sa = {.sa_handler = fn, .sa_flags = flags};
    if (mask)
        sa.sa_mask = *mask;
    else
        sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL))
        die("sigaction");
}

static void block(int sig) {
    sigset_t set;
    sigset_of(&set, sig);
    if (sigprocmask(SIG_BLOCK, &set, NULL))
        die("sigprocmask");
}

/* A child that sleeps `ms` milliseconds and sends `sig` to us, so that we
 * are really blocked when it arrives. */
static pid_t send_later(int sig, int ms) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        usleep(ms * 1000);
        kill(parent, sig);
        _exit(0);
    }
    return pid;
}

static void reap(pid_t pid) {
    int status;
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
}

static void counting_handler(int sig) {
    (void)sig;
    handler_ppid = getppid();
    static const char msg[] = "in handler\n";
    write(2, msg, sizeof msg - 1);
    handled++;
}

/* A handler whose sa_mask blocks every signal (SIGSYS too) makes calls. */
static int run_full_mask_handler(int argc, char **argv) {
    (void)argc, (void)argv;
    sigset_t all;
    sigfillset(&all);
    install(SIGUSR1, counting_handler, 0, &all);
    for (int i = 0; i < 3; i++)
        raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("full mask handler: ran %d times, getppid inside %s\n", (int)handled,
           handler_ppid == getppid() ? "right" : "wrong");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("full mask handler: mask restored: %s\n", sigismember(&now, SIGUSR1) ? "no" : "yes");
    return 0;
}

static void quiet_handler(int sig) {
    (void)sig;
    handled++;
}

/* sigsuspend with a mask of everything but SIGUSR1. */
static int run_sigsuspend(int argc, char **argv) {
    (void)argc, (void)argv;
    install(SIGUSR1, quiet_handler, 0, NULL);
    block(SIGUSR1);
    pid_t pid = send_later(SIGUSR1, 20);
    sigset_t wait_mask;
    all_but(&wait_mask, SIGUSR1);
    int r = sigsuspend(&wait_mask);
    printf("sigsuspend: returned %d %s, handler ran %d\n", r, r == -1 && errno == EINTR ? "EINTR" : "?", (int)handled);
    reap(pid);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("sigsuspend: SIGUSR1 blocked again: %s, SIGSYS blocked: %s\n", sigismember(&now, SIGUSR1) ? "yes" : "no",
           sigismember(&now, SIGSYS) ? "yes" : "no");
    return 0;
}

/* sigwaitinfo with every signal blocked, SIGSYS included. */
static int run_sigwaitinfo(int argc, char **argv) {
    (void)argc, (void)argv;
    sigset_t all;
    sigfillset(&all);
    if (sigprocmask(SIG_BLOCK, &all, NULL))
        die("sigprocmask");
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        union sigval v = {.sival_int = 42};
        sigqueue(parent, SIGUSR2, v);
        _exit(0);
    }
    siginfo_t si;
    sigset_t usr2;
    sigset_of(&usr2, SIGUSR2);
    int sig = sigwaitinfo(&usr2, &si);
    printf("sigwaitinfo: got SIG%s, value %d, code %s\n", sig > 0 ? sigabbrev_np(sig) : "?", si.si_value.sival_int,
           si.si_code == SI_QUEUE ? "SI_QUEUE" : "other");
    reap(pid);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("sigwaitinfo: SIGSYS blocked: %s\n", sigismember(&now, SIGSYS) ? "yes" : "no");
    return 0;
}

/* signalfd for SIGUSR1, with every signal blocked. */
static int run_signalfd(int argc, char **argv) {
    (void)argc, (void)argv;
    sigset_t all;
    sigfillset(&all);
    if (sigprocmask(SIG_BLOCK, &all, NULL))
        die("sigprocmask");
    sigset_t usr1;
    sigset_of(&usr1, SIGUSR1);
    int fd = signalfd(-1, &usr1, SFD_CLOEXEC);
    if (fd < 0)
        die("signalfd");
    pid_t pid = send_later(SIGUSR1, 20);
    struct signalfd_siginfo ssi;
    ssize_t n = read(fd, &ssi, sizeof ssi);
    printf("signalfd: read %s, SIG%s from our child: %s\n", n == sizeof ssi ? "a whole record" : "short",
           sigabbrev_np(ssi.ssi_signo), (pid_t)ssi.ssi_pid == pid ? "yes" : "no");
    reap(pid);
    return 0;
}

/* ppoll and pselect on an empty pipe, with a mask of everything but
 * SIGUSR1 (interrupted by it), then with a full mask (timing out). */
static int run_ppoll_pselect(int argc, char **argv) {
    (void)argc, (void)argv;
    install(SIGUSR1, quiet_handler, 0, NULL);
    block(SIGUSR1);
    int fds[2];
    if (pipe(fds))
        die("pipe");
    sigset_t wait_mask, all;
    all_but(&wait_mask, SIGUSR1);
    sigfillset(&all);

    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    struct timespec long_wait = {10, 0}, short_wait = {0, 10 * 1000 * 1000};
    pid_t pid = send_later(SIGUSR1, 20);
    int r = ppoll(&p, 1, &long_wait, &wait_mask);
    printf("ppoll: %d %s, handler ran %d\n", r, r == -1 && errno == EINTR ? "EINTR" : "?", (int)handled);
    reap(pid);
    r = ppoll(&p, 1, &short_wait, &all);
    printf("ppoll full mask: %d (timeout)\n", r);

    fd_set set;
    FD_ZERO(&set);
    FD_SET(fds[0], &set);
    pid = send_later(SIGUSR1, 20);
    r = pselect(fds[0] + 1, &set, NULL, NULL, &long_wait, &wait_mask);
    printf("pselect: %d %s, handler ran %d\n", r, r == -1 && errno == EINTR ? "EINTR" : "?", (int)handled);
    reap(pid);
    FD_ZERO(&set);
    FD_SET(fds[0], &set);
    r = pselect(fds[0] + 1, &set, NULL, NULL, &short_wait, &all);
    printf("pselect full mask: %d (timeout)\n", r);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("ppoll/pselect: SIGUSR1 blocked again: %s\n", sigismember(&now, SIGUSR1) ? "yes" : "no");
    return 0;
}

#define STORM 200
static volatile sig_atomic_t reaped, sigchld_count;

static void reaper(int sig) {
    (void)sig;
    int saved = errno;
    sigchld_count++;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        reaped++;
    errno = saved;
}

/* 200 children that exit at once; a SIGCHLD handler counts and reaps. */
static int run_sigchld_storm(int argc, char **argv) {
    (void)argc, (void)argv;
    install(SIGCHLD, reaper, SA_RESTART | SA_NOCLDSTOP, NULL);
    sigset_t chld, old;
    sigset_of(&chld, SIGCHLD);
    for (int i = 0; i < STORM; i++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            _exit(0);
    }
    sigprocmask(SIG_BLOCK, &chld, &old);
    while (reaped < STORM)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("sigchld storm: reaped %d of %d, handler ran: %s\n", (int)reaped, STORM, sigchld_count > 0 ? "yes" : "no");
    errno = 0;
    printf("sigchld storm: no child left: %s\n", wait(NULL) == -1 && errno == ECHILD ? "yes" : "no");
    return 0;
}

static int alarm_pipe[2];

static void alarm_writes(int sig) {
    (void)sig;
    handled++;
    write(alarm_pipe[1], "x", 1);
}

static void alarm_quiet(int sig) {
    (void)sig;
    handled++;
}

/* A timer that fires every `ms` milliseconds (0: disarm), so that a signal
 * that comes before the read starts is followed by one that interrupts it. */
static void arm_timer(int ms) {
    struct itimerval it = {.it_value = {0, ms * 1000}, .it_interval = {0, ms * 1000}};
    if (setitimer(ITIMER_REAL, &it, NULL))
        die("setitimer");
}

/* SIGALRM while read() blocks on an empty pipe: without SA_RESTART the read
 * fails with EINTR; with SA_RESTART it is restarted and reads the byte the
 * handler wrote. */
static int run_interrupted_read(int argc, char **argv) {
    (void)argc, (void)argv;
    if (pipe(alarm_pipe))
        die("pipe");
    char c = 0;
    install(SIGALRM, alarm_quiet, 0, NULL);
    arm_timer(30);
    ssize_t n = read(alarm_pipe[0], &c, 1);
    arm_timer(0);
    printf("read without SA_RESTART: %zd %s, handler ran: %s\n", n, n == -1 && errno == EINTR ? "EINTR" : "?",
           handled > 0 ? "yes" : "no");
    handled = 0;
    install(SIGALRM, alarm_writes, SA_RESTART, NULL);
    arm_timer(30);
    n = read(alarm_pipe[0], &c, 1);
    arm_timer(0);
    printf("read with SA_RESTART: %zd '%c', handler ran: %s\n", n, n == 1 ? c : '?', handled > 0 ? "yes" : "no");
    return 0;
}

static volatile sig_atomic_t ticks;

static void tick(int sig) {
    (void)sig;
    getppid();
    ticks++;
}

/* A fast timer whose handler makes one call, while the main loop makes
 * traced calls: many ticks land while the thread is inside the tracer's
 * own code around a call. The trace must show each tick's getppid. */
static int run_handler_storm(int argc, char **argv) {
    (void)argc, (void)argv;
    install(SIGALRM, tick, SA_RESTART, NULL);
    arm_timer(0);
    struct itimerval it = {.it_value = {0, 100}, .it_interval = {0, 100}};
    if (setitimer(ITIMER_REAL, &it, NULL))
        die("setitimer");
    for (long i = 0; i < 5000 || ticks < 50; i++)
        getuid();
    block(SIGALRM);
    arm_timer(0);
    printf("handler storm: at least 50 ticks: %s\n", ticks >= 50 ? "yes" : "no");
    return 0;
}

static void no_core(void) {
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none))
        die("setrlimit");
}

static int run_abort(int argc, char **argv) {
    (void)argc, (void)argv;
    no_core();
    printf("abort: aborting\n");
    abort();
}

static int run_segv(int argc, char **argv) {
    (void)argc, (void)argv;
    no_core();
    printf("segv: writing through NULL\n");
    *(volatile int *)0 = 1;
    return 0;
}

int main(int argc, char **argv) {
    static const struct cmd cmds[] = {
        {"full-mask-handler", run_full_mask_handler},
        {"sigsuspend", run_sigsuspend},
        {"sigwaitinfo", run_sigwaitinfo},
        {"signalfd", run_signalfd},
        {"ppoll-pselect", run_ppoll_pselect},
        {"sigchld-storm", run_sigchld_storm},
        {"interrupted-read", run_interrupted_read},
        {"handler-storm", run_handler_storm},
        {"abort", run_abort},
        {"segv", run_segv},
        {NULL, NULL},
    };
    return dispatch(cmds, argc, argv);
}
