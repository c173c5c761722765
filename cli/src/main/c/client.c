/*
 * bin/bulwark: the command line's front door. When a resident Bulwark server (`bulwark server`) listens under the
 * state root, this hands the command line to it: argv, environment, working directory and, over SCM_RIGHTS, its own
 * stdin, stdout and stderr, so that the command and the container's workload write exactly where a cold bulwark
 * would. Signals it receives go to the server on the same connection; it exits with the status the server sends.
 * With no server (or BULWARK_NO_SERVER set, or not root, or --preserve-fds, or a verb the server does not serve) it
 * executes the JVM launcher (../libexec/bulwark-jvm) with the same arguments: the same command, a cold start.
 *
 * No allocation-heavy logic and no parsing beyond finding --root: the server does the rest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

#define SOCKET_NAME ":server.sock"
#define MAX_REQUEST (1u << 20)

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(signal_pipe[1], &b, 1) < 0) {
        /* the pipe is full: the signal is dropped, as a pending duplicate would be */
    }
    errno = saved;
}

static void cold(char **argv) {
    char self[PATH_MAX], target[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        perror("bulwark: readlink /proc/self/exe");
        exit(1);
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL) {
        fprintf(stderr, "bulwark: cannot locate the installation from %s\n", self);
        exit(1);
    }
    *slash = '\0';
    if (snprintf(target, sizeof(target), "%s/../libexec/bulwark-jvm", self) >= (int)sizeof(target)) {
        fprintf(stderr, "bulwark: installation path too long\n");
        exit(1);
    }
    execv(target, argv);
    fprintf(stderr, "bulwark: cannot execute %s: %s\n", target, strerror(errno));
    exit(1);
}

/* --root's value, or the default state root (runc's rule: /run/bulwark for root). */
static const char *state_root(int argc, char **argv) {
    static const char *const with_value[] = {"--log", "--log-format", "--tenant", "--config", "--criu", "--rootless",
                                             NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            break; /* the verb: global flags end here */
        }
        if (strcmp(a, "--root") == 0 || strcmp(a, "-root") == 0) {
            return i + 1 < argc ? argv[i + 1] : NULL;
        }
        if (strncmp(a, "--root=", 7) == 0) {
            return a + 7;
        }
        for (int k = 0; with_value[k]; k++) {
            if (strcmp(a, with_value[k]) == 0) {
                i++;
                break;
            }
        }
    }
    return "/run/bulwark";
}

static int wants_cold(int argc, char **argv) {
    if (getenv("BULWARK_NO_SERVER") != NULL || geteuid() != 0) {
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "server") == 0 || strcmp(argv[i], "--preserve-fds") == 0
            || strncmp(argv[i], "--preserve-fds=", 15) == 0) {
            return 1;
        }
    }
    return 0;
}

struct buf {
    unsigned char *data;
    size_t len, cap;
};

static int put(struct buf *b, const void *p, size_t n) {
    if (b->len + n > MAX_REQUEST) {
        return -1;
    }
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        unsigned char *d = realloc(b->data, cap);
        if (d == NULL) {
            return -1;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int put_u32(struct buf *b, uint32_t v) {
    unsigned char le[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff};
    return put(b, le, 4);
}

static int put_str(struct buf *b, const char *s) {
    size_t n = strlen(s);
    return put_u32(b, (uint32_t)n) || put(b, s, n);
}

static int connect_server(const char *root) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (root == NULL || snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s", root, SOCKET_NAME)
                            >= (int)sizeof(addr.sun_path)) {
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        close(fd);
        return -1;
    }
    /* Only a server run by root gets our descriptors (a user could plant a socket under a --root of theirs). */
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_request(int fd, int argc, char **argv) {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == NULL) {
        return -1;
    }
    struct buf body = {0}, msg = {0};
    int rc = -1;
    size_t envc = 0;
    while (environ[envc]) {
        envc++;
    }
    if (put_u32(&body, (uint32_t)(argc - 1))) {
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        if (put_str(&body, argv[i])) {
            goto out;
        }
    }
    if (put_u32(&body, (uint32_t)envc)) {
        goto out;
    }
    for (size_t i = 0; i < envc; i++) {
        if (put_str(&body, environ[i])) {
            goto out;
        }
    }
    if (put_str(&body, cwd) || put(&msg, "BWK1", 4) || put_u32(&msg, (uint32_t)body.len)
        || put(&msg, body.data, body.len)) {
        goto out;
    }
    /* stdio: a closed descriptor travels as /dev/null, so the server always gets three */
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = fcntl(i, F_GETFD) >= 0 ? i : open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fds[i] < 0) {
            goto out;
        }
    }
    union {
        char buf[CMSG_SPACE(sizeof(fds))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    size_t sent = 0;
    while (sent < msg.len) {
        struct iovec iov = {.iov_base = msg.data + sent, .iov_len = msg.len - sent};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        if (sent == 0) {
            mh.msg_control = control.buf;
            mh.msg_controllen = sizeof(control.buf);
            struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(fds));
            memcpy(CMSG_DATA(c), fds, sizeof(fds));
        }
        ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            goto out;
        }
        sent += (size_t)n;
    }
    rc = 0;
out:
    free(body.data);
    free(msg.data);
    return rc;
}

/* Forwards signals until the server's status frame; returns it, or -1 if the server went away. */
static int relay(int fd) {
    static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT,
                                    SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU, SIGVTALRM, SIGPROF, SIGPWR, 0};
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        for (int i = 0; forwarded[i]; i++) {
            sigaction(forwarded[i], &sa, NULL);
        }
    }
    unsigned char frame[5];
    size_t have = 0;
    for (;;) {
        struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = signal_pipe[0], .events = POLLIN}};
        if (poll(p, signal_pipe[0] >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (signal_pipe[0] >= 0 && (p[1].revents & POLLIN)) {
            unsigned char sig;
            while (read(signal_pipe[0], &sig, 1) == 1) {
                unsigned char out[5] = {'S', sig, 0, 0, 0};
                if (send(fd, out, sizeof(out), MSG_NOSIGNAL) != (ssize_t)sizeof(out)) {
                    break;
                }
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(fd, frame + have, sizeof(frame) - have);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                return -1;
            }
            have += (size_t)n;
            if (have == sizeof(frame)) {
                int32_t v = (int32_t)((uint32_t)frame[1] | (uint32_t)frame[2] << 8 | (uint32_t)frame[3] << 16
                                      | (uint32_t)frame[4] << 24);
                if (frame[0] == 'X') {
                    return v & 0xff;
                }
                if (frame[0] == 'F') {
                    return -2;
                }
                return -1;
            }
        }
    }
}

/* A link named bulwark@TENANT means --tenant=TENANT (runtimes are configured as a bare path, without flags). */
static char **with_tenant(int *argc, char **argv) {
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    if (strncmp(base, "bulwark@", 8) != 0 || base[8] == '\0') {
        return argv;
    }
    char **out = calloc((size_t)*argc + 2, sizeof(char *));
    char *flag = malloc(strlen(base + 8) + sizeof("--tenant="));
    if (out == NULL || flag == NULL) {
        fprintf(stderr, "bulwark: out of memory\n");
        exit(1);
    }
    strcpy(flag, "--tenant=");
    strcat(flag, base + 8);
    out[0] = argv[0];
    out[1] = flag;
    for (int i = 1; i < *argc; i++) {
        out[i + 1] = argv[i];
    }
    (*argc)++;
    return out;
}

int main(int argc, char **argv) {
    argv = with_tenant(&argc, argv);
    if (wants_cold(argc, argv)) {
        cold(argv);
    }
    int fd = connect_server(state_root(argc, argv));
    if (fd < 0) {
        cold(argv);
    }
    if (send_request(fd, argc, argv) != 0) {
        close(fd);
        cold(argv); /* nothing has run yet */
    }
    int status = relay(fd);
    if (status == -2) {
        close(fd);
        cold(argv); /* a verb the server leaves to the JVM */
    }
    if (status < 0) {
        fprintf(stderr, "bulwark: the server closed the connection before the command finished\n");
        return 1;
    }
    return status;
}
