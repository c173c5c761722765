package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `hooks`: lifecycle hooks. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hooks(
    List<Hook> prestart,
    List<Hook> createRuntime,
    List<Hook> createContainer,
    List<Hook> startContainer,
    List<Hook> poststart,
    List<Hook> poststop) {
}
