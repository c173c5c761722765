package io.bulwark.core.plan;

import java.util.List;

/**
 * The process the shim finally executes, and the state it puts itself in first. Null means "leave as inherited".
 *
 * @param executable      the program to execve; null to look args[0] up in the PATH of {@code env} inside the container
 * @param args            argv
 * @param env             envp
 * @param cwd             working directory inside the container, or null
 * @param user            credentials, or null to stay root in the namespace
 * @param capabilities    capability sets, or null to keep them
 * @param rlimits         resource limits
 * @param noNewPrivileges set PR_SET_NO_NEW_PRIVS
 * @param oomScoreAdj     value for /proc/self/oom_score_adj, or null
 * @param terminal        give the process a new pty (master sent over the console socket)
 * @param apparmorProfile profile applied on execve, or null
 * @param seccomp         filter installed before execve, or null
 * @param consoleSize     the pty's window size when {@code terminal}, or null to leave the kernel's default
 */
public record ProcessPlan(
    String executable,
    List<String> args,
    List<String> env,
    String cwd,
    UserPlan user,
    CapabilityPlan capabilities,
    List<RlimitPlan> rlimits,
    boolean noNewPrivileges,
    Integer oomScoreAdj,
    boolean terminal,
    String apparmorProfile,
    SeccompPlan seccomp,
    ConsoleSizePlan consoleSize) {

    /** A process without a console size. */
    public ProcessPlan(String executable, List<String> args, List<String> env, String cwd, UserPlan user,
                       CapabilityPlan capabilities, List<RlimitPlan> rlimits, boolean noNewPrivileges,
                       Integer oomScoreAdj, boolean terminal, String apparmorProfile, SeccompPlan seccomp) {
        this(executable, args, env, cwd, user, capabilities, rlimits, noNewPrivileges, oomScoreAdj, terminal,
            apparmorProfile, seccomp, null);
    }

    public ProcessPlan {
        args = List.copyOf(args);
        env = List.copyOf(env);
        rlimits = List.copyOf(rlimits);
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a process needs at least one argument");
        }
    }
}
