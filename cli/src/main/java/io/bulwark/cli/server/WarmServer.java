package io.bulwark.cli.server;

import io.bulwark.cli.Invocation;
import io.bulwark.cli.Main;
import io.bulwark.cli.SignalSource;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.api.Signals;
import io.bulwark.core.backend.Backend;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.sys.Syscall;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * The resident Bulwark server ({@code bulwark server}): a JVM that is already warm runs the command lines the native
 * client forwards, so a {@code bulwark run} costs a socket round trip instead of a JVM start.
 *
 * <p>It listens on {@code ROOT/:server.sock} (mode 0600, and every connection's SO_PEERCRED must be uid 0: only
 * root may ask it to do anything). Each connection is one command line, served on its own thread: the command
 * writes to the client's own stdout and stderr (received with SCM_RIGHTS), a container's workload gets the client's
 * stdin, stdout and stderr, signals the client receives arrive on the connection and reach that command only, and
 * the exit status goes back as the last frame. Children are reaped by one {@link ChildReaper}.
 */
public final class WarmServer implements AutoCloseable {
    /** The socket's name under the state root (':' cannot start a container id, so it never collides with one). */
    public static final String SOCKET = ":server.sock";
    /**
     * Held (an fcntl lock) by the one server of a root for its whole life and holding its pid: of two servers
     * started at once (two clients that found none), the second sees it taken and leaves.
     */
    public static final String LOCK = ":server.lock";
    private static final List<String> NAMESPACES = List.of("mnt", "pid", "net", "ipc", "uts", "user", "cgroup");

    private final Syscall sys;
    private final Path socket;
    private final int listener;
    private final ChildReaper reaper;
    private final Map<String, Backend> backends = new ConcurrentHashMap<>();
    private final PrintStream log;
    private final FileChannel lock;
    /** Guards the hand-over between accepting a connection and stopping for idleness. */
    private final Object lifecycle = new Object();
    private int inFlight;
    private long lastRequestEnd = System.nanoTime();
    private volatile boolean closed;
    private boolean released;

    private WarmServer(Syscall sys, Path socket, int listener, ChildReaper reaper, PrintStream log, FileChannel lock) {
        this.sys = sys;
        this.socket = socket;
        this.listener = listener;
        this.reaper = reaper;
        this.log = log;
        this.lock = lock;
    }

    /** Thrown by {@link #bind} when another server holds the root's lock. */
    public static final class AlreadyServed extends BulwarkException {
        AlreadyServed(String message) {
            super(message, Syscall.EEXIST);
        }
    }

    /** Takes the root's server lock and binds the socket under {@code root}; fails if a server already runs there. */
    public static WarmServer bind(Syscall sys, Path root, PrintStream log) {
        try {
            Files.createDirectories(root);
        } catch (java.io.IOException e) {
            throw new BulwarkException("cannot create " + root + ": " + e.getMessage(), e);
        }
        FileChannel lock = lock(root);
        try {
            WarmServer server = bindLocked(sys, root, log, lock);
            writePid(lock);
            return server;
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    private static FileChannel lock(Path root) {
        Path file = root.resolve(LOCK);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (java.io.IOException e) {
            throw new BulwarkException("cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            if (ch.tryLock() == null) {
                String pid = "";
                try {
                    pid = Files.readString(file).strip();
                } catch (java.io.IOException ignored) {
                    // the holder is still writing it
                }
                closeQuietly(ch);
                throw new AlreadyServed("a server already runs for " + root + (pid.isEmpty() ? "" : " (pid " + pid + ")"));
            }
        } catch (java.io.IOException e) {
            closeQuietly(ch);
            throw new BulwarkException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        return ch;
    }

    private static void writePid(FileChannel lock) {
        try {
            lock.truncate(0);
            lock.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (java.io.IOException e) {
            throw new BulwarkException("cannot write the server's pid: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (java.io.IOException ignored) {
            // closing releases the lock either way
        }
    }

    private static WarmServer bindLocked(Syscall sys, Path root, PrintStream log, FileChannel lock) {
        Path socket = root.resolve(SOCKET);
        if (Files.exists(socket)) {
            int probe = sys.socket(Syscall.AF_UNIX, Syscall.SOCK_STREAM);
            try {
                sys.connectUnix(probe, socket.toString());
                throw new BulwarkException("a server already listens on " + socket, Syscall.EEXIST);
            } catch (BulwarkException e) {
                if (e.errno() == Syscall.EEXIST) {
                    throw e;
                }
                sys.unlink(socket.toString()); // stale: its server is gone
            } finally {
                sys.close(probe);
            }
        }
        // Bound inside a private directory, made 0600 and only then moved into place: no moment where the socket
        // is open to anyone but root (the SO_PEERCRED check stays the real gate).
        int fd = sys.socket(Syscall.AF_UNIX, Syscall.SOCK_STREAM);
        Path privateDir = null;
        try {
            privateDir = Files.createTempDirectory(root, ".server-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path bound = privateDir.resolve("s");
            sys.bindUnix(fd, bound.toString(), 128);
            sys.chmod(bound.toString(), 0600);
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
        } catch (BulwarkException | java.io.IOException e) {
            sys.close(fd);
            throw e instanceof BulwarkException b ? b
                : new BulwarkException("cannot bind " + socket + ": " + e.getMessage(), e);
        } finally {
            if (privateDir != null) {
                try {
                    Files.deleteIfExists(privateDir.resolve("s"));
                    Files.deleteIfExists(privateDir);
                } catch (java.io.IOException ignored) {
                    // a leftover empty directory is harmless
                }
            }
        }
        return new WarmServer(sys, socket, fd, new ChildReaper(sys), log, lock);
    }

    public Path socket() {
        return socket;
    }

    /** Serves connections until {@link #close}. */
    public void serve() {
        serve(null);
    }

    /**
     * Serves connections until {@link #close} or, with an idle limit, until no request has been in flight and no
     * process the server started has been running for that long (an on-demand server leaves by itself then).
     */
    public void serve(Duration idleLimit) {
        if (idleLimit != null) {
            Thread watchdog = new Thread(() -> watchIdle(idleLimit.toNanos()), "bulwark-server-idle");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        while (!closed) {
            int conn;
            try {
                conn = sys.accept(listener);
            } catch (BulwarkException e) {
                if (closed) {
                    return;
                }
                if (e.errno() == Syscall.EINTR || e.errno() == Syscall.EAGAIN) {
                    continue;
                }
                throw e;
            }
            synchronized (lifecycle) {
                if (closed) {
                    // stopped for idleness between connect and accept: the client sees no acceptance and runs the
                    // command itself
                    sys.close(conn);
                    return;
                }
                inFlight++;
            }
            Thread t = new Thread(() -> {
                try {
                    handle(conn);
                } finally {
                    synchronized (lifecycle) {
                        inFlight--;
                        lastRequestEnd = System.nanoTime();
                    }
                }
            }, "bulwark-request-" + conn);
            t.setDaemon(true);
            t.start();
        }
    }

    private void handle(int conn) {
        int[] fds = new int[0];
        Thread reader = null;
        try {
            ServerLibc.PeerCredentials peer = ServerLibc.peer(conn);
            if (peer.uid() != 0) {
                log.println("bulwark server: refused a connection from uid " + peer.uid() + " (pid " + peer.pid() + ")");
                return;
            }
            Syscall.Message first = sys.recvmsg(conn, 64 * 1024, 3);
            fds = first.fds();
            WireFormat.Request request = WireFormat.decode(readPayload(conn, first.data()));
            if (fds.length != 3) {
                throw new BulwarkException("server request without the client's stdin, stdout and stderr");
            }
            List<String> argv = ClientArgs.rewrite(request.argv(), Path.of(request.cwd()));
            if (argv == null || !sharesNamespaces(peer.pid())) {
                sys.writeAll(conn, WireFormat.frame(WireFormat.FALLBACK, 0));
                return;
            }
            // from here on the command runs (or ran): the client must not run it again itself
            sys.writeAll(conn, WireFormat.frame(WireFormat.ACCEPTED, 0));
            ConnectionSignals signals = new ConnectionSignals();
            reader = new Thread(() -> signals.read(sys, conn), "bulwark-signals-" + conn);
            reader.setDaemon(true);
            reader.start();
            int status = run(argv, fds, signals);
            sys.writeAll(conn, WireFormat.frame(WireFormat.EXIT, status));
        } catch (BulwarkException e) {
            log.println("bulwark server: " + e.getMessage());
        } finally {
            ServerLibc.shutdown(conn);
            if (reader != null) {
                try {
                    reader.join(); // it returns at the shutdown; only then may the descriptor number be reused
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sys.close(conn);
            for (int fd : fds) {
                sys.close(fd);
            }
        }
    }

    private int run(List<String> argv, int[] fds, ConnectionSignals signals) {
        PrintStream out = new PrintStream(new FdOutputStream(sys, fds[1]), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FdOutputStream(sys, fds[2]), true, StandardCharsets.UTF_8);
        // One backend per name for the server's life: its shim memfd is made once, and every process it starts is
        // adopted by the one reaper. (Commands build a fresh backend each time; unused, it holds nothing.)
        UnaryOperator<Backend> reaping = b -> backends.computeIfAbsent(b.name(), n -> new ReapingBackend(b, reaper));
        int status = Main.run(argv, out, err, new Invocation(new Stdio(fds[0], fds[1], fds[2]), signals, reaping));
        out.flush();
        err.flush();
        return status;
    }

    /**
     * Whether the client sees the system as the server does: a command from another mount, pid, network, ... namespace
     * or from a chroot (an `unshare -m bulwark ...`) would mean other paths and processes here, so it runs in the
     * client's own JVM instead (the server may have been started from anywhere, on demand by its first client).
     */
    static boolean sharesNamespaces(int pid) {
        try {
            for (String ns : NAMESPACES) {
                if (!Files.readSymbolicLink(Path.of("/proc/self/ns", ns))
                    .equals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns", ns)))) {
                    return false;
                }
            }
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/root")).equals(Path.of("/"))
                && Files.readSymbolicLink(Path.of("/proc/self/root")).equals(Path.of("/"));
        } catch (java.io.IOException e) {
            return false; // the client is gone or hidden: nothing to serve
        }
    }

    /** The rest of a request whose first bytes came with the descriptors. */
    private byte[] readPayload(int conn, byte[] first) {
        byte[] data = first;
        while (data.length < WireFormat.HEADER) {
            data = append(conn, data, WireFormat.HEADER - data.length);
        }
        int total = WireFormat.HEADER + WireFormat.payloadLength(data);
        if (data.length > total) {
            throw new BulwarkException("server request: trailing bytes before the first frame");
        }
        while (data.length < total) {
            data = append(conn, data, total - data.length);
        }
        return Arrays.copyOfRange(data, WireFormat.HEADER, total);
    }

    private byte[] append(int conn, byte[] data, int want) {
        byte[] buf = new byte[Math.min(want, 64 * 1024)];
        int n = sys.read(conn, buf);
        if (n <= 0) {
            throw new BulwarkException("server request: the client hung up mid-request");
        }
        byte[] joined = Arrays.copyOf(data, data.length + n);
        System.arraycopy(buf, 0, joined, data.length, n);
        return joined;
    }

    private void watchIdle(long limit) {
        long tick = Math.max(10_000_000L, Math.min(1_000_000_000L, limit / 4));
        long idleSince = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(tick / 1_000_000L);
            } catch (InterruptedException e) {
                return;
            }
            boolean running = reaper.running() > 0; // a container's init or exec'd process waits for its exit
            synchronized (lifecycle) {
                long now = System.nanoTime();
                if (inFlight > 0 || running) {
                    idleSince = now;
                    continue;
                }
                long since = Math.max(idleSince, lastRequestEnd);
                if (now - since >= limit) {
                    log.println("bulwark server: idle for " + Duration.ofNanos(now - since).toSeconds() + " s, exiting");
                    stop();
                    return;
                }
            }
        }
    }

    /** New clients find no socket (they start another server or run cold); the accept loop ends. */
    private void stop() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            sys.unlink(socket.toString());
            ServerLibc.shutdown(listener);
        }
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            stop();
            if (released) {
                return;
            }
            released = true;
        }
        sys.close(listener);
        reaper.close();
        closeQuietly(lock); // last: a new server may take the root only once this one has let go of the socket
    }

    /** The signals one client forwards, for the command it asked for only. */
    static final class ConnectionSignals implements SignalSource {
        private record Handler(Set<Integer> signals, IntConsumer handler) {
        }

        private final List<Handler> handlers = new CopyOnWriteArrayList<>();
        /** Signals that came before the command asked for them: they are not lost, they wait for it. */
        private final List<Integer> early = new ArrayList<>();

        @Override
        public void forward(List<String> names, IntConsumer handler) {
            Set<Integer> numbers = new HashSet<>();
            for (String name : names) {
                numbers.add(Signals.parse(name));
            }
            List<Integer> pending;
            synchronized (this) {
                handlers.add(new Handler(numbers, handler));
                pending = new ArrayList<>(early);
                early.removeIf(numbers::contains);
            }
            for (int signal : pending) {
                if (numbers.contains(signal)) {
                    handler.accept(signal);
                }
            }
        }

        private void deliver(int signal) {
            boolean handled = false;
            synchronized (this) {
                for (Handler h : handlers) {
                    handled |= h.signals().contains(signal);
                }
                if (!handled) {
                    early.add(signal);
                    return;
                }
            }
            for (Handler h : handlers) {
                if (h.signals().contains(signal)) {
                    h.handler().accept(signal);
                }
            }
        }

        void read(Syscall sys, int conn) {
            byte[] frame = new byte[WireFormat.FRAME];
            int have = 0;
            try {
                for (;;) {
                    byte[] buf = new byte[WireFormat.FRAME - have];
                    int n = sys.read(conn, buf);
                    if (n <= 0) {
                        return;
                    }
                    System.arraycopy(buf, 0, frame, have, n);
                    have += n;
                    if (have == WireFormat.FRAME) {
                        have = 0;
                        deliver(WireFormat.frameValue(frame, WireFormat.SIGNAL));
                    }
                }
            } catch (BulwarkException e) {
                // the connection ended or spoke nonsense: no more signals for this command
            }
        }
    }
}
