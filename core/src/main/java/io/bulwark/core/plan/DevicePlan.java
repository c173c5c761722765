package io.bulwark.core.plan;

/**
 * A device node to create in the container. Inside a user namespace the kernel refuses mknod, so the shim then bind
 * mounts the host's node at the same path instead.
 *
 * @param type  'c' (character), 'b' (block) or 'p' (FIFO)
 * @param path  absolute path inside the container
 * @param mode  permission bits (without the file type)
 */
public record DevicePlan(char type, String path, long major, long minor, int mode, long uid, long gid) {
}
