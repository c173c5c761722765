package io.bulwark.policies.inherit;

import io.bulwark.policies.model.AppArmorPolicy;
import io.bulwark.policies.model.BackendPolicy;
import io.bulwark.policies.model.CapabilityPolicy;
import io.bulwark.policies.model.CpuCeiling;
import io.bulwark.policies.model.DevicePolicy;
import io.bulwark.policies.model.HookPolicy;
import io.bulwark.policies.model.IdentityPolicy;
import io.bulwark.policies.model.IoCeiling;
import io.bulwark.policies.model.MemoryCeiling;
import io.bulwark.policies.model.MountPolicy;
import io.bulwark.policies.model.NamespacePolicy;
import io.bulwark.policies.model.NetworkPolicy;
import io.bulwark.policies.model.PidsCeiling;
import io.bulwark.policies.model.Policy;
import io.bulwark.policies.model.ResourcePolicy;
import io.bulwark.policies.model.SeccompPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Lays a policy over a complete one: each field the overlay sets replaces the base's, except the forbidden host
 * paths (the overlay's are added) and the per-device I/O ceilings (merged by device). The result is complete
 * again; whether it is narrower is {@link Narrowing}'s question.
 */
public final class PolicyMerge {
    private PolicyMerge() {
    }

    public static Policy overlay(Policy base, Policy top) {
        return new Policy(null, top.name() != null ? top.name() : base.name(),
            top.description() != null ? top.description() : base.description(), top.base(),
            backend(base.backend(), top.backend()),
            identity(base.identity(), top.identity()),
            capabilities(base.capabilities(), top.capabilities()),
            or(top.noNewPrivileges(), base.noNewPrivileges()),
            seccomp(base.seccomp(), top.seccomp()),
            mounts(base.mounts(), top.mounts()),
            devices(base.devices(), top.devices()),
            namespaces(base.namespaces(), top.namespaces()),
            network(base.network(), top.network()),
            resources(base.resources(), top.resources()),
            or(top.wallClockLimitSeconds(), base.wallClockLimitSeconds()),
            hooks(base.hooks(), top.hooks()),
            apparmor(base.apparmor(), top.apparmor()));
    }

    private static <T> T or(T top, T base) {
        return top != null ? top : base;
    }

    /** An inherited default is lowered to a child's new, lower ceiling rather than left above it. */
    private static <T extends Comparable<T>> T min(T inherited, T newMax) {
        return inherited == null || newMax == null || inherited.compareTo(newMax) <= 0 ? inherited : newMax;
    }

    private static BackendPolicy backend(BackendPolicy b, BackendPolicy t) {
        if (t == null) {
            return b;
        }
        List<String> allowed = or(t.allowed(), b.allowed());
        String def = t.defaultBackend();
        if (def == null) {
            // a child that narrows the choice without naming a default gets the first it still allows
            def = allowed.contains(b.defaultBackend()) ? b.defaultBackend() : allowed.isEmpty() ? null : allowed.get(0);
        }
        return new BackendPolicy(allowed, def);
    }

    private static IdentityPolicy identity(IdentityPolicy b, IdentityPolicy t) {
        return t == null ? b : new IdentityPolicy(or(t.userNamespace(), b.userNamespace()), or(t.uidRange(), b.uidRange()),
            or(t.gidRange(), b.gidRange()), or(t.rootInside(), b.rootInside()), or(t.enforcement(), b.enforcement()));
    }

    private static CapabilityPolicy capabilities(CapabilityPolicy b, CapabilityPolicy t) {
        return t == null ? b : new CapabilityPolicy(or(t.allowed(), b.allowed()), or(t.enforcement(), b.enforcement()));
    }

    private static SeccompPolicy seccomp(SeccompPolicy b, SeccompPolicy t) {
        if (t == null) {
            return b;
        }
        boolean newProfile = t.profile() != null;
        return new SeccompPolicy(or(t.profile(), b.profile()), newProfile ? t.file() : b.file(),
            or(t.bundleMayReplace(), b.bundleMayReplace()), or(t.enforcement(), b.enforcement()));
    }

    private static MountPolicy mounts(MountPolicy b, MountPolicy t) {
        if (t == null) {
            return b;
        }
        List<String> forbidden = b.forbidden();
        if (t.forbidden() != null) {
            LinkedHashSet<String> union = new LinkedHashSet<>(b.forbidden());
            union.addAll(t.forbidden());
            forbidden = List.copyOf(union);
        }
        return new MountPolicy(or(t.types(), b.types()), or(t.hostPaths(), b.hostPaths()), forbidden,
            or(t.enforcement(), b.enforcement()));
    }

    private static DevicePolicy devices(DevicePolicy b, DevicePolicy t) {
        return t == null ? b : new DevicePolicy(or(t.allowed(), b.allowed()), or(t.enforcement(), b.enforcement()));
    }

    private static NamespacePolicy namespaces(NamespacePolicy b, NamespacePolicy t) {
        return t == null ? b : new NamespacePolicy(or(t.hostShared(), b.hostShared()), or(t.joinable(), b.joinable()),
            or(t.enforcement(), b.enforcement()));
    }

    private static NetworkPolicy network(NetworkPolicy b, NetworkPolicy t) {
        return t == null || t.mode() == null ? b : t;
    }

    private static ResourcePolicy resources(ResourcePolicy b, ResourcePolicy t) {
        if (t == null) {
            return b;
        }
        MemoryCeiling memory = b.memory();
        if (t.memory() != null) {
            memory = memory == null ? t.memory()
                : new MemoryCeiling(or(t.memory().max(), memory.max()),
                    t.memory().defaultLimit() != null ? t.memory().defaultLimit() : min(memory.defaultLimit(), t.memory().max()));
        }
        CpuCeiling cpu = b.cpu();
        if (t.cpu() != null) {
            cpu = cpu == null ? t.cpu() : new CpuCeiling(or(t.cpu().max(), cpu.max()),
                t.cpu().defaultCpus() != null ? t.cpu().defaultCpus() : min(cpu.defaultCpus(), t.cpu().max()));
        }
        PidsCeiling pids = b.pids();
        if (t.pids() != null) {
            pids = pids == null ? t.pids()
                : new PidsCeiling(or(t.pids().max(), pids.max()),
                    t.pids().defaultLimit() != null ? t.pids().defaultLimit() : min(pids.defaultLimit(), t.pids().max()));
        }
        List<IoCeiling> io = b.blockIO() == null ? List.of() : b.blockIO();
        if (t.blockIO() != null) {
            List<IoCeiling> merged = new ArrayList<>();
            for (IoCeiling old : io) {
                IoCeiling replacement = t.blockIO().stream().filter(old::sameDevice).findFirst().orElse(null);
                merged.add(replacement == null ? old : new IoCeiling(old.major(), old.minor(),
                    or(replacement.readBps(), old.readBps()), or(replacement.writeBps(), old.writeBps()),
                    or(replacement.readIops(), old.readIops()), or(replacement.writeIops(), old.writeIops())));
            }
            for (IoCeiling added : t.blockIO()) {
                if (io.stream().noneMatch(added::sameDevice)) {
                    merged.add(added);
                }
            }
            io = List.copyOf(merged);
        }
        return new ResourcePolicy(memory, cpu, pids, io, or(t.enforcement(), b.enforcement()));
    }

    private static HookPolicy hooks(HookPolicy b, HookPolicy t) {
        return t == null ? b : new HookPolicy(or(t.allowed(), b.allowed()), or(t.paths(), b.paths()),
            or(t.enforcement(), b.enforcement()));
    }

    private static AppArmorPolicy apparmor(AppArmorPolicy b, AppArmorPolicy t) {
        return t == null ? b : new AppArmorPolicy(or(t.profile(), b.profile()), or(t.mayBeAbsent(), b.mayBeAbsent()));
    }
}
