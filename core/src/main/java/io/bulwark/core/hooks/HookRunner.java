package io.bulwark.core.hooks;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Hook;
import io.bulwark.core.state.OciState;
import io.bulwark.core.state.StateJson;
import io.bulwark.core.sys.LibcSyscall;
import io.bulwark.core.sys.Syscall;
import io.bulwark.core.sys.Syscall.FileAction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs OCI hooks: each gets the container's state JSON on stdin and must end within its {@code timeout} (seconds;
 * none means no limit), or it is killed. A failing hook is a {@link BulwarkException} naming the phase, the hook
 * and the reason, with the first line of what it wrote to stderr.
 *
 * <p>Host hooks (prestart, createRuntime, poststart, poststop) are spawned directly; hooks that run in the
 * container's namespaces (createContainer, startContainer) are started through a {@link Launcher} the linux backend
 * supplies (the shim's hook mode).
 */
public final class HookRunner {
    private static final int OUTPUT_LIMIT = 64 * 1024;

    /** Starts a hook process with the given stdio and returns its pid (which this JVM can waitpid). */
    @FunctionalInterface
    public interface Launcher {
        int launch(Hook hook, int stdin, int stdout, int stderr);
    }

    private final Syscall sys;

    public HookRunner(Syscall sys) {
        this.sys = sys;
    }

    public HookRunner() {
        this(LibcSyscall.get());
    }

    /** Runs the hooks of one phase on the host, in order; stops at the first failure. */
    public void run(String phase, List<Hook> hooks, OciState state) {
        run(phase, hooks, state, this::spawnOnHost);
    }

    /** Runs the hooks of one phase, each started by {@code launcher}. */
    public void run(String phase, List<Hook> hooks, OciState state, Launcher launcher) {
        if (hooks == null) {
            return;
        }
        byte[] stdin = StateJson.ociBytes(state);
        for (int i = 0; i < hooks.size(); i++) {
            runOne(phase + "[" + i + "]", hooks.get(i), stdin, launcher);
        }
    }

    private int spawnOnHost(Hook hook, int stdin, int stdout, int stderr) {
        List<String> args = hook.args() == null || hook.args().isEmpty() ? List.of(hook.path()) : hook.args();
        return sys.posixSpawn(hook.path(), args, hook.env() == null ? List.of() : hook.env(), List.of(
            new FileAction.Dup2(stdin, 0), new FileAction.Dup2(stdout, 1), new FileAction.Dup2(stderr, 2),
            new FileAction.CloseFrom(3)));
    }

    private void runOne(String name, Hook hook, byte[] state, Launcher launcher) {
        String what = "hook " + name + " (" + hook.path() + ")";
        int[] in = sys.pipe();
        int[] out = sys.pipe();
        int pid;
        try {
            pid = launcher.launch(hook, in[0], out[1], out[1]);
        } catch (BulwarkException e) {
            closeAll(in[0], in[1], out[0], out[1]);
            throw new BulwarkException(what + ": " + e.getMessage(), e.errno(), e.exitCode(), e);
        }
        closeAll(in[0], out[1]);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = drain(out[0], output);
        try {
            try {
                sys.writeAll(in[1], state);
            } catch (BulwarkException ignored) {
                // a hook may exit without reading its stdin
            }
            sys.close(in[1]);
            Syscall.WaitStatus status = await(pid, hook.timeout());
            if (status == null) {
                throw new BulwarkException(what + " timed out after " + hook.timeout() + " s and was killed");
            }
            joinQuietly(reader);
            if (status.shellStatus() != 0) {
                String first = firstLine(output);
                String reason = status.exited() ? "exit status " + status.exitCode() : "killed by signal " + status.termSignal();
                throw new BulwarkException(what + " failed: " + reason + (first.isEmpty() ? "" : ": " + first));
            }
        } finally {
            joinQuietly(reader);
            closeAll(out[0]);
        }
    }

    /** Waits for the hook; null after killing it when its timeout passed. */
    private Syscall.WaitStatus await(int pid, Integer timeoutSeconds) {
        if (timeoutSeconds == null || timeoutSeconds <= 0) {
            return sys.waitpid(pid, 0);
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long sleep = 1;
        for (;;) {
            Syscall.WaitStatus s = sys.waitpid(pid, Syscall.WNOHANG);
            if (s != null) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                sys.kill(pid, 9);
                sys.waitpid(pid, 0);
                return null;
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sys.kill(pid, 9);
                sys.waitpid(pid, 0);
                throw new BulwarkException("interrupted while waiting for a hook");
            }
            sleep = Math.min(sleep * 2, 20);
        }
    }

    private Thread drain(int fd, ByteArrayOutputStream into) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = sys.read(fd, buf)) > 0; ) {
                    if (into.size() < OUTPUT_LIMIT) {
                        into.write(buf, 0, Math.min(n, OUTPUT_LIMIT - into.size()));
                    }
                }
            } catch (BulwarkException ignored) {
                // the descriptor was closed under us after a timeout
            }
        }, "bulwark-hook-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String firstLine(ByteArrayOutputStream out) {
        String s = out.toString(StandardCharsets.UTF_8).strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private void closeAll(int... fds) {
        for (int fd : fds) {
            try {
                sys.close(fd);
            } catch (BulwarkException ignored) {
                // already closed
            }
        }
    }

    /** For tests and callers that want the state JSON exactly as hooks see it. */
    public static String stateJson(OciState state) {
        return StateJson.oci(state, false);
    }

}
