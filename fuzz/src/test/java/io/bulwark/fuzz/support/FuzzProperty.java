package io.bulwark.fuzz.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * A fuzz property. In the normal test suite it runs {@link #cases()} cases from a fixed seed, so a run is
 * reproducible; with {@code -Dfuzz.long=SECONDS} it runs fresh random batches until its time is used up and
 * prints how many cases it tried and what failed (see {@link FuzzBudget}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Property(shrinking = ShrinkingMode.OFF)
@AddLifecycleHook(FuzzBudget.class)
public @interface FuzzProperty {
    /** Cases in the short, deterministic run. */
    int cases() default 2000;
}
