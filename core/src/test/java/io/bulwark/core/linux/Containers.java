package io.bulwark.core.linux;

import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.IdMapping;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Mount;
import io.bulwark.core.spec.Namespace;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Root;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.User;
import io.bulwark.core.sys.LibcSyscall;
import io.bulwark.core.sys.Syscall;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Test fixture: busybox bundles and containers driven through {@link LinuxBackend} directly, output captured
 * through a pipe. Real kernel, real namespaces: needs root and user namespaces.
 */
public final class Containers implements AutoCloseable {
    public static final long HOST_ROOT = 100000;
    public static final List<String> DEFAULT_CAPS = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
    public static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
        "/proc/scsi");
    public static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
        "/proc/sysrq-trigger");

    final Syscall sys = LibcSyscall.get();
    final LinuxBackend backend;
    final Path dir;
    final Path bundle;
    final List<ContainerRecord> created = new ArrayList<>();

    public Containers() throws IOException {
        this(new LinuxBackend());
    }

    /** With a given backend (e.g. one wired to a cgroup manager). */
    public Containers(LinuxBackend backend) throws IOException {
        this.backend = backend;
        dir = Files.createTempDirectory("bulwark-it-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        bundle = dir.resolve("bundle");
        Path rootfs = bundle.resolve("rootfs");
        for (String d : List.of("bin", "proc", "dev", "sys", "tmp", "etc", "work")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        for (String applet : List.of("sh", "echo", "cat", "ls", "id", "hostname", "ip", "sleep", "true", "false", "grep", "mount", "touch", "stat", "readlink")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\n");
        chownTree(rootfs, (int) HOST_ROOT);
    }

    private void chownTree(Path root, int id) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                Files.setAttribute(p, "unix:uid", id, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", id, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    public static boolean userNamespacesWork() {
        try {
            java.lang.Process p = new ProcessBuilder("unshare", "-U", "-r", "-m", "-p", "-f", "true")
                .redirectErrorStream(true).start();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static Process process(List<String> args) {
        return new Process(false, null, new User(0L, 0L, null, null, null), args, null,
            List.of("PATH=/bin", "HOME=/"), "/",
            new Capabilities(DEFAULT_CAPS, DEFAULT_CAPS, null, DEFAULT_CAPS, null), null, true, null, null, null,
            null, null, null);
    }

    /** The secure default: every namespace, root mapped to 100000, runc's masked and read-only paths, ro root. */
    public static Spec spec(Process process) {
        List<Namespace> ns = List.of(new Namespace("pid", null), new Namespace("network", null),
            new Namespace("ipc", null), new Namespace("uts", null), new Namespace("mount", null),
            new Namespace("user", null), new Namespace("cgroup", null));
        List<Mount> mounts = List.of(
            new Mount("/proc", "proc", List.of("nosuid", "noexec", "nodev"), "proc", null, null),
            new Mount("/dev", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"), "tmpfs", null, null),
            new Mount("/dev/pts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"), "devpts", null, null),
            new Mount("/dev/shm", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"), "tmpfs", null, null),
            new Mount("/dev/mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"), "mqueue", null, null),
            new Mount("/sys", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"), "sysfs", null, null),
            new Mount("/tmp", "tmpfs", List.of("nosuid", "nodev"), "tmpfs", null, null));
        Linux linux = new Linux(ns, List.of(new IdMapping(0L, HOST_ROOT, 65536L)),
            List.of(new IdMapping(0L, HOST_ROOT, 65536L)), null, null, null, null, null, null, null, MASKED, READONLY,
            null, null);
        return new Spec("1.2.0", process, new Root("rootfs", true), "bulwark-test", null, mounts, null,
            Map.of(), linux);
    }

    /** A created (not started) container, with its output pipe. */
    public final class Box implements AutoCloseable {
        public final ContainerRecord record;
        private final int outRead;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private Thread reader;

        Box(ContainerRecord record, int outRead) {
            this.record = record;
            this.outRead = outRead;
        }

        public void start() {
            reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                for (int n; (n = sys.read(outRead, buf)) > 0; ) {
                    synchronized (output) {
                        output.write(buf, 0, n);
                    }
                }
            });
            reader.setDaemon(true);
            reader.start();
            backend.start(record);
        }

        public int await() {
            return backend.awaitExit(record.init());
        }

        public String output() throws InterruptedException {
            if (reader != null) {
                reader.join(10_000);
            }
            synchronized (output) {
                return output.toString(StandardCharsets.UTF_8);
            }
        }

        public int pid() {
            return record.init().pid();
        }

        @Override
        public void close() {
            backend.delete(record, true);
            try {
                sys.close(outRead);
            } catch (RuntimeException ignored) {
                // closed already
            }
        }
    }

    /** What a test may change in a create request besides the spec. */
    public record Options(Path consoleSocket, boolean noPivot, int preserveFds, byte[] seccompFilter, int seccompFlags,
                          String listenerPath, String listenerMetadata) {
        public static final Options NONE = new Options(null, false, 0, null, 0, null, null);

        public Options withConsoleSocket(Path p) {
            return new Options(p, noPivot, preserveFds, seccompFilter, seccompFlags, listenerPath, listenerMetadata);
        }

        public Options withNoPivot() {
            return new Options(consoleSocket, true, preserveFds, seccompFilter, seccompFlags, listenerPath, listenerMetadata);
        }

        public Options withPreserveFds(int n) {
            return new Options(consoleSocket, noPivot, n, seccompFilter, seccompFlags, listenerPath, listenerMetadata);
        }

        public Options withSeccomp(byte[] filter, int flags, String listener, String metadata) {
            return new Options(consoleSocket, noPivot, preserveFds, filter, flags, listener, metadata);
        }
    }

    public Box create(Spec spec) throws IOException {
        return create(spec, Options.NONE);
    }

    public Box create(Spec spec, Options o) throws IOException {
        String id = "it-" + UUID.randomUUID().toString().substring(0, 8);
        Path state = dir.resolve("state").resolve(id);
        Files.createDirectories(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx--x--x"));
        int[] out = sys.pipe();
        int devnull = sys.open("/dev/null", Syscall.O_RDONLY | Syscall.O_CLOEXEC, 0);
        try {
            CreateRequest r = new CreateRequest(id, bundle, spec, state, o.consoleSocket(), o.noPivot(),
                o.preserveFds(), o.seccompFilter(), o.seccompFlags(), o.listenerPath(), o.listenerMetadata(),
                new Stdio(devnull, out[1], out[1]));
            ContainerProcess init = backend.create(r);
            ContainerRecord rec = new ContainerRecord(id, bundle, state, "linux", init, Map.of());
            created.add(rec);
            return new Box(rec, out[0]);
        } catch (RuntimeException e) {
            sys.close(out[0]);
            throw e;
        } finally {
            sys.close(out[1]);
            sys.close(devnull);
        }
    }

    /** Creates, starts and waits; returns exit status and output. */
    public record Result(int status, String output) {
    }

    public Result run(Spec spec) throws IOException, InterruptedException {
        return run(spec, Options.NONE);
    }

    public Result run(Spec spec, Options o) throws IOException, InterruptedException {
        try (Box b = create(spec, o)) {
            b.start();
            int status = b.await();
            return new Result(status, b.output());
        }
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return run(spec(process(List.of(args))));
    }

    @Override
    public void close() throws IOException {
        for (ContainerRecord r : created) {
            try {
                backend.delete(r, true);
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
