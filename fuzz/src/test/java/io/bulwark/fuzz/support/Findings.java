package io.bulwark.fuzz.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the fuzzers found. In the short run a finding fails the property at once (CI must stay red until it is
 * fixed). In the long run the property carries on: each distinct finding (same exception type and message shape)
 * is counted, its first input is saved under {@code target/fuzz-findings/PROPERTY/} ready to become a regression
 * case, and {@link FuzzBudget} prints the list and fails the property at the end.
 */
public final class Findings {
    private static final Map<String, Map<String, Finding>> BY_PROPERTY = new ConcurrentHashMap<>();

    /** One distinct problem: how often it was hit and where its first input was saved. */
    public record Finding(String signature, AssertionError first, Path input, int hits) {
        Finding hit() {
            return new Finding(signature, first, input, hits + 1);
        }
    }

    private Findings() {
    }

    /** Runs {@code check} on {@code input}; see the class comment for what happens when it fails. */
    public static void guard(byte[] input, Runnable check) {
        String property = FuzzBudget.current();
        try {
            check.run();
        } catch (AssertionError e) {
            if (!FuzzBudget.isLong()) {
                throw e;
            }
            record(property, input, e);
        }
    }

    private static synchronized void record(String property, byte[] input, AssertionError e) {
        String signature = signature(e);
        Map<String, Finding> found = BY_PROPERTY.computeIfAbsent(property, p -> new LinkedHashMap<>());
        Finding old = found.get(signature);
        if (old != null) {
            found.put(signature, old.hit());
            return;
        }
        Path saved = save(property, input);
        found.put(signature, new Finding(signature, e, saved, 1));
        System.out.println("NEW FINDING in " + property + ": " + ErrorContract.abbreviate(e.getMessage())
            + "\n  input saved to " + saved);
    }

    /** Findings of a property so far, and forgets them. */
    public static synchronized Map<String, Finding> drain(String property) {
        Map<String, Finding> found = BY_PROPERTY.remove(property);
        return found == null ? Map.of() : found;
    }

    /** The shape of a failure: digits, hex, temp paths and quoted values blurred, so one bug counts once. */
    static String signature(AssertionError e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String msg = String.valueOf(e.getMessage());
        int nl = msg.indexOf('\n');
        msg = nl < 0 ? msg : msg.substring(0, nl);
        // Cut at the first quoted value: what follows echoes the input, which differs from case to case.
        int quote = msg.length();
        for (char c : new char[] {'"', '\'', '(', '`'}) {
            int at = msg.indexOf(c);
            if (at >= 0) {
                quote = Math.min(quote, at);
            }
        }
        msg = msg.substring(0, Math.min(quote, msg.length()));
        msg = msg.replaceAll("/tmp/\\S+", "FILE").replaceAll("\\$?[\\w.\\[\\]]*\\[\\d+\\][\\w.\\[\\]]*", "PATH")
            .replaceAll("\\$[\\w.]*", "PATH").replaceAll("0x[0-9a-fA-F]+|\\d+", "N");
        if (msg.length() > 90) {
            msg = msg.substring(0, 90);
        }
        return cause.getClass().getSimpleName() + ": " + msg;
    }

    private static Path save(String property, byte[] input) {
        try {
            Path dir = Path.of("target", "fuzz-findings", property);
            Files.createDirectories(dir);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(input);
            Path file = dir.resolve(HexFormat.of().formatHex(digest, 0, 8));
            Files.write(file, input);
            return file.toAbsolutePath();
        } catch (IOException | NoSuchAlgorithmException e) {
            return Path.of("(not saved: " + e + ")");
        }
    }
}
