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
        return new BulwarkException(file + ": " + jsonPath + ": " + problem);
    }
}
