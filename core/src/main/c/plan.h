/* The binary plan the shim executes (docs/plan-format.md). Java writes it (PlanEncoder); this is the decoder. */
#ifndef BULWARK_PLAN_H
#define BULWARK_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PLAN_MAGIC 0x4E4C5042u /* "BPLN" */
#define PLAN_VERSION 1
#define PLAN_HEADER_SIZE 16
#define PLAN_MAX (16u << 20)
#define PLAN_MAX_STRING (1u << 20)
#define PLAN_MAX_COUNT 65536u
#define PLAN_UMASK_UNSET 0xFFFFFFFFu
#define PLAN_MAX_ID_MAP_LINES 340u /* the kernel's bound on uid_map/gid_map lines */

enum plan_kind { PLAN_INIT = 1, PLAN_EXEC = 2, PLAN_HOOK = 3, PLAN_GUEST = 4 };

enum plan_tag {
    TAG_NS_NEW = 1, TAG_NS_JOIN, TAG_ROOTFS, TAG_HOSTNAME, TAG_DOMAINNAME, TAG_MOUNT, TAG_DEVICE, TAG_SYMLINK,
    TAG_MASKED, TAG_READONLY, TAG_SYSCTL, TAG_EXECUTABLE, TAG_ARGS, TAG_ENV, TAG_CWD, TAG_USER, TAG_CAPS,
    TAG_RLIMIT, TAG_NO_NEW_PRIVS, TAG_OOM_SCORE_ADJ, TAG_TERMINAL, TAG_APPARMOR, TAG_SECCOMP, TAG_FDS,
    TAG_CREATE_HOOKS, TAG_PERSONALITY, TAG_TIME_OFFSETS, TAG_CONSOLE_SIZE, TAG_ID_MAPS, TAG_WALL_CLOCK,
    TAG_LAST = TAG_WALL_CLOCK
};

struct plan_ns_join { uint32_t type; const char *path; };
struct plan_mount { const char *source, *destination, *fstype, *data; uint64_t flags, propagation; };
struct plan_device { uint8_t type; uint32_t major, minor, mode, uid, gid; const char *path; };
struct plan_symlink { const char *target, *linkpath; };
struct plan_sysctl { const char *key, *value; };
struct plan_rlimit { uint32_t resource; uint64_t soft, hard; };
struct plan_id_map { uint32_t inside, outside, count; }; /* one uid_map/gid_map line */

/* Strings point into the plan buffer (each is NUL-terminated there); arrays are heap-allocated. */
struct plan {
    uint16_t kind;
    uint64_t ns_new;
    struct plan_ns_join *joins; uint32_t njoins;
    int has_rootfs; const char *rootfs; uint8_t rootfs_readonly, no_pivot; uint64_t rootfs_propagation;
    const char *hostname, *domainname;
    struct plan_mount *mounts; uint32_t nmounts;
    struct plan_device *devices; uint32_t ndevices;
    struct plan_symlink *symlinks; uint32_t nsymlinks;
    const char **masked; uint32_t nmasked;
    const char **readonly; uint32_t nreadonly;
    struct plan_sysctl *sysctls; uint32_t nsysctls;
    const char *executable;
    char **args; uint32_t nargs;  /* NULL-terminated, for execve */
    char **env; uint32_t nenv;    /* NULL-terminated */
    const char *cwd;
    int has_user; uint32_t uid, gid, umask; uint32_t *gids; uint32_t ngids;
    int has_caps; uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted, cap_ambient;
    struct plan_rlimit *rlimits; uint32_t nrlimits;
    uint8_t no_new_privs;
    int has_oom; int32_t oom_score_adj;
    uint8_t terminal;
    const char *apparmor;
    int has_seccomp; uint32_t seccomp_flags; uint32_t seccomp_len; void *seccomp_filter; /* 8-byte aligned copy */
    int has_fds; int32_t sync_fd, console_fd, fifo_fd; uint32_t preserve_fds;
    uint8_t create_hooks;
    int has_personality; uint32_t personality;
    int has_time_offsets; int64_t monotonic_secs, boottime_secs; uint32_t monotonic_nanos, boottime_nanos;
    int has_console_size; uint32_t console_height, console_width;
    /* guest plans only: the maps the guest init writes for the container's user namespace */
    int has_id_maps; struct plan_id_map *uid_maps, *gid_maps; uint32_t nuid_maps, ngid_maps;
    uint32_t wall_clock_secs; /* init plans only; 0: no limit */
};

/* Decodes buf[0..len). On failure returns -1 and puts a one-line reason in err. buf must outlive the plan. */
int plan_decode(const unsigned char *buf, size_t len, struct plan *out, char *err, size_t errlen);
void plan_free(struct plan *p);
/* The canonical text form (the same as io.bulwark.core.plan.PlanDump). */
void plan_dump(const struct plan *p, FILE *f);

#endif
