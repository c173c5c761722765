package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code seccomp}: the syscall filter every container gets.
 *
 * @param profile          which profile
 * @param file             the profile file when {@code profile} is {@code file}
 * @param bundleMayReplace whether a bundle's own {@code linux.seccomp} is accepted as it is (it may loosen)
 * @param enforcement      tighten: replace a bundle's own profile with the policy's; refuse: refuse it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeccompPolicy(
    SeccompProfileKind profile, String file, Boolean bundleMayReplace, Enforcement enforcement) {
}
