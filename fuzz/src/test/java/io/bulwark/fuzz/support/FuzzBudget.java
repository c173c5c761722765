package io.bulwark.fuzz.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets the budget of a {@link FuzzProperty}. Short mode (the default): a fixed seed and the property's case count,
 * so CI runs the same cases every time. Long mode ({@code -Dfuzz.long=SECONDS}, seconds per property): batches
 * with fresh seeds until the time is used up; every failing batch is reported with its seed (rerun it with
 * {@code -Dfuzz.seed=SEED}) and the property fails at the end if any batch failed.
 */
public final class FuzzBudget implements AroundPropertyHook {
    /** The seed of the short run; any fixed value will do, changing it changes the cases CI sees. */
    public static final String SHORT_SEED = "7317";
    private static final int LONG_BATCH = 5000;

    /** Seconds per property in long mode, or 0 in short mode. */
    public static long longSeconds() {
        String value = System.getProperty("fuzz.long");
        if (value == null) {
            return 0;
        }
        if (value.isBlank() || value.equals("true")) {
            return 60;
        }
        return Long.parseLong(value.trim());
    }

    public static boolean isLong() {
        return longSeconds() > 0;
    }

    /** The name {@link Findings} files a property's findings under: {@code Class.method}. */
    public static String propertyName(PropertyLifecycleContext context) {
        return context.containerClass().getSimpleName() + "." + context.targetMethod().getName();
    }

    private static volatile String current = "unknown";

    /** The property running now (properties run one at a time). */
    static String current() {
        return current;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        current = propertyName(context);
        int cases = context.findAnnotation(FuzzProperty.class).map(FuzzProperty::cases).orElse(1000);
        context.attributes().setAfterFailure(AfterFailureMode.RANDOM_SEED);
        String fixed = System.getProperty("fuzz.seed");
        long seconds = longSeconds();
        if (seconds <= 0 || fixed != null) {
            context.attributes().setSeed(fixed != null ? fixed : SHORT_SEED);
            context.attributes().setTries(cases);
            return property.execute();
        }
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Random seeds = new Random();
        long tried = 0;
        int batches = 0;
        List<String> failures = new ArrayList<>();
        PropertyExecutionResult last = null;
        PropertyExecutionResult firstFailure = null;
        int batch = 50;
        while (System.nanoTime() < deadline) {
            String seed = Long.toString(seeds.nextLong());
            context.attributes().setSeed(seed);
            context.attributes().setTries(batch);
            long start = System.nanoTime();
            last = property.execute();
            long perCase = Math.max(1, (System.nanoTime() - start) / Math.max(1, last.countTries()));
            batches++;
            tried += last.countTries();
            // Size the next batch to about a tenth of the time left, so the budget is kept to within a few percent.
            long left = deadline - System.nanoTime();
            batch = (int) Math.max(10, Math.min(LONG_BATCH, left / 10 / perCase));
            if (last.status() == PropertyExecutionResult.Status.FAILED) {
                failures.add("seed " + seed + ": " + last.throwable().map(Throwable::toString).orElse("failed"));
                if (firstFailure == null) {
                    firstFailure = last;
                }
            }
        }
        java.util.Map<String, Findings.Finding> found = Findings.drain(propertyName(context));
        System.out.printf("fuzz.long %s: %d cases in %d batches, %d distinct findings, %d failing batches%n",
            propertyName(context), tried, batches, found.size(), failures.size());
        found.values().forEach(f -> System.out.printf("  FINDING (%d hits) %s%n    first input: %s%n", f.hits(),
            ErrorContract.abbreviate(f.first().getMessage()), f.input()));
        failures.forEach(f -> System.out.println("  FAILED " + f));
        if (firstFailure != null) {
            return firstFailure;
        }
        if (!found.isEmpty()) {
            return last.mapToFailed(found.size() + " distinct findings; first: " + found.values().iterator().next()
                .first().getMessage());
        }
        return last == null ? property.execute() : last;
    }
}
