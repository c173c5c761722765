package io.bulwark.policies;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.core.spec.Spec;
import io.bulwark.policies.admission.Admission;
import io.bulwark.policies.admission.HostNamespaces;
import io.bulwark.policies.admission.StandardSeccompProfiles;
import io.bulwark.policies.inherit.EffectivePolicy;
import io.bulwark.policies.inherit.PolicyResolver;
import io.bulwark.policies.model.Policy;
import java.io.UncheckedIOException;
import java.io.IOException;

/** Configs and policies for tests: a sane rootless-style config that the default policy admits. */
public final class TestSpecs {
    public static final ObjectMapper JSON = new ObjectMapper();

    /** Namespace paths under /proc/1/ are the host's; nothing else is. */
    public static final HostNamespaces HOST = (type, path) -> path.startsWith("/proc/1/");

    private TestSpecs() {
    }

    /** Admission on a host with AppArmor. */
    public static Admission admission() {
        return new Admission(HOST, new StandardSeccompProfiles(), true);
    }

    /** Admission on a host without AppArmor. */
    public static Admission admissionWithoutAppArmor() {
        return new Admission(HOST, new StandardSeccompProfiles(), false);
    }

    public static ObjectNode config() {
        try {
            return (ObjectNode) JSON.readTree("""
                {
                  "ociVersion": "1.2.0",
                  "process": {
                    "user": {"uid": 0, "gid": 0},
                    "args": ["sh"],
                    "env": ["PATH=/usr/bin:/bin"],
                    "cwd": "/",
                    "capabilities": {
                      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
                    },
                    "noNewPrivileges": true
                  },
                  "root": {"path": "rootfs", "readonly": true},
                  "hostname": "sandbox",
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
                    {"destination": "/dev/pts", "type": "devpts", "source": "devpts"},
                    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm"},
                    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue"},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
                  ],
                  "linux": {
                    "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                    "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
                    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                                   {"type": "mount"}, {"type": "user"}, {"type": "cgroup"}],
                    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
                    "maskedPaths": ["/proc/kcore"],
                    "readonlyPaths": ["/proc/sys"]
                  }
                }
                """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Spec spec(ObjectNode tree) {
        try {
            return JSON.treeToValue(tree, Spec.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ArrayNode array(ObjectNode node, String... path) {
        ObjectNode o = node;
        for (int i = 0; i < path.length - 1; i++) {
            o = o.has(path[i]) ? (ObjectNode) o.get(path[i]) : o.putObject(path[i]);
        }
        return (ArrayNode) o.get(path[path.length - 1]);
    }

    public static ObjectNode object(ObjectNode node, String... path) {
        ObjectNode o = node;
        for (String p : path) {
            o = o.has(p) ? (ObjectNode) o.get(p) : o.putObject(p);
        }
        return o;
    }

    /** The shipped policy {@code name}, resolved against the shipped ones (so {@code extends} works). */
    public static EffectivePolicy shipped(String name) {
        Policy policy = PolicyResolver.builtIn(name);
        Policy effective = policy.base() == null
            ? PolicyResolver.root(policy, "built-in:" + name)
            : PolicyResolver.narrow(shipped(policy.base()).policy(), policy, "built-in:" + name);
        return new EffectivePolicy(name, effective.withIdentity(name, null), java.util.List.of("built-in:" + name));
    }
}
