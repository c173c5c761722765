package io.bulwark.vmm.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.backend.Stdio;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.Linux;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.Process;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.Root;
import io.bulwark.core.spec.Spec;
import io.bulwark.core.state.ProcessInfo;
import io.bulwark.core.testing.Requirements;
import io.bulwark.vmm.guest.GuestKernel;
import io.bulwark.vmm.guest.GuestRootfs;
import io.bulwark.vmm.kvm.Kvm;
import io.bulwark.vmm.kvm.NativeSyscalls;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.process.VmmJail;
import io.bulwark.vmm.process.VmmLaunch;
import io.bulwark.vmm.testkernel.TestKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vm backend on the real /dev/kvm, with test kernels standing in for Linux where KVM cannot run one. */
class VmBackendTest {
    @TempDir
    Path tmp;

    private final VmBackend backend = new VmBackend();
    private final Syscalls sys = NativeSyscalls.get();
    private final List<ContainerRecord> created = new java.util.ArrayList<>();
    private final List<Integer> fds = new java.util.ArrayList<>();

    /** As a state root is (0711): the VMM's user must reach its directory inside a container's state directory. */
    @org.junit.jupiter.api.BeforeEach
    void searchableTemporaryDirectory() throws Exception {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterEach
    void cleanUp() {
        for (ContainerRecord c : created) {
            backend.delete(c, true);
        }
        for (int fd : fds) {
            sys.close(fd);
        }
    }

    static Spec spec(List<String> args, Map<String, String> annotations, Resources resources) {
        Process p = new Process(false, null, null, args, null, List.of("PATH=/bin"), "/", null, null, true, null,
            null, null, null, null, null);
        Linux linux = resources == null ? null : new Linux(null, null, null, null, null, null, resources, null, null,
            null, null, null, null, null);
        return new Spec("1.2.0", p, new Root("rootfs", false), "vm", null, List.of(), null, annotations, linux);
    }

    private Path output;

    private ContainerRecord create(String id, byte[] kernel, List<String> args, Map<String, String> extra)
            throws Exception {
        return create(id, kernel, args, extra, Path.of("/dev/null"));
    }

    private ContainerRecord create(String id, byte[] kernel, List<String> args, Map<String, String> extra, Path stdin)
            throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve(id));
        Files.createDirectories(bundle.resolve("rootfs/etc"));
        Files.writeString(bundle.resolve("rootfs/etc/motd"), "hi\n");
        Path state = Files.createDirectories(tmp.resolve("state-" + id));
        Map<String, String> ann = new HashMap<>(extra);
        if (kernel != null) {
            Path k = bundle.resolve("kernel");
            Files.write(k, kernel);
            ann.put(VmBackend.KERNEL_ANNOTATION, k.toString());
        }
        output = Files.createFile(tmp.resolve(id + ".out"));
        int in = sys.open(stdin.toString(), Syscalls.O_CLOEXEC);
        int out = sys.open(output.toString(), 1 | Syscalls.O_CLOEXEC);
        fds.add(in);
        fds.add(out);
        Spec spec = spec(args, ann, null);
        ContainerProcess init = backend.create(new CreateRequest(id, bundle, spec, state, null, false, 0, null, 0,
            null, null, new Stdio(in, out, out)));
        ContainerRecord c = new ContainerRecord(id, bundle, state, "vm", init, ann);
        created.add(c);
        return c;
    }

    private String awaitOutput(String text) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String s = Files.readString(output);
            if (s.contains(text)) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no \"" + text + "\" in: " + Files.readString(output));
    }

    private static Map<String, String> status(int pid) throws Exception {
        return status(Path.of("/proc/" + pid));
    }

    private static Map<String, String> status(Path procDir) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(procDir.resolve("status"))) {
            int colon = line.indexOf(':');
            m.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return m;
    }

    @Test
    void createWaitsStartRunsAndTheGuestStatusComesBack() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        ContainerRecord c = create("checks", TestKernel.bootChecks(5), List.of("/bin/true"), Map.of());
        assertTrue(ProcessInfo.host().isAlive(c.init().pid(), c.init().startTime()));
        assertTrue(Files.exists(c.stateDir().resolve(VmBackend.VMM_DIR).resolve(VmmLaunch.READY_FILE)));
        Thread.sleep(200);
        assertEquals("", Files.readString(output), "the guest does not run before start");
        backend.start(c);
        assertEquals(5, backend.awaitExit(c.init()));
        String out = Files.readString(output);
        assertTrue(out.contains("all checks passed"), out);
        long initramfs = Files.size(c.stateDir().resolve(VmBackend.INITRAMFS));
        assertTrue(out.contains(String.format("initrd: %016x", 0).substring(0, 8)), out);
        assertTrue(out.contains(String.format(" %016x ", initramfs)), "initramfs size " + initramfs + " in " + out);
        assertTrue(out.contains("cmdline=[" + GuestKernel.CMDLINE + "]"), out);
        backend.delete(c, false);
        assertFalse(Files.exists(c.stateDir().resolve(VmBackend.INITRAMFS)));
    }

    @Test
    void theVmmIsConfinedAndKillStopsTheVm() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        ContainerRecord c = create("spin", TestKernel.spinForever(), List.of("/bin/true"), Map.of());
        int pid = c.init().pid();
        Map<String, String> before = status(pid);
        assertEquals("1", before.get("NoNewPrivs"));
        assertEquals(0, Long.parseLong(before.get("CapEff"), 16));
        assertEquals(0, Long.parseLong(before.get("CapBnd"), 16));
        // The jail: its own user (real, effective, saved, fs), no groups, its own network, IPC and UTS namespaces.
        String id = Long.toString(VmmJail.DEFAULT_ID);
        assertEquals(List.of(id, id, id, id), List.of(before.get("Uid").split("\\s+")), before.get("Uid"));
        assertEquals(List.of(id, id, id, id), List.of(before.get("Gid").split("\\s+")), before.get("Gid"));
        assertEquals("", before.get("Groups"));
        for (String ns : VmmJail.NAMESPACES) {
            assertFalse(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + ns))
                .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/" + ns))), ns + " namespace of its own");
        }
        backend.start(c);
        awaitOutput("spinning");
        // Every thread of the JVM (vCPUs, JIT, GC, the ones started before the filter) carries it: TSYNC.
        List<Path> tasks;
        try (var s = Files.list(Path.of("/proc/" + pid + "/task"))) {
            tasks = s.toList();
        }
        assertTrue(tasks.size() > 5, "threads: " + tasks.size());
        int checked = 0;
        for (Path task : tasks) {
            Map<String, String> running;
            try {
                running = status(task);
            } catch (java.nio.file.NoSuchFileException gone) {
                continue; // a JVM thread that ended after the listing: nothing left to check
            }
            checked++;
            assertEquals("2", running.get("Seccomp"), "filter mode once guest code runs: " + running.get("Name"));
            assertEquals("1", running.get("Seccomp_filters"), running.get("Name"));
        }
        assertTrue(checked > 5, "threads checked: " + checked);
        backend.kill(c, 9, false);
        assertEquals(137, backend.awaitExit(c.init()));
        backend.delete(c, false);
        assertFalse(ProcessInfo.host().isAlive(pid, c.init().startTime()));
        assertThrows(BulwarkException.class, () -> backend.kill(c, 15, false));
    }

    @Test
    void sigtermStopsTheVmAndDeleteForceLeavesNothing() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        ContainerRecord c = create("term", TestKernel.spinForever(), List.of("/bin/true"), Map.of());
        backend.start(c);
        awaitOutput("spinning");
        backend.kill(c, 15, false);
        assertEquals(143, backend.awaitExit(c.init()));

        ContainerRecord d = create("force", TestKernel.spinForever(), List.of("/bin/true"), Map.of());
        assertThrows(BulwarkException.class, () -> backend.delete(d, false), "still running");
        backend.delete(d, true);
        assertFalse(ProcessInfo.host().isAlive(d.init().pid(), d.init().startTime()));
        try (var s = Files.list(d.stateDir())) {
            assertEquals(List.of(), s.toList(), "state directory emptied of VM files");
        }
    }

    // The VMM runs confined (KILL mode) in each test below: a call outside its allowlist would end it with SIGSYS
    // (status 159) instead of the status asserted.

    @Test
    void theConfinedVmmRunsSeveralVcpus() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        ContainerRecord c = create("smp", TestKernel.smp(), List.of("/bin/true"), Map.of(VmSizing.VCPUS_ANNOTATION,
            "3"));
        backend.start(c);
        assertEquals(0, backend.awaitExit(c.init()), Files.readString(output));
        String out = Files.readString(output);
        assertTrue(out.contains("smp: all cpus up, count=" + String.format("%016x", 3)), out);
    }

    @Test
    void theContainersStdinReachesTheGuestUart() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        Path input = Files.writeString(tmp.resolve("input"), "hello from the host\n");
        ContainerRecord c = create("echo", TestKernel.echo(), List.of("/bin/true"), Map.of(), input);
        backend.start(c);
        assertEquals(0, backend.awaitExit(c.init()), Files.readString(output));
        String out = Files.readString(output);
        assertTrue(out.contains("ready\nhello from the host\n"), out);
    }

    @Test
    void theTimeoutAnnotationStopsTheVm() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        ContainerRecord c = create("timeout", TestKernel.spinForever(), List.of("/bin/true"),
            Map.of(VmSizing.VCPUS_ANNOTATION, "2", VmBackend.TIMEOUT_ANNOTATION, "2"));
        backend.start(c);
        assertEquals(124, backend.awaitExit(c.init()), Files.readString(output));
        String out = Files.readString(output);
        assertTrue(out.contains("spinning"), out);
        assertTrue(out.contains("did not end within 2.0 s") && out.contains("vcpu 1: rip="), out);
    }

    @Test
    void aBadTimeoutIsRefusedBeforeAnythingIsWritten() throws Exception {
        for (String bad : List.of("soon", "0", "-3")) {
            BulwarkException e = assertThrows(BulwarkException.class, () -> create("t" + bad.hashCode(),
                TestKernel.spinForever(), List.of("/bin/true"), Map.of(VmBackend.TIMEOUT_ANNOTATION, bad)));
            assertTrue(e.getMessage().contains("config.json: annotations[\"io.bulwark.vm.timeout\"]: \"" + bad
                + "\" is not a positive number of seconds"), e.getMessage());
            try (var s = Files.list(tmp.resolve("state-t" + bad.hashCode()))) {
                assertEquals(List.of(), s.toList());
            }
        }
        created.clear();
    }

    @Test
    void aKernelTheVmmCannotBootFailsCreateWithTheReason() throws Exception {
        Requirements.require(Kvm.available(), "/dev/kvm");
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> create("bad", new byte[8192], List.of("/bin/true"), Map.of()));
        assertTrue(e.getMessage().contains("not a bootable x86-64 bzImage"), e.getMessage());
        created.clear();
    }

    /** A guest request for the default config with these changes to its linux section, mounts and process. */
    private CreateRequest guestRequest(java.util.function.UnaryOperator<Spec> change, int seccompFlags)
            throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("guest-" + System.nanoTime()));
        Files.createDirectories(bundle.resolve("rootfs/etc"));
        Spec d = io.bulwark.core.spec.DefaultSpec.create();
        Process p = d.process();
        Process q = new Process(false, null, p.user(), p.args(), null, p.env(), p.cwd(), p.capabilities(),
            p.rlimits(), true, null, null, null, null, null, null);
        Spec spec = change.apply(new Spec(d.ociVersion(), q, d.root(), d.hostname(), d.domainname(), d.mounts(),
            d.hooks(), d.annotations(), d.linux()));
        return new CreateRequest("g", bundle, spec, bundle, null, false, 0, new byte[] {6, 0, 0, 0, 0, 0, 0, 0},
            seccompFlags, null, null);
    }

    private static Spec withMounts(Spec d, List<io.bulwark.core.spec.Mount> extra) {
        List<io.bulwark.core.spec.Mount> mounts = new java.util.ArrayList<>(d.mounts());
        mounts.addAll(extra);
        return new Spec(d.ociVersion(), d.process(), d.root(), d.hostname(), d.domainname(), mounts, d.hooks(),
            d.annotations(), d.linux());
    }

    @Test
    void theGuestPlanIsTheInitPlanWithGuestPathsAndIdMaps() throws Exception {
        CreateRequest r = guestRequest(d -> withMounts(d, List.of(
            new io.bulwark.core.spec.Mount("/a", "data", List.of("rbind"), "none", null, null),
            new io.bulwark.core.spec.Mount("/b", "data", List.of("bind", "ro"), "bind", null, null))), 0);
        Files.createDirectories(r.bundle().resolve("data"));
        io.bulwark.vmm.guest.GuestImage image = VmBackend.guestImage(r.spec(), r);
        io.bulwark.core.plan.Plan plan = image.plan();
        assertEquals(io.bulwark.core.plan.Plan.Kind.GUEST, plan.kind());
        assertEquals(null, plan.fds());
        assertEquals(io.bulwark.vmm.guest.GuestImage.ROOTFS, plan.rootfs().path());
        assertTrue(plan.rootfs().readonly());
        var uid = plan.idMaps().uids().get(0);
        assertEquals(List.of(0L, io.bulwark.core.spec.DefaultSpec.HOST_ID_BASE, io.bulwark.core.spec.DefaultSpec.ID_RANGE),
            List.of(uid.containerId(), uid.hostId(), uid.size()));
        // Both binds of one source share one copy in the initramfs; nothing else of the host is named.
        List<String> sources = plan.mounts().stream().filter(m -> m.destination().equals("/a")
            || m.destination().equals("/b")).map(io.bulwark.core.plan.MountPlan::source).toList();
        assertEquals(List.of("/.bulwark/mounts/0", "/.bulwark/mounts/0"), sources);
        assertEquals(List.of(r.bundle().resolve("rootfs"), r.bundle().resolve("data")),
            image.trees().stream().map(io.bulwark.vmm.initramfs.Initramfs.Tree::source).toList());
        assertFalse(plan.mounts().stream().anyMatch(m -> m.source().startsWith(r.bundle().toString())));
    }

    @Test
    void whatAGuestCannotDoIsRefusedWithItsJsonPath() throws Exception {
        CreateRequest join = guestRequest(d -> {
            var l = d.linux();
            List<io.bulwark.core.spec.Namespace> ns = new java.util.ArrayList<>(l.namespaces());
            ns.set(0, new io.bulwark.core.spec.Namespace(ns.get(0).type(), "/proc/1/ns/" + ns.get(0).type()));
            return new Spec(d.ociVersion(), d.process(), d.root(), d.hostname(), d.domainname(), d.mounts(),
                d.hooks(), d.annotations(), new Linux(ns, l.uidMappings(), l.gidMappings(), l.timeOffsets(),
                    l.devices(), l.cgroupsPath(), l.resources(), l.rootfsPropagation(), l.seccomp(), l.sysctl(),
                    l.maskedPaths(), l.readonlyPaths(), l.mountLabel(), l.personality()));
        }, 0);
        assertRefused(join, "config.json: linux.namespaces[0].path: the vm backend cannot join");
        assertRefused(guestRequest(d -> d, io.bulwark.core.plan.SeccompPlan.FLAG_NEW_LISTENER),
            "config.json: linux.seccomp: a notify action needs a listener on the host");
        assertRefused(guestRequest(d -> withMounts(d, List.of(
            new io.bulwark.core.spec.Mount("/x", "/sys", List.of("rbind"), "none", null, null))), 0),
            "config.json: mounts[" + io.bulwark.core.spec.DefaultSpec.create().mounts().size()
                + "].source: the vm backend copies bind sources into the guest, and /sys belongs to the host's kernel");
        assertRefused(guestRequest(d -> withMounts(d, List.of(
            new io.bulwark.core.spec.Mount("/x", "missing", List.of("bind"), "bind", null, null))), 0),
            "/missing does not exist");
        assertRefused(guestRequest(d -> {
            var p = d.process();
            Process q = new Process(false, null, p.user(), p.args(), null, p.env(), p.cwd(), p.capabilities(),
                p.rlimits(), true, "bulwark-default", null, null, null, null, null);
            return new Spec(d.ociVersion(), q, d.root(), d.hostname(), d.domainname(), d.mounts(), d.hooks(),
                d.annotations(), d.linux());
        }, 0), "config.json: process.apparmorProfile: the guest kernel has no AppArmor profiles loaded");
        assertRefused(guestRequest(d -> {
            var p = d.process();
            Process q = new Process(true, null, p.user(), p.args(), null, p.env(), p.cwd(), p.capabilities(),
                p.rlimits(), true, null, null, null, null, null, null);
            return new Spec(d.ociVersion(), q, d.root(), d.hostname(), d.domainname(), d.mounts(), d.hooks(),
                d.annotations(), d.linux());
        }, 0), "config.json: process.terminal: the vm backend has no terminal support yet");
    }

    private static void assertRefused(CreateRequest r, String message) {
        BulwarkException e = assertThrows(BulwarkException.class, () -> VmBackend.guestImage(r.spec(), r));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void execIsRefusedClearly() {
        BulwarkException e = assertThrows(BulwarkException.class, () -> backend.exec(null, null));
        assertTrue(e.getMessage().contains("vm backend"), e.getMessage());
    }

    /** Where KVM can run a Linux guest (VMX or SVM, not kvm_pvm): Bulwark's VMM + the real guest + the workload. */
    @Test
    void aRealLinuxGuestRunsTheWorkload() throws Exception {
        Requirements.requireOptional(kvmCanBootLinux(), "a KVM that can boot Linux (the CPU has neither vmx nor svm)");
        Requirements.require(GuestKernel.cached(), "the guest kernel (scripts/fetch-guest-kernel.sh)");
        Requirements.require(GuestRootfs.available(), "busybox-static");
        Path bundle = Files.createDirectories(tmp.resolve("linux"));
        GuestRootfs.create(bundle.resolve("rootfs"));
        Path state = Files.createDirectories(tmp.resolve("state-linux"));
        output = Files.createFile(tmp.resolve("linux.out"));
        int in = sys.open("/dev/null", Syscalls.O_CLOEXEC);
        int out = sys.open(output.toString(), 1 | Syscalls.O_CLOEXEC);
        fds.add(in);
        fds.add(out);
        Spec spec = realGuestSpec();
        ContainerProcess init = backend.create(new CreateRequest("linux", bundle, spec, state, null, false, 0, null, 0,
            null, null, new Stdio(in, out, out)));
        ContainerRecord c = new ContainerRecord("linux", bundle, state, "vm", init, Map.of());
        created.add(c);
        backend.start(c);
        assertEquals(3, backend.awaitExit(init), Files.readString(output));
        String text = Files.readString(output);
        assertTrue(text.contains("hello from the guest"), text);
        assertTrue(text.contains(GuestKernel.release()), text);
        assertTrue(text.matches("(?s).*\\n *0 +" + io.bulwark.core.spec.DefaultSpec.HOST_ID_BASE + " +"
            + io.bulwark.core.spec.DefaultSpec.ID_RANGE + "\\s*\\n.*"), "the container's uid map in:\n" + text);
    }

    /**
     * The secure default config (user namespace with its maps and every other namespace, masked and read-only
     * paths, read-only root, default capabilities, no_new_privs) with a console workload and a VM of 256 MiB and
     * 2 vCPUs taken from its resources: what the whole path runs where KVM can boot Linux.
     */
    static Spec realGuestSpec() {
        Spec d = io.bulwark.core.spec.DefaultSpec.create();
        Process p = d.process();
        Process q = new Process(false, null, p.user(),
            List.of("sh", "-c", "echo hello from the guest; uname -r; cat /proc/self/uid_map; exit 3"), null,
            List.of("PATH=/bin"), "/", p.capabilities(), p.rlimits(), true, null, null, null, null, null, null);
        Linux l = d.linux();
        Resources resources = new Resources(null,
            new MemoryResources(256L << 20, null, null, null, null, null, null, null, null),
            new CpuResources(null, 200_000L, null, 100_000L, null, null, null, null, null), null, null, null, null,
            null, null);
        return new Spec(d.ociVersion(), q, d.root(), d.hostname(), d.domainname(), d.mounts(), d.hooks(),
            d.annotations(), new Linux(l.namespaces(), l.uidMappings(), l.gidMappings(), l.timeOffsets(), l.devices(),
                l.cgroupsPath(), resources, l.rootfsPropagation(), l.seccomp(), l.sysctl(), l.maskedPaths(),
                l.readonlyPaths(), l.mountLabel(), l.personality()));
    }

    /** What the whole-path test boots is a valid guest here too (that test only runs where KVM can boot Linux). */
    @Test
    void theRealGuestConfigMakesAGuestPlanAndSizesTheVm() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("real"));
        Files.createDirectories(bundle.resolve("rootfs"));
        Spec spec = realGuestSpec();
        io.bulwark.core.plan.Plan plan = VmBackend.guestImage(spec, new CreateRequest("real", bundle, spec, bundle,
            null, false, 0, null)).plan();
        assertEquals(io.bulwark.core.plan.Plan.Kind.GUEST, plan.kind());
        assertTrue((plan.newNamespaces() & io.bulwark.core.plan.LinuxConstants.CLONE_NEWUSER) != 0);
        assertTrue(plan.maskedPaths().contains("/proc/kcore"));
        assertEquals(new VmSizing(256, 2), VmSizing.of(spec));
    }

    static boolean kvmCanBootLinux() throws Exception {
        if (!Kvm.available()) {
            return false;
        }
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("flags")) {
                List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                return flags.contains("vmx") || flags.contains("svm");
            }
        }
        return false;
    }
}
