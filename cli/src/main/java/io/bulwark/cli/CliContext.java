package io.bulwark.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The global flags (runc's: {@code --root}, {@code --log}, {@code --log-format}, {@code --debug}, plus
 * Bulwark's {@code --tenant} and {@code --config}) and the streams a command writes to.
 */
public record CliContext(
    Path root,
    Path logFile,
    String logFormat,
    boolean debug,
    String tenant,
    Path configFile,
    PrintStream out,
    PrintStream err) {
}
