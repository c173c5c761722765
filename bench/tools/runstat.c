/*
 * runstat: runs one command and reports its wall time and peak RSS, with as little overhead as a C program can add.
 *
 *   runstat [-m] [-q] -- COMMAND [ARGS...]
 *
 * Prints "WALL_NS MAXRSS_KIB EXIT_STATUS CPU_NS" on stderr (fd 2 of runstat, before the child's output is redirected).
 *   -m  run COMMAND in a private mount namespace with /sys/fs/cgroup/unified unmounted (crun on a cgroup v1
 *       hybrid host refuses the empty v2 mount); the unshare happens in the child, inside the timed interval.
 *   -q  send the child's stdout and stderr to /dev/null.
 * CPU_NS is user + system time, less sensitive than wall time to other load on a shared machine.
 * The peak RSS is what wait4() reports: the maximum over the command and the descendants it reaped itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    int hide_unified = 0, quiet = 0, i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "-m") == 0) {
            hide_unified = 1;
        } else if (strcmp(argv[i], "-q") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            break;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: runstat [-m] [-q] -- COMMAND [ARGS...]\n");
        return 2;
    }
    int report = dup(2);
    if (report < 0) {
        perror("runstat: dup");
        return 2;
    }
    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("runstat: fork");
        return 2;
    }
    if (pid == 0) {
        close(report);
        if (hide_unified) {
            if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
                perror("runstat: private mount namespace");
                _exit(126);
            }
            if (umount2("/sys/fs/cgroup/unified", MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
                perror("runstat: umount /sys/fs/cgroup/unified");
                _exit(126);
            }
        }
        if (quiet) {
            int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
            if (null >= 0) {
                dup2(null, 1);
                dup2(null, 2);
            }
        }
        execvp(argv[i], &argv[i]);
        perror("runstat: exec");
        _exit(127);
    }
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("runstat: wait4");
            return 2;
        }
    }
    long long wall = now_ns() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL
        + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
    dprintf(report, "%lld %ld %d %lld\n", wall, ru.ru_maxrss, code, cpu);
    return code;
}
