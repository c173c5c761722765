package io.bulwark.policies.inherit;

import io.bulwark.policies.model.Policy;
import java.util.List;

/**
 * A tenant's policy with its whole inheritance chain applied: complete (every section present).
 *
 * @param tenant the tenant (the name of the policy file that was asked for)
 * @param policy the complete policy
 * @param chain  where each level came from, base first (file paths, or {@code built-in:NAME})
 */
public record EffectivePolicy(String tenant, Policy policy, List<String> chain) {
}
