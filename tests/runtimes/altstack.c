/* A signal handler on a small sigaltstack that makes a trapped call
 * (tests/runtimes.rs).
 *
 * `altstack KIB` carves a KIB KiB alternate signal stack out of the upper
 * end of a larger buffer and fills the 64 KiB below it with a canary
 * pattern. A SIGUSR1 handler installed with SA_ONSTACK calls write(2),
 * which a tracer traps; it checks that it runs on the altstack. After the
 * handler returns the program checks that the canary is intact: a tracer
 * whose own frames land on the program's altstack would write below it
 * (Rust's stack-overflow handler and Go's signal handlers run on such
 * stacks). Exits 0 when all is well, 4 when the canary was overwritten, 5
 * when the handler did not run on the altstack. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CANARY_BYTES (64 * 1024)
#define CANARY 0xa5

static char *altstack;
static size_t altstack_size;
static volatile sig_atomic_t on_altstack = -1;
static volatile sig_atomic_t wrote = -1;

static void handler(int sig) {
    (void)sig;
    char here;
    on_altstack = (uintptr_t)&here >= (uintptr_t)altstack && (uintptr_t)&here < (uintptr_t)altstack + altstack_size;
    static const char line[] = "altstack handler wrote\n";
    wrote = write(1, line, sizeof line - 1) == (ssize_t)(sizeof line - 1);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s ALTSTACK_KIB\n", argv[0]);
        return 64;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    long kib = atol(argv[1]);
    altstack_size = kib * 1024;
    /* Page-aligned: the canary below, the altstack above it. */
    char *buffer = aligned_alloc(4096, CANARY_BYTES + altstack_size);
    if (!buffer) {
        perror("aligned_alloc");
        return 100;
    }
    memset(buffer, CANARY, CANARY_BYTES);
    altstack = buffer + CANARY_BYTES;
    memset(altstack, 0, altstack_size);

    stack_t ss = {.ss_sp = altstack, .ss_size = altstack_size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL)) {
        printf("sigaltstack(%ld KiB) failed\n", kib);
        return 100;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL)) {
        perror("sigaction");
        return 100;
    }
    printf("%ld KiB altstack above a %d KiB canary\n", kib, CANARY_BYTES / 1024);
    for (int round = 0; round < 3; round++)
        raise(SIGUSR1);

    size_t damaged = 0;
    long lowest = -1;
    for (size_t i = 0; i < CANARY_BYTES; i++) {
        if ((unsigned char)buffer[i] != CANARY) {
            damaged++;
            if (lowest < 0)
                lowest = (long)i;
        }
    }
    printf("handler wrote its line: %s\n", wrote == 1 ? "yes" : "no");
    printf("handler ran on the altstack: %s\n", on_altstack == 1 ? "yes" : "no");
    if (damaged) {
        /* How far below the altstack the damage reaches, for the report. */
        printf("canary overwritten: %zu bytes, down to %ld bytes below the altstack\n", damaged,
               (long)CANARY_BYTES - lowest);
        return 4;
    }
    printf("canary intact\n");
    return on_altstack == 1 ? 0 : 5;
}
