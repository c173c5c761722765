package io.bulwark.cli.policy;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.core.BulwarkException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bulwark policy check|lint|show|keygen|sign|verify}: tenant policy tooling for operators. */
public final class PolicyCommand implements Command {
    private final Map<String, Command> subcommands = new LinkedHashMap<>();

    public PolicyCommand() {
        for (Command c : new Command[] {new PolicyCheckCommand(), new PolicyLintCommand(), new PolicyShowCommand(),
            new PolicyKeygenCommand(), new PolicySignCommand(), new PolicyVerifyCommand()}) {
            subcommands.put(c.name(), c);
        }
    }

    @Override
    public String name() {
        return "policy";
    }

    @Override
    public String summary() {
        return "check a bundle against a tenant policy; lint, show, sign and verify policies";
    }

    @Override
    public String usage() {
        StringBuilder b = new StringBuilder();
        for (Command c : subcommands.values()) {
            b.append(c.usage().lines().findFirst().orElse("")).append('\n');
        }
        b.append("\nSee docs/policies.md. bulwark policy SUBCOMMAND --help for details:\n");
        for (Command c : subcommands.values()) {
            b.append(String.format("  %-8s %s%n", c.name(), c.summary()));
        }
        return b.toString();
    }

    @Override
    public int run(CliContext context, List<String> args) throws Exception {
        if (args.isEmpty()) {
            throw new BulwarkException("policy: missing subcommand (" + String.join(", ", subcommands.keySet()) + ")", 22);
        }
        Command sub = subcommands.get(args.get(0));
        if (sub == null) {
            throw new BulwarkException("policy: unknown subcommand '" + args.get(0) + "' ("
                + String.join(", ", subcommands.keySet()) + ")", 22);
        }
        List<String> rest = args.subList(1, args.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            context.out().print(sub.usage());
            return 0;
        }
        return sub.run(context, rest);
    }
}
