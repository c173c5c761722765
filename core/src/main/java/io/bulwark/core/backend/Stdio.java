package io.bulwark.core.backend;

/**
 * The descriptors (in the calling process) that become a container process's stdin, stdout and stderr.
 * {@link #INHERIT} passes the caller's own 0, 1 and 2, as runc does.
 */
public record Stdio(int in, int out, int err) {
    public static final Stdio INHERIT = new Stdio(0, 1, 2);

    public Stdio {
        if (in < 0 || out < 0 || err < 0) {
            throw new IllegalArgumentException("stdio descriptors must be >= 0");
        }
    }
}
