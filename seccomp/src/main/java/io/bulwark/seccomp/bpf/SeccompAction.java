package io.bulwark.seccomp.bpf;

/**
 * The kernel's seccomp return actions ({@code SECCOMP_RET_*}), with their OCI names. The low 16 bits of a return
 * value carry data (the errno for ERRNO, the message for TRACE).
 */
public enum SeccompAction {
    KILL_PROCESS(0x80000000, "SCMP_ACT_KILL_PROCESS"),
    KILL_THREAD(0x00000000, "SCMP_ACT_KILL_THREAD"),
    TRAP(0x00030000, "SCMP_ACT_TRAP"),
    ERRNO(0x00050000, "SCMP_ACT_ERRNO"),
    NOTIFY(0x7fc00000, "SCMP_ACT_NOTIFY"),
    TRACE(0x7ff00000, "SCMP_ACT_TRACE"),
    LOG(0x7ffc0000, "SCMP_ACT_LOG"),
    ALLOW(0x7fff0000, "SCMP_ACT_ALLOW");

    /** {@code SECCOMP_RET_ACTION_FULL}. */
    public static final int ACTION_MASK = 0xffff0000;
    /** {@code SECCOMP_RET_DATA}. */
    public static final int DATA_MASK = 0x0000ffff;

    public final int base;
    public final String ociName;

    SeccompAction(int base, String ociName) {
        this.base = base;
        this.ociName = ociName;
    }

    /** Whether the low 16 bits of the return value mean something for this action. */
    public boolean carriesData() {
        return this == ERRNO || this == TRACE;
    }

    /** The action of a filter return value as the kernel reads it: unknown actions count as KILL_PROCESS. */
    public static SeccompAction ofReturnValue(int ret) {
        int action = ret & ACTION_MASK;
        for (SeccompAction a : values()) {
            if (a.base == action) {
                return a;
            }
        }
        return KILL_PROCESS;
    }

    /**
     * The action for an OCI name ({@code SCMP_ACT_KILL} is the old name of KILL_THREAD), or null when unknown.
     */
    public static SeccompAction ofOciName(String name) {
        if ("SCMP_ACT_KILL".equals(name)) {
            return KILL_THREAD;
        }
        for (SeccompAction a : values()) {
            if (a.ociName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
