/* Linked with -static: it never loads the preload, so it runs untraced.
 * It must run unharmed under a filter a traced parent left in place. */
#include "common.h"

#include <fcntl.h>

int main(int argc, char **argv) {
    unbuffered();
    int fd = open("/dev/null", O_WRONLY);
    printf("static: open /dev/null %s\n", fd >= 0 ? "ok" : strerror(errno));
    printf("static: getppid %s\n", getppid() > 0 ? "ok" : "failed");
    pid_t pid = fork();
    if (pid == 0)
        _exit(3);
    int status;
    waitpid(pid, &status, 0);
    printf("static: forked child %s\n", describe(status));
    return argc > 1 ? atoi(argv[1]) : 12;
}
