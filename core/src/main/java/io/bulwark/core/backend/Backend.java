package io.bulwark.core.backend;

/**
 * Where a container's workload runs. {@code linux} runs it in namespaces and cgroups on the host kernel,
 * {@code vm} inside a microVM. The lifecycle layer ({@code io.bulwark.core.api}) owns the state store, the
 * locking and the hooks; a backend only makes, releases, signals and removes the thing that holds the workload.
 */
public interface Backend {

    /** The name used in state files, annotations, policies and on the command line ({@code linux}, {@code vm}). */
    String name();

    /**
     * Sets the container up to the point where only the workload's execve is missing, and returns the process that
     * holds it (the container's init, or the VMM). That process waits until {@link #start} releases it.
     */
    ContainerProcess create(CreateRequest request);

    /** Releases a created container's workload. Returns once the workload has been told to run. */
    void start(ContainerRecord container);

    /**
     * Waits for a process this JVM created through {@link #create} or {@link #exec} to end, and returns its exit
     * status as a shell reports it: the exit code, or 128+N when signal N killed it.
     */
    int awaitExit(ContainerProcess process);

    /** Runs an extra process inside a running container, joined to all its namespaces and limits. */
    ContainerProcess exec(ContainerRecord container, ExecRequest request);

    /** Sends a signal to the container's init, or with {@code all} to every process of the container. */
    void kill(ContainerRecord container, int signal, boolean all);

    /**
     * Removes what the backend made for the container (cgroups, mounts, VM files). With {@code force} it first kills
     * whatever still runs. Must be safe to call again after a crash at any step.
     */
    void delete(ContainerRecord container, boolean force);
}
