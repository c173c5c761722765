/* Fuzz target for the shim's plan decoder (core/src/main/c/plan.c), for libFuzzer and for plan_replay.c.
 * Beyond "no crash under ASan/UBSan" it checks what a decoded plan promises the rest of the shim: counts within
 * bounds, every string inside the input buffer and NUL-terminated there, argv/envp NULL-terminated, and that
 * decoding is deterministic (the canonical dump of a second decode is byte-identical). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static const unsigned char *g_lo, *g_hi;

static void must(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "plan invariant broken: %s\n", what);
        abort();
    }
}

static void in_buffer(const char *s, const char *what)
{
    if (!s) return;
    const unsigned char *u = (const unsigned char *)s;
    must(u >= g_lo && u < g_hi, what);
    must(memchr(u, 0, (size_t)(g_hi - u)) != NULL, what);
}

static void check_strings(char **v, uint32_t n, const char *what)
{
    must(v != NULL && n > 0 && n <= PLAN_MAX_COUNT, what);
    for (uint32_t i = 0; i < n; i++) in_buffer(v[i], what);
    must(v[n] == NULL, what);
}

static void check(const struct plan *p)
{
    must(p->kind >= PLAN_INIT && p->kind <= PLAN_GUEST, "kind");
    for (uint32_t i = 0; i < p->njoins; i++) in_buffer(p->joins[i].path, "join path");
    if (p->has_rootfs) in_buffer(p->rootfs, "rootfs");
    in_buffer(p->hostname, "hostname");
    in_buffer(p->domainname, "domainname");
    for (uint32_t i = 0; i < p->nmounts; i++) {
        in_buffer(p->mounts[i].source, "mount source");
        in_buffer(p->mounts[i].destination, "mount destination");
        in_buffer(p->mounts[i].fstype, "mount type");
        in_buffer(p->mounts[i].data, "mount data");
        must(p->mounts[i].destination[0] == '/', "mount destination absolute");
    }
    for (uint32_t i = 0; i < p->ndevices; i++) in_buffer(p->devices[i].path, "device path");
    for (uint32_t i = 0; i < p->nsymlinks; i++) {
        in_buffer(p->symlinks[i].target, "symlink target");
        in_buffer(p->symlinks[i].linkpath, "symlink path");
    }
    for (uint32_t i = 0; i < p->nmasked; i++) in_buffer(p->masked[i], "masked path");
    for (uint32_t i = 0; i < p->nreadonly; i++) in_buffer(p->readonly[i], "readonly path");
    for (uint32_t i = 0; i < p->nsysctls; i++) {
        in_buffer(p->sysctls[i].key, "sysctl key");
        in_buffer(p->sysctls[i].value, "sysctl value");
    }
    in_buffer(p->executable, "executable");
    check_strings(p->args, p->nargs, "args");
    if (p->env) check_strings(p->env, p->nenv, "env");
    in_buffer(p->cwd, "cwd");
    in_buffer(p->apparmor, "apparmor");
    must(p->ngids <= PLAN_MAX_COUNT, "gids");
    for (uint32_t i = 0; i < p->nrlimits; i++) must(p->rlimits[i].soft <= p->rlimits[i].hard, "rlimit order");
    must(!p->has_seccomp || (p->seccomp_len > 0 && p->seccomp_len <= 4096 && p->seccomp_filter), "seccomp");
    if (p->kind == PLAN_GUEST) {
        must(!p->has_fds && p->sync_fd == -1 && p->console_fd == -1 && p->fifo_fd == -1, "guest plan descriptors");
        must(p->has_rootfs && !p->njoins && !p->terminal && !p->create_hooks, "guest plan shape");
        must(!!(p->ns_new & 0x10000000ULL) == p->has_id_maps, "guest id maps with a user namespace");
    } else {
        must(p->has_fds && p->sync_fd >= 3 + (int32_t)p->preserve_fds, "sync fd");
        must(!p->has_id_maps, "id maps only in guest plans");
    }
    if (p->has_id_maps) {
        must(p->nuid_maps >= 1 && p->nuid_maps <= PLAN_MAX_ID_MAP_LINES, "uid map lines");
        must(p->ngid_maps >= 1 && p->ngid_maps <= PLAN_MAX_ID_MAP_LINES, "gid map lines");
        for (uint32_t i = 0; i < p->nuid_maps; i++)
            must(p->uid_maps[i].count && (uint64_t)p->uid_maps[i].outside + p->uid_maps[i].count <= 1ULL << 32, "uid map range");
        for (uint32_t i = 0; i < p->ngid_maps; i++)
            must(p->gid_maps[i].count && (uint64_t)p->gid_maps[i].outside + p->gid_maps[i].count <= 1ULL << 32, "gid map range");
    }
    must(p->preserve_fds <= 1024, "preserve fds");
    if (p->kind == PLAN_EXEC || p->kind == PLAN_HOOK) must(!p->has_rootfs && !p->nmounts && !p->ns_new, "join-only plan");
}

static char *dump(const struct plan *p, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    must(f != NULL, "open_memstream");
    plan_dump(p, f);
    fclose(f);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size heap copy, so that ASan sees any read past the end of the input. */
    unsigned char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    g_lo = buf;
    g_hi = buf + size;
    struct plan p;
    char err[512];
    memset(err, 0x55, sizeof(err));
    if (plan_decode(buf, size, &p, err, sizeof(err))) {
        must(memchr(err, 0, sizeof(err)) != NULL && err[0] != 0, "error message set and terminated");
        must(strchr(err, '\n') == NULL, "error message on one line");
        free(buf);
        return 0;
    }
    check(&p);
    size_t n1, n2;
    char *d1 = dump(&p, &n1);
    plan_free(&p);
    struct plan again;
    must(plan_decode(buf, size, &again, err, sizeof(err)) == 0, "second decode succeeds");
    char *d2 = dump(&again, &n2);
    plan_free(&again);
    must(n1 == n2 && memcmp(d1, d2, n1) == 0, "deterministic dump");
    must(n1 > 0 && memchr(d1, 0, n1) == NULL, "dump has no NUL");
    free(d1);
    free(d2);
    free(buf);
    return 0;
}
