/* Plan decoder: every read is bounds-checked, every record is checked for its exact size, tags must ascend and
 * singular records appear once, so a truncated or corrupt plan is rejected with a reason instead of being used. */
#include "plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_CLONE_NEWUSER 0x10000000ULL
#define PLAN_SECCOMP_NEW_LISTENER (1u << 3) /* SECCOMP_FILTER_FLAG_NEW_LISTENER */

struct rd {
    const unsigned char *p;
    size_t n, off;
    char *err;
    size_t errlen;
};

static int fail(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct rd *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int need(struct rd *r, size_t k)
{
    if (k > r->n - r->off)
        return fail(r, "truncated record at offset %zu (need %zu bytes, %zu left)", r->off, k, r->n - r->off);
    return 0;
}

static int u8(struct rd *r, uint8_t *v)
{
    if (need(r, 1)) return -1;
    *v = r->p[r->off++];
    return 0;
}

static int u16(struct rd *r, uint16_t *v)
{
    if (need(r, 2)) return -1;
    *v = (uint16_t)(r->p[r->off] | (r->p[r->off + 1] << 8));
    r->off += 2;
    return 0;
}

static int u32(struct rd *r, uint32_t *v)
{
    if (need(r, 4)) return -1;
    const unsigned char *b = r->p + r->off;
    *v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
    r->off += 4;
    return 0;
}

static int u64(struct rd *r, uint64_t *v)
{
    uint32_t lo, hi;
    if (u32(r, &lo) || u32(r, &hi)) return -1;
    *v = ((uint64_t)hi << 32) | lo;
    return 0;
}

/* u32 length including the NUL, the bytes, NUL; no NUL inside. */
static int str(struct rd *r, const char **s)
{
    uint32_t n;
    if (u32(r, &n)) return -1;
    if (n == 0 || n > PLAN_MAX_STRING) return fail(r, "bad string length %u at offset %zu", n, r->off - 4);
    if (need(r, n)) return -1;
    const unsigned char *b = r->p + r->off;
    if (b[n - 1] != 0) return fail(r, "string at offset %zu is not NUL-terminated", r->off);
    if (memchr(b, 0, n - 1)) return fail(r, "string at offset %zu contains a NUL byte", r->off);
    *s = (const char *)b;
    r->off += n;
    return 0;
}

static int flag(struct rd *r, uint8_t *v)
{
    if (u8(r, v)) return -1;
    if (*v != 1) return fail(r, "flag record with value %u (must be 1)", *v);
    return 0;
}

static int boolean(struct rd *r, uint8_t *v)
{
    if (u8(r, v)) return -1;
    if (*v > 1) return fail(r, "boolean with value %u", *v);
    return 0;
}

/* A bounded copy of s for an error message: the message stays one line whatever bytes the plan holds. */
static const char *printable(const char *s, char *out, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c && o + 5 < size; c++) {
        if (*c < 0x20 || *c >= 0x7f || *c == '\\') {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[*c >> 4];
            out[o++] = hex[*c & 15];
        } else {
            out[o++] = (char)*c;
        }
    }
    out[o] = 0;
    return out;
}

static int absolute(struct rd *r, const char *what, const char *s)
{
    char shown[160];
    if (s[0] != '/') return fail(r, "%s is not an absolute path: %s", what, printable(s, shown, sizeof(shown)));
    return 0;
}

static int repeatable(int tag)
{
    switch (tag) {
    case TAG_NS_JOIN: case TAG_MOUNT: case TAG_DEVICE: case TAG_SYMLINK: case TAG_MASKED: case TAG_READONLY:
    case TAG_SYSCTL: case TAG_RLIMIT:
        return 1;
    default:
        return 0;
    }
}

/* u32 n (1 ... 340), then n lines of u32 inside, u32 outside, u32 count (count >= 1, no range past 2^32). */
static int id_map(struct rd *r, const char *which, struct plan_id_map **out, uint32_t *count)
{
    uint32_t n;
    if (u32(r, &n)) return -1;
    if (n == 0 || n > PLAN_MAX_ID_MAP_LINES) return fail(r, "bad %s_map line count %u", which, n);
    struct plan_id_map *m = calloc(n, sizeof(*m));
    if (!m) return fail(r, "out of memory");
    *out = m;
    *count = n;
    for (uint32_t i = 0; i < n; i++) {
        if (u32(r, &m[i].inside) || u32(r, &m[i].outside) || u32(r, &m[i].count)) return -1;
        if (m[i].count == 0 || (uint64_t)m[i].inside + m[i].count > 0x100000000ULL ||
            (uint64_t)m[i].outside + m[i].count > 0x100000000ULL)
            return fail(r, "bad %s_map line %u: %u %u %u", which, i, m[i].inside, m[i].outside, m[i].count);
    }
    return 0;
}

static int strings(struct rd *r, char ***out, uint32_t *count)
{
    uint32_t n;
    if (u32(r, &n)) return -1;
    if (n == 0 || n > PLAN_MAX_COUNT) return fail(r, "bad string list count %u", n);
    char **v = calloc((size_t)n + 1, sizeof(char *));
    if (!v) return fail(r, "out of memory");
    *out = v;
    *count = n;
    for (uint32_t i = 0; i < n; i++) {
        const char *s;
        if (str(r, &s)) return -1;
        v[i] = (char *)s;
    }
    return 0;
}

/* Decodes one record's value; r covers exactly that value. The index counters fill repeated arrays. */
static int record(struct rd *r, int tag, struct plan *p, uint32_t *idx)
{
    switch (tag) {
    case TAG_NS_NEW:
        if (u64(r, &p->ns_new)) return -1;
        if (p->ns_new == 0) return fail(r, "ns_new record with no flags");
        return 0;
    case TAG_NS_JOIN: {
        struct plan_ns_join *j = &p->joins[idx[tag]++];
        if (u32(r, &j->type) || str(r, &j->path)) return -1;
        return absolute(r, "namespace path", j->path);
    }
    case TAG_ROOTFS:
        p->has_rootfs = 1;
        if (str(r, &p->rootfs) || boolean(r, &p->rootfs_readonly) || boolean(r, &p->no_pivot) ||
            u64(r, &p->rootfs_propagation))
            return -1;
        return absolute(r, "rootfs", p->rootfs);
    case TAG_HOSTNAME: return str(r, &p->hostname);
    case TAG_DOMAINNAME: return str(r, &p->domainname);
    case TAG_MOUNT: {
        struct plan_mount *m = &p->mounts[idx[tag]++];
        if (str(r, &m->source) || str(r, &m->destination) || str(r, &m->fstype) || u64(r, &m->flags) ||
            u64(r, &m->propagation) || str(r, &m->data))
            return -1;
        return absolute(r, "mount destination", m->destination);
    }
    case TAG_DEVICE: {
        struct plan_device *d = &p->devices[idx[tag]++];
        if (u8(r, &d->type) || u32(r, &d->major) || u32(r, &d->minor) || u32(r, &d->mode) || u32(r, &d->uid) ||
            u32(r, &d->gid) || str(r, &d->path))
            return -1;
        if (d->type != 'c' && d->type != 'b' && d->type != 'p') return fail(r, "bad device type %u", d->type);
        if (d->mode > 07777) return fail(r, "bad device mode 0%o", d->mode);
        return absolute(r, "device path", d->path);
    }
    case TAG_SYMLINK: {
        struct plan_symlink *s = &p->symlinks[idx[tag]++];
        if (str(r, &s->target) || str(r, &s->linkpath)) return -1;
        return absolute(r, "symlink path", s->linkpath);
    }
    case TAG_MASKED: {
        const char **s = &p->masked[idx[tag]++];
        if (str(r, s)) return -1;
        return absolute(r, "masked path", *s);
    }
    case TAG_READONLY: {
        const char **s = &p->readonly[idx[tag]++];
        if (str(r, s)) return -1;
        return absolute(r, "readonly path", *s);
    }
    case TAG_SYSCTL: {
        struct plan_sysctl *s = &p->sysctls[idx[tag]++];
        if (str(r, &s->key) || str(r, &s->value)) return -1;
        if (strchr(s->key, '/') || s->key[0] == '.' || strstr(s->key, "..")) {
            char shown[160];
            return fail(r, "bad sysctl key %s", printable(s->key, shown, sizeof(shown)));
        }
        return 0;
    }
    case TAG_EXECUTABLE: return str(r, &p->executable);
    case TAG_ARGS: return strings(r, &p->args, &p->nargs);
    case TAG_ENV: return strings(r, &p->env, &p->nenv);
    case TAG_CWD:
        if (str(r, &p->cwd)) return -1;
        return absolute(r, "cwd", p->cwd);
    case TAG_USER:
        p->has_user = 1;
        if (u32(r, &p->uid) || u32(r, &p->gid) || u32(r, &p->umask) || u32(r, &p->ngids)) return -1;
        if (p->umask != PLAN_UMASK_UNSET && p->umask > 0777) return fail(r, "bad umask 0%o", p->umask);
        if (p->ngids > PLAN_MAX_COUNT) return fail(r, "too many additional gids: %u", p->ngids);
        if (p->ngids) {
            p->gids = calloc(p->ngids, sizeof(uint32_t));
            if (!p->gids) return fail(r, "out of memory");
            for (uint32_t i = 0; i < p->ngids; i++)
                if (u32(r, &p->gids[i])) return -1;
        }
        return 0;
    case TAG_CAPS:
        p->has_caps = 1;
        return u64(r, &p->cap_bounding) || u64(r, &p->cap_effective) || u64(r, &p->cap_inheritable) ||
               u64(r, &p->cap_permitted) || u64(r, &p->cap_ambient) ? -1 : 0;
    case TAG_RLIMIT: {
        struct plan_rlimit *l = &p->rlimits[idx[tag]++];
        if (u32(r, &l->resource) || u64(r, &l->soft) || u64(r, &l->hard)) return -1;
        if (l->resource > 63) return fail(r, "bad rlimit resource %u", l->resource);
        if (l->soft > l->hard) return fail(r, "rlimit %u: soft limit above hard limit", l->resource);
        return 0;
    }
    case TAG_NO_NEW_PRIVS: return flag(r, &p->no_new_privs);
    case TAG_OOM_SCORE_ADJ: {
        uint32_t v;
        if (u32(r, &v)) return -1;
        p->has_oom = 1;
        p->oom_score_adj = (int32_t)v;
        if (p->oom_score_adj < -1000 || p->oom_score_adj > 1000)
            return fail(r, "oom_score_adj %d out of range", p->oom_score_adj);
        return 0;
    }
    case TAG_TERMINAL: return flag(r, &p->terminal);
    case TAG_APPARMOR: return str(r, &p->apparmor);
    case TAG_SECCOMP: {
        uint32_t n;
        p->has_seccomp = 1;
        if (u32(r, &p->seccomp_flags) || u32(r, &n)) return -1;
        if (n == 0 || n > 4096) return fail(r, "bad seccomp program length %u", n);
        if (need(r, (size_t)n * 8)) return -1;
        p->seccomp_filter = malloc((size_t)n * 8);
        if (!p->seccomp_filter) return fail(r, "out of memory");
        memcpy(p->seccomp_filter, r->p + r->off, (size_t)n * 8);
        p->seccomp_len = n;
        r->off += (size_t)n * 8;
        return 0;
    }
    case TAG_FDS: {
        uint32_t s, c, f;
        p->has_fds = 1;
        if (u32(r, &s) || u32(r, &c) || u32(r, &f) || u32(r, &p->preserve_fds)) return -1;
        p->sync_fd = (int32_t)s;
        p->console_fd = (int32_t)c;
        p->fifo_fd = (int32_t)f;
        if (p->preserve_fds > 1024) return fail(r, "too many preserved fds: %u", p->preserve_fds);
        int32_t low = 3 + (int32_t)p->preserve_fds;
        if (p->sync_fd < low) return fail(r, "bad sync fd %d", p->sync_fd);
        if (p->console_fd != -1 && p->console_fd < low) return fail(r, "bad console fd %d", p->console_fd);
        if (p->fifo_fd != -1 && p->fifo_fd < low) return fail(r, "bad fifo fd %d", p->fifo_fd);
        return 0;
    }
    case TAG_CREATE_HOOKS: return flag(r, &p->create_hooks);
    case TAG_PERSONALITY:
        p->has_personality = 1;
        return u32(r, &p->personality);
    case TAG_TIME_OFFSETS: {
        uint64_t m, b;
        p->has_time_offsets = 1;
        if (u64(r, &m) || u32(r, &p->monotonic_nanos) || u64(r, &b) || u32(r, &p->boottime_nanos)) return -1;
        p->monotonic_secs = (int64_t)m;
        p->boottime_secs = (int64_t)b;
        if (p->monotonic_nanos >= 1000000000u || p->boottime_nanos >= 1000000000u)
            return fail(r, "time offset nanoseconds out of range");
        return 0;
    }
    case TAG_CONSOLE_SIZE:
        p->has_console_size = 1;
        if (u32(r, &p->console_height) || u32(r, &p->console_width)) return -1;
        if (p->console_height > 0xFFFF || p->console_width > 0xFFFF)
            return fail(r, "console size %ux%u out of range", p->console_height, p->console_width);
        return 0;
    case TAG_ID_MAPS:
        p->has_id_maps = 1;
        return id_map(r, "uid", &p->uid_maps, &p->nuid_maps) || id_map(r, "gid", &p->gid_maps, &p->ngid_maps) ? -1 : 0;
    case TAG_WALL_CLOCK:
        if (u32(r, &p->wall_clock_secs)) return -1;
        if (!p->wall_clock_secs) return fail(r, "wall-clock limit of 0 seconds");
        return 0;
    }
    return fail(r, "unknown record tag %d", tag);
}

static int walk(struct rd *body, struct plan *p, uint32_t *counts, int fill)
{
    uint32_t idx[TAG_LAST + 1] = {0};
    int last = 0;
    body->off = 0;
    while (body->off < body->n) {
        uint16_t tag;
        uint32_t len;
        size_t at = body->off;
        if (u16(body, &tag) || u32(body, &len)) return -1;
        if (tag == 0 || tag > TAG_LAST) return fail(body, "unknown record tag %u at offset %zu", tag, at);
        if (tag < last) return fail(body, "record tag %u after tag %d (tags must ascend)", tag, last);
        if (tag == last && !repeatable(tag)) return fail(body, "record tag %u repeated", tag);
        if (need(body, len)) return -1;
        last = tag;
        if (!fill) {
            if (++counts[tag] > PLAN_MAX_COUNT) return fail(body, "too many records with tag %u", tag);
        } else {
            struct rd v = { body->p + body->off, len, 0, body->err, body->errlen };
            if (record(&v, tag, p, idx)) {
                size_t l = strlen(body->err);
                snprintf(body->err + l, body->errlen - l, " (record tag %u at plan offset %zu)", tag,
                         at + PLAN_HEADER_SIZE);
                return -1;
            }
            if (v.off != len)
                return fail(body, "record tag %u at plan offset %zu has %zu trailing bytes", tag,
                            at + PLAN_HEADER_SIZE, (size_t)(len - v.off));
        }
        body->off += len;
    }
    return 0;
}

#define ALLOC(field, count, type)                                                                             \
    do {                                                                                                      \
        if ((count) && !((field) = calloc((count), sizeof(type)))) {                                          \
            snprintf(err, errlen, "out of memory");                                                           \
            goto bad;                                                                                         \
        }                                                                                                     \
    } while (0)

int plan_decode(const unsigned char *buf, size_t len, struct plan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof(*p));
    p->sync_fd = p->console_fd = p->fifo_fd = -1;
    struct rd h = { buf, len, 0, err, errlen };
    uint32_t magic, body_len, reserved;
    uint16_t version;
    if (len < PLAN_HEADER_SIZE) {
        snprintf(err, errlen, "plan too short (%zu bytes)", len);
        return -1;
    }
    if (len > PLAN_MAX) {
        snprintf(err, errlen, "plan too large (%zu bytes)", len);
        return -1;
    }
    u32(&h, &magic);
    u16(&h, &version);
    u16(&h, &p->kind);
    u32(&h, &body_len);
    u32(&h, &reserved);
    if (magic != PLAN_MAGIC) {
        snprintf(err, errlen, "bad magic 0x%08x (not a plan)", magic);
        return -1;
    }
    if (version != PLAN_VERSION) {
        snprintf(err, errlen, "unsupported plan version %u (this shim reads %d)", version, PLAN_VERSION);
        return -1;
    }
    if (p->kind < PLAN_INIT || p->kind > PLAN_GUEST) {
        snprintf(err, errlen, "unknown plan kind %u", p->kind);
        return -1;
    }
    if (reserved != 0) {
        snprintf(err, errlen, "reserved header field is %u, not 0", reserved);
        return -1;
    }
    if (body_len != len - PLAN_HEADER_SIZE) {
        snprintf(err, errlen, "header says %u body bytes but %zu follow", body_len, len - PLAN_HEADER_SIZE);
        return -1;
    }
    struct rd body = { buf + PLAN_HEADER_SIZE, body_len, 0, err, errlen };
    uint32_t counts[TAG_LAST + 1] = {0};
    if (walk(&body, p, counts, 0)) return -1;
    ALLOC(p->joins, counts[TAG_NS_JOIN], struct plan_ns_join);
    ALLOC(p->mounts, counts[TAG_MOUNT], struct plan_mount);
    ALLOC(p->devices, counts[TAG_DEVICE], struct plan_device);
    ALLOC(p->symlinks, counts[TAG_SYMLINK], struct plan_symlink);
    ALLOC(p->masked, counts[TAG_MASKED], const char *);
    ALLOC(p->readonly, counts[TAG_READONLY], const char *);
    ALLOC(p->sysctls, counts[TAG_SYSCTL], struct plan_sysctl);
    ALLOC(p->rlimits, counts[TAG_RLIMIT], struct plan_rlimit);
    p->njoins = counts[TAG_NS_JOIN];
    p->nmounts = counts[TAG_MOUNT];
    p->ndevices = counts[TAG_DEVICE];
    p->nsymlinks = counts[TAG_SYMLINK];
    p->nmasked = counts[TAG_MASKED];
    p->nreadonly = counts[TAG_READONLY];
    p->nsysctls = counts[TAG_SYSCTL];
    p->nrlimits = counts[TAG_RLIMIT];
    if (walk(&body, p, counts, 1)) goto bad;
    if (!counts[TAG_ARGS]) {
        snprintf(err, errlen, "plan has no args");
        goto bad;
    }
    if (p->kind == PLAN_GUEST) {
        /* pid 1 of a microVM: no runtime, socket or FIFO on the other side of a descriptor, no host namespaces to
         * join, no notify listener to hand on; the guest init itself writes the user namespace's id maps. */
        const char *why = !p->has_rootfs ? "guest plan has no rootfs"
                          : counts[TAG_FDS] ? "guest plan has an fds record (a guest has no descriptors to pass)"
                          : p->njoins ? "guest plan joins namespaces by path"
                          : p->create_hooks ? "guest plan stops for create hooks"
                          : p->terminal ? "guest plan asks for a terminal"
                          : (p->seccomp_flags & PLAN_SECCOMP_NEW_LISTENER) ? "guest plan asks for a seccomp listener"
                          : (p->ns_new & PLAN_CLONE_NEWUSER) && !p->has_id_maps
                              ? "guest plan creates a user namespace without id maps"
                          : !(p->ns_new & PLAN_CLONE_NEWUSER) && p->has_id_maps
                              ? "guest plan has id maps but no new user namespace"
                          : NULL;
        if (why) {
            snprintf(err, errlen, "%s", why);
            goto bad;
        }
    } else {
        if (!counts[TAG_FDS]) {
            snprintf(err, errlen, "plan has no fds record");
            goto bad;
        }
        if (p->has_id_maps) {
            snprintf(err, errlen, "id maps in a plan that is not a guest plan (the runtime writes them)");
            goto bad;
        }
    }
    if (p->kind != PLAN_INIT && p->wall_clock_secs) {
        snprintf(err, errlen, "a wall-clock limit in a plan that is not an init plan");
        goto bad;
    }
    if (p->kind == PLAN_INIT && !p->has_rootfs) {
        snprintf(err, errlen, "init plan has no rootfs");
        goto bad;
    }
    if (p->kind == PLAN_HOOK && !p->executable) {
        snprintf(err, errlen, "hook plan has no executable");
        goto bad;
    }
    if ((p->kind == PLAN_EXEC || p->kind == PLAN_HOOK) && (p->has_rootfs || p->nmounts || p->ndevices || p->nmasked || p->nreadonly ||
                                 p->ns_new || p->create_hooks || p->fifo_fd != -1 || p->has_time_offsets)) {
        snprintf(err, errlen, "container setup records in a plan that only joins a container");
        goto bad;
    }
    return 0;
bad:
    plan_free(p);
    return -1;
}

void plan_free(struct plan *p)
{
    free(p->joins);
    free(p->mounts);
    free(p->devices);
    free(p->symlinks);
    free(p->masked);
    free(p->readonly);
    free(p->sysctls);
    free(p->rlimits);
    free(p->args);
    free(p->env);
    free(p->gids);
    free(p->seccomp_filter);
    free(p->uid_maps);
    free(p->gid_maps);
    memset(p, 0, sizeof(*p));
}

static void q(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20 || *c >= 0x7f)
            fprintf(f, "\\x%02x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

static uint32_t fnv1a(const unsigned char *b, size_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x01000193u;
    }
    return h;
}

void plan_dump(const struct plan *p, FILE *f)
{
    static const char *kinds[] = { "", "init", "exec", "hook", "guest" };
    fprintf(f, "plan version=%d kind=%s\n", PLAN_VERSION, kinds[p->kind]);
    if (p->ns_new) fprintf(f, "ns_new 0x%llx\n", (unsigned long long)p->ns_new);
    for (uint32_t i = 0; i < p->njoins; i++) {
        fprintf(f, "ns_join type=0x%x path=", p->joins[i].type);
        q(f, p->joins[i].path);
        fputc('\n', f);
    }
    if (p->has_rootfs) {
        fputs("rootfs path=", f);
        q(f, p->rootfs);
        fprintf(f, " readonly=%u nopivot=%u propagation=0x%llx\n", p->rootfs_readonly, p->no_pivot,
                (unsigned long long)p->rootfs_propagation);
    }
    if (p->hostname) { fputs("hostname ", f); q(f, p->hostname); fputc('\n', f); }
    if (p->domainname) { fputs("domainname ", f); q(f, p->domainname); fputc('\n', f); }
    for (uint32_t i = 0; i < p->nmounts; i++) {
        const struct plan_mount *m = &p->mounts[i];
        fputs("mount source=", f); q(f, m->source);
        fputs(" destination=", f); q(f, m->destination);
        fputs(" type=", f); q(f, m->fstype);
        fprintf(f, " flags=0x%llx propagation=0x%llx data=", (unsigned long long)m->flags,
                (unsigned long long)m->propagation);
        q(f, m->data);
        fputc('\n', f);
    }
    for (uint32_t i = 0; i < p->ndevices; i++) {
        const struct plan_device *d = &p->devices[i];
        fprintf(f, "device type=%c path=", d->type);
        q(f, d->path);
        fprintf(f, " major=%u minor=%u mode=0%o uid=%u gid=%u\n", d->major, d->minor, d->mode, d->uid, d->gid);
    }
    for (uint32_t i = 0; i < p->nsymlinks; i++) {
        fputs("symlink target=", f); q(f, p->symlinks[i].target);
        fputs(" link=", f); q(f, p->symlinks[i].linkpath);
        fputc('\n', f);
    }
    for (uint32_t i = 0; i < p->nmasked; i++) { fputs("masked ", f); q(f, p->masked[i]); fputc('\n', f); }
    for (uint32_t i = 0; i < p->nreadonly; i++) { fputs("readonly ", f); q(f, p->readonly[i]); fputc('\n', f); }
    for (uint32_t i = 0; i < p->nsysctls; i++) {
        fputs("sysctl key=", f); q(f, p->sysctls[i].key);
        fputs(" value=", f); q(f, p->sysctls[i].value);
        fputc('\n', f);
    }
    if (p->executable) { fputs("executable ", f); q(f, p->executable); fputc('\n', f); }
    for (uint32_t i = 0; i < p->nargs; i++) { fputs("arg ", f); q(f, p->args[i]); fputc('\n', f); }
    for (uint32_t i = 0; i < p->nenv; i++) { fputs("env ", f); q(f, p->env[i]); fputc('\n', f); }
    if (p->cwd) { fputs("cwd ", f); q(f, p->cwd); fputc('\n', f); }
    if (p->has_user) {
        fprintf(f, "user uid=%u gid=%u umask=", p->uid, p->gid);
        if (p->umask == PLAN_UMASK_UNSET) fputs("unset", f); else fprintf(f, "0%o", p->umask);
        fputs(" gids=", f);
        if (!p->ngids) fputc('-', f);
        for (uint32_t i = 0; i < p->ngids; i++) fprintf(f, "%s%u", i ? "," : "", p->gids[i]);
        fputc('\n', f);
    }
    if (p->has_caps)
        fprintf(f, "caps bounding=0x%llx effective=0x%llx inheritable=0x%llx permitted=0x%llx ambient=0x%llx\n",
                (unsigned long long)p->cap_bounding, (unsigned long long)p->cap_effective,
                (unsigned long long)p->cap_inheritable, (unsigned long long)p->cap_permitted,
                (unsigned long long)p->cap_ambient);
    for (uint32_t i = 0; i < p->nrlimits; i++)
        fprintf(f, "rlimit resource=%u soft=%llu hard=%llu\n", p->rlimits[i].resource,
                (unsigned long long)p->rlimits[i].soft, (unsigned long long)p->rlimits[i].hard);
    if (p->no_new_privs) fputs("no_new_privs\n", f);
    if (p->has_oom) fprintf(f, "oom_score_adj %d\n", p->oom_score_adj);
    if (p->terminal) fputs("terminal\n", f);
    if (p->apparmor) { fputs("apparmor ", f); q(f, p->apparmor); fputc('\n', f); }
    if (p->has_seccomp)
        fprintf(f, "seccomp flags=0x%x instructions=%u fnv=0x%08x\n", p->seccomp_flags, p->seccomp_len,
                fnv1a(p->seccomp_filter, (size_t)p->seccomp_len * 8));
    if (p->has_fds)
        fprintf(f, "fds sync=%d console=%d fifo=%d preserve=%u\n", p->sync_fd, p->console_fd, p->fifo_fd,
                p->preserve_fds);
    if (p->create_hooks) fputs("create_hooks\n", f);
    if (p->has_personality) fprintf(f, "personality 0x%x\n", p->personality);
    if (p->has_time_offsets)
        fprintf(f, "time_offsets monotonic=%lld.%u boottime=%lld.%u\n", (long long)p->monotonic_secs,
                p->monotonic_nanos, (long long)p->boottime_secs, p->boottime_nanos);
    if (p->has_console_size)
        fprintf(f, "console_size height=%u width=%u\n", p->console_height, p->console_width);
    if (p->has_id_maps) {
        fputs("id_maps uid=", f);
        for (uint32_t i = 0; i < p->nuid_maps; i++)
            fprintf(f, "%s%u:%u:%u", i ? "," : "", p->uid_maps[i].inside, p->uid_maps[i].outside, p->uid_maps[i].count);
        fputs(" gid=", f);
        for (uint32_t i = 0; i < p->ngid_maps; i++)
            fprintf(f, "%s%u:%u:%u", i ? "," : "", p->gid_maps[i].inside, p->gid_maps[i].outside, p->gid_maps[i].count);
        fputc('\n', f);
    }
    if (p->wall_clock_secs) fprintf(f, "wall_clock seconds=%u\n", p->wall_clock_secs);
}
