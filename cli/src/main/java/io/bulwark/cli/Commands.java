package io.bulwark.cli;

import io.bulwark.cli.cgroup.EventsCommand;
import io.bulwark.cli.cgroup.PauseCommand;
import io.bulwark.cli.cgroup.ResumeCommand;
import io.bulwark.cli.cgroup.UpdateCommand;
import io.bulwark.cli.commands.CreateCommand;
import io.bulwark.cli.commands.DeleteCommand;
import io.bulwark.cli.commands.ExecCommand;
import io.bulwark.cli.commands.KillCommand;
import io.bulwark.cli.commands.ListCommand;
import io.bulwark.cli.commands.PsCommand;
import io.bulwark.cli.commands.RunCommand;
import io.bulwark.cli.commands.ServerCommand;
import io.bulwark.cli.commands.StartCommand;
import io.bulwark.cli.commands.StateCommand;
import io.bulwark.cli.commands.SpecCommand;
import io.bulwark.cli.commands.FeaturesCommand;
import io.bulwark.cli.seccomp.SeccompCommand;
import io.bulwark.cli.vm.VmCommand;
import java.util.LinkedHashMap;
import java.util.Map;

/** The registry of verbs, in the order {@code --help} lists them. */
final class Commands {
    private Commands() {
    }

    static Map<String, Command> all() {
        Map<String, Command> m = new LinkedHashMap<>();
        for (Command c : new Command[] {
            new CreateCommand(), new StartCommand(), new RunCommand(), new StateCommand(), new KillCommand(),
            new DeleteCommand(), new ListCommand(), new PsCommand(), new ExecCommand(), new SpecCommand(),
            new FeaturesCommand(), new SeccompCommand(), new ServerCommand(),
            new PauseCommand(), new ResumeCommand(), new UpdateCommand(), new EventsCommand(), new VmCommand(),
            new io.bulwark.cli.policy.PolicyCommand(),
        }) {
            m.put(c.name(), c);
        }
        return m;
    }
}
