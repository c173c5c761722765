package io.bulwark.core.spec;

import io.bulwark.core.BulwarkException;
import java.util.Map;

/**
 * The longest a container's workload may run once started, in seconds: the annotation
 * {@value #ANNOTATION} that tenant admission sets from the policy's {@code wallClockLimitSeconds}.
 */
public final class WallClockLimit {
    public static final String ANNOTATION = "io.bulwark.wall-clock-limit";

    private WallClockLimit() {
    }

    /** The limit in seconds, or null for none (no annotation, or zero or less). */
    public static Long seconds(Map<String, String> annotations) {
        String value = annotations == null ? null : annotations.get(ANNOTATION);
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds > 0 ? seconds : null;
        } catch (NumberFormatException e) {
            throw new BulwarkException("annotation " + ANNOTATION + ": not a number of seconds: "
                + JsonPaths.printable(value));
        }
    }
}
