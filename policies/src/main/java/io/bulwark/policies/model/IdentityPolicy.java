package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code identity}: who the workload is on the host.
 *
 * @param userNamespace true when every container must have its own user namespace
 * @param uidRange      host uids the tenant's containers may be mapped to
 * @param gidRange      host gids the tenant's containers may be mapped to
 * @param rootInside    whether the workload may run as uid 0 inside the container
 * @param enforcement   tighten: a config without a user namespace gets one mapped onto the ranges
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IdentityPolicy(
    Boolean userNamespace, IdRange uidRange, IdRange gidRange, Boolean rootInside, Enforcement enforcement) {
}
