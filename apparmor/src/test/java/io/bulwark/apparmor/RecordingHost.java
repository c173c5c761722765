package io.bulwark.apparmor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A fake host: files in a map, writes and commands recorded, command results scripted. */
final class RecordingHost implements AppArmorHost {
    final Map<Path, String> files = new HashMap<>();
    final Map<Path, Integer> writeErrors = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final List<String> stdins = new ArrayList<>();
    CommandResult nextResult = new CommandResult(0, "");

    RecordingHost withAppArmor(String... loadedProfiles) {
        files.put(HostAppArmor.ENABLED, "Y\n");
        files.put(HostAppArmor.SECURITYFS, "");
        StringBuilder sb = new StringBuilder();
        for (String p : loadedProfiles) {
            sb.append(p).append(" (enforce)\n");
        }
        files.put(HostAppArmor.PROFILES, sb.toString());
        return this;
    }

    @Override
    public boolean exists(Path path) {
        return files.containsKey(path);
    }

    @Override
    public String read(Path path) {
        return files.get(path);
    }

    @Override
    public int write(Path path, String content) {
        calls.add("write " + path + " " + content);
        Integer e = writeErrors.get(path);
        if (e != null) {
            return e;
        }
        if (!files.containsKey(path)) {
            return 2;
        }
        files.put(path, content);
        return 0;
    }

    @Override
    public CommandResult run(List<String> command, String stdin) {
        calls.add("run " + String.join(" ", command));
        stdins.add(stdin);
        return nextResult;
    }
}
