package io.bulwark.cli;

import io.bulwark.cli.cgroup.EventsCommand;
import io.bulwark.cli.cgroup.PauseCommand;
import io.bulwark.cli.cgroup.ResumeCommand;
import io.bulwark.cli.cgroup.UpdateCommand;
import io.bulwark.cli.commands.CreateCommand;
import io.bulwark.cli.commands.DeleteCommand;
import io.bulwark.cli.commands.ExecCommand;
import io.bulwark.cli.commands.FeaturesCommand;
import io.bulwark.cli.commands.KillCommand;
import io.bulwark.cli.commands.ListCommand;
import io.bulwark.cli.commands.PsCommand;
import io.bulwark.cli.commands.RunCommand;
import io.bulwark.cli.commands.ServerCommand;
import io.bulwark.cli.commands.SpecCommand;
import io.bulwark.cli.commands.StartCommand;
import io.bulwark.cli.commands.StateCommand;
import io.bulwark.cli.policy.PolicyCommand;
import io.bulwark.cli.seccomp.SeccompCommand;
import io.bulwark.cli.vm.VmCommand;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of verbs, in the order {@code --help} lists them. A command line instantiates only its own verb:
 * loading every command (and what their static fields pull in: ObjectMappers, the vm backend, the policy engine)
 * would cost a cold JVM more than most commands do.
 */
final class Commands {
    static final List<String> NAMES = List.of("create", "start", "run", "state", "kill", "delete", "list", "ps",
        "exec", "spec", "features", "seccomp", "server", "pause", "resume", "update", "events", "vm", "policy");

    private Commands() {
    }

    /** The command for {@code verb}, or null for an unknown verb. */
    static Command byName(String verb) {
        // a switch, not a map of lambdas: nothing but the chosen class is loaded and no call site is bootstrapped
        return switch (verb) {
            case "create" -> new CreateCommand();
            case "start" -> new StartCommand();
            case "run" -> new RunCommand();
            case "state" -> new StateCommand();
            case "kill" -> new KillCommand();
            case "delete" -> new DeleteCommand();
            case "list" -> new ListCommand();
            case "ps" -> new PsCommand();
            case "exec" -> new ExecCommand();
            case "spec" -> new SpecCommand();
            case "features" -> new FeaturesCommand();
            case "seccomp" -> new SeccompCommand();
            case "server" -> new ServerCommand();
            case "pause" -> new PauseCommand();
            case "resume" -> new ResumeCommand();
            case "update" -> new UpdateCommand();
            case "events" -> new EventsCommand();
            case "vm" -> new VmCommand();
            case "policy" -> new PolicyCommand();
            default -> null;
        };
    }

    /** Every command, for {@code --help}. */
    static Map<String, Command> all() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (String name : NAMES) {
            m.put(name, byName(name));
        }
        return m;
    }
}
