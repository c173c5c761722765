package io.bulwark.cli.server;

import io.bulwark.core.backend.Backend;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.backend.ExecRequest;

/**
 * A backend as the resident server runs it: every process it makes is adopted by the server's {@link ChildReaper},
 * and waiting for one goes through the reaper, never through a second waitpid that could race it.
 */
final class ReapingBackend implements Backend {
    private final Backend delegate;
    private final ChildReaper reaper;

    ReapingBackend(Backend delegate, ChildReaper reaper) {
        this.delegate = delegate;
        this.reaper = reaper;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public ContainerProcess create(CreateRequest request) {
        ContainerProcess p = delegate.create(request);
        reaper.adopt(p.pid());
        return p;
    }

    @Override
    public void start(ContainerRecord container) {
        delegate.start(container);
    }

    @Override
    public int awaitExit(ContainerProcess process) {
        if (reaper.adopted(process.pid())) {
            return reaper.await(process.pid());
        }
        return delegate.awaitExit(process);
    }

    @Override
    public ContainerProcess exec(ContainerRecord container, ExecRequest request) {
        ContainerProcess p = delegate.exec(container, request);
        reaper.adopt(p.pid());
        return p;
    }

    @Override
    public void kill(ContainerRecord container, int signal, boolean all) {
        delegate.kill(container, signal, all);
    }

    @Override
    public void delete(ContainerRecord container, boolean force) {
        delegate.delete(container, force);
    }
}
