package io.bulwark.core.cgroup;

/** Which cgroup hierarchy a manager drives. */
public enum CgroupVersion {
    /** One hierarchy per controller (or controller group), as under /sys/fs/cgroup/<controller>. */
    V1,
    /** The unified hierarchy. */
    V2
}
