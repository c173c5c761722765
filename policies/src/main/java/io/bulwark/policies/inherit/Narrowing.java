package io.bulwark.policies.inherit;

import io.bulwark.core.spec.JsonPaths;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.policies.model.DeviceAllowance;
import io.bulwark.policies.model.HostPath;
import io.bulwark.policies.model.IdRange;
import io.bulwark.policies.model.IoCeiling;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.model.SeccompPolicy;
import io.bulwark.policies.model.SeccompProfileKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks that an effective child policy allows nothing its effective base does not. Each widening is reported
 * against the child's file with the JSON path of the field that widens.
 */
public final class Narrowing {
    private final String file;
    private final String baseName;
    private final List<SpecProblem> problems = new ArrayList<>();

    private Narrowing(String file, String baseName) {
        this.file = file;
        this.baseName = baseName;
    }

    /** Every way {@code child} is wider than {@code base}; empty when it only narrows. */
    public static List<SpecProblem> widenings(Policy base, Policy child, String file) {
        Narrowing n = new Narrowing(file, base.name());
        n.check(base, child);
        return n.problems;
    }

    private void widens(String path, String what) {
        problems.add(new SpecProblem(file, path, what + " widens base policy '" + baseName + "'"));
    }

    private void subset(String path, List<String> base, List<String> child, String noun) {
        for (int i = 0; i < child.size(); i++) {
            if (!base.contains(child.get(i))) {
                widens(JsonPaths.index(path, i), noun + " " + child.get(i) + " (base allows " + base + ")");
            }
        }
    }

    private <T extends Comparable<T>> void ceiling(String path, T base, T child) {
        if (base != null && (child == null || child.compareTo(base) > 0)) {
            widens(path, (child == null ? "no limit" : child.toString()) + " (base ceiling " + base + ")");
        }
    }

    private void stillTrue(String path, Boolean base, Boolean child, String what) {
        if (Boolean.TRUE.equals(base) && !Boolean.TRUE.equals(child)) {
            widens(path, "dropping '" + what + "'");
        }
    }

    private void stillFalse(String path, Boolean base, Boolean child, String what) {
        if (Boolean.FALSE.equals(base) && !Boolean.FALSE.equals(child)) {
            widens(path, "allowing " + what);
        }
    }

    private void range(String path, IdRange base, IdRange child) {
        if (base != null && (child == null || !base.contains(child.hostID(), child.size()))) {
            widens(path, (child == null ? "no range" : "range " + child.hostID() + "+" + child.size())
                + " (base range " + base.hostID() + "+" + base.size() + ")");
        }
    }

    private void check(Policy b, Policy c) {
        subset("$.backend.allowed", b.backend().allowed(), c.backend().allowed(), "backend");

        stillTrue("$.identity.userNamespace", b.identity().userNamespace(), c.identity().userNamespace(), "userNamespace");
        stillFalse("$.identity.rootInside", b.identity().rootInside(), c.identity().rootInside(), "uid 0 inside");
        range("$.identity.uidRange", b.identity().uidRange(), c.identity().uidRange());
        range("$.identity.gidRange", b.identity().gidRange(), c.identity().gidRange());

        subset("$.capabilities.allowed", b.capabilities().allowed(), c.capabilities().allowed(), "capability");
        stillTrue("$.noNewPrivileges", b.noNewPrivileges(), c.noNewPrivileges(), "noNewPrivileges");

        seccomp(b.seccomp(), c.seccomp());

        subset("$.mounts.types", b.mounts().types(), c.mounts().types(), "filesystem type");
        List<HostPath> baseHosts = b.mounts().hostPaths();
        for (int i = 0; i < c.mounts().hostPaths().size(); i++) {
            HostPath h = c.mounts().hostPaths().get(i);
            boolean covered = baseHosts.stream().anyMatch(bh -> Path.of(h.path()).startsWith(Path.of(bh.path()))
                && (!bh.mustBeReadOnly() || h.mustBeReadOnly()));
            if (!covered) {
                widens(JsonPaths.index("$.mounts.hostPaths", i), "host path " + JsonPaths.printable(h.path())
                    + (h.mustBeReadOnly() ? "" : " read-write"));
            }
        }
        subset("$.mounts.forbidden", c.mounts().forbidden(), b.mounts().forbidden(), "un-forbidding");

        List<DeviceAllowance> baseDevices = b.devices().allowed();
        for (int i = 0; i < c.devices().allowed().size(); i++) {
            DeviceAllowance d = c.devices().allowed().get(i);
            if (baseDevices.stream().noneMatch(bd -> bd.covers(d.type(), d.major(), d.minor(), d.access()))) {
                widens(JsonPaths.index("$.devices.allowed", i), "device " + d.type() + " "
                    + (d.major() == null ? "*" : d.major()) + ":" + (d.minor() == null ? "*" : d.minor())
                    + " " + (d.access() == null ? "rwm" : d.access()));
            }
        }

        subset("$.namespaces.hostShared", b.namespaces().hostShared(), c.namespaces().hostShared(), "host namespace");
        subset("$.namespaces.joinable", b.namespaces().joinable(), c.namespaces().joinable(), "joinable namespace");

        if (c.network().mode().compareTo(b.network().mode()) > 0) {
            widens("$.network.mode", "network " + c.network().mode().json() + " (base: " + b.network().mode().json() + ")");
        }

        var br = b.resources();
        var cr = c.resources();
        ceiling("$.resources.memory.max", br.memory() == null ? null : br.memory().max(),
            cr.memory() == null ? null : cr.memory().max());
        ceiling("$.resources.cpu.max", br.cpu() == null ? null : br.cpu().max(), cr.cpu() == null ? null : cr.cpu().max());
        ceiling("$.resources.pids.max", br.pids() == null ? null : br.pids().max(),
            cr.pids() == null ? null : cr.pids().max());
        for (IoCeiling bio : br.blockIO()) {
            IoCeiling cio = cr.blockIO().stream().filter(bio::sameDevice).findFirst().orElse(null);
            String at = "$.resources.blockIO[" + bio.major() + ":" + bio.minor() + "]";
            ceiling(at + ".readBps", bio.readBps(), cio == null ? null : cio.readBps());
            ceiling(at + ".writeBps", bio.writeBps(), cio == null ? null : cio.writeBps());
            ceiling(at + ".readIops", bio.readIops(), cio == null ? null : cio.readIops());
            ceiling(at + ".writeIops", bio.writeIops(), cio == null ? null : cio.writeIops());
        }

        ceiling("$.wallClockLimitSeconds", b.wallClockLimitSeconds(), c.wallClockLimitSeconds());

        stillFalse("$.hooks.allowed", b.hooks().allowed(), c.hooks().allowed(), "hooks");
        subset("$.hooks.paths", b.hooks().paths(), c.hooks().paths(), "hook");

        if (b.apparmor().profile() != null && !b.apparmor().profile().equals(c.apparmor().profile())) {
            widens("$.apparmor.profile", "AppArmor profile " + c.apparmor().profile()
                + " instead of " + b.apparmor().profile());
        }
        stillFalse("$.apparmor.mayBeAbsent", b.apparmor().mayBeAbsent(), c.apparmor().mayBeAbsent(),
            "running without AppArmor");
    }

    private void seccomp(SeccompPolicy b, SeccompPolicy c) {
        stillFalse("$.seccomp.bundleMayReplace", b.bundleMayReplace(), c.bundleMayReplace(),
            "a bundle's own seccomp profile");
        if (Boolean.TRUE.equals(b.bundleMayReplace())) {
            return; // the base already lets any profile through
        }
        boolean same = b.profile() == c.profile() && Objects.equals(b.file(), c.file());
        boolean stricter = b.profile() == SeccompProfileKind.DEFAULT && c.profile() == SeccompProfileKind.STRICT;
        if (!same && !stricter) {
            widens("$.seccomp.profile", "seccomp profile " + c.profile().json()
                + (c.file() == null ? "" : " " + c.file()) + " instead of " + b.profile().json()
                + (b.file() == null ? "" : " " + b.file()));
        }
    }
}
