package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `process`: the container's workload. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Process(
    Boolean terminal,
    ConsoleSize consoleSize,
    User user,
    List<String> args,
    String commandLine,
    List<String> env,
    String cwd,
    Capabilities capabilities,
    List<Rlimit> rlimits,
    Boolean noNewPrivileges,
    String apparmorProfile,
    Integer oomScoreAdj,
    Scheduler scheduler,
    String selinuxLabel,
    IoPriority ioPriority,
    ExecCpuAffinity execCPUAffinity) {
}
