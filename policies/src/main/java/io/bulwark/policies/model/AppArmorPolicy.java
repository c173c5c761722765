package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code apparmor}: the AppArmor profile the workload runs under, whatever the bundle says.
 *
 * @param profile     the profile name, or absent for none
 * @param mayBeAbsent whether a host without AppArmor may run the container anyway (otherwise it fails closed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppArmorPolicy(String profile, Boolean mayBeAbsent) {
}
