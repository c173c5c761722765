package io.bulwark.core.plan;

/**
 * The container's root filesystem.
 *
 * @param path        absolute host path of the rootfs (already resolved against the bundle)
 * @param readonly    remount the root read-only at the end of the setup
 * @param noPivot     use MS_MOVE + chroot instead of pivot_root
 * @param propagation MS_* propagation flags (with MS_REC where recursive) for the container's mount tree
 */
public record RootfsPlan(String path, boolean readonly, boolean noPivot, long propagation) {
}
