package io.bulwark.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.bulwark.core.state.Rfc3339;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    /** One JSON object, with the streaming API: no data binding to start for a log line. */
    private static String jsonLine(String level, String message, String time) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("level", level);
            g.writeStringField("msg", message);
            g.writeStringField("time", time);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    private void write(String level, String message, boolean alsoStderr) {
        String time = Rfc3339.now();
        String line;
        if (jsonFormat) {
            line = jsonLine(level, message, time);
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
