package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code hooks}: OCI hooks run as root on the host, so tenants get none unless the operator says so.
 *
 * @param allowed     whether a bundle may carry hooks at all
 * @param paths       the hook executables it may name (exact absolute paths)
 * @param enforcement tighten: remove hooks that are not allowed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HookPolicy(Boolean allowed, List<String> paths, Enforcement enforcement) {
}
