package io.bulwark.core.spec;

import io.bulwark.core.BulwarkException;
import java.util.Map;
import java.util.Objects;

/**
 * The tenant whose policy admitted a container: the annotation {@value #ANNOTATION}, which tenant admission sets on
 * the config it admits (and removes from a bundle when no tenant applies: a bundle cannot claim one). Commands that
 * admit something into an existing container ({@code exec}, {@code update}) must run under that same tenant, or
 * the container's policy could be sidestepped by naming another tenant, or none.
 */
public final class AdmittedTenant {
    public static final String ANNOTATION = "io.bulwark.tenant";

    private AdmittedTenant() {
    }

    /** The tenant a config was admitted under, or null. */
    public static String of(Spec spec) {
        Map<String, String> annotations = spec == null ? null : spec.annotations();
        return annotations == null ? null : annotations.get(ANNOTATION);
    }

    /**
     * Refuses {@code verb} on container {@code id} when the config this command admitted ({@code admitted}) names
     * another tenant than the container's stored config ({@code stored}).
     */
    public static void requireSame(String verb, String id, Spec stored, Spec admitted) {
        String container = of(stored);
        String command = of(admitted);
        if (!Objects.equals(container, command)) {
            throw new BulwarkException(verb + ": container '" + id + "' was admitted "
                + (container == null ? "without a tenant policy" : "under tenant '" + container + "'")
                + "; this command runs " + (command == null ? "without one" : "under tenant '" + command + "'")
                + (container == null ? "" : " (use the runtime configured for tenant '" + container + "')"), 1);
        }
    }
}
