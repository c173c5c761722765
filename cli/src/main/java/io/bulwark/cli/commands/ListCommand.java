package io.bulwark.cli.commands;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.cli.CliContext;
import io.bulwark.cli.CliJson;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.state.ContainerState;
import io.bulwark.core.state.OciState;
import java.util.List;

/** {@code list}: the containers under --root, as a table or as runc's JSON. */
public final class ListCommand implements Command {
    @Override
    public String name() {
        return "list";
    }

    @Override
    public String summary() {
        return "list containers";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark list [--format table|json] [--quiet]
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).value("format", "f").bool("quiet", "q").parse(args);
        Runtime runtime = RuntimeFactory.create(ctx);
        List<OciState> states = runtime.list();
        String format = f.get("format", "table");
        if (f.has("quiet")) {
            states.forEach(s -> ctx.out().println(s.id()));
            return 0;
        }
        switch (format) {
            case "json" -> {
                ArrayNode arr = CliJson.MAPPER.createArrayNode();
                for (OciState s : states) {
                    ContainerState saved = runtime.savedState(s.id());
                    ObjectNode n = arr.addObject();
                    n.put("ociVersion", s.ociVersion());
                    n.put("id", s.id());
                    n.put("pid", s.pid());
                    n.put("status", s.status());
                    n.put("bundle", s.bundle());
                    n.put("rootfs", saved.rootfs());
                    n.put("created", saved.created());
                    n.put("owner", saved.owner());
                    n.put("backend", saved.backend());
                    n.set("annotations", CliJson.MAPPER.valueToTree(s.annotations()));
                }
                ctx.out().println(CliJson.MAPPER.writeValueAsString(arr));
            }
            case "table" -> {
                ctx.out().printf("%-20s %-8s %-10s %-8s %-32s %-30s %s%n", "ID", "PID", "STATUS", "BACKEND",
                    "BUNDLE", "CREATED", "OWNER");
                for (OciState s : states) {
                    ContainerState saved = runtime.savedState(s.id());
                    ctx.out().printf("%-20s %-8d %-10s %-8s %-32s %-30s %s%n", s.id(), s.pid(), s.status(),
                        saved.backend(), s.bundle(), saved.created(), saved.owner());
                }
            }
            default -> throw new BulwarkException("invalid format option \"" + format + "\": use table or json", 22);
        }
        return 0;
    }
}
