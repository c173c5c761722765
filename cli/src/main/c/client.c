/*
 * bin/bulwark: the command line's front door. When a resident Bulwark server (`bulwark server`) listens under the
 * state root, this hands the command line to it: argv, environment, working directory and, over SCM_RIGHTS, its own
 * stdin, stdout and stderr, so that the command and the container's workload write exactly where a cold bulwark
 * would. Signals it receives go to the server on the same connection; it exits with the status the server sends.
 * With no server (or BULWARK_NO_SERVER set, or not root, or --preserve-fds, or a verb the server does not serve) it
 * executes the JVM launcher (../libexec/bulwark-jvm) with the same arguments: the same command, a cold start.
 *
 * With BULWARK_SERVER=on-demand, a container command that finds no server starts one for its --root (detached: its
 * own session, cwd /, umask 077, stdio to ROOT/:server.log, no inherited descriptors; `server --on-demand`, which
 * exits after BULWARK_SERVER_IDLE seconds without work, default 300) and runs itself cold; the next commands find
 * the server. Of servers started at once only one stays: the lock on ROOT/:server.lock decides, the others exit.
 * A connection that ends before the server's 'A' frame was never served: the command then runs cold, so a server
 * stopping for idleness never loses a command.
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
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SOCKET_NAME ":server.sock"
#define LOG_NAME ":server.log"
#define LOCK_NAME ":server.lock"
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

/* ../libexec/bulwark-jvm next to this executable, into target (PATH_MAX bytes). */
static void jvm_launcher(char *target) {
    char self[PATH_MAX];
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
    if (snprintf(target, PATH_MAX, "%s/../libexec/bulwark-jvm", self) >= PATH_MAX) {
        fprintf(stderr, "bulwark: installation path too long\n");
        exit(1);
    }
}

static void cold(char **argv) {
    char target[PATH_MAX];
    jvm_launcher(target);
    execv(target, argv);
    fprintf(stderr, "bulwark: cannot execute %s: %s\n", target, strerror(errno));
    exit(1);
}

/* --root's value, or the default state root (runc's rule: /run/bulwark for root); the verb into *verb (or NULL). */
static const char *state_root(int argc, char **argv, const char **verb) {
    static const char *const with_value[] = {"--log", "--log-format", "--tenant", "--config", "--criu", "--rootless",
                                             NULL};
    const char *root = "/run/bulwark";
    *verb = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            *verb = a; /* global flags end here */
            break;
        }
        if (strcmp(a, "--root") == 0 || strcmp(a, "-root") == 0) {
            root = i + 1 < argc ? argv[++i] : NULL;
            continue;
        }
        if (strncmp(a, "--root=", 7) == 0) {
            root = a + 7;
            continue;
        }
        for (int k = 0; with_value[k]; k++) {
            if (strcmp(a, with_value[k]) == 0) {
                i++;
                break;
            }
        }
    }
    return root;
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

/*
 * Forwards signals until the server's status frame; returns it, -1 if the server went away while running the
 * command, -2 if it leaves the command to the JVM, -3 if it went away before accepting it (nothing ran).
 */
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
    int accepted = 0;
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
                return accepted ? -1 : -3;
            }
            have += (size_t)n;
            if (have == sizeof(frame) && frame[0] == 'A') {
                accepted = 1;
                have = 0;
                continue;
            }
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

/* Verbs that act on containers: only they start an on-demand server (help, spec or --version do not need one). */
static int container_verb(const char *verb) {
    static const char *const verbs[] = {"create", "run", "start", "state", "kill", "delete", "exec", "list", "ps",
                                        "pause", "resume", NULL};
    for (int k = 0; verb != NULL && verbs[k]; k++) {
        if (strcmp(verb, verbs[k]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* BULWARK_SERVER: "on-demand" starts a server when none runs; unset, empty or "off" never does. */
static int on_demand(void) {
    const char *mode = getenv("BULWARK_SERVER");
    if (mode == NULL || mode[0] == '\0' || strcmp(mode, "off") == 0) {
        return 0;
    }
    if (strcmp(mode, "on-demand") != 0) {
        fprintf(stderr, "bulwark: BULWARK_SERVER: expected \"on-demand\" or \"off\", got \"%s\"\n", mode);
        exit(1);
    }
    return 1;
}

/* BULWARK_SERVER_IDLE: seconds an on-demand server waits without work before it exits (NULL: its default). */
static const char *idle_seconds(void) {
    const char *idle = getenv("BULWARK_SERVER_IDLE");
    if (idle == NULL || idle[0] == '\0') {
        return NULL;
    }
    size_t n = strspn(idle, "0123456789");
    if (idle[n] != '\0' || n > 9 || strtol(idle, NULL, 10) <= 0) {
        fprintf(stderr, "bulwark: BULWARK_SERVER_IDLE: expected a positive number of seconds, got \"%s\"\n", idle);
        exit(1);
    }
    return idle;
}

/* Whether a process holds the server lock of the root (a server runs there, or is starting or stopping). */
static int server_locked(const char *root) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s/%s", root, LOCK_NAME) >= (int)sizeof(path)) {
        return 0;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        return 0;
    }
    struct flock probe = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    int held = fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
    close(fd);
    return held;
}

/*
 * Starts `bulwark-jvm --root ROOT server --on-demand` detached, unless a server holds the root's lock already (it is
 * starting, or stopping for idleness). The caller then runs its own command cold: measured, that is sooner than
 * waiting for the new server to listen and sending the command to a JVM that has not warmed up yet.
 */
static void spawn_server(const char *root, const char *idle) {
    char launcher[PATH_MAX], abs_root[PATH_MAX], log[PATH_MAX];
    if (server_locked(root)) {
        return;
    }
    jvm_launcher(launcher);
    if (root[0] == '/') {
        if (snprintf(abs_root, sizeof(abs_root), "%s", root) >= (int)sizeof(abs_root)) {
            return;
        }
    } else {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof(cwd)) == NULL
            || snprintf(abs_root, sizeof(abs_root), "%s/%s", cwd, root) >= (int)sizeof(abs_root)) {
            return;
        }
    }
    if (snprintf(log, sizeof(log), "%s/%s", abs_root, LOG_NAME) >= (int)sizeof(log)) {
        return;
    }
    char *args[] = {"bulwark-jvm", "--root", abs_root, "server", "--on-demand", NULL, NULL, NULL};
    if (idle != NULL) {
        args[5] = "--idle-exit";
        args[6] = (char *)idle;
    }
    /* a grandchild: this process becomes the cold JVM next and must not keep a child it never waits for */
    pid_t pid = fork();
    if (pid < 0) {
        return;
    }
    if (pid > 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
        }
        return;
    }
    if (fork() != 0) {
        _exit(0);
    }
    /* the server outlives this command: nothing of the caller's session, terminal or descriptors stays with it (a
       caller waiting for EOF on a pipe it handed us must not wait for the server's idle exit) */
    setsid();
    umask(077);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (chdir("/") != 0) {
        _exit(127);
    }
    mkdir(abs_root, 0700);
    int null = open("/dev/null", O_RDWR);
    int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0600);
    if (null < 0) {
        _exit(127);
    }
    if (out < 0) {
        out = null;
    }
    if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
        _exit(127);
    }
    if (syscall(SYS_close_range, 3, ~0U, 0) != 0) {
        for (int fd = 3; fd < 65536; fd++) {
            close(fd);
        }
    }
    execv(launcher, args);
    _exit(127);
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
    int spawn = on_demand();
    const char *idle = idle_seconds(); /* both checked on every command: a typo shows at once, not on a cold day */
    const char *verb;
    const char *root = state_root(argc, argv, &verb);
    int fd = connect_server(root);
    if (fd < 0 && spawn && root != NULL && container_verb(verb)) {
        spawn_server(root, idle);
    }
    if (fd < 0) {
        cold(argv);
    }
    if (send_request(fd, argc, argv) != 0) {
        close(fd);
        cold(argv); /* nothing has run yet */
    }
    int status = relay(fd);
    if (status == -2 || status == -3) {
        close(fd);
        cold(argv); /* a verb the server leaves to the JVM, or a server that stopped before taking the command */
    }
    if (status < 0) {
        fprintf(stderr, "bulwark: the server closed the connection before the command finished\n");
        return 1;
    }
    return status;
}
