package io.bulwark.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The global flags (runc's: {@code --root}, {@code --log}, {@code --log-format}, {@code --debug}, plus
 * Bulwark's {@code --tenant} and {@code --config}), the streams a command writes to and the {@link Invocation} it
 * runs in (its own process, or a request to the resident server).
 */
public record CliContext(
    Path root,
    Path logFile,
    String logFormat,
    boolean debug,
    String tenant,
    Path configFile,
    PrintStream out,
    PrintStream err,
    Invocation invocation) {

    /** A command run in its own process (stdio, signals and backends of this JVM). */
    public CliContext(Path root, Path logFile, String logFormat, boolean debug, String tenant, Path configFile,
                      PrintStream out, PrintStream err) {
        this(root, logFile, logFormat, debug, tenant, configFile, out, err, Invocation.OWN);
    }

    public CliContext {
        if (invocation == null) {
            invocation = Invocation.OWN;
        }
    }
}
