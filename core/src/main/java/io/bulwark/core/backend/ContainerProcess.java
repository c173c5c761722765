package io.bulwark.core.backend;

/**
 * A process as the host sees it: its pid plus its start time (field 22 of {@code /proc/PID/stat}, in clock ticks),
 * so that a recycled pid is never mistaken for it.
 */
public record ContainerProcess(int pid, long startTime) {
}
