package io.bulwark.cli;

import io.bulwark.core.backend.Backend;
import io.bulwark.core.backend.Stdio;
import java.util.function.UnaryOperator;

/**
 * What one command line runs with besides its arguments: whose stdio the workload gets, where signals for it come
 * from, and how the backends it builds are wrapped. A cold {@code bulwark} uses its own process's ({@link #OWN});
 * the resident server gives each request its client's descriptors, its client's signals and the server's central
 * child reaper.
 *
 * @param stdio    descriptors that become a container workload's stdin, stdout and stderr
 * @param signals  where foreground commands get the signals to forward
 * @param backends applied to every backend a command builds
 */
public record Invocation(Stdio stdio, SignalSource signals, UnaryOperator<Backend> backends) {
    /** A command in its own process: its stdio, its signals, backends as they are. */
    public static final Invocation OWN = new Invocation(Stdio.INHERIT, SignalSource.JVM, UnaryOperator.identity());

    /** The backend a command should use, given the one it built. */
    public Backend backend(Backend built) {
        return backends.apply(built);
    }
}
