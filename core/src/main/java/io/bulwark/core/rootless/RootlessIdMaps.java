package io.bulwark.core.rootless;

import io.bulwark.core.spec.IdMapping;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Namespace;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.SpecProblem;
import io.bulwark.core.spec.User;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's rules for a user namespace made without root (user_namespaces(7)), checked before anything is
 * created: a writer without CAP_SETUID/CAP_SETGID over the parent namespace may write one line mapping its own
 * effective uid (gid), and only after {@code setgroups} is denied. So a rootless config needs a new user namespace
 * (or joins one by path) with exactly one uid and one gid mapping of size 1 onto the caller's ids, the process must
 * run as the mapped ids, and it cannot have supplementary groups. {@code bulwark spec --rootless} writes such a
 * config.
 */
public final class RootlessIdMaps {
    private static final String HINT = " (bulwark spec --rootless writes such a config)";

    private RootlessIdMaps() {
    }

    /** Every problem that would stop {@code caller} from making the container's user namespace; empty if none. */
    public static List<SpecProblem> problems(Spec spec, Caller caller, String file) {
        List<SpecProblem> out = new ArrayList<>();
        Linux linux = spec.linux();
        List<Namespace> namespaces = linux == null || linux.namespaces() == null ? List.of() : linux.namespaces();
        Namespace user = namespaces.stream().filter(n -> "user".equals(n.type())).findFirst().orElse(null);
        String who = "uid " + caller.uid();
        if (user == null) {
            out.add(new SpecProblem(file, "$.linux.namespaces", "Bulwark runs as " + who + ", not root: the container"
                + " needs a user namespace mapping the caller's own uid and gid" + HINT));
            return out;
        }
        if (user.path() != null) {
            return out; // joins an existing user namespace: its maps are already written
        }
        Long uidInside = single(linux.uidMappings(), caller.uid(), "uid", "$.linux.uidMappings", file, who, out);
        Long gidInside = single(linux.gidMappings(), caller.gid(), "gid", "$.linux.gidMappings", file, who, out);
        User u = spec.process() == null ? null : spec.process().user();
        if (u != null) {
            if (uidInside != null && u.uid() != null && !u.uid().equals(uidInside)) {
                out.add(new SpecProblem(file, "$.process.user.uid", "uid " + u.uid() + " is not mapped: without root"
                    + " only container uid " + uidInside + " (the caller's uid " + caller.uid() + ") exists"));
            }
            if (gidInside != null && u.gid() != null && !u.gid().equals(gidInside)) {
                out.add(new SpecProblem(file, "$.process.user.gid", "gid " + u.gid() + " is not mapped: without root"
                    + " only container gid " + gidInside + " (the caller's gid " + caller.gid() + ") exists"));
            }
            if (u.additionalGids() != null && !u.additionalGids().isEmpty()) {
                out.add(new SpecProblem(file, "$.process.user.additionalGids", "supplementary groups cannot be set"
                    + " in a user namespace made without root (the kernel requires setgroups to be denied there)"));
            }
        }
        return out;
    }

    /** The container id of the one allowed mapping, or null after adding a problem. */
    private static Long single(List<IdMapping> maps, long own, String kind, String path, String file, String who,
                               List<SpecProblem> out) {
        if (maps == null || maps.size() != 1) {
            out.add(new SpecProblem(file, path, "Bulwark runs as " + who + ", not root: exactly one mapping of the"
                + " caller's own " + kind + " " + own + " (size 1) is allowed, got " + (maps == null ? 0 : maps.size())
                + " mappings" + HINT));
            return null;
        }
        IdMapping m = maps.get(0);
        if (m.hostID() == null || m.hostID() != own || m.size() == null || m.size() != 1) {
            out.add(new SpecProblem(file, path + "[0]", "Bulwark runs as " + who + ", not root: it can map only its own "
                + kind + " " + own + " with size 1, not hostID " + m.hostID() + " size " + m.size() + HINT));
            return null;
        }
        return m.containerID();
    }
}
