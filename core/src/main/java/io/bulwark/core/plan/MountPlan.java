package io.bulwark.core.plan;

/**
 * One mount. {@code flags} are the MS_* flags for mount(2) (MS_BIND for bind mounts; the shim remounts a bind with
 * the remaining flags, as a bind ignores them on the first call). {@code propagation} is applied afterwards.
 *
 * @param source      the source (a host path for binds, or the fs name)
 * @param destination absolute path inside the container; resolved inside the rootfs without leaving it
 * @param fstype      the filesystem type ("" for a bind)
 * @param flags       MS_* flags
 * @param propagation MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC), or 0
 * @param data        the fs-specific option string ("" for none)
 */
public record MountPlan(String source, String destination, String fstype, long flags, long propagation,
                        String data) {
}
