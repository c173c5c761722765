package io.bulwark.core;

/**
 * The one error type of Bulwark: a human message plus, where a system call failed, its errno.
 * It travels unchanged from the place that failed up to the command line, which prints
 * {@link #getMessage()} as a single line and exits with {@link #exitCode()}.
 */
public class BulwarkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final int exitCode;

    public BulwarkException(String message) {
        this(message, 0, 1, null);
    }

    public BulwarkException(String message, Throwable cause) {
        this(message, 0, 1, cause);
    }

    public BulwarkException(String message, int errno) {
        this(message, errno, 1, null);
    }

    public BulwarkException(String message, int errno, int exitCode, Throwable cause) {
        super(message, cause);
        this.errno = errno;
        this.exitCode = exitCode;
    }

    /** The errno of the failed system call, or 0 when the failure was not a system call. */
    public int errno() {
        return errno;
    }

    /** The process exit code the command line uses for this error (non-zero). */
    public int exitCode() {
        return exitCode;
    }

    /** An error about a file's content: names the file, the JSON path and what is wrong. */
    public static BulwarkException invalid(String file, String jsonPath, String problem) {
        return new BulwarkException(file + ": " + printable(jsonPath) + ": " + printable(problem));
    }

    /** Longest part of a message that quotes input, before its middle is elided. */
    private static final int MAX_QUOTED = 1000;

    /**
     * {@code s} made fit for a one-line error message: control characters escaped, the middle of anything longer
     * than a thousand characters elided. Problems quote the input they are about, and input can be hostile.
     */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_QUOTED + 64));
        int keep = MAX_QUOTED / 2;
        for (int i = 0; i < s.length(); i++) {
            if (s.length() > MAX_QUOTED && i == keep) {
                int skip = s.length() - 2 * keep;
                b.append("...(").append(skip).append(" characters elided)...");
                i += skip - 1;
                continue;
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
