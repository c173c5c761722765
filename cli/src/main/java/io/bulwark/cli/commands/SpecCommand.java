package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.DefaultSpec;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecWriter;
import io.bulwark.core.spi.SeccompCompiler;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code spec}: writes a secure default config.json: every namespace including user (root mapped to an
 * unprivileged range), runc's three capabilities, no_new_privs, masked and read-only paths, read-only root, and
 * the built-in seccomp profile.
 */
public final class SpecCommand implements Command {
    @Override
    public String name() {
        return "spec";
    }

    @Override
    public String summary() {
        return "write a secure default config.json";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark spec [--bundle DIR] [--rootless]

              --bundle, -b DIR   where to write config.json (default: current directory)
              --rootless         a config for a runtime without root (maps only the caller's ids)
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        Flags f = new Flags(name()).value("bundle", "b").bool("rootless").parse(args);
        if (!f.positional().isEmpty()) {
            throw new BulwarkException("spec: unexpected argument " + f.positional().get(0), 22);
        }
        Spec spec;
        if (f.has("rootless")) {
            long uid = Long.parseLong(System.getProperty("bulwark.uid", uidOf("-u")));
            long gid = Long.parseLong(System.getProperty("bulwark.gid", uidOf("-g")));
            spec = DefaultSpec.rootless(uid, gid);
        } else {
            spec = DefaultSpec.create();
        }
        spec = withSeccomp(spec, SeccompCompiler.load());
        Path file = Path.of(f.get("bundle", ".")).resolve("config.json");
        try {
            SpecWriter.write(spec, file, false);
        } catch (BulwarkException e) {
            if (e.getMessage().endsWith("already exists")) {
                throw new BulwarkException("File " + file + " exists. Remove it first", 17);
            }
            throw e;
        }
        return 0;
    }

    static Spec withSeccomp(Spec spec, SeccompCompiler compiler) {
        Linux l = spec.linux();
        var profile = compiler.defaultProfile(spec.process().capabilities());
        Linux linux = new Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(), l.devices(),
            l.cgroupsPath(), l.resources(), l.rootfsPropagation(), profile, l.sysctl(), l.maskedPaths(),
            l.readonlyPaths(), l.mountLabel(), l.personality());
        return new Spec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(), spec.domainname(),
            spec.mounts(), spec.hooks(), spec.annotations(), linux);
    }

    private static String uidOf(String flag) {
        try {
            Process p = new ProcessBuilder("id", flag).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (java.io.IOException e) {
            throw new BulwarkException("spec: cannot find the caller's ids: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException("interrupted");
        }
    }
}
