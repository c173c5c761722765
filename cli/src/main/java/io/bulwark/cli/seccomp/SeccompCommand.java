package io.bulwark.cli.seccomp;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.seccomp.SeccompTools;
import io.bulwark.seccomp.bpf.BpfInterpreter;
import io.bulwark.seccomp.bpf.BpfProgram;
import io.bulwark.seccomp.profile.DefaultProfile;
import io.bulwark.seccomp.profile.ProfileFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bulwark seccomp compile|check|default}: operator tooling over the seccomp module. PROFILE is a seccomp
 * profile file (a bare {@code linux.seccomp} object or a whole config.json) or {@code default}.
 */
public final class SeccompCommand implements Command {
    @Override
    public String name() {
        return "seccomp";
    }

    @Override
    public String summary() {
        return "compile a seccomp profile to BPF, or check a syscall against it";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark seccomp compile [-o FILE] [--cap CAP]... [--dump] [--linear] PROFILE
                   bulwark seccomp check [--arch ARCH] [--cap CAP]... [--verbose] [--linear] PROFILE SYSCALL [ARG...]
                   bulwark seccomp default [--cap CAP]...

            PROFILE is a seccomp profile (the linux.seccomp object, or a config.json) or "default" for the built-in
            profile; --cap chooses the capabilities the built-in profile is made for (default: those of
            "bulwark spec"). compile prints the filter's size and writes the BPF program (struct sock_filter[]) to
            FILE (default: PROFILE with the extension .bpf). check evaluates SYSCALL (a name or number) with its
            arguments (decimal or 0x hex) on the compiled filter and prints the action. default prints the
            built-in profile as JSON. --linear lays rules out in order instead of libseccomp's binary tree of
            syscall numbers; check --verbose also prints how many BPF instructions the call ran through.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        if (args.isEmpty()) {
            throw new BulwarkException("seccomp: missing subcommand (compile, check or default)", 22);
        }
        String sub = args.get(0);
        List<String> rest = args.subList(1, args.size());
        return switch (sub) {
            case "compile" -> compile(ctx, rest);
            case "check" -> check(ctx, rest);
            case "default" -> printDefault(ctx, rest);
            default -> throw new BulwarkException("seccomp: unknown subcommand '" + sub + "' (compile, check, default)", 22);
        };
    }

    private static Set<String> caps(Flags f) {
        if (f.all("cap").isEmpty()) {
            return null;
        }
        Set<String> caps = new LinkedHashSet<>();
        for (String c : f.all("cap")) {
            for (String one : c.split(",")) {
                String n = one.trim().toUpperCase(Locale.ROOT);
                if (!n.isEmpty()) {
                    caps.add(n.startsWith("CAP_") ? n : "CAP_" + n);
                }
            }
        }
        return caps;
    }

    private int compile(CliContext ctx, List<String> args) throws IOException {
        Flags f = new Flags("seccomp compile").value("output", "o").value("cap").bool("dump").bool("linear").parse(args);
        f.requireArgs(1, "PROFILE");
        String profile = f.positional().get(0);
        SeccompTools.Compiled c = SeccompTools.system(!f.has("linear")).compile(profile, caps(f));
        Path out = Path.of(f.get("output", (SeccompTools.DEFAULT.equals(profile) ? "default.json" : profile)
            .replaceFirst("\\.json$", "") + ".bpf"));
        byte[] bpf = c.program().filter();
        Files.write(out, bpf);
        ctx.out().printf("%s: %d BPF instructions (%d bytes), flags 0x%x, compiled in %.1f ms; written to %s%n",
            profile, c.program().instructions(), bpf.length, c.program().flags(), c.nanos() / 1e6, out);
        if (!c.resolved().skippedNames().isEmpty()) {
            ctx.out().println("ignored (unknown to libseccomp): " + String.join(" ", c.resolved().skippedNames()));
        }
        if (f.has("dump")) {
            ctx.out().print(BpfInterpreter.disassemble(BpfProgram.parse(bpf)));
        }
        return 0;
    }

    private int check(CliContext ctx, List<String> args) {
        Flags f = new Flags("seccomp check").value("arch").value("cap").bool("verbose", "v").bool("linear").parse(args);
        List<String> pos = f.positional();
        if (pos.size() < 2) {
            throw new BulwarkException("\"seccomp check\" requires PROFILE and SYSCALL", 22);
        }
        long[] values = pos.subList(2, pos.size()).stream().mapToLong(SeccompTools::parseArgument).toArray();
        SeccompTools tools = SeccompTools.system(!f.has("linear"));
        SeccompTools.Compiled c = tools.compile(pos.get(0), caps(f));
        SeccompTools.Check r = tools.check(c.program(), f.get("arch"), pos.get(1), values);
        if (f.has("verbose")) {
            ctx.out().printf("%s (nr %d): %s (%d instructions executed)%n", r.syscall(), r.nr(), r.verdict(),
                r.instructionsExecuted());
        } else {
            ctx.out().println(r.verdict());
        }
        return 0;
    }

    private int printDefault(CliContext ctx, List<String> args) {
        Flags f = new Flags("seccomp default").value("cap").parse(args);
        f.requireArgs(0, "none");
        Set<String> caps = caps(f);
        ctx.out().println(ProfileFile.toJson(DefaultProfile.forCapabilities(
            caps == null ? SeccompTools.SPEC_CAPABILITIES : caps, DefaultProfile.nativeArch())));
        return 0;
    }
}
