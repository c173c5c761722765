/*
 * Reads the seccomp filters a running process has (PTRACE_SECCOMP_GET_FILTER: root, the process briefly stopped),
 * so that the programs runc, crun and Bulwark actually installed can be compared, and runs two x86-64 calls
 * through each with a small classic-BPF interpreter to count the instructions the kernel would execute.
 *
 *   seccomp-dump PID [OUT_PREFIX]
 *
 * Prints, per filter (0 = the most recently installed):
 *   filter N INSNS getppid STEPS ACTION personality STEPS ACTION
 * and writes OUT_PREFIX.N.bpf when OUT_PREFIX is given.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

/* Runs prog on seccomp_data; returns the action word, *steps = instructions executed (-1 on an unknown opcode). */
static uint32_t run(const struct sock_filter *prog, int len, const struct seccomp_data *d, int *steps) {
    uint32_t a = 0, x = 0;
    *steps = 0;
    for (int pc = 0; pc < len; pc++) {
        const struct sock_filter *i = &prog[pc];
        (*steps)++;
        switch (i->code) {
        case BPF_LD | BPF_W | BPF_ABS: memcpy(&a, (const char *)d + i->k, 4); break;
        case BPF_LD | BPF_W | BPF_LEN: a = sizeof *d; break;
        case BPF_LDX | BPF_W | BPF_LEN: x = sizeof *d; break;
        case BPF_ALU | BPF_AND | BPF_K: a &= i->k; break;
        case BPF_ALU | BPF_OR | BPF_K: a |= i->k; break;
        case BPF_ALU | BPF_RSH | BPF_K: a >>= i->k; break;
        case BPF_MISC | BPF_TAX: x = a; break;
        case BPF_MISC | BPF_TXA: a = x; break;
        case BPF_JMP | BPF_JA: pc += i->k; break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
        case BPF_JMP | BPF_JGT | BPF_K: pc += a > i->k ? i->jt : i->jf; break;
        case BPF_JMP | BPF_JGE | BPF_K: pc += a >= i->k ? i->jt : i->jf; break;
        case BPF_JMP | BPF_JSET | BPF_K: pc += (a & i->k) ? i->jt : i->jf; break;
        case BPF_RET | BPF_K: return i->k;
        case BPF_RET | BPF_A: return a;
        default: *steps = -1; return 0;
        }
    }
    *steps = -1;
    return 0;
}

static const char *action(uint32_t r) {
    static char buf[32];
    switch (r & SECCOMP_RET_ACTION_FULL) {
    case SECCOMP_RET_ALLOW: return "ALLOW";
    case SECCOMP_RET_LOG: return "LOG";
    case SECCOMP_RET_ERRNO: snprintf(buf, sizeof buf, "ERRNO(%u)", r & SECCOMP_RET_DATA); return buf;
    case SECCOMP_RET_TRACE: return "TRACE";
    case SECCOMP_RET_TRAP: return "TRAP";
    case SECCOMP_RET_USER_NOTIF: return "NOTIFY";
    default: return "KILL";
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: seccomp-dump PID [OUT_PREFIX]\n");
        return 2;
    }
    pid_t pid = atoi(argv[1]);
    if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) { perror("seccomp-dump: attach"); return 1; }
    int st;
    if (waitpid(pid, &st, __WALL) < 0) { perror("seccomp-dump: waitpid"); return 1; }
    int rc = 0;
    for (long n = 0;; n++) {
        long len = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)n, NULL);
        if (len < 0) {
            if (errno != ENOENT || n == 0) { perror("seccomp-dump: PTRACE_SECCOMP_GET_FILTER"); rc = n == 0 ? 1 : rc; }
            break;
        }
        struct sock_filter *prog = calloc(len, sizeof *prog);
        if (!prog || ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)n, prog) != len) { perror("seccomp-dump: read"); rc = 1; break; }
        if (argc > 2) {
            char path[4096];
            snprintf(path, sizeof path, "%s.%ld.bpf", argv[2], n);
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(prog, sizeof *prog, len, f) != (size_t)len || fclose(f) != 0) { perror(path); rc = 1; }
        }
        struct seccomp_data getppid = { .nr = SYS_getppid, .arch = AUDIT_ARCH_X86_64 };
        struct seccomp_data personality = { .nr = SYS_personality, .arch = AUDIT_ARCH_X86_64, .args = { 0xffffffffUL } };
        int s1, s2;
        uint32_t r1 = run(prog, (int)len, &getppid, &s1);
        printf("filter %ld %ld getppid %d %s", n, len, s1, action(r1));
        uint32_t r2 = run(prog, (int)len, &personality, &s2);
        printf(" personality %d %s\n", s2, action(r2));
        free(prog);
    }
    ptrace(PTRACE_DETACH, pid, 0, 0);
    return rc;
}
