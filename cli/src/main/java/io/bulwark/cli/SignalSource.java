package io.bulwark.cli;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * Where a foreground command ({@code run}, {@code exec}) learns about the signals its caller receives, so it can pass
 * them on to the container. A cold command is its own process and catches them itself ({@link #JVM}); a command
 * that the resident server runs gets them over its client's connection instead.
 */
public interface SignalSource {
    /** Calls {@code handler} with the signal's number whenever one of {@code names} (without "SIG") arrives. */
    void forward(List<String> names, IntConsumer handler);

    /** The JVM's own signals (a command run in its own process). */
    SignalSource JVM = (names, handler) -> {
        for (String name : names) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> handler.accept(sig.getNumber()));
            } catch (IllegalArgumentException ignored) {
                // the JVM reserves this signal; it cannot be forwarded
            }
        }
    };
}
