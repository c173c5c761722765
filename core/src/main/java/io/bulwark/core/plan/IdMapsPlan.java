package io.bulwark.core.plan;

import java.util.List;

/**
 * The id maps of a guest plan's new user namespace. On a host the runtime writes them from outside; inside a
 * microVM nothing is outside, so the guest init writes them, and the plan has to carry them.
 */
public record IdMapsPlan(List<IdMappingPlan> uids, List<IdMappingPlan> gids) {
    public IdMapsPlan {
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
        for (List<IdMappingPlan> l : List.of(uids, gids)) {
            if (l.isEmpty() || l.size() > PlanFormat.MAX_ID_MAP_LINES) {
                throw new IllegalArgumentException("an id map needs 1 to " + PlanFormat.MAX_ID_MAP_LINES
                    + " lines, not " + l.size());
            }
        }
    }
}
