/* Threads on small stacks (tests/runtimes.rs).
 *
 * `small_stacks KIB` starts four threads, each on a stack of KIB KiB set
 * with pthread_attr_setstacksize. Each thread writes a line to its own
 * file in the working directory, reads it back, closes it and hands what
 * it read to the main thread, which prints it. Runtimes keep thread stacks
 * this small (Node.js, Go's cgo threads, the JVM's compiler threads): a
 * tracer must neither take stack from them nor overflow them. Exits 0 when
 * every thread was created and did its work, 2 when pthread_create failed,
 * 3 when a thread's file I/O failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4

struct job {
    int index;
    char name[64];
    char read_back[64];
    int ok;
};

static void *work(void *arg) {
    struct job *job = arg;
    char line[64];
    int len = snprintf(line, sizeof line, "thread %d was here", job->index);
    int fd = open(job->name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return NULL;
    if (write(fd, line, len) != len || lseek(fd, 0, SEEK_SET) != 0)
        return NULL;
    ssize_t got = read(fd, job->read_back, sizeof job->read_back - 1);
    if (got != len || close(fd) != 0)
        return NULL;
    job->read_back[got] = 0;
    job->ok = 1;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s STACK_KIB\n", argv[0]);
        return 64;
    }
    long kib = atol(argv[1]);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    int err = pthread_attr_setstacksize(&attr, kib * 1024);
    if (err) {
        printf("pthread_attr_setstacksize(%ld KiB): %s\n", kib, strerror(err));
        return 2;
    }
    struct job jobs[THREADS];
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].index = i;
        snprintf(jobs[i].name, sizeof jobs[i].name, "stack-%ldk-thread-%d.txt", kib, i);
        err = pthread_create(&threads[i], &attr, work, &jobs[i]);
        if (err) {
            printf("pthread_create with a %ld KiB stack: %s\n", kib, strerror(err));
            return 2;
        }
    }
    int status = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        if (jobs[i].ok)
            printf("%ld KiB stack, thread %d read back: %s\n", kib, i, jobs[i].read_back);
        else {
            printf("%ld KiB stack, thread %d: file I/O failed\n", kib, i);
            status = 3;
        }
        unlink(jobs[i].name);
    }
    printf("%ld KiB stacks: done\n", kib);
    return status;
}
