package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.CliJson;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.BulwarkException;
import java.util.ArrayList;
import java.util.List;

/** {@code ps}: the container's processes; {@code --format json} prints the host pids as runc does. */
public final class PsCommand implements Command {
    @Override
    public String name() {
        return "ps";
    }

    @Override
    public String summary() {
        return "list the processes of a container";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark ps [--format table|json] CONTAINER_ID [ps options]

              table runs ps(1) with the given options (default -ef) and keeps the container's lines.
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).value("format", "f").parse(args);
        String id = f.id();
        List<Integer> pids = RuntimeFactory.create(ctx).processes(id);
        String format = f.get("format", "table");
        if (format.equals("json")) {
            ctx.out().println(CliJson.MAPPER.writeValueAsString(pids));
            return 0;
        }
        if (!format.equals("table")) {
            throw new BulwarkException("invalid format option \"" + format + "\": use table or json", 22);
        }
        List<String> psArgs = new ArrayList<>(List.of("ps"));
        List<String> extra = f.positional().subList(1, f.positional().size());
        psArgs.addAll(extra.isEmpty() ? List.of("-ef") : extra);
        Process ps = new ProcessBuilder(psArgs).redirectErrorStream(true).start();
        List<String> lines = new String(ps.getInputStream().readAllBytes()).lines().toList();
        ps.waitFor();
        if (lines.isEmpty()) {
            return 1;
        }
        int pidColumn = List.of(lines.get(0).trim().split("\\s+")).indexOf("PID");
        if (pidColumn < 0) {
            throw new BulwarkException("ps: could not find the PID column in: " + lines.get(0), 22);
        }
        ctx.out().println(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length > pidColumn && pids.contains(Integer.parseInt(cols[pidColumn]))) {
                ctx.out().println(line);
            }
        }
        return 0;
    }
}
