/* bulwark-shim: executes a plan that Java decided (docs/plan-format.md). Modes:
 *   bulwark-shim init PLANFD   create a container: new namespaces, rootfs, wait on the exec FIFO, execve
 *   bulwark-shim exec PLANFD   join a running container and execve an extra process
 *   bulwark-shim hook PLANFD   join a container's namespaces and run a hook program
 *   bulwark-shim --check-plan  decode a plan from stdin and print its canonical text (exit 2 if invalid)
 * As pid 1 (the init of a Bulwark microVM, argv[1] absent or "guest") it runs in guest mode: it plays the
 * runtime's part for a guest plan (/.bulwark/plan) and the container's init runs the same steps as on a host; see
 * run_guest.
 * Stage 0 (this process) joins namespaces given by path, then clones the process that does the rest with
 * CLONE_PARENT so that it is a child of the JVM, reports its pid and exits. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

int g_sync_fd = -1;
/* What a failed setup exits with: 1 under a runtime that reads the sync socket, 127 in a guest (as a shell would). */
static int g_die_status = 1;

void sync_send(uint32_t type, int32_t err, uint32_t value, const char *text)
{
    struct sync_header h = { type, err, value, 0 };
    struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)text, text ? strnlen(text, SYNC_TEXT_MAX) : 0 } };
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
    if (g_sync_fd >= 0) {
        while (sendmsg(g_sync_fd, &m, MSG_NOSIGNAL) < 0 && errno == EINTR) {
        }
    }
}

static void vreport(int err, int with_strerror, const char *fmt, va_list ap)
{
    char text[SYNC_TEXT_MAX];
    int n = vsnprintf(text, sizeof(text), fmt, ap);
    if (n < 0) n = 0;
    if (err && with_strerror && (size_t)n < sizeof(text)) snprintf(text + n, sizeof(text) - (size_t)n, ": %s", strerror(err));
    if (g_sync_fd >= 0) {
        sync_send(SYNC_ERROR, err, 0, text);
    } else {
        dprintf(2, "bulwark-shim: %s\n", text);
    }
}

void die(const char *fmt, ...)
{
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vreport(err, 1, fmt, ap);
    va_end(ap);
    _exit(g_die_status);
}

void die_err(int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(err, 0, fmt, ap);
    va_end(ap);
    _exit(g_die_status);
}

void sync_wait(uint32_t type)
{
    struct sync_header h;
    ssize_t n;
    do {
        n = recv(g_sync_fd, &h, sizeof(h), 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) _exit(1); /* Java gave up on us: nothing to report to */
    if (n < 0) die("read from the runtime");
    if (n != sizeof(h) || h.type != type) die_err(EPROTO, "unexpected message %u from the runtime", h.type);
}

/* Reads a whole plan; from offset 0 when the descriptor is seekable (a memfd Java has just written). */
static unsigned char *read_all(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    int seekable = 1;
    unsigned char *buf = malloc(cap);
    if (!buf) die_err(ENOMEM, "read plan");
    for (;;) {
        if (n == cap) {
            if (cap >= PLAN_MAX + 1) break;
            cap *= 2;
            unsigned char *b = realloc(buf, cap);
            if (!b) die_err(ENOMEM, "read plan");
            buf = b;
        }
        ssize_t r = seekable ? pread(fd, buf + n, cap - n, (off_t)n) : read(fd, buf + n, cap - n);
        if (r < 0 && errno == ESPIPE && seekable && n == 0) {
            seekable = 0;
            continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) die("read plan");
        if (r == 0) break;
        n += (size_t)r;
    }
    *len = n;
    return buf;
}

static int check_plan(void)
{
    size_t len;
    unsigned char *buf = read_all(0, &len);
    struct plan p;
    char err[512];
    if (plan_decode(buf, len, &p, err, sizeof(err))) {
        fprintf(stderr, "invalid plan: %s\n", err);
        return 2;
    }
    plan_dump(&p, stdout);
    plan_free(&p);
    free(buf);
    return fflush(stdout) ? 1 : 0;
}

/* ---- namespaces ---- */

static void join_namespaces(const struct plan *p)
{
    int fds[16];
    if (p->njoins > 16) die_err(E2BIG, "too many namespaces to join");
    /* Open every path first: joining the mount namespace changes what paths mean. */
    for (uint32_t i = 0; i < p->njoins; i++) {
        fds[i] = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0) die("open namespace %s", p->joins[i].path);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < p->njoins; i++) {
            int user = p->joins[i].type == CLONE_NEWUSER;
            if (user != (pass == 0)) continue;
            if (setns(fds[i], (int)p->joins[i].type)) die("join namespace %s", p->joins[i].path);
            close(fds[i]);
        }
    }
}

static int in_user_namespace(const struct plan *p)
{
    if (p->ns_new & CLONE_NEWUSER) return 1;
    for (uint32_t i = 0; i < p->njoins; i++)
        if (p->joins[i].type == CLONE_NEWUSER) return 1;
    return 0;
}

static void set_time_offsets(const struct plan *p)
{
    char v[128];
    int n = snprintf(v, sizeof(v), "monotonic %lld %u\nboottime %lld %u\n", (long long)p->monotonic_secs,
                     p->monotonic_nanos, (long long)p->boottime_secs, p->boottime_nanos);
    int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, v, (size_t)n) != n) die("write time namespace offsets");
    close(fd);
}

/* ---- process attributes ---- */

static int last_cap(void)
{
    int c = 0;
    while (c < 63 && prctl(PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0) c++;
    return c;
}

static void drop_bounding(const struct plan *p, int last)
{
    for (int c = 0; c <= last; c++)
        if (!(p->cap_bounding & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0))
            die("drop capability %d from the bounding set", c);
}

static void set_caps(const struct plan *p, int last)
{
    uint64_t valid = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
    uint64_t eff = p->cap_effective & valid, prm = p->cap_permitted & valid, inh = p->cap_inheritable & valid;
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2] = {
        { (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
        { (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
    };
    if (syscall(SYS_capset, &h, d)) die("set capabilities");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL) die("clear ambient caps");
    /* The kernel only lets a capability be ambient when it is permitted and inheritable; like runc, one that is
       not is left out rather than failing the container (runc's own `spec` asks for ambient without inheritable). */
    for (int c = 0; c <= last; c++)
        if ((p->cap_ambient & prm & inh & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0))
            die("raise ambient capability %d", c);
}

static void send_fd(int sock, uint32_t type, int fd)
{
    struct sync_header h = { type, 0, 0, 0 };
    struct iovec iov = { &h, sizeof(h) };
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    if (sendmsg(sock, &m, MSG_NOSIGNAL) < 0) die("send the seccomp listener to the runtime");
}

/* Installs the filter; with SECCOMP_FILTER_FLAG_NEW_LISTENER the listener goes to Java, which hands it on. */
static void install_seccomp(const struct plan *p)
{
    struct sock_fprog prog = { (unsigned short)p->seccomp_len, p->seccomp_filter };
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags, &prog);
    if (r < 0) die("install seccomp filter");
    if (p->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
        send_fd(g_sync_fd, SYNC_SECCOMP_FD, (int)r);
        close((int)r);
    }
}

static void set_rlimits(const struct plan *p)
{
    for (uint32_t i = 0; i < p->nrlimits; i++) {
        struct rlimit r = { p->rlimits[i].soft, p->rlimits[i].hard };
        if (setrlimit((int)p->rlimits[i].resource, &r)) die("set rlimit %u", p->rlimits[i].resource);
    }
}

static void set_oom_score_adj(const struct plan *p)
{
    if (!p->has_oom) return;
    char v[16];
    int n = snprintf(v, sizeof(v), "%d", p->oom_score_adj);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, v, (size_t)n) != n) die("write oom_score_adj");
    close(fd);
}

static void set_apparmor(const struct plan *p)
{
    if (!p->apparmor || !p->apparmor[0]) return;
    char v[1100];
    int n = snprintf(v, sizeof(v), "exec %s", p->apparmor);
    if (n < 0 || (size_t)n >= sizeof(v)) die_err(ENAMETOOLONG, "apparmor profile name too long");
    int fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
    if (fd < 0) fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
    if (fd < 0) die("open the apparmor exec attribute");
    if (write(fd, v, (size_t)n) != n) die("apply apparmor profile %s", p->apparmor);
    close(fd);
}

static const char *env_get(const struct plan *p, const char *name)
{
    size_t n = strlen(name);
    for (uint32_t i = 0; i < p->nenv; i++)
        if (!strncmp(p->env[i], name, n) && p->env[i][n] == '=') return p->env[i] + n + 1;
    return NULL;
}

static int executable_file(const char *path)
{
    struct stat st;
    return access(path, X_OK) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The program to execve: the plan's, args[0] when it has a slash, or args[0] looked up in the PATH of env. */
static const char *resolve_executable(const struct plan *p)
{
    static char found[4096];
    const char *name = p->executable ? p->executable : p->args[0];
    if (strchr(name, '/')) {
        if (!executable_file(name)) die("exec \"%s\"", name);
        return name;
    }
    if (!name[0]) die_err(ENOENT, "exec: empty executable name");
    const char *path = env_get(p, "PATH");
    if (!path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    while (*path) {
        size_t dl = strcspn(path, ":");
        int n = snprintf(found, sizeof(found), "%.*s%s%s", (int)dl, path, dl ? "/" : "", name);
        if (n > 0 && (size_t)n < sizeof(found) && executable_file(found)) return found;
        path += dl;
        if (*path == ':') path++;
    }
    die_err(ENOENT, "exec \"%s\": executable file not found in $PATH", name);
}

/* Credentials, capabilities and the working directory: the last steps that need privilege. */
static void become_user(const struct plan *p)
{
    int last = last_cap();
    if (p->has_seccomp && !p->no_new_privs) install_seccomp(p); /* needs CAP_SYS_ADMIN: before the caps go */
    if (p->has_caps) drop_bounding(p, last);
    if (p->has_user) {
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) die("keep capabilities");
        gid_t gids[p->ngids ? p->ngids : 1];
        for (uint32_t i = 0; i < p->ngids; i++) gids[i] = p->gids[i];
        if (setgroups(p->ngids, gids) && (p->ngids || errno != EPERM)) die("setgroups");
        if (setresgid(p->gid, p->gid, p->gid)) die("setgid %u", p->gid);
        if (setresuid(p->uid, p->uid, p->uid)) die("setuid %u", p->uid);
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0)) die("reset keep capabilities");
    }
    if (p->has_caps) set_caps(p, last);
    if (p->cwd) {
        char here[4096];
        if (chdir(p->cwd)) die("chdir to cwd %s", p->cwd);
        /* A cwd reached through a descriptor from the host would show up as "(unreachable)" or fail here. */
        if (!getcwd(here, sizeof(here)) || here[0] != '/') die_err(EPERM, "cwd %s is outside the container", p->cwd);
    }
    umask(p->has_user && p->umask != PLAN_UMASK_UNSET ? p->umask : 022);
    if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) die("set no_new_privs");
}

/* Opens a pty in the container, sends the master over the console socket and makes the slave our terminal. */
static void setup_console(const struct plan *p, int init)
{
    int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) die("open the container's /dev/ptmx");
    int unlock = 0, n;
    if (ioctl(master, TIOCSPTLCK, &unlock)) die("unlock pty");
    if (ioctl(master, TIOCGPTN, &n)) die("get pty number");
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) die("open pty slave");
    char name[64];
    snprintf(name, sizeof(name), "/dev/pts/%d", n);
    if (init) console_bind(name);
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof(cbuf));
    struct iovec iov = { name, strlen(name) };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    if (sendmsg(p->console_fd, &m, MSG_NOSIGNAL) < 0) die("send the pty master to the console socket");
    close(master);
    close(p->console_fd);
    if (setsid() < 0) die("setsid");
    if (ioctl(slave, TIOCSCTTY, 0)) die("make the pty the controlling terminal");
    if (p->has_console_size) {
        struct winsize ws = { .ws_row = (unsigned short)p->console_height, .ws_col = (unsigned short)p->console_width };
        if (ioctl(slave, TIOCSWINSZ, &ws)) die("set the console size");
    }
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0) die("dup pty to stdio");
    if (slave > 2) close(slave);
}

static void become_ns_root(const struct plan *p)
{
    if (!in_user_namespace(p)) return;
    if (setresgid(0, 0, 0)) die("setgid 0 in the user namespace");
    if (setresuid(0, 0, 0)) die("setuid 0 in the user namespace");
}

static void exec_workload(const struct plan *p, const char *exe)
{
    execve(exe, p->args, p->env ? p->env : (char *[]){ NULL });
    int err = errno;
    dprintf(2, "bulwark: exec %s: %s\n", exe, strerror(err));
    errno = err;
    die("exec %s", exe);
}

/* ---- modes ---- */

/*
 * The init's wait for GO. A runtime without root asks for MAP_ACCESS first: the kernel lets it open the init's
 * uid_map, gid_map and setgroups only while the init is dumpable (its /proc files then belong to the init's
 * uid, which is the runtime's). Nothing else exists in the new namespaces yet, so nothing from the container
 * can ptrace it meanwhile; it is non-dumpable again before it does anything else.
 */
static void init_await_go(const struct plan *p)
{
    for (;;) {
        struct sync_header h;
        ssize_t n;
        do {
            n = recv(g_sync_fd, &h, sizeof(h), 0);
        } while (n < 0 && errno == EINTR);
        if (n == 0) _exit(1); /* Java gave up on us: nothing to report to */
        if (n < 0) die("read from the runtime");
        if (n == sizeof(h) && h.type == SYNC_MAP_ACCESS) {
            if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) die("prctl dumpable for the id maps");
            sync_send(SYNC_MAP_ACCESS, 0, 0, NULL);
            continue;
        }
        if (n != sizeof(h) || h.type != SYNC_GO) die_err(EPROTO, "unexpected message %u from the runtime", h.type);
        break;
    }
    /* Still the host's uid here: /proc/self files of a non-dumpable process belong to the host's root, so with
     * an unprivileged runtime this works only while still dumpable. */
    set_oom_score_adj(p);
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) die("prctl dumpable");
}

static void run_init(const struct plan *p)
{
    init_await_go(p);
    /* Only now, with the runtime done moving us into the container's cgroups: a cgroup namespace takes the
     * creator's cgroups as its root, and one made at clone time would be rooted at the runtime's cgroups, showing
     * the container its ancestors' paths (and, through a cgroup2 mount, its siblings). */
    if ((p->ns_new & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP)) die("unshare the cgroup namespace");
    become_ns_root(p);
    /* O_PATH of our own fd directory in the host's /proc: reopens the exec FIFO after pivot_root. */
    int procfd = p->fifo_fd >= 0 ? open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
    if (p->fifo_fd >= 0 && procfd < 0) die("open /proc/self/fd");
    if (p->hostname && sethostname(p->hostname, strlen(p->hostname))) die("sethostname");
    if (p->domainname && setdomainname(p->domainname, strlen(p->domainname))) die("setdomainname");
    set_rlimits(p);
    rootfs_prepare(p);
    if (p->create_hooks) {
        sync_send(SYNC_HOOKS, 0, 0, NULL);
        sync_wait(SYNC_RESUME);
    }
    rootfs_pivot(p);
    if (p->terminal) setup_console(p, 1);
    rootfs_finish(p);
    become_user(p);
    set_apparmor(p);
    const char *exe = resolve_executable(p);
    if (p->has_personality && personality(p->personality) < 0) die("personality 0x%x", p->personality);
    /* As late as possible, but while the sync socket still reaches Java (a notify listener goes over it). */
    if (p->has_seccomp && p->no_new_privs) install_seccomp(p);
    sync_send(SYNC_READY, 0, 0, NULL);
    if (p->fifo_fd >= 0) {
        char name[16];
        snprintf(name, sizeof(name), "%d", p->fifo_fd);
        int fifo;
        do {
            fifo = openat(procfd, name, O_WRONLY | O_CLOEXEC);
        } while (fifo < 0 && errno == EINTR);
        if (fifo < 0 || write(fifo, "0", 1) != 1) {
            dprintf(2, "bulwark: exec FIFO: %s\n", strerror(errno));
            _exit(1);
        }
        close(fifo);
        close(procfd);
        close(p->fifo_fd);
    }
    close(g_sync_fd);
    g_sync_fd = -1;
    exec_workload(p, exe);
}

static void run_joined(const struct plan *p)
{
    sync_wait(SYNC_GO);
    set_oom_score_adj(p); /* as for the init: before leaving the host's uid */
    become_ns_root(p);
    set_rlimits(p);
    if (p->terminal) setup_console(p, 0);
    become_user(p);
    set_apparmor(p);
    const char *exe = resolve_executable(p);
    if (p->has_seccomp && p->no_new_privs) install_seccomp(p);
    /* The sync socket is close-on-exec: Java reads EOF when execve succeeded, an error message otherwise. */
    exec_workload(p, exe);
}

/* ---- guest mode: pid 1 of a microVM ---- */

#define GUEST_PLAN "/.bulwark/plan"
#define GUEST_SELF "/.bulwark/self" /* where pid 1 binds the initramfs before moving it over / */
#define GUEST_EXIT_PORT 0x501 /* Bulwark's exit device, compatible with QEMU's isa-debug-exit */
#define I8042_COMMAND_PORT 0x64
#define I8042_RESET 0xfe

/* pid 1 must never exit (the kernel panics): it reports a status and ends the VM. */
static void guest_power_off(int status) __attribute__((noreturn));
static void guest_power_off(int status)
{
    sync();
    if (ioperm(GUEST_EXIT_PORT, 2, 1) == 0) outb((unsigned char)status, GUEST_EXIT_PORT);
    reboot(RB_POWER_OFF);
    /* A VMM without an exit device or ACPI power-off still stops on a keyboard-controller reset. */
    if (ioperm(I8042_COMMAND_PORT, 1, 1) == 0) outb(I8042_RESET, I8042_COMMAND_PORT);
    for (;;) pause();
}

static void guest_fail(const char *what)
{
    dprintf(2, "bulwark-shim (guest): %s: %s\n", what, strerror(errno));
    guest_power_off(127);
}

static void guest_mount(const char *source, const char *target, const char *type, unsigned long flags,
                        const char *data)
{
    if (mkdir(target, 0755) && errno != EEXIST) guest_fail(target);
    if (mount(source, target, type, flags, data) && errno != EBUSY) guest_fail(target);
}

/* Writes text to /proc/PID/NAME for the container's init (pid 1 here plays the runtime's part). */
static void guest_write_proc(long pid, const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/%s", pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len) guest_fail(path);
    close(fd);
}

static void guest_write_id_map(long pid, const char *name, const struct plan_id_map *m, uint32_t n)
{
    char text[PLAN_MAX_ID_MAP_LINES * 36] = "";
    size_t off = 0;
    for (uint32_t i = 0; i < n; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off, "%u %u %u\n", m[i].inside, m[i].outside, m[i].count);
    guest_write_proc(pid, name, text);
}

/* The initramfs is the initial rootfs mount, which pivot_root cannot leave (it has no parent mount). As
 * switch_root does, pid 1 moves a bind of it over / and chroots into that: the container's pivot_root then has a
 * root to leave, exactly as on a host. */
static void guest_pivotable_root(void)
{
    if (mkdir(GUEST_SELF, 0700) && errno != EEXIST) guest_fail("mkdir " GUEST_SELF);
    if (mount("/", GUEST_SELF, NULL, MS_BIND, NULL)) guest_fail("bind mount / on " GUEST_SELF);
    if (chdir(GUEST_SELF)) guest_fail("chdir " GUEST_SELF);
    if (mount(".", "/", NULL, MS_MOVE, NULL)) guest_fail("move " GUEST_SELF " to /");
    if (chroot(".") || chdir("/")) guest_fail("chroot into the bind of /");
}

/* The container's init inside the guest: once pid 1 has written its id maps, the same steps as run_init on a host
 * (rootfs, mounts, devices, pivot_root, masked and read-only paths, credentials, capabilities, no_new_privs,
 * seccomp), without the runtime's sync socket, console socket and exec FIFO. Errors go to the console. */
static void guest_container(const struct plan *p, int go)
{
    char c;
    ssize_t n;
    do {
        n = read(go, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) _exit(127); /* pid 1 failed and reports why */
    close(go);
    umask(0);
    become_ns_root(p);
    if (setsid() < 0) die("setsid");
    if (p->hostname && sethostname(p->hostname, strlen(p->hostname))) die("sethostname");
    if (p->domainname && setdomainname(p->domainname, strlen(p->domainname))) die("setdomainname");
    set_rlimits(p);
    rootfs_prepare(p);
    rootfs_pivot(p);
    rootfs_finish(p);
    become_user(p);
    set_apparmor(p);
    const char *exe = resolve_executable(p);
    if (p->has_personality && personality(p->personality) < 0) die("personality 0x%x", p->personality);
    if (p->has_seccomp && p->no_new_privs) install_seccomp(p);
    exec_workload(p, exe);
}

/* Mounts the kernel filesystems, puts the console on stdio, creates the container of GUEST_PLAN (a guest plan),
 * writes its id maps, reaps every orphan, reports the workload's exit status through the exit device and powers
 * the VM off. */
static int run_guest(void)
{
    guest_pivotable_root();
    guest_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    guest_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    guest_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    int console = open("/dev/console", O_RDWR | O_NOCTTY);
    if (console >= 0) {
        for (int fd = 0; fd < 3; fd++) dup2(console, fd);
        if (console > 2) close(console);
    }
    int fd = open(GUEST_PLAN, O_RDONLY | O_CLOEXEC);
    if (fd < 0) guest_fail("open " GUEST_PLAN);
    g_die_status = 127;
    size_t len;
    unsigned char *buf = read_all(fd, &len);
    close(fd);
    struct plan p;
    char err[512];
    if (plan_decode(buf, len, &p, err, sizeof(err))) {
        dprintf(2, "bulwark-shim (guest): invalid plan %s: %s\n", GUEST_PLAN, err);
        guest_power_off(127);
    }
    if (p.kind != PLAN_GUEST) {
        errno = EINVAL;
        guest_fail("the plan in " GUEST_PLAN " is not a guest plan");
    }
    unsigned long flags = p.ns_new;
    if (flags & CLONE_NEWTIME) {
        /* As stage 0 on a host: only a child is born into the new time namespace, after its offsets are set. */
        if (unshare(CLONE_NEWTIME)) guest_fail("unshare the time namespace");
        if (p.has_time_offsets) {
            char v[128];
            snprintf(v, sizeof(v), "monotonic %lld %u\nboottime %lld %u\n", (long long)p.monotonic_secs,
                     p.monotonic_nanos, (long long)p.boottime_secs, p.boottime_nanos);
            guest_write_proc(getpid(), "timens_offsets", v);
        }
        flags &= ~(unsigned long)CLONE_NEWTIME;
    }
    int go[2];
    if (pipe2(go, O_CLOEXEC)) guest_fail("pipe");
    long child = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (child < 0) guest_fail("clone the container's init");
    if (child == 0) {
        close(go[1]);
        guest_container(&p, go[0]);
    }
    close(go[0]);
    if (p.has_id_maps) {
        /* pid 1 holds every capability of the guest's initial user namespace: any map the plan gives is allowed. */
        guest_write_id_map(child, "gid_map", p.gid_maps, p.ngid_maps);
        guest_write_id_map(child, "uid_map", p.uid_maps, p.nuid_maps);
    }
    if (p.has_oom) {
        char v[16];
        snprintf(v, sizeof(v), "%d", p.oom_score_adj);
        guest_write_proc(child, "oom_score_adj", v);
    }
    if (write(go[1], "g", 1) != 1) guest_fail("release the container's init");
    close(go[1]);
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == EINTR) continue;
        if (pid < 0) guest_fail("waitpid");
        if (pid == child) guest_power_off(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
}

static void watchdog(int sock, int fifo, uint32_t secs) __attribute__((noreturn));
static void watchdog(int sock, int fifo, uint32_t secs)
{
    g_sync_fd = -1; /* Java talks to stage 0 and the init, never to this process */
    setsid();
    /* Keep the socket and the FIFO handle only: the container's stdio, the sync socket or a preserved descriptor
     * held here would keep a pipe or a socket open for as long as the container may run. */
    int lo = fifo >= 0 && fifo < sock ? fifo : sock, hi = fifo > sock ? fifo : sock;
    if (lo > 0) syscall(SYS_close_range, 0, lo - 1, 0);
    if (hi > lo + 1) syscall(SYS_close_range, lo + 1, hi - 1, 0);
    syscall(SYS_close_range, hi + 1, ~0U, 0);
    int32_t pid, err = 0;
    if (read(sock, &pid, sizeof(pid)) != (ssize_t)sizeof(pid)) _exit(0); /* stage 0 failed: no container */
    int pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
    if (pidfd < 0) err = errno;
    if (write(sock, &err, sizeof(err)) != (ssize_t)sizeof(err) || pidfd < 0) _exit(1);
    close(sock);
    struct pollfd ended = { pidfd, POLLIN, 0 };
    struct stat st;
    /* Created, not started yet: the clock starts when `start` has released the workload and unlinked the FIFO. */
    while (fifo >= 0 && fstat(fifo, &st) == 0 && st.st_nlink > 0) {
        if (poll(&ended, 1, 100) > 0) _exit(0);
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long deadline = now.tv_sec * 1000LL + now.tv_nsec / 1000000 + secs * 1000LL;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = deadline - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
        if (left <= 0) break;
        if (poll(&ended, 1, left > INT_MAX ? INT_MAX : (int)left) > 0) _exit(0);
    }
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    _exit(0);
}

/* A wall-clock limit (plan record 29) must hold when no runtime process waits for the container (create + start,
 * run -d), so a watchdog waits instead. Forked before stage 0 joins any namespace, it stays outside the container
 * (the runtime's namespaces, credentials and cgroup); once stage 0 tells it the init's pid it holds a pidfd on the
 * init, and when the limit has passed since `start` it SIGKILLs the init: in its own pid namespace that ends every
 * process of the container. It ends when the init does. Returns stage 0's end of the socket to the watchdog. */
static int fork_watchdog(const struct plan *p)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) die("socketpair for the wall-clock watchdog");
    pid_t w = fork();
    if (w < 0) die("fork the wall-clock watchdog");
    if (w == 0) watchdog(sv[1], p->fifo_fd, p->wall_clock_secs);
    close(sv[1]);
    return sv[0];
}

static void arm_watchdog(int sock, pid_t init)
{
    int32_t pid = init, err = EPIPE;
    if (write(sock, &pid, sizeof(pid)) != (ssize_t)sizeof(pid) || read(sock, &err, sizeof(err)) != (ssize_t)sizeof(err)
        || err) {
        kill(init, SIGKILL);
        die_err(err, "arm the wall-clock watchdog: %s", strerror(err));
    }
    close(sock);
}

int main(int argc, char **argv)
{
    if (getpid() == 1 && (argc == 1 || !strcmp(argv[1], "guest"))) return run_guest();
    if (argc == 2 && !strcmp(argv[1], "--check-plan")) return check_plan();
    if (argc == 2 && !strcmp(argv[1], "--version")) {
        printf("bulwark-shim plan-version %d\n", PLAN_VERSION);
        return 0;
    }
    if (argc != 3 || (strcmp(argv[1], "init") && strcmp(argv[1], "exec") && strcmp(argv[1], "hook"))) {
        dprintf(2, "usage: bulwark-shim init|exec|hook PLANFD | --check-plan | --version\n");
        return 2;
    }
    char *end;
    long planfd = strtol(argv[2], &end, 10);
    if (*end || planfd < 3 || planfd > 65535) {
        dprintf(2, "bulwark-shim: bad plan descriptor %s\n", argv[2]);
        return 2;
    }
    size_t len;
    unsigned char *buf = read_all((int)planfd, &len);
    close((int)planfd);
    struct plan p;
    char err[512];
    if (plan_decode(buf, len, &p, err, sizeof(err))) {
        dprintf(2, "bulwark-shim: invalid plan: %s\n", err);
        return 2;
    }
    g_sync_fd = p.sync_fd;
    int want = !strcmp(argv[1], "init") ? PLAN_INIT : !strcmp(argv[1], "exec") ? PLAN_EXEC : PLAN_HOOK;
    if (p.kind != want) die_err(EINVAL, "plan kind %u does not match mode %s", p.kind, argv[1]);
    /* Everything past the workload's descriptors closes on execve, whatever we forget to close. */
    if (syscall(SYS_close_range, 3 + p.preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC)) die("close_range");
    /* Not dumpable during setup: nothing in the container may ptrace or open our /proc files. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) die("prctl dumpable");
    umask(0);
    int watch = p.wall_clock_secs ? fork_watchdog(&p) : -1;
    join_namespaces(&p);
    unsigned long flags = p.ns_new;
    if (flags & CLONE_NEWTIME) {
        /* clone(2) reads this bit as part of the exit signal: unshare it instead, so that the child is born in
         * the new time namespace, whose offsets can only be written before any process is in it. */
        if (unshare(CLONE_NEWTIME)) die("unshare the time namespace");
        if (p.has_time_offsets) set_time_offsets(&p);
        flags &= ~(unsigned long)CLONE_NEWTIME;
    }
    /* The init makes its cgroup namespace once it is in its cgroups (run_init). */
    if (p.kind == PLAN_INIT) flags &= ~(unsigned long)CLONE_NEWCGROUP;
    long pid = syscall(SYS_clone, CLONE_PARENT | flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid < 0) die("clone (namespaces 0x%llx)", (unsigned long long)p.ns_new);
    if (pid > 0) {
        if (watch >= 0) arm_watchdog(watch, (pid_t)pid);
        sync_send(SYNC_PID, 0, (uint32_t)pid, NULL);
        _exit(0);
    }
    if (watch >= 0) close(watch);
    if (p.kind == PLAN_INIT)
        run_init(&p);
    else
        run_joined(&p);
    return 1;
}
