package io.bulwark.cli;

import java.util.List;

/**
 * One verb of the command line. Implementations parse their own flags from {@code args} (everything after the
 * verb), do their work through the public Java API, print to {@code context.out()} and return the exit code.
 * Errors are thrown as {@link io.bulwark.core.BulwarkException}; {@link Main} prints them as one line.
 */
public interface Command {
    /** The verb, e.g. {@code create}. */
    String name();

    /** One line for {@code bulwark --help}. */
    String summary();

    /** Usage text for {@code bulwark VERB --help}. */
    String usage();

    int run(CliContext context, List<String> args) throws Exception;
}
