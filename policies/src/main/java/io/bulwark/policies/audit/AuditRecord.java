package io.bulwark.policies.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.bulwark.policies.admission.Change;
import io.bulwark.policies.admission.Violation;
import java.util.List;

/**
 * One line of the audit log: one admission decision.
 *
 * @param time         when, in UTC (ISO-8601)
 * @param tenant       whose policy decided
 * @param policy       where the policy came from, base first (files or {@code built-in:NAME})
 * @param containerId  the container id
 * @param bundle       the bundle directory
 * @param bundleDigest {@code sha256:HEX} of the bundle's {@code config.json} as it was read
 * @param decision     {@code admitted}, {@code tightened} or {@code refused}
 * @param backend      the backend the container runs on
 * @param violations   every violation (refused)
 * @param changes      every change (tightened)
 * @param error        why no decision could be made (a policy that does not load or verify), else absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"time", "tenant", "policy", "containerId", "bundle", "bundleDigest", "decision", "backend",
    "violations", "changes", "error"})
public record AuditRecord(
    String time,
    String tenant,
    List<String> policy,
    String containerId,
    String bundle,
    String bundleDigest,
    String decision,
    String backend,
    List<Violation> violations,
    List<Change> changes,
    String error) {
}
