package io.bulwark.vmm.guest;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.plan.FdPlan;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.PlanEncoder;
import io.bulwark.vmm.initramfs.Initramfs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a guest boots into: the initramfs made of the container's rootfs, Bulwark's static shim as {@code /init}
 * (it runs in guest mode as pid 1) and the container's init plan, the one the linux backend hands the same shim,
 * at {@code /.bulwark/plan}.
 */
public final class GuestImage {
    private GuestImage() {
    }

    /** The shim that core's build links statically; as pid 1 of a guest it is the guest init. */
    public static final String SHIM_RESOURCE = "/io/bulwark/core/native/bulwark-shim";
    public static final String PLAN_PATH = ".bulwark/plan";

    /**
     * No runtime, console socket or exec FIFO is on the other side of a descriptor in a guest: the shim in guest
     * mode uses none of them, but the plan format wants a well-formed sync descriptor.
     */
    static final FdPlan GUEST_FDS = new FdPlan(3, -1, -1, 0);

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

    /** The initramfs: rootfs (or nothing), the shim as /init, the encoded plan. */
    public static byte[] initramfs(Path rootfs, Plan plan) {
        if (plan.kind() != Plan.Kind.INIT) {
            throw new BulwarkException("a guest boots an init plan, not " + plan.kind());
        }
        Map<String, Initramfs.FileEntry> extra = new LinkedHashMap<>();
        extra.put("init", new Initramfs.FileEntry(0755, guestInit()));
        extra.put(PLAN_PATH, new Initramfs.FileEntry(0400, PlanEncoder.encode(plan.withFds(GUEST_FDS))));
        return Initramfs.build(rootfs, extra);
    }
}
