/* A program for musl's dynamic loader (tests/runtimes.rs), built with
 * musl-gcc: Alpine images and musl-built Rust binaries are linked this way.
 * A thread writes a file, the main thread reads it back and prints it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *path = "musl-thread.txt";
static const char text[] = "written by a musl thread";

static void *work(void *arg) {
    (void)arg;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return (void *)1;
    if (write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1) || close(fd))
        return (void *)2;
    return NULL;
}

int main(void) {
    pthread_t thread;
    void *result;
    if (pthread_create(&thread, NULL, work, NULL)) {
        printf("pthread_create failed\n");
        return 2;
    }
    pthread_join(thread, &result);
    if (result) {
        printf("the thread's file I/O failed\n");
        return 3;
    }
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    unlink(path);
    if (got != (ssize_t)(sizeof text - 1) || strcmp(buf, text)) {
        printf("read back something else\n");
        return 3;
    }
    printf("musl: %s\n", buf);
    return 9;
}
