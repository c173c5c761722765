/*
 * Per-syscall cost of a seccomp filter: optionally installs a BPF program from a file, then times a tight loop of
 * getppid() system calls and prints nanoseconds per call.
 *
 *   getppid-loop FILTER|- ITERATIONS
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

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: getppid-loop FILTER|- ITERATIONS\n");
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
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        syscall(SYS_getppid);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
    printf("%.1f\n", ns / (double)n);
    return 0;
}
