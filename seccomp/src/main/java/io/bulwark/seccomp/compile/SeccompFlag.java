package io.bulwark.seccomp.compile;

import io.bulwark.core.spi.SeccompProgram;

/** The filter flags an OCI profile may name in {@code linux.seccomp.flags}. */
public enum SeccompFlag {
    TSYNC("SECCOMP_FILTER_FLAG_TSYNC", SeccompProgram.FLAG_TSYNC),
    LOG("SECCOMP_FILTER_FLAG_LOG", SeccompProgram.FLAG_LOG),
    SPEC_ALLOW("SECCOMP_FILTER_FLAG_SPEC_ALLOW", SeccompProgram.FLAG_SPEC_ALLOW),
    WAIT_KILLABLE_RECV("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SeccompProgram.FLAG_WAIT_KILLABLE_RECV);

    public final String ociName;
    public final int bit;

    SeccompFlag(String ociName, int bit) {
        this.ociName = ociName;
        this.bit = bit;
    }

    public static SeccompFlag ofOciName(String name) {
        for (SeccompFlag f : values()) {
            if (f.ociName.equals(name)) {
                return f;
            }
        }
        return null;
    }
}
