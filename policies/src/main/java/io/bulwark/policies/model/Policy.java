package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One tenant policy file. Every section is optional: a section a policy leaves out is inherited from its base
 * ({@code extends}), or for a policy without a base from {@link io.bulwark.policies.inherit.Baseline}. A field
 * that is present replaces the inherited one, and may only narrow it.
 *
 * @param schema                the editor's JSON Schema reference ({@code $schema}); ignored by Bulwark
 * @param name                  the policy's name; a tenant's policy is the file {@code NAME.json}
 * @param description           free text for operators
 * @param base                  the policy this one narrows ({@code extends})
 * @param wallClockLimitSeconds the longest a workload may run, in seconds (none when absent everywhere)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"$schema", "name", "description", "extends"})
public record Policy(
    @JsonProperty("$schema") String schema,
    String name,
    String description,
    @JsonProperty("extends") String base,
    BackendPolicy backend,
    IdentityPolicy identity,
    CapabilityPolicy capabilities,
    Boolean noNewPrivileges,
    SeccompPolicy seccomp,
    MountPolicy mounts,
    DevicePolicy devices,
    NamespacePolicy namespaces,
    NetworkPolicy network,
    ResourcePolicy resources,
    Long wallClockLimitSeconds,
    HookPolicy hooks,
    AppArmorPolicy apparmor) {

    /** The same policy under another name and base (used when resolving inheritance). */
    public Policy withIdentity(String newName, String newBase) {
        return new Policy(schema, newName, description, newBase, backend, identity, capabilities, noNewPrivileges,
            seccomp, mounts, devices, namespaces, network, resources, wallClockLimitSeconds, hooks, apparmor);
    }
}
