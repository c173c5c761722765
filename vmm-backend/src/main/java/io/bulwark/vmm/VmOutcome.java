package io.bulwark.vmm;

import java.util.List;

/**
 * How a VM ended.
 *
 * @param kind      what ended it
 * @param status    the guest's exit status when {@code kind} is {@link Kind#EXITED}, else -1
 * @param detail    a human description (the unhandled exit, the timeout...)
 * @param registers one register dump per vCPU when the VM ended abnormally (timeout, fault, unhandled exit)
 */
public record VmOutcome(Kind kind, int status, String detail, List<String> registers) {
    public enum Kind {
        /** The guest wrote its status to the exit device. */
        EXITED(-1),
        /** The guest reset the machine without reporting a status. */
        RESET(0),
        /** The wall-clock timeout expired. */
        TIMEOUT(124),
        /** The guest triple-faulted. */
        TRIPLE_FAULT(125),
        /** A vCPU exit the VMM does not handle, or a failed KVM call. */
        UNHANDLED_EXIT(126),
        /** Stopped from the host ({@link Vm#kill}). */
        KILLED(137);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    public VmOutcome {
        registers = List.copyOf(registers);
    }

    /** The exit code for the command line: the guest's status, or a fixed code per abnormal end. */
    public int exitCode() {
        return kind == Kind.EXITED ? status : kind.exitCode;
    }

    /** One line for the operator: what happened and, for abnormal ends, the registers. */
    public String describe() {
        StringBuilder s = new StringBuilder(detail);
        for (String r : registers) {
            s.append("\n  ").append(r);
        }
        return s.toString();
    }
}
