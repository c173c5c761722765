/*
 * Test helper: installs a seccomp filter read from a file (struct sock_filter[], as Bulwark compiles it), then
 * makes one syscall or execs a program, and prints what the kernel answered. Used by the seccomp module's
 * kernel tests; not part of the product.
 *
 *   seccomp-probe FILTER|- FLAGS syscall NR [ARG...]     prints "ret=R errno=E"
 *   seccomp-probe FILTER|- FLAGS trap NR [ARG...]        as syscall, with a SIGSYS handler that prints "sigsys ..."
 *   seccomp-probe FILTER|- FLAGS exec PROGRAM [ARG...]   execv after installing
 *   seccomp-probe FILTER FLAGS notify SOCKET NR [ARG...] sends the listener fd to SOCKET, then makes the syscall
 *   seccomp-probe FILTER FLAGS status                    prints the Seccomp: line of /proc/self/status
 *   seccomp-probe FILTER|- FLAGS calls NR,ARG,... ...    each call in a child process of its own (one call may kill
 *                                                        its process), prints "call I ret=R errno=E",
 *                                                        "call I sigsys signo=31 syscall=NR" or "call I signal=S"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
    exit(120);
}

static long install(const char *path, unsigned int flags) {
    if (strcmp(path, "-") == 0) {
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open filter");
    struct stat st;
    if (fstat(fd, &st) < 0) die("stat filter");
    struct sock_filter *insns = malloc(st.st_size);
    if (!insns) die("malloc");
    if (read(fd, insns, st.st_size) != st.st_size) die("read filter");
    close(fd);
    struct sock_fprog prog = { .len = (unsigned short)(st.st_size / sizeof(struct sock_filter)), .filter = insns };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die("no_new_privs");
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0) die("seccomp");
    return rc;
}

static void on_sigsys(int sig, siginfo_t *info, void *ctx) {
    (void)ctx;
    char buf[128];
    int n = snprintf(buf, sizeof buf, "sigsys signo=%d syscall=%d code=%d\n", sig, info->si_syscall, info->si_code);
    if (write(1, buf, n) < 0) _exit(121);
    _exit(0);
}

static int call_index;

static void on_call_sigsys(int sig, siginfo_t *info, void *ctx) {
    (void)ctx;
    char buf[128];
    int n = snprintf(buf, sizeof buf, "call %d sigsys signo=%d syscall=%d\n", call_index, sig, info->si_syscall);
    if (write(1, buf, n) < 0) _exit(121);
    _exit(0);
}

/* One child per call "NR,A0,...,A5": the child makes the call, the parent reports a death by signal. */
static int calls(int count, char **specs) {
    struct sigaction sa = { .sa_sigaction = on_call_sigsys, .sa_flags = SA_SIGINFO };
    sigaction(SIGSYS, &sa, NULL);
    for (call_index = 0; call_index < count; call_index++) {
        char spec[512];
        snprintf(spec, sizeof spec, "%s", specs[call_index]);
        char *save = NULL;
        char *tok = strtok_r(spec, ",", &save);
        long nr = tok ? strtol(tok, NULL, 0) : -1;
        unsigned long a[6] = { 0 };
        for (int i = 0; i < 6 && (tok = strtok_r(NULL, ",", &save)) != NULL; i++) {
            a[i] = strtoul(tok, NULL, 0);
        }
        char buf[128];
        pid_t child = fork();
        if (child < 0) die("fork");
        if (child == 0) {
            errno = 0;
            long ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            int n = snprintf(buf, sizeof buf, "call %d ret=%ld errno=%d\n", call_index, ret, ret < 0 ? errno : 0);
            _exit(write(1, buf, n) == n ? 0 : 121);
        }
        int st;
        if (waitpid(child, &st, 0) < 0) die("waitpid");
        if (WIFSIGNALED(st)) {
            int n = snprintf(buf, sizeof buf, "call %d signal=%d\n", call_index, WTERMSIG(st));
            if (write(1, buf, n) != n) die("write");
        }
    }
    return 0;
}

static void send_listener(const char *sock, int listener) {
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strncpy(addr.sun_path, sock, sizeof addr.sun_path - 1);
    if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
    char state[256];
    int n = snprintf(state, sizeof state, "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":%d,"
                     "\"metadata\":\"probe\",\"state\":{\"ociVersion\":\"1.2.0\",\"id\":\"probe\",\"status\":\"creating\","
                     "\"pid\":%d,\"bundle\":\"/\"}}", getpid(), getpid());
    struct iovec iov = { .iov_base = state, .iov_len = (size_t)n };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &listener, sizeof(int));
    if (sendmsg(s, &msg, 0) < 0) die("sendmsg");
    close(s);
    close(listener);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: seccomp-probe FILTER FLAGS MODE ...\n");
        return 2;
    }
    struct rlimit nocore = { 0, 0 };
    setrlimit(RLIMIT_CORE, &nocore); /* a SIGSYS death must not leave a core file behind */
    const char *mode = argv[3];
    int first = 4;
    const char *sock = NULL;
    if (strcmp(mode, "notify") == 0) {
        sock = argv[first++];
    }
    if (strcmp(mode, "trap") == 0) {
        struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
        sigaction(SIGSYS, &sa, NULL);
    }
    printf("pid=%d\n", getpid());
    fflush(stdout);
    long listener = install(argv[1], (unsigned int)strtoul(argv[2], NULL, 0));
    if (strcmp(mode, "status") == 0) {
        FILE *f = fopen("/proc/self/status", "r");
        char line[256];
        while (f && fgets(line, sizeof line, f)) {
            if (strncmp(line, "Seccomp:", 8) == 0) fputs(line, stdout);
        }
        return 0;
    }
    if (strcmp(mode, "calls") == 0) {
        return calls(argc - first, argv + first);
    }
    if (strcmp(mode, "exec") == 0) {
        execv(argv[first], argv + first);
        die("execv");
    }
    if (sock) {
        send_listener(sock, (int)listener);
    }
    if (first >= argc) {
        fprintf(stderr, "probe: missing syscall number\n");
        return 2;
    }
    long nr = strtol(argv[first], NULL, 0);
    unsigned long a[6] = { 0 };
    for (int i = 0; i < 6 && first + 1 + i < argc; i++) {
        a[i] = strtoul(argv[first + 1 + i], NULL, 0);
    }
    errno = 0;
    long ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    printf("ret=%ld errno=%d\n", ret, ret < 0 ? errno : 0);
    return 0;
}
