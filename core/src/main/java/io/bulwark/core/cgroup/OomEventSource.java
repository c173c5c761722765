package io.bulwark.core.cgroup;

import java.time.Duration;

/**
 * Out-of-memory kills in a container's cgroup, as they happen: v1 through an eventfd registered on
 * memory.oom_control, v2 by watching the oom_kill count in memory.events.
 */
public interface OomEventSource extends AutoCloseable {

    /**
     * Waits up to {@code timeout} for the next OOM event. Returns true when one came, false on timeout or when the
     * cgroup was removed (then {@link #isClosed()} is true).
     */
    boolean await(Duration timeout) throws InterruptedException;

    /** True once the source is closed or its cgroup is gone. */
    boolean isClosed();

    @Override
    void close();
}
