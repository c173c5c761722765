package io.bulwark.apparmor;

import io.bulwark.core.BulwarkException;
import java.nio.file.Path;

/**
 * Asks the kernel to switch to a profile at the next execve: {@code exec NAME} written in one go to the
 * AppArmor-specific attribute file (kernels 5.8+), or to the legacy shared one when the former does not exist. The shim does the same in C right before execve; this is the same protocol for Java callers
 * that exec from a single-threaded context, and the reference the shim is tested against.
 */
public final class ExecProfile {
    static final Path APPARMOR_EXEC = Path.of("/proc/self/attr/apparmor/exec");
    static final Path LEGACY_EXEC = Path.of("/proc/self/attr/exec");
    private static final int ENOENT = 2;

    private final AppArmorHost host;

    public ExecProfile(AppArmorHost host) {
        this.host = host;
    }

    /** The bytes written to the attribute file. */
    public static String command(String profile) {
        if (profile == null || profile.isEmpty() || profile.indexOf('\n') >= 0 || profile.indexOf('\0') >= 0) {
            throw new BulwarkException("invalid AppArmor profile name \"" + profile + "\"");
        }
        return "exec " + profile;
    }

    public void apply(String profile) {
        String cmd = command(profile);
        // ENOENT from a write means "no such profile", so choose the file by its existence, not by the error.
        Path target = host.exists(APPARMOR_EXEC) ? APPARMOR_EXEC : LEGACY_EXEC;
        int errno = host.write(target, cmd);
        if (errno != 0) {
            throw new BulwarkException("cannot set AppArmor profile \"" + profile + "\" for exec"
                + (errno == ENOENT ? ": the profile is not loaded or AppArmor is not enabled" : ""), errno);
        }
    }
}
