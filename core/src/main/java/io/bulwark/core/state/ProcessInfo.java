package io.bulwark.core.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads a process's start time and state from {@code /proc/PID/stat}. A pid is only ever signalled after its start
 * time has been compared with the one recorded at creation, so a recycled pid is never mistaken for a container.
 */
public final class ProcessInfo {
    private final Path proc;

    public ProcessInfo(Path proc) {
        this.proc = proc;
    }

    public static ProcessInfo host() {
        return new ProcessInfo(Path.of("/proc"));
    }

    /** Start time in clock ticks since boot, or empty when no such process exists. */
    public OptionalLong startTime(int pid) {
        String[] fields = statFields(pid);
        return fields == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(fields[19]));
    }

    /**
     * True when the process exists, is not a zombie, and started at {@code expectedStartTime}.
     */
    public boolean isAlive(int pid, long expectedStartTime) {
        if (pid <= 0) {
            return false;
        }
        String[] fields = statFields(pid);
        if (fields == null) {
            return false;
        }
        // fields[0] is the state letter (the field after "comm"); Z and X are dead.
        String state = fields[0];
        if (state.equals("Z") || state.equals("X") || state.equals("x")) {
            return false;
        }
        return Long.parseLong(fields[19]) == expectedStartTime;
    }

    /** The fields after {@code (comm)}: index 0 is field 3 (state), index 19 is field 22 (starttime). */
    private String[] statFields(int pid) {
        String stat;
        try {
            stat = Files.readString(proc.resolve(Integer.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        // comm may contain spaces and parentheses: everything after the last ')' is space-separated.
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 > stat.length()) {
            return null;
        }
        String[] fields = stat.substring(close + 2).trim().split(" ");
        return fields.length > 19 ? fields : null;
    }
}
