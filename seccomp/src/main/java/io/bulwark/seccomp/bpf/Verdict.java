package io.bulwark.seccomp.bpf;

/**
 * What a seccomp filter decides for one syscall: an action plus its 16-bit data (errno or trace message; 0 for
 * the other actions).
 */
public record Verdict(SeccompAction action, int data) {
    public Verdict {
        if (data < 0 || data > 0xffff) {
            throw new IllegalArgumentException("seccomp return data " + data + " is not 0..65535");
        }
        if (!action.carriesData() && data != 0) {
            throw new IllegalArgumentException(action + " carries no data");
        }
    }

    public static Verdict of(SeccompAction action) {
        return new Verdict(action, 0);
    }

    public static Verdict errno(int errno) {
        return new Verdict(SeccompAction.ERRNO, errno);
    }

    /** Decodes a filter's 32-bit return value as the kernel does. */
    public static Verdict decode(int ret) {
        SeccompAction a = SeccompAction.ofReturnValue(ret);
        return new Verdict(a, a.carriesData() ? ret & SeccompAction.DATA_MASK : 0);
    }

    /** The 32-bit filter return value. */
    public int encode() {
        return action.base | data;
    }

    /** E.g. {@code SCMP_ACT_ERRNO(1) EPERM}, {@code SCMP_ACT_ALLOW}. */
    @Override
    public String toString() {
        if (action == SeccompAction.ERRNO) {
            String name = Errno.name(data);
            return action.ociName + "(" + data + ")" + (name == null ? "" : " " + name);
        }
        if (action == SeccompAction.TRACE) {
            return action.ociName + "(" + data + ")";
        }
        return action.ociName;
    }
}
