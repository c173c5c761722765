/* Shared helpers of the shim. The shim executes a plan; it decides nothing (docs/plan-format.md). */
#ifndef BULWARK_SHIM_H
#define BULWARK_SHIM_H

#include "plan.h"

/* Sync messages on the SOCK_SEQPACKET socket to Java: a 16-byte header, then text (errors only). */
enum sync_type {
    SYNC_PID = 1,    /* shim -> Java: value = pid of the process that will run the workload */
    SYNC_ERROR = 2,  /* shim -> Java: err = errno, text = what failed */
    SYNC_HOOKS = 3,  /* init -> Java: namespaces and mounts are ready, run the create hooks now */
    SYNC_READY = 4,  /* init -> Java: waiting on the exec FIFO */
    SYNC_GO = 5,     /* Java -> shim: id maps written and cgroup joined, carry on */
    SYNC_RESUME = 6, /* Java -> init: create hooks done, carry on */
    SYNC_SECCOMP_FD = 7, /* shim -> Java: the seccomp notify listener is attached (SCM_RIGHTS) */
    SYNC_MAP_ACCESS = 8, /* Java -> init before GO: become dumpable so an unprivileged runtime can write the id
                          * maps; init -> Java: done (the init is non-dumpable again once GO arrives) */
};

struct sync_header {
    uint32_t type;
    int32_t err;
    uint32_t value;
    uint32_t reserved;
};

#define SYNC_TEXT_MAX 1024

extern int g_sync_fd;

/* Report "<what>: strerror(errno)" to Java (or stderr) and end this process. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Report "<what>" (complete as it is) with an explicit errno for Java, and end this process. */
void die_err(int err, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void sync_send(uint32_t type, int32_t err, uint32_t value, const char *text);
void sync_wait(uint32_t type);

/* rootfs.c: everything from the first mount to pivot_root, and the final touches after it. */
void rootfs_prepare(const struct plan *p);
void rootfs_pivot(const struct plan *p);
void rootfs_finish(const struct plan *p);
void console_bind(const char *slave_path);

#endif
