package io.bulwark.fuzz.support;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz case on a worker thread with a wall-clock bound and an allocation bound, so that a hang or a
 * run-away allocation in the code under test becomes a test failure with a stack trace instead of a stuck or
 * crashed build. Whatever the code throws (including {@link StackOverflowError} and {@link OutOfMemoryError})
 * comes back in the {@link Outcome} for the property to judge.
 */
public final class Bounded {
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static ExecutorService worker = newWorker();

    private Bounded() {
    }

    /** What one bounded case did: its value or what it threw, and the bytes its thread allocated. */
    public record Outcome<T>(T value, Throwable thrown, long allocatedBytes, long nanos) {
        public boolean succeeded() {
            return thrown == null;
        }
    }

    /**
     * Runs {@code body}; fails with an {@link AssertionError} when it takes longer than {@code timeout} (a hang)
     * or allocates more than {@code maxAllocatedBytes} (unbounded memory), naming {@code what}.
     */
    public static synchronized <T> Outcome<T> run(String what, Duration timeout, long maxAllocatedBytes,
            Callable<T> body) {
        Future<Outcome<T>> future = worker.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            T value = null;
            Throwable thrown = null;
            try {
                value = body.call();
            } catch (Throwable t) {
                thrown = t;
            }
            long nanos = System.nanoTime() - start;
            return new Outcome<>(value, thrown, THREADS.getCurrentThreadAllocatedBytes() - before, nanos);
        });
        Outcome<T> outcome;
        try {
            outcome = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            AssertionError hang = new AssertionError(what + ": no answer within " + timeout + " (a hang)");
            hang.setStackTrace(stackOfWorker());
            // The stuck thread cannot be stopped safely; abandon it and carry on with a fresh one.
            worker.shutdownNow();
            worker = newWorker();
            throw hang;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": harness failure", e.getCause());
        }
        if (outcome.allocatedBytes() > maxAllocatedBytes) {
            throw new AssertionError(what + ": allocated " + outcome.allocatedBytes() + " bytes, more than the bound of "
                + maxAllocatedBytes, outcome.thrown());
        }
        return outcome;
    }

    private static StackTraceElement[] stackOfWorker() {
        return Thread.getAllStackTraces().entrySet().stream()
            .filter(e -> e.getKey().getName().equals("fuzz-case"))
            .map(e -> e.getValue())
            .findFirst()
            .map(s -> Arrays.copyOf(s, Math.min(s.length, 40)))
            .orElse(new StackTraceElement[0]);
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            // The JVM's default stack size, as the command line's main thread has: a parser must bound its own depth.
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }
}
