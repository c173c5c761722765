package io.bulwark.cli.server;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.sys.Syscall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The resident server's one reaper. The server is the parent of every container init and exec'd process it starts
 * (the shim clones them with CLONE_PARENT), and it lives on after the request that made them: without a reaper a
 * detached container would stay a zombie of the server. Each such process is adopted once it exists; one thread
 * polls their pidfds, reaps each with waitpid on its own pid when it ends, and hands the status to whoever awaits
 * it, now or later (statuses are kept for a minute). It never waits for "any child", so processes it has not
 * adopted (the shim's first stage, hooks, the JDK's own children) keep their statuses for their own waitpid.
 *
 * <p>A request that waits for a process it started (a foreground {@code run}) claims it from the reaper and reaps it
 * on its own thread: one wake-up when the workload ends instead of two (the reaper's, then the request's), which
 * matters on a loaded machine. Exactly one thread ever calls waitpid for a pid: whoever removes its pidfd from the
 * watched set.
 */
public final class ChildReaper implements AutoCloseable {
    private static final long KEEP_NANOS = 60_000_000_000L;

    private final Syscall sys;
    private final int[] wake;
    private final Map<Integer, Integer> pidfds = new HashMap<>();
    private final Map<Integer, CompletableFuture<Integer>> statuses = new HashMap<>();
    private final Map<Integer, Long> reapedAt = new HashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    public ChildReaper(Syscall sys) {
        this.sys = sys;
        this.wake = sys.pipe();
        this.thread = new Thread(this::loop, "bulwark-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts watching a child of this process that has not been reaped yet. */
    public void adopt(int pid) {
        synchronized (this) {
            CompletableFuture<Integer> old = statuses.get(pid);
            if (old != null && !old.isDone()) {
                return;
            }
            int fd = ServerLibc.pidfdOpen(pid);
            pidfds.put(pid, fd);
            statuses.put(pid, new CompletableFuture<>());
            reapedAt.remove(pid);
        }
        sys.writeAll(wake[1], new byte[] {1});
    }

    /** How many adopted processes have not ended (or not been reaped) yet. */
    public synchronized int running() {
        int n = 0;
        for (CompletableFuture<Integer> f : statuses.values()) {
            n += f.isDone() ? 0 : 1;
        }
        return n;
    }

    public synchronized boolean adopted(int pid) {
        return statuses.containsKey(pid);
    }

    /** The exit status (128+N for signal N) of an adopted process, once it has ended. */
    public int await(int pid) {
        CompletableFuture<Integer> f;
        Integer claimed;
        synchronized (this) {
            f = statuses.get(pid);
            claimed = f == null || f.isDone() ? null : pidfds.remove(pid);
        }
        if (f == null) {
            throw new BulwarkException("process " + pid + " is not a child of this server", Syscall.ECHILD);
        }
        if (claimed != null) {
            sys.writeAll(wake[1], new byte[] {1}); // the reaper stops watching it
            try {
                waitFor(pid, f);
            } finally {
                sys.close(claimed);
            }
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException("interrupted while waiting for process " + pid, Syscall.EINTR);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof BulwarkException b ? b : new BulwarkException(e.getCause().toString(), e);
        }
    }

    private void loop() {
        byte[] drain = new byte[64];
        while (!closed) {
            List<Integer> pids = new ArrayList<>();
            int[] fds;
            synchronized (this) {
                fds = new int[pidfds.size() + 1];
                fds[0] = wake[0];
                int i = 1;
                for (Map.Entry<Integer, Integer> e : pidfds.entrySet()) {
                    pids.add(e.getKey());
                    fds[i++] = e.getValue();
                }
                expire();
            }
            boolean[] ready;
            try {
                ready = ServerLibc.pollIn(fds, 5_000);
            } catch (BulwarkException e) {
                continue;
            }
            if (ready[0] && !closed) {
                sys.read(wake[0], drain);
            }
            for (int i = 1; i < fds.length; i++) {
                if (ready[i]) {
                    reap(pids.get(i - 1));
                }
            }
        }
    }

    private void reap(int pid) {
        CompletableFuture<Integer> f;
        synchronized (this) {
            Integer fd = pidfds.remove(pid);
            if (fd == null) {
                return; // claimed by a request that waits for it itself
            }
            sys.close(fd);
            f = statuses.get(pid);
        }
        waitFor(pid, f);
    }

    /** Reaps {@code pid} (its exit is imminent or has happened) and completes its status. */
    private void waitFor(int pid, CompletableFuture<Integer> f) {
        try {
            Syscall.WaitStatus s = sys.waitpid(pid, 0);
            f.complete(s.shellStatus());
        } catch (BulwarkException e) {
            // ECHILD: someone reaped it first (delete --force kills and reaps); its status is gone
            f.completeExceptionally(new BulwarkException("process " + pid + " was reaped elsewhere; "
                + "its exit status is unknown", e.errno()));
        } finally {
            synchronized (this) {
                reapedAt.put(pid, System.nanoTime());
            }
        }
    }

    private void expire() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<Integer, Long>> it = reapedAt.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Integer, Long> e = it.next();
            if (now - e.getValue() > KEEP_NANOS) {
                statuses.remove(e.getKey());
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sys.writeAll(wake[1], new byte[] {1});
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (int fd : pidfds.values()) {
                sys.close(fd);
            }
            pidfds.clear();
        }
        sys.close(wake[0]);
        sys.close(wake[1]);
    }
}
