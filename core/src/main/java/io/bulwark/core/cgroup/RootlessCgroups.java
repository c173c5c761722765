package io.bulwark.core.cgroup;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.rootless.Caller;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.SpecProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Cgroups for a caller without root. Only a delegated cgroup v2 subtree ({@link CgroupDelegation}) can be used;
 * every limit of {@code linux.resources} whose controller is not delegated makes the config fail, each named with
 * its JSON path and the reason, before anything is created (fail closed).
 *
 * <p>The one way to run anyway: the annotation {@value #ANNOTATION}{@code =warn} (crun's behaviour: warn and run).
 * The unenforced limits are then listed in a warning and the container runs without them. The caller is the only
 * one whose resources the container can exhaust beyond its own limits (it runs as the caller's uid), so the
 * caller may choose this; but a tenant policy's limits are the operator's, so a container admitted under a
 * tenant policy (annotation {@value #TENANT_ANNOTATION}) never gets the opt-out.
 *
 * <p>Device rules ({@code linux.resources.devices}) need no cgroup here: in a user namespace mknod is refused
 * and device nodes reach the container only as bind mounts of host nodes, which the kernel checks against the
 * caller's own permissions (runc and crun do the same).
 */
public final class RootlessCgroups {
    public static final String ANNOTATION = "io.bulwark.rootless.unenforced-limits";
    public static final String WARN = "warn";
    /** Written by tenant admission (io.bulwark.policies.admission.Admission#TENANT_ANNOTATION). */
    static final String TENANT_ANNOTATION = "io.bulwark.tenant";

    private final Caller caller;
    private final CgroupDelegation delegation;

    public RootlessCgroups(Caller caller, CgroupDelegation delegation) {
        this.caller = caller;
        this.delegation = delegation;
    }

    public CgroupDelegation delegation() {
        return delegation;
    }

    /** The limits of {@code r} that no delegated controller can enforce. */
    public List<RequestedLimit> unenforceable(Resources r) {
        List<RequestedLimit> out = new ArrayList<>();
        for (RequestedLimit l : RequestedLimit.of(r)) {
            boolean enforceable = delegation.usable() && l.controller() != null
                && (l.controller().isEmpty() || delegation.controllers().contains(l.controller()));
            if (!enforceable) {
                out.add(l);
            }
        }
        return out;
    }

    /** Why {@code l} cannot be enforced for this caller. */
    public String reason(RequestedLimit l) {
        String who = "uid " + caller.uid();
        if (l.controller() == null) {
            return "has no cgroup v2 equivalent, and without root only a cgroup v2 subtree delegated to " + who
                + " can be used";
        }
        if (!delegation.usable()) {
            return "cgroup v2 " + l.controller() + " controller not delegated to " + who + " (" + delegation.summary()
                + ")";
        }
        return "cgroup v2 " + l.controller() + " controller not delegated to " + who + " (the " + delegation.summary()
            + " offers: " + (delegation.controllers().isEmpty() ? "none" : String.join(" ", new TreeSet<>(delegation.controllers())))
            + ")";
    }

    /**
     * What stops the container: each unenforceable limit, unless the opt-out applies; a bad opt-out value; a
     * {@code cgroupsPath} outside the delegated subtree. Empty when it can run.
     */
    public List<SpecProblem> problems(Linux linux, Map<String, String> annotations, String file) {
        List<SpecProblem> out = new ArrayList<>();
        Map<String, String> ann = annotations == null ? Map.of() : annotations;
        String optOut = ann.get(ANNOTATION);
        String optOutPath = "$.annotations[\"" + ANNOTATION + "\"]";
        if (optOut != null && !WARN.equals(optOut)) {
            out.add(new SpecProblem(file, optOutPath, "must be \"" + WARN + "\", not \"" + optOut + "\""));
        }
        List<RequestedLimit> missing = unenforceable(linux == null ? null : linux.resources());
        if (!missing.isEmpty() && !warnAllowed(ann)) {
            String note = WARN.equals(optOut) && ann.get(TENANT_ANNOTATION) != null
                ? " (" + ANNOTATION + "=warn is ignored: tenant " + ann.get(TENANT_ANNOTATION) + "'s policy admitted"
                    + " this container)" : "";
            for (RequestedLimit l : missing) {
                out.add(new SpecProblem(file, l.path(), reason(l) + note));
            }
        }
        if (delegation.usable() && linux != null && linux.cgroupsPath() != null && linux.cgroupsPath().startsWith("/")) {
            String path = CgroupFs.join(linux.cgroupsPath());
            String base = delegation.base();
            if (!base.isEmpty() && !(path + "/").startsWith(base + "/")) {
                out.add(new SpecProblem(file, "$.linux.cgroupsPath", linux.cgroupsPath() + " is outside the "
                    + delegation.summary()));
            }
        }
        return out;
    }

    /** True when the config opts out and no tenant policy admitted it. */
    public static boolean warnAllowed(Map<String, String> annotations) {
        return annotations != null && WARN.equals(annotations.get(ANNOTATION))
            && annotations.get(TENANT_ANNOTATION) == null;
    }

    /** The one-line warning for a container that runs without {@code missing}. */
    public String warning(String id, List<RequestedLimit> missing) {
        StringBuilder b = new StringBuilder("container ").append(id).append(" runs WITHOUT these limits (")
            .append(ANNOTATION).append("=warn): ");
        for (int i = 0; i < missing.size(); i++) {
            b.append(i == 0 ? "" : "; ").append(missing.get(i).path()).append(": ").append(reason(missing.get(i)));
        }
        return b.toString();
    }

    /**
     * {@code r} without the parts that cannot be enforced, dropped a whole top-level field at a time (the
     * warning lists every limit of those fields), so a partial delegation still enforces what it can.
     */
    public Resources enforceable(Resources r) {
        if (r == null) {
            return null;
        }
        Set<String> dropped = new LinkedHashSet<>();
        for (RequestedLimit l : unenforceable(r)) {
            dropped.add(l.group());
        }
        if (dropped.isEmpty()) {
            return r;
        }
        Map<String, String> unified = r.unified();
        if (dropped.contains("unified") && unified != null) {
            Map<String, String> kept = new TreeMap<>();
            Set<String> bad = new LinkedHashSet<>();
            for (RequestedLimit l : unenforceable(r)) {
                if (l.group().equals("unified")) {
                    bad.add(l.path());
                }
            }
            for (Map.Entry<String, String> e : unified.entrySet()) {
                if (!bad.contains("$.linux.resources.unified[\"" + e.getKey() + "\"]")) {
                    kept.put(e.getKey(), e.getValue());
                }
            }
            unified = kept.isEmpty() ? null : new LinkedHashMap<>(kept);
        }
        CpuResources cpu = dropped.contains("cpu") ? null : r.cpu();
        return new Resources(r.devices(), dropped.contains("memory") ? null : r.memory(), cpu,
            dropped.contains("pids") ? null : r.pids(), dropped.contains("blockIO") ? null : r.blockIO(),
            dropped.contains("hugepageLimits") ? null : r.hugepageLimits(),
            dropped.contains("network") ? null : r.network(), dropped.contains("rdma") ? null : r.rdma(), unified);
    }

    /** Where container {@code id}'s cgroup goes: {@code cgroupsPath} (absolute, or below the base), else base/bulwark/id. */
    public CgroupLocation location(String id, String cgroupsPath) {
        if (!delegation.usable()) {
            throw new BulwarkException("no cgroup v2 subtree is delegated to uid " + caller.uid(), 13);
        }
        boolean isDefault = cgroupsPath == null || cgroupsPath.isBlank();
        String path = isDefault ? CgroupLocation.DEFAULT_PARENT + "/" + id : cgroupsPath;
        CgroupLocation.check(path, id, isDefault);
        String dir = path.startsWith("/") ? CgroupFs.join(path) : CgroupFs.join(delegation.base(), path);
        return new CgroupLocation(CgroupVersion.V2, path, Map.of("", dir), isDefault);
    }
}
