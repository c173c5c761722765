package io.bulwark.core.api;

import io.bulwark.core.BulwarkException;
import java.util.Locale;
import java.util.Map;

/** Signal names and numbers on x86-64 Linux, as {@code kill} accepts them (KILL, SIGKILL, 9). */
public final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
        Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
        Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9),
        Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13),
        Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17),
        Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21),
        Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25),
        Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29),
        Map.entry("POLL", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));
    public static final int SIGRTMIN = 34;
    public static final int SIGRTMAX = 64;

    private Signals() {
    }

    /** Parses {@code 9}, {@code KILL}, {@code SIGKILL}, {@code sigkill}, {@code RTMIN+3}. */
    public static int parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(s);
            if (n < 1 || n > SIGRTMAX) {
                throw new BulwarkException("invalid signal: " + text, 22);
            }
            return n;
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        Integer n = NUMBERS.get(s);
        if (n != null) {
            return n;
        }
        if (s.startsWith("RTMIN")) {
            int off = s.length() > 5 ? Integer.parseInt(s.substring(5).replace("+", "")) : 0;
            if (SIGRTMIN + off <= SIGRTMAX) {
                return SIGRTMIN + off;
            }
        }
        if (s.startsWith("RTMAX")) {
            int off = s.length() > 5 ? Integer.parseInt(s.substring(5)) : 0;
            if (SIGRTMAX + off >= SIGRTMIN && off <= 0) {
                return SIGRTMAX + off;
            }
        }
        throw new BulwarkException("invalid signal: " + text, 22);
    }
}
