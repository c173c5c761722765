package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** `linux.seccomp.syscalls[]`: a rule for a set of syscall names. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeccompSyscall(
    List<String> names,
    String action,
    Long errnoRet,
    List<SeccompArg> args) {
}
