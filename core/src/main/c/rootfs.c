/* The container's filesystem: mounts, /dev, pivot_root, masked and read-only paths. Mount destinations are
 * resolved with openat2(RESOLVE_IN_ROOT) against the rootfs, so a symlink inside the rootfs can never point a
 * mount outside of it; the mount itself then targets the resolved descriptor through /proc/self/fd. */
#define _GNU_SOURCE
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int g_root = -1; /* O_PATH descriptor of the rootfs before pivot_root */

static int open_in_root(const char *path, int flags)
{
    struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
                            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    while (*path == '/') path++;
    if (!*path) path = ".";
    return (int)syscall(SYS_openat2, g_root, path, &how, sizeof(how));
}

static const char *fdpath(int fd, char *buf, size_t n)
{
    snprintf(buf, n, "/proc/self/fd/%d", fd);
    return buf;
}

/* Creates every missing component of path inside the rootfs (the last as a file when as_file) and returns an
 * O_PATH descriptor of it. Each step re-resolves from the rootfs with RESOLVE_IN_ROOT. */
static int make_in_root(const char *path, int as_file)
{
    char prefix[4096];
    size_t len = strlen(path);
    if (len >= sizeof(prefix)) die_err(ENAMETOOLONG, "path too long: %.100s", path);
    int fd = open_in_root(path, O_PATH);
    if (fd >= 0) return fd;
    if (errno != ENOENT) die("open %s in the rootfs", path);
    int parent = open_in_root("/", O_PATH | O_DIRECTORY);
    if (parent < 0) die("open the rootfs");
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/') i++;
        size_t start = i;
        while (i < len && path[i] != '/') i++;
        if (i == start) break;
        memcpy(prefix, path, i);
        prefix[i] = 0;
        char name[256];
        if (i - start >= sizeof(name)) die_err(ENAMETOOLONG, "path component too long in %.100s", path);
        memcpy(name, path + start, i - start);
        name[i - start] = 0;
        int next = open_in_root(prefix, O_PATH);
        if (next < 0 && errno == ENOENT) {
            int last = i >= len || path[i + strspn(path + i, "/")] == 0;
            if (last && as_file) {
                int f = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                if (f < 0 && errno != EEXIST) die("create %s in the rootfs", prefix);
                if (f >= 0) close(f);
            } else if (mkdirat(parent, name, 0755) && errno != EEXIST) {
                die("mkdir %s in the rootfs", prefix);
            }
            next = open_in_root(prefix, O_PATH);
        }
        if (next < 0) die("open %s in the rootfs", prefix);
        close(parent);
        parent = next;
    }
    return parent;
}

/* Opens the parent directory of path inside the rootfs (creating it) and returns the last component in name. */
static int parent_in_root(const char *path, char *name, size_t n)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    size_t dl = (size_t)(slash - path);
    if (dl >= sizeof(dir) || strlen(slash + 1) >= n || !slash[1]) die_err(EINVAL, "bad path %.100s", path);
    memcpy(dir, path, dl);
    dir[dl] = 0;
    strcpy(name, slash + 1);
    return make_in_root(dl ? dir : "/", 0);
}

/* Flags the kernel locks on a mount seen from a user namespace; a bind remount must repeat them. */
static unsigned long locked_flags(const char *path, unsigned long wanted)
{
    struct statvfs s;
    unsigned long f = 0;
    if (statvfs(path, &s)) return 0;
    if (s.f_flag & ST_NOSUID) f |= MS_NOSUID;
    if (s.f_flag & ST_NODEV) f |= MS_NODEV;
    if (s.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (!(wanted & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME))) {
        if (s.f_flag & ST_NOATIME) f |= MS_NOATIME;
        if (s.f_flag & ST_RELATIME) f |= MS_RELATIME;
        if (s.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    }
    return f;
}

static void do_mount(const struct plan_mount *m)
{
    char target[64];
    int bind = (m->flags & MS_BIND) != 0;
    int as_file = 0;
    if (bind) {
        struct stat st;
        if (stat(m->source, &st)) die("bind source %s", m->source);
        as_file = !S_ISDIR(st.st_mode);
    }
    int fd = make_in_root(m->destination, as_file);
    const char *data = m->data[0] ? m->data : NULL;
    if (bind) {
        if (mount(m->source, fdpath(fd, target, sizeof(target)), NULL, MS_BIND | (m->flags & MS_REC), NULL))
            die("bind mount %s on %s", m->source, m->destination);
    } else if (mount(m->source, fdpath(fd, target, sizeof(target)), m->fstype, m->flags, data)) {
        if (errno == EPERM && !strcmp(m->fstype, "sysfs")) {
            /* sysfs needs a network namespace owned by our user namespace; without one, bind the host's. */
            if (mount("/sys", target, NULL, MS_BIND | MS_REC, NULL))
                die("bind mount /sys on %s (sysfs fallback)", m->destination);
            bind = 1;
        } else {
            die("mount %s (%s) on %s", m->source, m->fstype, m->destination);
        }
    }
    close(fd);
    unsigned long rest = m->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT);
    if (bind && rest) {
        fd = open_in_root(m->destination, O_PATH);
        if (fd < 0) die("reopen %s", m->destination);
        fdpath(fd, target, sizeof(target));
        if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | rest | locked_flags(target, rest), NULL))
            die("remount %s with its options", m->destination);
        close(fd);
    }
    if (m->propagation) {
        fd = open_in_root(m->destination, O_PATH);
        if (fd < 0) die("reopen %s", m->destination);
        if (mount(NULL, fdpath(fd, target, sizeof(target)), NULL, m->propagation, NULL))
            die("set propagation of %s", m->destination);
        close(fd);
    }
}

static void make_device(const struct plan_device *d)
{
    char name[256], target[64];
    int dir = parent_in_root(d->path, name, sizeof(name));
    mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
    dev_t dev = makedev(d->major, d->minor);
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        /* Something is there already: fine if it is this very device, an error otherwise. */
        if ((st.st_mode & S_IFMT) != type || (type != S_IFIFO && st.st_rdev != dev))
            die_err(EEXIST, "device %s: a file that is not this device is already there", d->path);
        close(dir);
        return;
    }
    if (mknodat(dir, name, type | d->mode, dev) == 0) {
        if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW)) die("chown device %s", d->path);
        close(dir);
        return;
    }
    if (errno != EPERM) die("mknod %s", d->path);
    /* In a user namespace mknod is refused: bind the host's node over a new empty file instead. */
    int f = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (f < 0) die("create %s for the host's device", d->path);
    close(f);
    close(dir);
    int fd = make_in_root(d->path, 1);
    if (mount(d->path, fdpath(fd, target, sizeof(target)), NULL, MS_BIND, NULL))
        die("bind mount host device %s", d->path);
    close(fd);
}

static void make_symlink(const struct plan_symlink *s)
{
    char name[256];
    int dir = parent_in_root(s->linkpath, name, sizeof(name));
    if (symlinkat(s->target, dir, name) && errno != EEXIST) die("symlink %s", s->linkpath);
    close(dir);
}

void rootfs_prepare(const struct plan *p)
{
    unsigned long prop = p->rootfs_propagation;
    /* Nothing we mount may reach the host: start from a slave (or private) copy of the host's tree. */
    unsigned long first = (prop & MS_PRIVATE) ? MS_PRIVATE | MS_REC : MS_SLAVE | MS_REC;
    if (mount(NULL, "/", NULL, first, NULL)) die("make / %s", (first & MS_PRIVATE) ? "rprivate" : "rslave");
    if (mount(p->rootfs, p->rootfs, NULL, MS_BIND | MS_REC, NULL)) die("bind mount rootfs %s", p->rootfs);
    g_root = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (g_root < 0) die("open rootfs %s", p->rootfs);
    for (uint32_t i = 0; i < p->nmounts; i++) do_mount(&p->mounts[i]);
    for (uint32_t i = 0; i < p->ndevices; i++) make_device(&p->devices[i]);
    for (uint32_t i = 0; i < p->nsymlinks; i++) make_symlink(&p->symlinks[i]);
    if (p->terminal) {
        char name[256];
        int dir = parent_in_root("/dev/console", name, sizeof(name));
        int f = openat(dir, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (f < 0) die("create /dev/console");
        close(f);
        close(dir);
    }
    if (p->cwd) {
        int fd = open_in_root(p->cwd, O_PATH);
        if (fd < 0 && errno == ENOENT) fd = make_in_root(p->cwd, 0);
        if (fd < 0) die("open cwd %s", p->cwd);
        close(fd);
    }
}

void rootfs_pivot(const struct plan *p)
{
    if (fchdir(g_root)) die("chdir to rootfs");
    if (p->no_pivot) {
        if (mount(p->rootfs, "/", NULL, MS_MOVE, NULL)) die("move rootfs to /");
        if (chroot(".")) die("chroot into rootfs");
    } else {
        if (syscall(SYS_pivot_root, ".", ".")) die("pivot_root");
        /* The old root is now stacked on /: detach it without the unmount propagating to the host. */
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL)) die("make old root rslave");
        if (umount2(".", MNT_DETACH)) die("unmount old root");
    }
    if (chdir("/")) die("chdir /");
    close(g_root);
    g_root = -1;
    unsigned long prop = p->rootfs_propagation;
    if (prop & (MS_SHARED | MS_UNBINDABLE))
        if (mount(NULL, "/", NULL, prop, NULL)) die("set rootfs propagation");
}

void console_bind(const char *slave_path)
{
    if (mount(slave_path, "/dev/console", NULL, MS_BIND, NULL)) die("bind mount %s on /dev/console", slave_path);
}

static void mask(const char *path)
{
    struct stat st;
    if (stat(path, &st)) {
        if (errno == ENOENT) return;
        die("stat masked path %s", path);
    }
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL)) die("mask %s", path);
    } else if (mount("/dev/null", path, NULL, MS_BIND, NULL)) {
        die("mask %s", path);
    }
}

static void make_readonly(const char *path)
{
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL)) {
        if (errno == ENOENT) return;
        die("bind %s for read-only", path);
    }
    if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | locked_flags(path, 0), NULL))
        die("remount %s read-only", path);
}

static void write_sysctl(const struct plan_sysctl *s)
{
    char path[512];
    int n = snprintf(path, sizeof(path), "/proc/sys/%s", s->key);
    if (n < 0 || (size_t)n >= sizeof(path)) die_err(ENAMETOOLONG, "sysctl key too long");
    for (char *c = path + 10; *c; c++)
        if (*c == '.') *c = '/';
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) die("open sysctl %s", s->key);
    size_t len = strlen(s->value);
    if (write(fd, s->value, len) != (ssize_t)len) die("write sysctl %s", s->key);
    close(fd);
}

void rootfs_finish(const struct plan *p)
{
    for (uint32_t i = 0; i < p->nsysctls; i++) write_sysctl(&p->sysctls[i]);
    for (uint32_t i = 0; i < p->nreadonly; i++) make_readonly(p->readonly[i]);
    for (uint32_t i = 0; i < p->nmasked; i++) mask(p->masked[i]);
    if (p->rootfs_readonly)
        if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags("/", 0), NULL))
            die("remount root read-only");
}
