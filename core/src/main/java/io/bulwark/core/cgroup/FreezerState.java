package io.bulwark.core.cgroup;

/** A cgroup's freezer state, named as v1's freezer.state names it. */
public enum FreezerState {
    THAWED,
    FREEZING,
    FROZEN
}
