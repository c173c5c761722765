package io.bulwark.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.api.CreateOptions;
import io.bulwark.core.api.DefaultSeccompFilter;
import io.bulwark.core.api.Runtime;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.cgroup.LinuxCgroupHook;
import io.bulwark.core.linux.LinuxBackend;
import io.bulwark.core.spec.DefaultSpec;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecWriter;
import io.bulwark.core.spi.SeccompCompiler;
import io.bulwark.core.sys.LibcSyscall;
import io.bulwark.core.sys.Syscall;
import io.bulwark.core.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public Java API used the way an embedding service would: a Runtime built in-process with the linux backend
 * and the default seccomp profile runs a real sandbox, hands the workload a file as stdout, returns its exit
 * status and leaves nothing behind.
 */
class EmbeddedRuntimeTest {
    @TempDir
    Path tmp;

    @Test
    void aJavaServiceRunsASandboxInProcess() throws IOException {
        Requirements.require(Requirements.isRoot(), "root (containers with user namespaces and cgroups)");
        Requirements.require(Files.isExecutable(Path.of("/bin/busybox")), "/bin/busybox (apt-get install busybox-static)");
        // the container's root is an unprivileged host uid (user namespace): it must be able to reach its rootfs
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bundle = tmp.resolve("bundle");
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        for (String applet : List.of("sh", "echo", "grep", "hostname", "id", "cat")) {
            Files.createSymbolicLink(rootfs.resolve(applet), Path.of("busybox"));
        }
        for (String dir : List.of("proc", "sys", "dev", "tmp")) {
            Files.createDirectories(bundle.resolve("rootfs").resolve(dir));
        }
        Spec base = DefaultSpec.create();
        Process p = base.process();
        Process job = new Process(false, null, p.user(), List.of("/bin/sh", "-c",
            "echo \"job on $(hostname) as $(id -u)\"; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; exit 3"),
            null, p.env(), p.cwd(), p.capabilities(), p.rlimits(), p.noNewPrivileges(), null, null, null, null,
            null, null);
        SpecWriter.write(new Spec(base.ociVersion(), job, base.root(), base.hostname(), base.domainname(),
            base.mounts(), base.hooks(), base.annotations(), base.linux()), bundle.resolve("config.json"), false);

        SeccompCompiler seccomp = SeccompCompiler.load();
        Runtime runtime = Runtime.builder()
            .root(tmp.resolve("state"))
            .backend(new LinuxBackend(new LinuxCgroupHook()))
            .seccompCompiler(seccomp)
            .filter(new DefaultSeccompFilter(seccomp))
            .build();

        Syscall sys = LibcSyscall.get();
        Path out = tmp.resolve("stdout.txt");
        int fd = sys.open(out.toString(), Syscall.O_WRONLY | Syscall.O_CREAT | Syscall.O_TRUNC | Syscall.O_CLOEXEC, 0600);
        int status;
        try {
            status = runtime.run(CreateOptions.of("embedded-1", bundle).withStdio(new Stdio(0, fd, fd)));
        } finally {
            sys.close(fd);
        }
        String output = Files.readString(out);
        assertEquals(3, status, output);
        assertTrue(output.contains("job on bulwark as 0"), output);
        assertTrue(output.contains("Seccomp:\t2"), "the default seccomp profile must be in force: " + output);
        assertTrue(output.contains("NoNewPrivs:\t1"), output);
        assertTrue(runtime.list().isEmpty(), "run deletes the container");
        assertFalse(Files.exists(tmp.resolve("state/embedded-1")));
    }
}
