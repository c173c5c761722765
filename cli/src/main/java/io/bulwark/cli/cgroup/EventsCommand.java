package io.bulwark.cli.cgroup;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.cgroup.CgroupEvent;
import io.bulwark.core.cgroup.CgroupManager;
import io.bulwark.core.cgroup.OomEventSource;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code events}: a container's resource usage ({@code --stats}: once) and, as a stream, stats every
 * {@code --interval} plus an {@code oom} event whenever the OOM killer strikes, one JSON object a line, until the
 * container stops.
 */
public final class EventsCommand implements Command {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    @Override
    public String name() {
        return "events";
    }

    @Override
    public String summary() {
        return "display container events such as OOM notifications and cpu, memory, and IO usage statistics";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark events [--stats] [--interval DURATION] CONTAINER_ID

              --stats             print the container's statistics once and exit
              --interval 5s       how often the stream prints statistics (default 5s)
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).bool("stats").value("interval").parse(args);
        f.requireArgs(1, "container id");
        String id = f.id();
        Duration interval = parseDuration(f.get("interval", "5s"));
        CgroupManager cgroup = ContainerAccess.cgroup(ctx, id);
        if (f.has("stats")) {
            print(ctx, CgroupEvent.stats(id, cgroup.stats()));
            return 0;
        }
        try (OomEventSource oom = cgroup.oomEvents()) {
            Thread watcher = new Thread(() -> {
                try {
                    while (!oom.isClosed()) {
                        if (oom.await(Duration.ofSeconds(1))) {
                            print(ctx, CgroupEvent.oom(id));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "oom-events");
            watcher.setDaemon(true);
            watcher.start();
            while (stillThere(ctx, id, cgroup)) {
                print(ctx, CgroupEvent.stats(id, cgroup.stats()));
                Thread.sleep(interval.toMillis());
            }
            oom.close();
            watcher.join(2000);
        }
        return 0;
    }

    private static boolean stillThere(CliContext ctx, String id, CgroupManager cgroup) {
        try {
            return cgroup.exists() && !RuntimeFactory.create(ctx).state(id).status().equals("stopped");
        } catch (BulwarkException e) {
            return false; // deleted meanwhile
        }
    }

    private static void print(CliContext ctx, CgroupEvent event) {
        try {
            String line = JSON.writeValueAsString(event);
            synchronized (ctx.out()) {
                ctx.out().println(line);
                ctx.out().flush();
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BulwarkException("events: cannot encode an event: " + e.getMessage(), e);
        }
    }

    /** Go-style durations as runc takes them: 5s, 250ms, 1m30s. */
    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            double unit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos += (long) (n * unit);
            end = m.end();
        }
        if (end != text.length() || end == 0 || nanos <= 0) {
            throw new BulwarkException("events: invalid --interval \"" + text + "\": use a duration such as 5s or"
                + " 500ms", 22);
        }
        return Duration.ofNanos(nanos);
    }
}
