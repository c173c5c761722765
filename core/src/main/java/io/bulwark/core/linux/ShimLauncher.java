package io.bulwark.core.linux;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.plan.FdPlan;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.PlanEncoder;
import io.bulwark.core.sys.Syscall;
import io.bulwark.core.sys.Syscall.FileAction;
import java.util.ArrayList;
import java.util.List;

/**
 * Spawns the shim with posix_spawn so that exactly the descriptors it needs reach it, laid out as
 * docs/plan-format.md says: 0-2 stdio, 3 .. 3+P-1 the preserved descriptors, then the plan (a sealed memfd), the
 * sync socket, the console socket and the exec FIFO. Everything else is closed in the child
 * (posix_spawn_file_actions_addclosefrom_np), whatever the JVM has open.
 */
public final class ShimLauncher {
    private final Syscall sys;
    private final ShimBinary binary;

    public ShimLauncher(Syscall sys, ShimBinary binary) {
        this.sys = sys;
        this.binary = binary;
    }

    /**
     * Starts {@code bulwark-shim MODE PLANFD}.
     *
     * @param consoleFd a socket connected to the console socket, or -1 (stays the caller's to close)
     * @param fifoFd    an O_PATH descriptor of the exec FIFO, or -1 (stays the caller's to close)
     */
    public ShimChannel spawn(String mode, Plan plan, Stdio stdio, int preserveFds, int consoleFd, int fifoFd) {
        int base = 3 + preserveFds;
        int planTarget = base;
        int syncTarget = base + 1;
        int next = base + 2;
        int consoleTarget = consoleFd >= 0 ? next++ : -1;
        int fifoTarget = fifoFd >= 0 ? next++ : -1;
        // The shim's own binary: execve runs after the file actions, so its memfd must survive them. The shim marks
        // it close-on-exec with everything else above the workload's descriptors.
        int binaryTarget = next++;
        byte[] encoded = PlanEncoder.encode(plan.withFds(new FdPlan(syncTarget, consoleTarget, fifoTarget, preserveFds)));

        List<Integer> opened = new ArrayList<>();
        int[] pair = null;
        int planFd = -1;
        try {
            pair = sys.socketpair(Syscall.AF_UNIX, Syscall.SOCK_SEQPACKET);
            planFd = sys.memfdCreate("bulwark-plan", Syscall.MFD_CLOEXEC | Syscall.MFD_ALLOW_SEALING);
            sys.writeAll(planFd, encoded);
            sys.addSeals(planFd, Syscall.F_SEAL_SEAL | Syscall.F_SEAL_SHRINK | Syscall.F_SEAL_GROW | Syscall.F_SEAL_WRITE);

            // Move every source above every target first, so no dup2 can clobber a source still to be copied.
            int high = next + 8;
            List<int[]> moves = new ArrayList<>();
            moves.add(new int[] {stdio.in(), 0});
            moves.add(new int[] {stdio.out(), 1});
            moves.add(new int[] {stdio.err(), 2});
            for (int fd = 3; fd < base; fd++) {
                moves.add(new int[] {fd, fd});
            }
            moves.add(new int[] {planFd, planTarget});
            moves.add(new int[] {pair[1], syncTarget});
            if (consoleFd >= 0) {
                moves.add(new int[] {consoleFd, consoleTarget});
            }
            if (fifoFd >= 0) {
                moves.add(new int[] {fifoFd, fifoTarget});
            }
            List<FileAction> actions = new ArrayList<>();
            for (int[] m : moves) {
                int copy = sys.dupAtLeast(m[0], high);
                opened.add(copy);
                actions.add(new FileAction.Dup2(copy, m[1]));
            }
            int binaryCopy = sys.dupAtLeast(binary.fd(), high);
            opened.add(binaryCopy);
            actions.add(new FileAction.Dup2(binaryCopy, binaryTarget));
            actions.add(new FileAction.CloseFrom(next));
            int pid = sys.posixSpawn("/proc/self/fd/" + binaryTarget, List.of("bulwark-shim", mode, Integer.toString(planTarget)),
                List.of(), actions);
            ShimChannel channel = new ShimChannel(sys, pid, pair[0]);
            pair[0] = -1;
            return channel;
        } finally {
            for (int fd : opened) {
                sys.close(fd);
            }
            if (planFd >= 0) {
                sys.close(planFd);
            }
            if (pair != null) {
                if (pair[0] >= 0) {
                    sys.close(pair[0]);
                }
                sys.close(pair[1]);
            }
        }
    }

    /**
     * The Java end of a running shim: its stage-0 pid and the sync socket.
     */
    public static final class ShimChannel implements AutoCloseable {
        private final Syscall sys;
        private final int stage0;
        private int fd;
        private boolean stage0Reaped;

        ShimChannel(Syscall sys, int stage0, int fd) {
            this.sys = sys;
            this.stage0 = stage0;
            this.fd = fd;
        }

        public int stage0() {
            return stage0;
        }

        /** The next message, {@link SyncMessage#eof()} when the shim side is closed. */
        public SyncMessage receive(long timeoutMillis, String waitingFor) {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            for (;;) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw new BulwarkException("timed out after " + timeoutMillis / 1000 + " s waiting for " + waitingFor);
                }
                int revents = sys.poll(fd, Syscall.POLLIN, (int) Math.min(left, 1000));
                if (revents != 0) {
                    Syscall.Message m = sys.recvmsg(fd, SyncMessage.MAX, 1);
                    return SyncMessage.decode(m.data(), m.fds());
                }
            }
        }

        public void send(int type) {
            sys.sendmsg(fd, SyncMessage.encode(type), null);
        }

        /** Reaps stage 0 (it exits right after reporting the pid, or after an error); returns its status. */
        public Syscall.WaitStatus reapStage0() {
            if (stage0Reaped) {
                return null;
            }
            Syscall.WaitStatus s = sys.waitpid(stage0, 0);
            stage0Reaped = true;
            return s;
        }

        /** Kills and reaps stage 0 if it is still there (after a failure). */
        public void abort() {
            if (!stage0Reaped) {
                sys.kill(stage0, 9);
                try {
                    reapStage0();
                } catch (BulwarkException ignored) {
                    stage0Reaped = true;
                }
            }
        }

        @Override
        public void close() {
            if (fd >= 0) {
                sys.close(fd);
                fd = -1;
            }
        }
    }
}
