package io.bulwark.policies.admission;

import io.bulwark.core.spec.Spec;
import java.util.List;

/**
 * What admission decided about one config.
 *
 * @param tenant                the tenant whose policy was applied
 * @param decision              admitted, tightened or refused
 * @param spec                  the config the container gets (null when refused)
 * @param backend               the backend the container runs on
 * @param violations            every rule the config breaks (empty unless refused)
 * @param changes               every change admission made
 * @param wallClockLimitSeconds how long the workload may run, or null for no limit
 * @param apparmorOptional      whether the container may run on a host without AppArmor
 */
public record AdmissionResult(
    String tenant,
    Decision decision,
    Spec spec,
    String backend,
    List<Violation> violations,
    List<Change> changes,
    Long wallClockLimitSeconds,
    boolean apparmorOptional) {

    public boolean admitted() {
        return decision != Decision.REFUSED;
    }
}
