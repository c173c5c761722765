package io.bulwark.vmm.guest;

import static io.bulwark.core.plan.LinuxConstants.CLONE_NEWUSER;
import static io.bulwark.core.plan.LinuxConstants.MS_BIND;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.plan.IdMappingPlan;
import io.bulwark.core.plan.IdMapsPlan;
import io.bulwark.core.plan.MountPlan;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.PlanEncoder;
import io.bulwark.core.plan.RootfsPlan;
import io.bulwark.core.spec.IdMapping;
import io.bulwark.vmm.initramfs.Initramfs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a guest boots into: an initramfs holding Bulwark's static shim as {@code /init} (it runs in guest mode as
 * pid 1), the container's guest plan at {@code /.bulwark/plan}, the container's rootfs at {@value #ROOTFS} and the
 * sources of its bind mounts under {@value #MOUNTS}. The guest plan is the init plan the linux backend runs, with
 * those paths in place of the host's and the id maps the guest init writes itself.
 *
 * @param plan  the guest plan
 * @param trees what the initramfs carries from the host: the rootfs and each bind source
 */
public record GuestImage(Plan plan, List<Initramfs.Tree> trees) {
    /** The shim that core's build links statically; as pid 1 of a guest it is the guest init. */
    public static final String SHIM_RESOURCE = "/io/bulwark/core/native/bulwark-shim";
    public static final String PLAN_PATH = ".bulwark/plan";
    /** Where the container's rootfs is in the guest: a directory of the initramfs, which the container pivots into. */
    public static final String ROOTFS = "/.bulwark/rootfs";
    /** Where bind-mount sources are in the guest: copies of the host's files (a guest cannot see the host's). */
    public static final String MOUNTS = "/.bulwark/mounts";

    public GuestImage {
        trees = List.copyOf(trees);
        if (plan.kind() != Plan.Kind.GUEST) {
            throw new BulwarkException("a guest boots a guest plan, not " + plan.kind());
        }
    }

    /**
     * The guest image of a container from the init plan the linux backend would run.
     *
     * @param init the container's init plan (host paths)
     * @param uids {@code linux.uidMappings}, used when the plan creates a user namespace
     * @param gids {@code linux.gidMappings}
     */
    public static GuestImage of(Plan init, List<IdMapping> uids, List<IdMapping> gids) {
        if (!init.joins().isEmpty()) {
            throw new BulwarkException("a guest cannot join namespaces of the host: " + init.joins().get(0).path());
        }
        List<Initramfs.Tree> trees = new ArrayList<>();
        trees.add(new Initramfs.Tree(ROOTFS.substring(1), Path.of(init.rootfs().path())));
        Map<String, String> carried = new LinkedHashMap<>();
        List<MountPlan> mounts = new ArrayList<>();
        for (MountPlan m : init.mounts()) {
            if ((m.flags() & MS_BIND) == 0) {
                mounts.add(m);
                continue;
            }
            String inGuest = carried.computeIfAbsent(m.source(), source -> {
                String at = MOUNTS + "/" + carried.size();
                trees.add(new Initramfs.Tree(at.substring(1), Path.of(source)));
                return at;
            });
            mounts.add(new MountPlan(inGuest, m.destination(), m.fstype(), m.flags(), m.propagation(), m.data()));
        }
        RootfsPlan r = init.rootfs();
        IdMapsPlan maps = (init.newNamespaces() & CLONE_NEWUSER) == 0 ? null
            : new IdMapsPlan(lines(uids, "uidMappings"), lines(gids, "gidMappings"));
        Plan guest = init.asGuest(new RootfsPlan(ROOTFS, r.readonly(), r.noPivot(), r.propagation()), mounts, maps);
        return new GuestImage(guest, trees);
    }

    private static List<IdMappingPlan> lines(List<IdMapping> mappings, String field) {
        if (mappings == null || mappings.isEmpty()) {
            throw new BulwarkException("config.json: linux." + field + ": a new user namespace needs them");
        }
        if (mappings.size() > io.bulwark.core.plan.PlanFormat.MAX_ID_MAP_LINES) {
            throw new BulwarkException("config.json: linux." + field + ": more than "
                + io.bulwark.core.plan.PlanFormat.MAX_ID_MAP_LINES + " mappings");
        }
        List<IdMappingPlan> out = new ArrayList<>();
        for (int i = 0; i < mappings.size(); i++) {
            IdMapping m = mappings.get(i);
            try {
                out.add(new IdMappingPlan(m.containerID(), m.hostID(), m.size()));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new BulwarkException("config.json: linux." + field + "[" + i + "]: containerID, hostID and size "
                    + "must describe a non-empty range of 32-bit ids");
            }
        }
        return out;
    }

    /** The shim binary carried in core's jar. */
    public static byte[] guestInit() {
        try (InputStream in = Plan.class.getResourceAsStream(SHIM_RESOURCE)) {
            if (in == null) {
                throw new BulwarkException("the shim (" + SHIM_RESOURCE + ") is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BulwarkException("cannot read the shim: " + e.getMessage(), e);
        }
    }

    /** The initramfs: the rootfs and bind sources at their places, the shim as /init, the encoded plan. */
    public byte[] initramfs() {
        Map<String, Initramfs.FileEntry> extra = new LinkedHashMap<>();
        extra.put("init", new Initramfs.FileEntry(0755, guestInit()));
        extra.put(PLAN_PATH, new Initramfs.FileEntry(0400, PlanEncoder.encode(plan)));
        return Initramfs.build(trees, extra);
    }
}
