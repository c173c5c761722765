package io.bulwark.vmm.process;

import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.vmm.kvm.NativeSyscalls;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/**
 * A JVM that confines itself exactly as the VMM process does (same warm-up, same filter, same installation), then
 * does one thing: {@code jvm} (the JVM's own work: GC, threads, JIT, sleeping, exceptions, lambdas), {@code wait}
 * (blocks on stdin so that a test can read its /proc status), or one system call made directly, from the main
 * thread or from a thread started before the filter: {@code socket}, {@code socket-early-thread}, {@code execve},
 * {@code clone3}. Run by {@link VmmConfinementKernelTest}; prints what it sees, exits 0 when it survives.
 */
public final class ConfinedProbe {
    private ConfinedProbe() {
    }

    /** syscall(2) with integer arguments. */
    public interface Raw {
        @SaveError long syscall(long number, long a1, long a2, long a3);
    }

    static final long SYS_GETPID = 39;
    static final long SYS_SOCKET = 41;
    static final long SYS_EXECVE = 59;
    static final long SYS_CLONE3 = 435;

    public static void main(String[] args) throws Exception {
        String what = args[0];
        Raw raw = LibraryLoader.create(Raw.class).load("c");
        jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getRuntime(raw);
        raw.syscall(SYS_GETPID, 0, 0, 0); // jnr-ffi builds the stub on the first call
        LastError.getLastError(runtime);
        CountDownLatch go = new CountDownLatch(1);
        Thread early = new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("socket from the early thread returned " + raw.syscall(SYS_SOCKET, 2, 1, 0));
        }, "probe-early");
        early.start();

        WarmUp.run(NativeSyscalls.get());
        byte[] filter = VmmConfinement.compile(Libseccomp.get(), ProcessHandle.current().pid(),
            VmmConfinement.Mode.KILL);
        VmmConfinement.apply(NativeSyscalls.get(), filter);
        System.out.println("confined");
        System.out.flush();

        switch (what) {
            case "jvm" -> System.out.println("jvm ok " + exerciseTheJvm());
            case "wait" -> {
                while (System.in.read() >= 0) {
                    // until the test closes stdin
                }
            }
            case "socket" -> System.out.println("socket returned " + raw.syscall(SYS_SOCKET, 2, 1, 0));
            case "socket-early-thread" -> {
                go.countDown();
                early.join();
            }
            case "execve" -> System.out.println("execve returned " + raw.syscall(SYS_EXECVE, 0, 0, 0));
            case "clone3" -> {
                long r = raw.syscall(SYS_CLONE3, 0, 0, 0);
                System.out.println("clone3 returned " + r + " errno " + LastError.getLastError(runtime));
            }
            default -> throw new IllegalArgumentException(what);
        }
        early.interrupt();
        System.out.flush();
        System.exit(0);
    }

    /** Garbage collections, new threads, a thread pool, sleeps, exceptions with stack traces, lambdas, JIT. */
    static long exerciseTheJvm() throws Exception {
        long sum = 0;
        List<byte[]> keep = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[100_000];
            b[i % b.length] = (byte) i;
            sum += b[i % b.length];
            if (i % 100 == 0) {
                keep.add(b);
            }
        }
        System.gc();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int seed = t;
            results.add(pool.submit(() -> {
                Thread.sleep(20);
                long s = 0;
                for (int i = 0; i < 2_000_000; i++) {
                    s += Integer.toString(i + seed).hashCode();
                }
                return s;
            }));
        }
        for (Future<Long> f : results) {
            sum += f.get();
        }
        pool.shutdown();
        try {
            Object o = null;
            o.hashCode();
        } catch (NullPointerException e) {
            sum += e.getStackTrace().length + String.format("%s %08x", e.getMessage(), sum).length();
        }
        return sum + keep.size();
    }
}
