package io.bulwark.cli.commands;

import io.bulwark.cli.CliContext;
import io.bulwark.cli.CliJson;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.cli.RuntimeFactory;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ExecRequest;
import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.User;
import io.bulwark.core.spi.SeccompProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code exec}: runs another process in a running container. Without {@code --process} the container's own
 * process settings are the base and the flags override them, as in runc; either way the result passes the same
 * admission (tenant policy) as the container did.
 */
public final class ExecCommand implements Command {
    @Override
    public String name() {
        return "exec";
    }

    @Override
    public String summary() {
        return "run a process inside a running container";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark exec [options] CONTAINER_ID [COMMAND [ARG...]]

              --process, -p FILE      process.json (OCI process object) instead of COMMAND
              --tty, -t               allocate a pseudo-terminal (with --console-socket)
              --console-socket PATH   AF_UNIX socket that receives the pty master
              --detach, -d            do not wait for the process
              --pid-file FILE         write the process's host pid to FILE
              --cwd DIR               working directory inside the container
              --env, -e KEY=VALUE     set an environment variable (repeatable)
              --user, -u UID[:GID]    run as this user
              --additional-gids, -g N add a supplementary group (repeatable)
              --cap, -c CAP           add a capability (repeatable)
              --no-new-privs          set no_new_privs
              --preserve-fds N        pass N extra descriptors
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).value("process", "p").bool("tty", "t").value("console-socket")
            .bool("detach", "d").value("pid-file").value("cwd").value("env", "e").value("user", "u")
            .value("additional-gids", "g").value("cap", "c").bool("no-new-privs").value("preserve-fds")
            .value("process-label").value("apparmor").bool("ignore-paused").value("cgroup").parse(args);
        String id = f.id();
        Runtime runtime = RuntimeFactory.create(ctx);
        Process base = runtime.containerSpec(id).process();
        Process process = f.get("process") != null ? readProcess(Path.of(f.get("process"))) : fromFlags(f, base);
        process = runtime.admitExec(id, process);
        Path console = f.get("console-socket") == null ? null : Path.of(f.get("console-socket"));
        SeccompProgram filter = runtime.compileSeccomp(runtime.containerSpec(id), "container " + id);
        ContainerProcess p = runtime.exec(id, new ExecRequest(process, console, f.intValue("preserve-fds", 0),
            filter == null ? null : filter.filter(), filter == null ? 0 : filter.flags(),
            filter == null ? null : filter.listenerPath(), filter == null ? null : filter.listenerMetadata(),
            ctx.invocation().stdio()));
        if (f.get("pid-file") != null) {
            Path pidFile = Path.of(f.get("pid-file"));
            Path tmp = pidFile.resolveSibling("." + pidFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(p.pid()), StandardCharsets.US_ASCII);
            Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (f.has("detach")) {
            return 0;
        }
        return runtime.awaitProcess(id, p);
    }

    private static Process readProcess(Path file) {
        try {
            return CliJson.process().readValue(file.toFile());
        } catch (IOException e) {
            throw new BulwarkException(file + ": " + e.getMessage(), e);
        }
    }

    static Process fromFlags(Flags f, Process base) {
        List<String> argv = f.positional().subList(1, f.positional().size());
        if (argv.isEmpty()) {
            throw new BulwarkException("exec: give a COMMAND or --process FILE", 22);
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : base.env() == null ? List.<String>of() : base.env()) {
            int eq = e.indexOf('=');
            env.put(eq < 0 ? e : e.substring(0, eq), e);
        }
        for (String e : f.all("env")) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new BulwarkException("exec: invalid --env \"" + e + "\": use KEY=VALUE", 22);
            }
            env.put(e.substring(0, eq), e);
        }
        User user = base.user();
        if (f.get("user") != null) {
            String[] parts = f.get("user").split(":", 2);
            try {
                long uid = Long.parseLong(parts[0]);
                long gid = parts.length > 1 ? Long.parseLong(parts[1]) : (user == null || user.gid() == null ? 0 : user.gid());
                user = new User(uid, gid, user == null ? null : user.umask(), user == null ? null : user.additionalGids(), null);
            } catch (NumberFormatException e) {
                throw new BulwarkException("exec: invalid --user \"" + f.get("user") + "\": use UID[:GID] (numbers)", 22);
            }
        }
        if (!f.all("additional-gids").isEmpty()) {
            List<Long> gids = new ArrayList<>();
            for (String g : f.all("additional-gids")) {
                gids.add(Long.parseLong(g));
            }
            user = new User(user == null ? 0L : user.uid(), user == null ? 0L : user.gid(),
                user == null ? null : user.umask(), gids, null);
        }
        Capabilities caps = base.capabilities();
        if (!f.all("cap").isEmpty()) {
            caps = new Capabilities(plus(caps == null ? null : caps.bounding(), f.all("cap")),
                plus(caps == null ? null : caps.effective(), f.all("cap")),
                caps == null ? null : caps.inheritable(),
                plus(caps == null ? null : caps.permitted(), f.all("cap")),
                plus(caps == null ? null : caps.ambient(), f.all("cap")));
        }
        boolean nnp = f.has("no-new-privs") || Boolean.TRUE.equals(base.noNewPrivileges());
        return new Process(f.has("tty"), base.consoleSize(), user, List.copyOf(argv), null,
            List.copyOf(env.values()), f.get("cwd", base.cwd()), caps, base.rlimits(), nnp,
            f.get("apparmor", base.apparmorProfile()), base.oomScoreAdj(), base.scheduler(), base.selinuxLabel(),
            base.ioPriority(), base.execCPUAffinity());
    }

    private static List<String> plus(List<String> set, List<String> more) {
        List<String> out = new ArrayList<>(set == null ? List.of() : set);
        for (String c : more) {
            String name = c.startsWith("CAP_") ? c : "CAP_" + c;
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }
}
