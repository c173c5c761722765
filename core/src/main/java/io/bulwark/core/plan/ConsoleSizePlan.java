package io.bulwark.core.plan;

/** The terminal's window size set on a new pty (TIOCSWINSZ), in character cells. */
public record ConsoleSizePlan(int height, int width) {
    public static final int MAX = 0xFFFF; // struct winsize holds unsigned shorts

    public ConsoleSizePlan {
        if (height < 0 || height > MAX || width < 0 || width > MAX) {
            throw new IllegalArgumentException("console size " + height + "x" + width + " out of range 0.." + MAX);
        }
    }
}
