package io.bulwark.core.plan;

/**
 * Where the shim finds its descriptors. Descriptors 0-2 are the process's stdio and 3 .. 3+preserveFds-1 are
 * passed on to the workload; the shim's own descriptors follow them.
 *
 * @param sync        the SOCK_SEQPACKET socket to Java
 * @param console     a socket connected to the console socket (pty master goes there), or -1
 * @param execFifo    an O_PATH descriptor of the exec FIFO (init only), or -1
 * @param preserveFds how many descriptors after stdio the workload keeps
 */
public record FdPlan(int sync, int console, int execFifo, int preserveFds) {
    public static final FdPlan UNASSIGNED = new FdPlan(-1, -1, -1, 0);
}
