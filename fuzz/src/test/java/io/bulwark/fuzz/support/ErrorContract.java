package io.bulwark.fuzz.support;

import io.bulwark.core.BulwarkException;
import java.util.regex.Pattern;

/**
 * What every parser promises about bad input: it fails with Bulwark's own error type, whose message is one line
 * that names the file, then the JSON path, then what is wrong ({@code FILE: $.a.b[2]: problem}). Never another
 * exception type (a NullPointerException, a Jackson exception, a StackOverflowError...), never a message that
 * buries the reader under the input it is about.
 */
public final class ErrorContract {
    /** A JSON path: {@code $}, {@code $.a.b[0]}, or the same without the leading {@code $.}. */
    private static final Pattern PATH = Pattern.compile("\\$.*|[A-Za-z_][\\w.\\[\\]\\-]*");
    /** A message must stay readable even when the input holds megabytes; 4 KiB is several problems' worth. */
    public static final int MAX_MESSAGE_CHARS = 4096;

    private ErrorContract() {
    }

    /** Fails unless {@code outcome} succeeded or failed as the contract says; returns whether it succeeded. */
    public static boolean check(Bounded.Outcome<?> outcome, String file, String input) {
        Throwable t = outcome.thrown();
        if (t == null) {
            return true;
        }
        if (!(t instanceof BulwarkException)) {
            throw new AssertionError("not a BulwarkException but " + t + "\ninput: " + abbreviate(input), t);
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            throw new AssertionError("BulwarkException without a message\ninput: " + abbreviate(input), t);
        }
        if (message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0) {
            throw new AssertionError("the message is not one line: " + abbreviate(message), t);
        }
        if (message.length() > MAX_MESSAGE_CHARS) {
            throw new AssertionError("the message has " + message.length() + " characters (more than "
                + MAX_MESSAGE_CHARS + "): " + abbreviate(message), t);
        }
        if (!message.startsWith(file + ": ")) {
            throw new AssertionError("the message does not start with the file name " + file + ": "
                + abbreviate(message), t);
        }
        String rest = message.substring(file.length() + 2);
        int colon = rest.indexOf(": ");
        if (colon <= 0 || !PATH.matcher(rest.substring(0, colon)).matches()) {
            throw new AssertionError("the message names no JSON path after the file name: " + abbreviate(message), t);
        }
        return false;
    }

    /** One problem of an error that lists several (a SpecProblem, of a config or of a policy). */
    public record Problem(String file, String path, String text) {
    }

    /** Every listed problem names {@code file} and a JSON path, on one readable line. */
    public static void checkProblems(String file, java.util.List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new AssertionError("an error listing no problem");
        }
        for (Problem p : problems) {
            if (!file.equals(p.file())) {
                throw new AssertionError("problem names another file: " + abbreviate(p.text()));
            }
            if (p.path() == null || !p.path().startsWith("$")) {
                throw new AssertionError("no JSON path: " + abbreviate(p.text()));
            }
            if (p.text().indexOf('\n') >= 0 || p.text().indexOf('\r') >= 0) {
                throw new AssertionError("not one line: " + abbreviate(p.text()));
            }
            if (p.text().length() > MAX_MESSAGE_CHARS) {
                throw new AssertionError("problem of " + p.text().length() + " characters: " + abbreviate(p.text()));
            }
        }
    }

    public static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String printable = s.length() > 600 ? s.substring(0, 600) + "... (" + s.length() + " chars)" : s;
        StringBuilder b = new StringBuilder();
        printable.codePoints().forEach(c -> {
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
