/*
 * The conformance suite's probe: runs as a container's process and reports what it sees, one "key=value"
 * line per fact, so the suite can compare the container with its config.json. Static, no libraries beyond libc.
 *
 *   oci-checker report [PATH...]   ids, cwd, env, hostname, capabilities, rlimits, namespaces, mounts, fds,
 *                                  and for each PATH whether it is masked, read-only or writable (or, for
 *                                  cat:PATH, the file's content)
 *   oci-checker exit N             exits with status N
 *   oci-checker sleep              waits for a signal (a long-running workload for kill/state tests)
 *   oci-checker ready FILE         writes "ready" to FILE (a bind-mounted host path), then waits for a signal
 *   oci-checker hook FILE          copies stdin to FILE (used as a hook that runs inside the container)
 *   oci-checker alloc MB           allocates and touches MB MiB, one MiB at a time, then prints allocated=MB
 *   oci-checker forks N            forks up to N children that wait, prints forked=K (and the error that
 *                                  stopped it), then exits (the children die with the pid namespace)
 *   oci-checker spawn N            forks N children that wait, prints spawned=N, then waits for a signal
 *   oci-checker tick               prints tick=N every 20 ms until a signal (progress shows pause and resume)
 *   oci-checker orphans N          makes N processes that leave its process tree (each forked by a child that
 *                                  exits at once), prints orphans=N, then waits for a signal
 *
 * A report PATH of the form open:PATH opens PATH read-only and reports open.PATH=ok or the error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Prints a value with newlines and backslashes escaped, so every fact stays on one line. */
static void put(const char *key, const char *value)
{
    fputs(key, stdout);
    fputc('=', stdout);
    for (const char *p = value; *p; p++) {
        if (*p == '\n') {
            fputs("\\n", stdout);
        } else if (*p == '\\') {
            fputs("\\\\", stdout);
        } else {
            fputc(*p, stdout);
        }
    }
    fputc('\n', stdout);
}

static void putf(const char *key, const char *fmt, long long value)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, value);
    put(key, buf);
}

static void status_fields(void)
{
    static const char *wanted[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp",
                                   "Uid", "Gid", "Groups", "NSpid", "Cpus_allowed_list",
                                   "Mems_allowed_list"};
    FILE *f = fopen("/proc/self/status", "re");
    char line[512];
    if (f == NULL) {
        put("error.status", strerror(errno));
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (colon == NULL) {
            continue;
        }
        *colon = '\0';
        for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
            if (strcmp(line, wanted[i]) == 0) {
                char *v = colon + 1;
                while (*v == ' ' || *v == '\t') {
                    v++;
                }
                v[strcspn(v, "\n")] = '\0';
                for (char *t = v; *t; t++) {
                    if (*t == '\t') {
                        *t = ' ';
                    }
                }
                char key[600];
                snprintf(key, sizeof key, "status.%s", line);
                put(key, v);
            }
        }
    }
    fclose(f);
}

static void rlimits(void)
{
    static const struct {
        const char *name;
        int resource;
    } all[] = {
        {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
        {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
        {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
        {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        struct rlimit rl;
        char key[64], value[64];
        snprintf(key, sizeof key, "rlimit.%s", all[i].name);
        if (getrlimit(all[i].resource, &rl) != 0) {
            put(key, "error");
            continue;
        }
        snprintf(value, sizeof value, "%llu:%llu", (unsigned long long)rl.rlim_cur,
                 (unsigned long long)rl.rlim_max);
        put(key, value);
    }
}

static void namespaces(void)
{
    static const char *types[] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        char path[64], target[128], key[64];
        snprintf(path, sizeof path, "/proc/self/ns/%s", types[i]);
        snprintf(key, sizeof key, "ns.%s", types[i]);
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0) {
            put(key, "error");
            continue;
        }
        target[n] = '\0';
        put(key, target);
    }
}

static void file_lines(const char *path, const char *prefix)
{
    FILE *f = fopen(path, "re");
    char line[4096];
    int n = 0;
    if (f == NULL) {
        char key[128];
        snprintf(key, sizeof key, "%s.error", prefix);
        put(key, strerror(errno));
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char key[128];
        line[strcspn(line, "\n")] = '\0';
        snprintf(key, sizeof key, "%s.%d", prefix, n++);
        put(key, line);
    }
    fclose(f);
}

static void fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    char list[1024] = "";
    int self = d == NULL ? -1 : dirfd(d);
    if (d == NULL) {
        put("fds", "error");
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == self) {
            continue;
        }
        if (list[0] != '\0') {
            strncat(list, ",", sizeof list - strlen(list) - 1);
        }
        strncat(list, e->d_name, sizeof list - strlen(list) - 1);
    }
    closedir(d);
    put("fds", list);
}

/* Prints the first line of a file (a sysctl, a /proc setting) as file.PATH=... */
static void cat_file(const char *path)
{
    char key[PATH_MAX + 16], line[1024] = "";
    snprintf(key, sizeof key, "file.%s", path);
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        put(key, "error");
        return;
    }
    size_t n = fread(line, 1, sizeof line - 1, f);
    line[n] = '\0';
    fclose(f);
    while (n > 0 && line[n - 1] == '\n') {
        line[--n] = '\0';
    }
    put(key, line);
}

/* Reports how PATH looks from inside: masked (unreadable or empty), read-only, writable or absent. */
static void probe_path(const char *path)
{
    char key[PATH_MAX + 16];
    struct stat st;
    if (strncmp(path, "cat:", 4) == 0) {
        cat_file(path + 4);
        return;
    }
    if (strncmp(path, "open:", 5) == 0) {
        snprintf(key, sizeof key, "open.%s", path + 5);
        int fd = open(path + 5, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        put(key, fd >= 0 ? "ok" : strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    snprintf(key, sizeof key, "path.%s", path);
    if (lstat(path, &st) != 0) {
        put(key, errno == ENOENT ? "absent" : strerror(errno));
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX], desc[PATH_MAX + 8];
        ssize_t n = readlink(path, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = '\0';
        snprintf(desc, sizeof desc, "link %s", target);
        put(key, desc);
        return;
    }
    char desc[256];
    const char *kind = S_ISDIR(st.st_mode) ? "dir" : S_ISCHR(st.st_mode) ? "chr" : S_ISREG(st.st_mode) ? "file"
                                                                                                          : "other";
    int readable_bytes = -1;
    int entries = -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d != NULL) {
            struct dirent *e;
            entries = 0;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                    entries++;
                }
            }
            closedir(d);
        }
    } else {
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
            char buf[64];
            ssize_t n = read(fd, buf, sizeof buf);
            readable_bytes = n < 0 ? -1 : (int)n;
            close(fd);
        }
    }
    struct statvfs vfs;
    int ro = statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0;
    snprintf(desc, sizeof desc, "%s rdev=%u:%u bytes=%d entries=%d mode=%o uid=%u gid=%u ro=%d", kind,
             major(st.st_rdev), minor(st.st_rdev), readable_bytes, entries, (unsigned)st.st_mode,
             (unsigned)st.st_uid, (unsigned)st.st_gid, ro);
    put(key, desc);
}

static int report(int argc, char **argv)
{
    char buf[PATH_MAX];
    struct utsname uts;
    putf("pid", "%lld", getpid());
    putf("ppid", "%lld", getppid());
    putf("uid", "%lld", getuid());
    putf("euid", "%lld", geteuid());
    putf("gid", "%lld", getgid());
    putf("egid", "%lld", getegid());
    gid_t groups[256];
    int ng = getgroups(256, groups);
    char glist[2048] = "";
    for (int i = 0; i < ng; i++) {
        char one[16];
        snprintf(one, sizeof one, i ? ",%u" : "%u", groups[i]);
        strncat(glist, one, sizeof glist - strlen(glist) - 1);
    }
    put("groups", glist);
    mode_t mask = umask(0);
    umask(mask);
    putf("umask", "%04llo", mask);
    put("cwd", getcwd(buf, sizeof buf) ? buf : "error");
    if (uname(&uts) == 0) {
        put("hostname", uts.nodename);
        put("domainname", uts.domainname);
        put("machine", uts.machine);
    }
    for (char **e = environ; *e; e++) {
        char *eq = strchr(*e, '=');
        if (eq == NULL) {
            continue;
        }
        char key[512];
        snprintf(key, sizeof key, "env.%.*s", (int)(eq - *e), *e);
        put(key, eq + 1);
    }
    putf("nonewprivs", "%lld", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    for (int fd = 0; fd <= 2; fd++) {
        char key[16];
        const char *name = isatty(fd) ? ttyname(fd) : NULL;
        snprintf(key, sizeof key, "tty.%d", fd);
        put(key, name != NULL ? name : isatty(fd) ? "unnamed" : "no");
    }
    status_fields();
    rlimits();
    namespaces();
    file_lines("/proc/self/uid_map", "uid_map");
    file_lines("/proc/self/gid_map", "gid_map");
    file_lines("/proc/self/mountinfo", "mountinfo");
    file_lines("/proc/self/oom_score_adj", "oom_score_adj");
    fds();
    /* The root must be read-only when root.readonly is true: try to create a file in it. */
    int fd = open("/.oci-checker-write-test", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        unlink("/.oci-checker-write-test");
        put("root.writable", "yes");
    } else {
        put("root.writable", errno == EROFS ? "no" : strerror(errno));
    }
    for (int i = 0; i < argc; i++) {
        probe_path(argv[i]);
    }
    put("end", "ok");
    fflush(stdout);
    return 0;
}

static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
    (void)sig;
    signalled = 1;
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* As pid 1 of a pid namespace, SIGTERM would be ignored without a handler: install one and exit on it. */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

static int wait_for_signal(void)
{
    install_handlers();
    pause();
    return 0;
}

/* Touches every page so the memory is really charged to the cgroup. */
static int alloc(long mib)
{
    long done = 0;
    for (; done < mib; done++) {
        char *chunk = malloc(1 << 20);
        if (chunk == NULL) {
            printf("alloc.error=%s\n", strerror(errno));
            break;
        }
        memset(chunk, 0x5a, 1 << 20);
    }
    printf("allocated=%ld\n", done);
    return 0;
}

/* Forks up to n children that wait in pause(); returns how many exist. */
static long fork_children(long n, int *error)
{
    long made = 0;
    *error = 0;
    for (; made < n; made++) {
        pid_t pid = fork();
        if (pid < 0) {
            *error = errno;
            break;
        }
        if (pid == 0) {
            for (;;) {
                pause();
            }
        }
    }
    return made;
}

static int forks(long n)
{
    int error;
    long made = fork_children(n, &error);
    printf("forked=%ld\n", made);
    put("fork.error", error ? strerror(error) : "none");
    put("end", "ok");
    return 0;
}

static int spawn(long n)
{
    int error;
    install_handlers();
    long made = fork_children(n, &error);
    printf("spawned=%ld\n", made);
    if (!signalled) {
        pause();
    }
    return 0;
}

/* Double forks: the grandchildren are reparented away from this process (escaped from the pid-1 tree). */
static int orphans(long n)
{
    install_handlers();
    long made = 0;
    for (long i = 0; i < n; i++) {
        pid_t child = fork();
        if (child < 0) {
            break;
        }
        if (child == 0) {
            if (fork() == 0) {
                for (;;) {
                    pause();
                }
            }
            _exit(0);
        }
        int status;
        waitpid(child, &status, 0);
        made++;
    }
    printf("orphans=%ld\n", made);
    if (!signalled) {
        pause();
    }
    return 0;
}

static int tick(void)
{
    install_handlers();
    for (long n = 0; !signalled; n++) {
        printf("tick=%ld\n", n);
        usleep(20000);
    }
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && strcmp(argv[1], "report") == 0) {
        return report(argc - 2, argv + 2);
    }
    if (argc == 3 && strcmp(argv[1], "exit") == 0) {
        return atoi(argv[2]);
    }
    if (argc == 3 && strcmp(argv[1], "alloc") == 0) {
        return alloc(atol(argv[2]));
    }
    if (argc == 3 && strcmp(argv[1], "forks") == 0) {
        return forks(atol(argv[2]));
    }
    if (argc == 3 && strcmp(argv[1], "spawn") == 0) {
        return spawn(atol(argv[2]));
    }
    if (argc == 3 && strcmp(argv[1], "orphans") == 0) {
        return orphans(atol(argv[2]));
    }
    if (argc == 2 && strcmp(argv[1], "tick") == 0) {
        return tick();
    }
    if (argc == 2 && strcmp(argv[1], "sleep") == 0) {
        return wait_for_signal();
    }
    if (argc == 3 && strcmp(argv[1], "ready") == 0) {
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, "ready\n", 6) != 6) {
            perror("oci-checker: ready file");
            return 2;
        }
        close(fd);
        return wait_for_signal();
    }
    if (argc == 3 && strcmp(argv[1], "hook") == 0) {
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        char buf[4096];
        ssize_t n;
        if (fd < 0) {
            perror("oci-checker: hook file");
            return 2;
        }
        while ((n = read(0, buf, sizeof buf)) > 0) {
            if (write(fd, buf, (size_t)n) != n) {
                perror("oci-checker: hook write");
                return 2;
            }
        }
        close(fd);
        return 0;
    }
    fprintf(stderr, "usage: oci-checker report [PATH...] | exit N | sleep | ready FILE | hook FILE | alloc MB | forks N"
                    " | spawn N | tick | orphans N\n");
    return 2;
}
