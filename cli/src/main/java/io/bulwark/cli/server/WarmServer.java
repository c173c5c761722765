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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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

    private final Syscall sys;
    private final Path socket;
    private final int listener;
    private final ChildReaper reaper;
    private final Map<String, Backend> backends = new ConcurrentHashMap<>();
    private final PrintStream log;
    private volatile boolean closed;

    private WarmServer(Syscall sys, Path socket, int listener, ChildReaper reaper, PrintStream log) {
        this.sys = sys;
        this.socket = socket;
        this.listener = listener;
        this.reaper = reaper;
        this.log = log;
    }

    /** Binds the socket under {@code root}; fails if a server already listens there. */
    public static WarmServer bind(Syscall sys, Path root, PrintStream log) {
        try {
            Files.createDirectories(root);
        } catch (java.io.IOException e) {
            throw new BulwarkException("cannot create " + root + ": " + e.getMessage(), e);
        }
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
        return new WarmServer(sys, socket, fd, new ChildReaper(sys), log);
    }

    public Path socket() {
        return socket;
    }

    /** Serves connections until {@link #close}. */
    public void serve() {
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
            Thread t = new Thread(() -> handle(conn), "bulwark-request-" + conn);
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
            if (argv == null) {
                sys.writeAll(conn, WireFormat.frame(WireFormat.FALLBACK, 0));
                return;
            }
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

    @Override
    public void close() {
        closed = true;
        sys.unlink(socket.toString());
        ServerLibc.shutdown(listener);
        sys.close(listener);
        reaper.close();
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
