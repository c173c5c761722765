package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One hook: an absolute path, its argv, env and a timeout in seconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hook(
    String path,
    List<String> args,
    List<String> env,
    Integer timeout) {
}
