package io.bulwark.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The runtime's log, as runc writes it: to {@code --log FILE} (else stderr) in {@code text} or {@code json}
 * (one object per line with level, msg and time: the format containerd reads back after a failure).
 * Errors always reach stderr too, so a person sees them.
 */
public final class CliLog {
    private final Path file;
    private final boolean jsonFormat;
    private final boolean debug;
    private final PrintStream err;

    public CliLog(Path file, String format, boolean debug, PrintStream err) {
        this.file = file;
        this.jsonFormat = "json".equals(format);
        this.debug = debug;
        this.err = err;
    }

    public void debug(String message) {
        if (debug) {
            write("debug", message, false);
        }
    }

    public void error(String message) {
        write("error", message, true);
    }

    private void write(String level, String message, boolean alsoStderr) {
        String time = OffsetDateTime.now(ZoneOffset.UTC).toString();
        String line;
        if (jsonFormat) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("level", level);
            node.put("msg", message);
            node.put("time", time);
            line = node.toString();
        } else {
            line = "time=\"" + time + "\" level=" + level + " msg=\"" + message.replace("\"", "\\\"") + "\"";
        }
        if (file != null) {
            try {
                Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            } catch (IOException e) {
                err.println("bulwark: cannot write log " + file + ": " + e.getMessage());
            }
        } else if (!alsoStderr) {
            err.println(line);
        }
        if (alsoStderr) {
            err.println("bulwark: " + message);
        }
    }
}
