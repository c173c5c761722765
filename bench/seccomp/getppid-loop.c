/*
 * Per-syscall cost of a seccomp filter: optionally installs a BPF program from a file (FILTER; "-" installs none,
 * as inside a container whose runtime installed one), then times tight loops of system calls and prints
 * nanoseconds per call.
 *
 *   getppid-loop FILTER|- ITERATIONS [hold]
 *
 * Output, one line each:
 *   seccomp MODE FILTERS             this process's Seccomp: and Seccomp_filters: from /proc/self/status
 *   getppid NS CPU_NS                getppid(): the kernel's action cache lets an always-allowed call skip the filter
 *   personality NS CPU_NS            personality(0xffffffff) (a query): the default profile allows personality only
 *                                    for some arguments, so the filter itself runs for every call
 * NS is the median over 20 equal slices of the loop of the wall time per call (a slice during which the process was
 * preempted by other load does not move the median); CPU_NS is the process's CPU time per call over the whole loop.
 * With "hold", the process then sleeps (so that a filter dump can be taken from outside) until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SLICES 20

static double now(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void measure(const char *name, long nr, unsigned long arg, long n) {
    double slice[SLICES];
    long per = n / SLICES > 0 ? n / SLICES : 1;
    double cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (int s = 0; s < SLICES; s++) {
        double a = now(CLOCK_MONOTONIC);
        for (long i = 0; i < per; i++) {
            syscall(nr, arg);
        }
        slice[s] = (now(CLOCK_MONOTONIC) - a) / (double)per;
    }
    double cpu = (now(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / ((double)per * SLICES);
    qsort(slice, SLICES, sizeof slice[0], by_value);
    printf("%s %.1f %.1f\n", name, (slice[SLICES / 2 - 1] + slice[SLICES / 2]) / 2, cpu);
}

static void print_status(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    const char *mode = "?", *filters = "?";
    static char m[32], fl[32];
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "Seccomp: %31s", m) == 1) mode = m;
        if (sscanf(line, "Seccomp_filters: %31s", fl) == 1) filters = fl;
    }
    if (f) fclose(f);
    printf("seccomp %s %s\n", mode, filters);
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: getppid-loop FILTER|- ITERATIONS [hold]\n");
        return 2;
    }
    if (strcmp(argv[1], "-") != 0) {
        int fd = open(argv[1], O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) { perror("filter"); return 1; }
        struct sock_filter *insns = malloc(st.st_size);
        if (!insns || read(fd, insns, st.st_size) != st.st_size) { perror("read"); return 1; }
        struct sock_fprog prog = { .len = (unsigned short)(st.st_size / 8), .filter = insns };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
            perror("seccomp");
            return 1;
        }
    }
    long n = atol(argv[2]);
    print_status();
    measure("getppid", SYS_getppid, 0, n);
    measure("personality", SYS_personality, 0xffffffffUL, n);
    fflush(stdout);
    if (argc == 4 && strcmp(argv[3], "hold") == 0) {
        for (;;) pause();
    }
    return 0;
}
