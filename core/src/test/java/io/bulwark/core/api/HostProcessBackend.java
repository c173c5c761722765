package io.bulwark.core.api;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.Backend;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.backend.ExecRequest;
import io.bulwark.core.state.ProcessInfo;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend for lifecycle tests that needs no privileges: the "container" is a host shell that blocks on a FIFO
 * in the state directory until start, then execs the config's args. It isolates nothing.
 */
final class HostProcessBackend implements Backend {
    final Map<Integer, Process> children = new ConcurrentHashMap<>();
    final List<String> deleted = new ArrayList<>();
    boolean failCreate;

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public ContainerProcess create(CreateRequest request) {
        if (failCreate) {
            throw new BulwarkException("exec: \"" + request.spec().process().args().get(0) + "\": not found", 2);
        }
        Path fifo = request.stateDir().resolve("exec.fifo");
        try {
            new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", "read _ < \"$0\"; exec \"$@\"", fifo.toString()));
            cmd.addAll(request.spec().process().args());
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            children.put((int) p.pid(), p);
            long start = ProcessInfo.host().startTime((int) p.pid()).orElseThrow();
            return new ContainerProcess((int) p.pid(), start);
        } catch (IOException | InterruptedException e) {
            throw new BulwarkException("cannot start: " + e.getMessage(), e);
        }
    }

    @Override
    public void start(ContainerRecord container) {
        Path fifo = container.stateDir().resolve("exec.fifo");
        try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
            out.write('\n');
            Files.delete(fifo);
        } catch (IOException e) {
            throw new BulwarkException("cannot start: " + e.getMessage(), e);
        }
    }

    @Override
    public int awaitExit(ContainerProcess process) {
        try {
            return children.get(process.pid()).waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException("interrupted");
        }
    }

    @Override
    public ContainerProcess exec(ContainerRecord container, ExecRequest request) {
        throw new BulwarkException("exec is not supported by the host-process test backend");
    }

    @Override
    public void kill(ContainerRecord container, int signal, boolean all) {
        try {
            new ProcessBuilder("kill", "-" + signal, Integer.toString(container.init().pid())).start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new BulwarkException("kill: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(ContainerRecord container, boolean force) {
        Process p = children.get(container.init().pid());
        if (p != null && force) {
            p.destroyForcibly();
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleted.add(container.id());
    }
}
