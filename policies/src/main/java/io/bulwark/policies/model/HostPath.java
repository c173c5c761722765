package io.bulwark.policies.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A host directory (and everything below it) that may be bind-mounted into containers.
 *
 * @param path     absolute host path
 * @param readOnly true (the default) when binds of it must be read-only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostPath(String path, Boolean readOnly) {

    public boolean mustBeReadOnly() {
        return readOnly == null || readOnly;
    }
}
