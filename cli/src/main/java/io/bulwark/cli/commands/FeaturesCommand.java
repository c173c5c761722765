package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.spec.Features;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code features}: runc-style JSON of what this Bulwark supports on this host. */
public final class FeaturesCommand implements Command {
    @Override
    public String name() {
        return "features";
    }

    @Override
    public String summary() {
        return "print what this runtime supports (JSON)";
    }

    @Override
    public String usage() {
        return "Usage: bulwark features\n";
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        new Flags(name()).parse(args);
        Path cg = Path.of("/sys/fs/cgroup");
        boolean v2 = Files.exists(cg.resolve("cgroup.controllers")) || Files.exists(cg.resolve("unified/cgroup.controllers"));
        boolean v1 = Files.isDirectory(cg.resolve("memory")) || Files.isDirectory(cg.resolve("pids"));
        boolean apparmor = readsY(Path.of("/sys/module/apparmor/parameters/enabled"));
        Features features = Features.builder()
            .cgroup(v1, v2, false, false, false)
            .seccomp(true, List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
            .apparmor(apparmor)
            .selinux(false)
            .annotation("io.bulwark.backends", "linux,vm")
            .build();
        ctx.out().print(features.toJson());
        return 0;
    }

    private static boolean readsY(Path p) {
        try {
            return Files.readString(p).trim().startsWith("Y");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
