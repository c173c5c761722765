package io.bulwark.core.state;

import java.util.Locale;

/** The OCI statuses, plus {@code paused} as runc reports a frozen container. */
public enum ContainerStatus {
    CREATING, CREATED, RUNNING, PAUSED, STOPPED;

    /** The lower-case word used in state JSON. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
