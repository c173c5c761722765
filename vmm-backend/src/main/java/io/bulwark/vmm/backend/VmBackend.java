package io.bulwark.vmm.backend;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.Backend;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.backend.ExecRequest;
import io.bulwark.core.plan.Plan;
import io.bulwark.core.plan.SeccompPlan;
import io.bulwark.core.plan.SpecConverter;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.Mount;
import io.bulwark.core.spec.Namespace;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.spec.WallClockLimit;
import io.bulwark.core.state.ProcessInfo;
import io.bulwark.vmm.guest.GuestImage;
import io.bulwark.vmm.guest.GuestKernel;
import io.bulwark.vmm.kvm.NativeSyscalls;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.process.VmmLaunch;
import io.bulwark.vmm.process.VmmJail;
import io.bulwark.vmm.process.VmmProcess;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code vm} backend: the workload runs in a microVM under Bulwark's VMM. {@code create} writes the guest's
 * initramfs (the bundle's rootfs, the guest init and the workload's arguments) and starts the VMM as its own
 * confined process, which builds the VM and waits; {@code start} releases it; the VMM's exit status is the
 * workload's. The VMM process is what the state records as the container's init.
 */
public final class VmBackend implements Backend {
    /** Annotation naming another guest kernel (a bzImage) than the cached one. */
    public static final String KERNEL_ANNOTATION = "io.bulwark.vm.kernel";
    /** Annotation replacing the guest kernel command line. */
    public static final String CMDLINE_ANNOTATION = "io.bulwark.vm.cmdline";
    /**
     * Annotation giving the guest a wall-clock limit in whole seconds: past it the VMM stops the VM (exit 124). A
     * tenant's {@link WallClockLimit} applies as well; the smaller wins.
     */
    public static final String TIMEOUT_ANNOTATION = "io.bulwark.vm.timeout";
    static final String INITRAMFS = "vm-initramfs.cpio";
    /** The VMM's own directory (its user's, mode 0700): start FIFO, ready and error files, staged class path. */
    static final String VMM_DIR = "vmm";
    static final int SIGKILL = 9;
    static final int ESRCH = 3;
    private static final long READY_TIMEOUT_MS = 60_000;

    private final Syscalls sys;
    private final ProcessInfo processes;
    private final boolean confine;
    private final Map<Integer, java.lang.Process> children = new ConcurrentHashMap<>();

    public VmBackend() {
        this(NativeSyscalls.get(), ProcessInfo.host(), true);
    }

    /** @param confine false only for tests that inspect the VMM with tools it would refuse itself */
    public VmBackend(Syscalls sys, ProcessInfo processes, boolean confine) {
        this.sys = sys;
        this.processes = processes;
        this.confine = confine;
    }

    @Override
    public String name() {
        return "vm";
    }

    @Override
    public ContainerProcess create(CreateRequest r) {
        Spec spec = r.spec();
        Process process = spec.process();
        if (process == null || process.args() == null || process.args().isEmpty()) {
            throw BulwarkException.invalid("config.json", "process.args", "the vm backend needs a command to run");
        }
        GuestImage image = guestImage(spec, r); // refuses what a guest cannot do before anything is made
        VmSizing sizing = VmSizing.of(spec);
        Map<String, String> ann = spec.annotations() == null ? Map.of() : spec.annotations();
        long timeout = timeoutSeconds(ann);
        Path kernel = ann.containsKey(KERNEL_ANNOTATION) ? Path.of(ann.get(KERNEL_ANNOTATION)) : GuestKernel.bzImage();
        if (!Files.isRegularFile(kernel)) {
            throw new BulwarkException("guest kernel " + kernel + " not found"
                + (ann.containsKey(KERNEL_ANNOTATION) ? " (annotation " + KERNEL_ANNOTATION + ")"
                : "; scripts/fetch-guest-kernel.sh puts one there"));
        }
        VmmJail jail = VmmJail.fromEnvironment(System.getenv(VmmJail.USER_ENV));
        Path initramfs = r.stateDir().resolve(INITRAMFS);
        Path vmmDir = r.stateDir().resolve(VMM_DIR);
        int pid;
        try {
            try {
                Files.write(initramfs, image.initramfs());
                deleteTree(vmmDir);
                Files.createDirectory(vmmDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
                sys.mkfifo(vmmDir.resolve(VmmLaunch.START_FIFO).toString(), 0600);
            } catch (IOException e) {
                throw new BulwarkException("cannot prepare the VM in " + r.stateDir() + ": " + e.getMessage(), e);
            }
            VmmLaunch launch = new VmmLaunch(kernel.toAbsolutePath(), initramfs.toAbsolutePath(),
                ann.getOrDefault(CMDLINE_ANNOTATION, GuestKernel.CMDLINE), sizing.memoryMib(), sizing.vcpus(),
                timeout == 0 ? null : Duration.ofSeconds(timeout), vmmDir.toAbsolutePath(), confine);
            java.lang.Process vmm = VmmProcess.spawn(launch, jail, r.stdio(), false);
            pid = (int) vmm.pid();
            children.put(pid, vmm);
            awaitReady(vmm, vmmDir);
        } catch (RuntimeException e) {
            removeFiles(r.stateDir());
            throw e;
        }
        OptionalLong start = processes.startTime(pid);
        if (start.isEmpty()) {
            throw new BulwarkException("the VMM process " + pid + " ended during create");
        }
        return new ContainerProcess(pid, start.getAsLong());
    }

    /**
     * The guest's wall-clock limit in seconds, 0 for none: the smaller of {@link #TIMEOUT_ANNOTATION} and the
     * tenant's {@link WallClockLimit} (set by admission, which the linux backend's shim enforces). The VMM's own
     * timeout enforces it, so it holds for a detached container too, with nobody waiting.
     */
    static long timeoutSeconds(Map<String, String> ann) {
        long vm = vmTimeoutSeconds(ann);
        Long tenant = WallClockLimit.seconds(ann);
        if (tenant == null) {
            return vm;
        }
        return vm == 0 ? tenant : Math.min(vm, tenant);
    }

    private static long vmTimeoutSeconds(Map<String, String> ann) {
        String v = ann.get(TIMEOUT_ANNOTATION);
        if (v == null) {
            return 0;
        }
        try {
            long s = Long.parseLong(v.trim());
            if (s > 0) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw BulwarkException.invalid("config.json", "annotations[\"" + TIMEOUT_ANNOTATION + "\"]",
            "\"" + v + "\" is not a positive number of seconds");
    }

    /**
     * What the guest boots: the init plan the linux backend would run, as a guest plan (the rootfs and bind sources
     * carried into the initramfs, the id maps for the guest init to write). Without a linux section the workload
     * still gets every namespace but user inside the guest. What a guest cannot do is refused here, with its
     * JSON path.
     */
    static final List<Namespace> GUEST_NAMESPACES = List.of(new Namespace("mount", null), new Namespace("uts", null),
        new Namespace("ipc", null), new Namespace("pid", null), new Namespace("network", null),
        new Namespace("cgroup", null));

    public static GuestImage guestImage(Spec spec, CreateRequest r) {
        Spec s = spec.linux() != null ? spec : new Spec(spec.ociVersion(), spec.process(), spec.root(),
            spec.hostname(), spec.domainname(), spec.mounts(), spec.hooks(), spec.annotations(),
            new Linux(GUEST_NAMESPACES, null, null, null, null, null, null, null, null, null, null, null, null, null));
        Linux linux = s.linux();
        List<Namespace> namespaces = linux.namespaces() == null ? List.of() : linux.namespaces();
        for (int i = 0; i < namespaces.size(); i++) {
            if (namespaces.get(i).path() != null && !namespaces.get(i).path().isEmpty()) {
                throw BulwarkException.invalid("config.json", "linux.namespaces[" + i + "].path",
                    "the vm backend cannot join a namespace of the host from inside the guest");
            }
        }
        if (spec.process() != null && Boolean.TRUE.equals(spec.process().terminal())) {
            throw BulwarkException.invalid("config.json", "process.terminal",
                "the vm backend has no terminal support yet; the guest console is the container's stdio");
        }
        if (spec.process() != null && spec.process().apparmorProfile() != null
                && !spec.process().apparmorProfile().isEmpty()) {
            throw BulwarkException.invalid("config.json", "process.apparmorProfile",
                "the guest kernel has no AppArmor profiles loaded, so the vm backend cannot apply one");
        }
        if ((r.seccompFlags() & SeccompPlan.FLAG_NEW_LISTENER) != 0) {
            throw BulwarkException.invalid("config.json", "linux.seccomp",
                "a notify action needs a listener on the host, which a process in a guest cannot reach");
        }
        List<Mount> mounts = spec.mounts() == null ? List.of() : spec.mounts();
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            boolean bind = "bind".equals(m.type()) || m.options() != null
                && (m.options().contains("bind") || m.options().contains("rbind"));
            if (!bind || m.source() == null || m.source().isEmpty()) {
                continue;
            }
            Path source = r.bundle().resolve(m.source()).normalize();
            if (source.startsWith("/proc") || source.startsWith("/sys") || source.startsWith("/dev")) {
                throw BulwarkException.invalid("config.json", "mounts[" + i + "].source", "the vm backend copies "
                    + "bind sources into the guest, and " + source + " belongs to the host's kernel; mount the "
                    + "guest's own (type proc, sysfs, devpts, tmpfs) instead");
            }
            if (!Files.exists(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw BulwarkException.invalid("config.json", "mounts[" + i + "].source", source + " does not exist");
            }
        }
        Plan init = SpecConverter.convert(s, r.bundle(), r.noPivot(),
            r.seccompFilter() == null ? null : new SeccompPlan(r.seccompFlags(), r.seccompFilter()));
        return GuestImage.of(init, linux.uidMappings(), linux.gidMappings());
    }

    private void awaitReady(java.lang.Process vmm, Path stateDir) {
        try {
            VmmProcess.awaitReady(vmm, stateDir, READY_TIMEOUT_MS);
        } catch (BulwarkException e) {
            children.remove((int) vmm.pid());
            throw e;
        }
    }

    private static String exitValue(java.lang.Process p) {
        try {
            return Integer.toString(p.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void start(ContainerRecord c) {
        requireAlive(c);
        Path fifo = c.stateDir().resolve(VMM_DIR).resolve(VmmLaunch.START_FIFO);
        // Opening for reading completes the VMM's open for writing; its byte says it has gone on.
        try (FileInputStream in = new FileInputStream(fifo.toFile())) {
            if (in.read() < 0) {
                throw new BulwarkException("container " + c.id() + ": the VMM ended before it started the guest");
            }
        } catch (IOException e) {
            throw new BulwarkException("container " + c.id() + ": cannot start the VM: " + e.getMessage(), e);
        }
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException ignored) {
            // delete removes it later
        }
    }

    @Override
    public int awaitExit(ContainerProcess process) {
        java.lang.Process child = children.get(process.pid());
        if (child != null) {
            try {
                int code = child.waitFor();
                children.remove(process.pid());
                return code;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BulwarkException("interrupted while waiting for the VM", e);
            }
        }
        while (processes.isAlive(process.pid(), process.startTime())) {
            sleep(20);
        }
        throw new BulwarkException("process " + process.pid() + " was not started by this process; "
            + "its exit status is unknown", 10);
    }

    @Override
    public ContainerProcess exec(ContainerRecord container, ExecRequest request) {
        throw new BulwarkException("exec: the vm backend cannot run extra processes in a guest yet", 38);
    }

    @Override
    public void kill(ContainerRecord c, int signal, boolean all) {
        ContainerProcess init = c.init();
        if (init == null || !processes.isAlive(init.pid(), init.startTime())) {
            throw new BulwarkException("container " + c.id() + " is not running", ESRCH);
        }
        // The VMM is the container's only host process: signalling it stops the whole VM.
        int r = sys.kill(init.pid(), signal);
        if (r < 0 && -r != ESRCH) {
            throw new BulwarkException("kill " + init.pid() + ": " + sys.strerror(-r), -r);
        }
    }

    @Override
    public void delete(ContainerRecord c, boolean force) {
        ContainerProcess init = c.init();
        if (init != null && init.pid() > 0 && processes.isAlive(init.pid(), init.startTime())) {
            if (!force) {
                throw new BulwarkException("container " + c.id() + " is still running");
            }
            sys.kill(init.pid(), SIGKILL);
            long deadline = System.currentTimeMillis() + 10_000;
            while (processes.isAlive(init.pid(), init.startTime())) {
                if (System.currentTimeMillis() > deadline) {
                    throw new BulwarkException("the VMM process " + init.pid() + " did not end after SIGKILL");
                }
                sleep(5);
            }
        }
        if (init != null) {
            java.lang.Process child = children.remove(init.pid());
            if (child != null) {
                exitValue(child); // reap
            }
        }
        removeFiles(c.stateDir());
    }

    /** Removes what {@code create} put in a container's state directory. */
    private static void removeFiles(Path stateDir) {
        try {
            Files.deleteIfExists(stateDir.resolve(INITRAMFS));
            deleteTree(stateDir.resolve(VMM_DIR));
        } catch (IOException e) {
            throw new BulwarkException("cannot remove the VM's files in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void requireAlive(ContainerRecord c) {
        ContainerProcess init = c.init();
        if (init == null || !processes.isAlive(init.pid(), init.startTime())) {
            throw new BulwarkException("container " + c.id() + ": the VMM process is not running");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BulwarkException("interrupted", e);
        }
    }
}
