package io.bulwark.cli.policy;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.policies.inherit.FileVerifier;
import io.bulwark.policies.inherit.PolicyResolver;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.parse.PolicyException;
import io.bulwark.policies.parse.PolicyParser;
import java.nio.file.Path;
import java.util.List;

/** {@code bulwark policy lint}: validates policy files, inheritance included. */
public final class PolicyLintCommand implements Command {
    @Override
    public String name() {
        return "lint";
    }

    @Override
    public String summary() {
        return "validate policy files: format, values, and that each only narrows its base";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark policy lint FILE...

            Checks each policy file: JSON syntax, unknown fields and wrong types, values (capability names,
            absolute paths, sizes...), and, when the file is NAME.json and extends a base, that the base is found
            in the same directory (or is the built-in default) and that the file only narrows it. Prints every
            problem as FILE: JSON-PATH: PROBLEM, or FILE: ok. Exits 1 when any file has a problem.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) {
        Flags f = new Flags("policy lint").parse(args);
        if (f.positional().isEmpty()) {
            throw new BulwarkException("\"policy lint\" requires at least 1 argument: FILE...", 22);
        }
        int bad = 0;
        for (String name : f.positional()) {
            Path file = Path.of(name);
            try {
                Policy p = PolicyParser.parse(file);
                String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
                if (stem.equals(p.name())) {
                    Path dir = file.toAbsolutePath().getParent();
                    new PolicyResolver(dir, FileVerifier.NONE).resolve(p.name());
                } else if (p.base() != null) {
                    ctx.out().println(file + ": note: inheritance not checked (the file is not named " + p.name() + ".json)");
                }
                ctx.out().println(file + ": ok");
            } catch (PolicyException e) {
                bad++;
                for (SpecProblem problem : e.problems()) {
                    ctx.out().println(problem);
                }
            } catch (BulwarkException e) {
                bad++;
                ctx.out().println(e.getMessage().startsWith(file.toString()) ? e.getMessage() : file + ": " + e.getMessage());
            }
        }
        return bad == 0 ? 0 : 1;
    }
}
