package io.bulwark.seccomp.kernel;

import io.bulwark.core.sys.LibcSyscall;
import io.bulwark.core.sys.Syscall;
import io.bulwark.seccomp.libseccomp.Libseccomp;
import io.bulwark.seccomp.notify.NotifyResponse;
import io.bulwark.seccomp.notify.SeccompNotification;
import io.bulwark.seccomp.notify.SeccompNotifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A seccomp agent for tests, listening at a {@code listenerPath}: takes one hand-off (state JSON plus the listener
 * fd, SCM_RIGHTS), answers one notification, and keeps what it saw.
 */
public final class OneShotListener implements AutoCloseable {
    private final Syscall sys = LibcSyscall.get();
    private final Path socket;
    private final int server;
    private volatile String state;
    private volatile SeccompNotification call;

    public OneShotListener(Path socket) {
        this.socket = socket;
        this.server = sys.socket(Syscall.AF_UNIX, Syscall.SOCK_STREAM);
        sys.bindUnix(server, socket.toString(), 1);
    }

    /** Serves one hand-off and one notification in the background. */
    public CompletableFuture<Void> answerOnce(Function<SeccompNotification, NotifyResponse> answer) {
        return CompletableFuture.runAsync(() -> {
            int conn = sys.accept(server);
            Syscall.Message m = sys.recvmsg(conn, 65536, 4);
            sys.close(conn);
            state = new String(m.data(), StandardCharsets.UTF_8);
            int fd = m.fds()[0];
            try (SeccompNotifier n = new SeccompNotifier(Libseccomp.get())) {
                SeccompNotification c = n.receive(fd);
                call = c;
                n.respond(fd, answer.apply(c));
            } finally {
                sys.close(fd);
            }
        });
    }

    /** The container process state JSON that came with the fd. */
    public String state() {
        return state;
    }

    /** The notification that was answered. */
    public SeccompNotification call() {
        return call;
    }

    @Override
    public void close() throws IOException {
        sys.close(server);
        Files.deleteIfExists(socket);
    }
}
