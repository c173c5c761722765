package io.bulwark.core.api;

import io.bulwark.core.spec.Spec;

/**
 * A step that may refuse or tighten a validated configuration before anything is created: tenant admission, the
 * default seccomp profile. Filters run in the order they were added to the {@link Runtime}.
 */
@FunctionalInterface
public interface SpecFilter {
    /** Returns the configuration to use (possibly tightened), or throws BulwarkException to refuse it. */
    Spec apply(Spec spec, CreateOptions options);
}
