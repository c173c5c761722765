package io.bulwark.policies.inherit;

import io.bulwark.core.spec.SpecNames;
import io.bulwark.policies.model.AppArmorPolicy;
import io.bulwark.policies.model.BackendPolicy;
import io.bulwark.policies.model.CapabilityPolicy;
import io.bulwark.policies.model.DeviceAllowance;
import io.bulwark.policies.model.DevicePolicy;
import io.bulwark.policies.model.Enforcement;
import io.bulwark.policies.model.HookPolicy;
import io.bulwark.policies.model.IdentityPolicy;
import io.bulwark.policies.model.MountPolicy;
import io.bulwark.policies.model.NamespacePolicy;
import io.bulwark.policies.model.NetworkMode;
import io.bulwark.policies.model.NetworkPolicy;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.model.ResourcePolicy;
import io.bulwark.policies.model.SeccompPolicy;
import io.bulwark.policies.model.SeccompProfileKind;
import java.util.List;

/**
 * What a policy without a base gets for every section it leaves out: the strict end of each rule (no
 * capabilities, no host binds, no host namespaces, no network, no hooks, a user namespace, the default seccomp
 * profile, no_new_privs). A root policy may widen these; a child policy may only narrow its base.
 */
public final class Baseline {
    private Baseline() {
    }

    /** Host paths no tenant should ever see: container engines' sockets and state, the host's kernel interfaces. */
    public static final List<String> FORBIDDEN_HOST_PATHS = List.of(
        "/proc", "/sys", "/dev", "/boot", "/lib/modules",
        "/run/docker.sock", "/var/run/docker.sock", "/run/containerd", "/var/run/containerd",
        "/run/podman", "/var/run/podman", "/run/crio", "/var/run/crio", "/var/lib/docker", "/var/lib/containerd",
        "/var/lib/kubelet", "/etc/kubernetes", "/run/bulwark", "/etc/bulwark", "/etc/shadow", "/root");

    /** The device nodes every container gets: null, zero, full, random, urandom, tty, console, ptmx and ptys. */
    public static final List<DeviceAllowance> STANDARD_DEVICES = List.of(
        new DeviceAllowance("c", 1L, 3L, "rwm"), new DeviceAllowance("c", 1L, 5L, "rwm"),
        new DeviceAllowance("c", 1L, 7L, "rwm"), new DeviceAllowance("c", 1L, 8L, "rwm"),
        new DeviceAllowance("c", 1L, 9L, "rwm"), new DeviceAllowance("c", 5L, 0L, "rwm"),
        new DeviceAllowance("c", 5L, 1L, "rwm"), new DeviceAllowance("c", 5L, 2L, "rwm"),
        new DeviceAllowance("c", 136L, null, "rwm"),
        // mknod of any node is harmless without CAP_MKNOD and lets Podman's usual rules through
        new DeviceAllowance("c", null, null, "m"), new DeviceAllowance("b", null, null, "m"));

    public static final List<String> STANDARD_FILESYSTEMS =
        List.of("proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2");

    public static Policy policy() {
        return policy(FORBIDDEN_HOST_PATHS);
    }

    /** The baseline for a root policy that names its own forbidden host paths. */
    public static Policy policyWithoutForbiddenPaths() {
        return policy(List.of());
    }

    private static Policy policy(List<String> forbidden) {
        return new Policy(null, "baseline", "built-in strict defaults", null,
            new BackendPolicy(SpecNames.BACKENDS, "linux"),
            new IdentityPolicy(true, null, null, true, Enforcement.REFUSE),
            new CapabilityPolicy(List.of(), Enforcement.REFUSE),
            true,
            new SeccompPolicy(SeccompProfileKind.DEFAULT, null, false, Enforcement.TIGHTEN),
            new MountPolicy(STANDARD_FILESYSTEMS, List.of(), forbidden, Enforcement.REFUSE),
            new DevicePolicy(STANDARD_DEVICES, Enforcement.REFUSE),
            new NamespacePolicy(List.of(), List.of(), Enforcement.REFUSE),
            new NetworkPolicy(NetworkMode.NONE),
            new ResourcePolicy(null, null, null, List.of(), Enforcement.REFUSE),
            null,
            new HookPolicy(false, List.of(), Enforcement.REFUSE),
            new AppArmorPolicy(null, true));
    }
}
