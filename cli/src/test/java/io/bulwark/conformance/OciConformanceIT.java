package io.bulwark.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bulwark.core.spec.DefaultSpec;
import io.bulwark.core.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * Bulwark's OCI conformance suite, written from the runtime spec (runtime.md, runtime-linux.md, config.md,
 * config-linux.md, version 1.2): each MUST or MUST NOT that the foundation issue covers is one case, checked
 * through {@code bin/bulwark} as containerd or Podman drive it, with a static checker inside the container
 * reporting what it sees.
 *
 * <p>The suite prints {@code N passed, M failed, K skipped}. Cases listed in {@code known-failures.txt} (with the
 * reason) are counted as failed in that line but do not fail the build; any other failing case does. A listed
 * case that passes is reported so the list can shrink.
 */
class OciConformanceIT {
    private static Harness h;
    private static Report baseline;

    /** One spec requirement: where it comes from, what it says (in our words), and the check. */
    record Case(String id, String ref, String title, Body body) {
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    @BeforeAll
    static void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (the suite creates real containers)");
        Requirements.require(Files.isReadable(Path.of("/proc/self/ns/user")), "user namespaces");
        Path dist = Path.of(System.getProperty("bulwark.dist", "target/bulwark"));
        Requirements.require(Files.isExecutable(dist.resolve("bin/bulwark")), "the distribution " + dist);
        h = new Harness(dist);
        Requirements.require(Files.isExecutable(h.checker), "the checker " + h.checker);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (h == null) {
            return;
        }
        h.cleanUp();
        StringBuilder out = new StringBuilder("\nOCI conformance (runtime-spec 1.2) through bin/bulwark:\n");
        for (Harness.Outcome o : h.outcomes) {
            out.append(String.format("  %-7s %-40s %s%n", o.status(), o.id(), o.detail()));
        }
        out.append(h.summary()).append('\n');
        System.out.print(out);
        Path report = h.checker.getParent().resolve("summary.txt");
        Files.writeString(report, out.toString());
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.id() + " [" + c.ref() + "] " + c.title(),
            () -> execute(c)));
    }

    private static void execute(Case c) throws Throwable {
        String known = h.knownFailures.get(c.id());
        try {
            c.body().run();
        } catch (TestAbortedException e) {
            h.outcomes.add(new Harness.Outcome(c.id(), Harness.Status.SKIPPED, e.getMessage()));
            throw e;
        } catch (Throwable t) {
            String why = firstLine(t);
            h.outcomes.add(new Harness.Outcome(c.id(), Harness.Status.FAILED, why));
            if (known != null) {
                Assumptions.abort("known failure (" + known + "), counted as failed: " + why);
            }
            throw t;
        }
        h.outcomes.add(new Harness.Outcome(c.id(), Harness.Status.PASSED,
            known != null ? "(listed as a known failure but passes: remove it from known-failures.txt)" : ""));
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        String line = nl < 0 ? m : m.substring(0, nl);
        return line.length() > 700 ? line.substring(0, 700) + "..." : line;
    }

    /** One container built from the default config with a few additions; many cases read its report. */
    private static Report baseline() throws Exception {
        if (baseline == null) {
            TestBundle b = h.bundle("baseline");
            b.process().put("cwd", "/tmp");
            b.process().putObject("consoleSize").put("height", 30).put("width", 100);
            b.process().withArray("env").add("CONFORMANCE=yes").add("EMPTY=");
            b.process().putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("soft", 512).put("hard", 768);
            ((com.fasterxml.jackson.databind.node.ArrayNode) b.process().get("rlimits")).addObject()
                .put("type", "RLIMIT_CORE").put("soft", 0).put("hard", 0);
            b.config.putObject("annotations").put("org.example.conformance", "baseline");
            List<String> probes = new ArrayList<>(DefaultSpec.MASKED_PATHS);
            probes.addAll(DefaultSpec.READONLY_PATHS);
            probes.addAll(List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
                "/dev/ptmx", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/pts", "/dev/shm",
                "/dev/mqueue", "/proc", "/sys"));
            b.report(probes.toArray(String[]::new));
            baseline = h.runReport(b);
        }
        return baseline;
    }

    /** A container running the checker's sleep, started and seen running. */
    private static String runningSleeper(String name) throws Exception {
        String id = h.create(h.bundle(name).args(TestBundle.CHECKER, "sleep"));
        assertTrue(h.cli.run("start", id).ok(), "start " + id);
        h.awaitStatus(id, "running");
        return id;
    }

    /** The process has exited: no /proc entry, or only a zombie waiting for its parent. */
    private static boolean gone(int pid) throws Exception {
        Path stat = Path.of("/proc/" + pid + "/stat");
        for (int i = 0; i < 50; i++) {
            try {
                String s = Files.readString(stat);
                if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
            } catch (java.io.IOException e) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static long capMask(List<String> names) {
        long mask = 0;
        for (String n : names) {
            mask |= 1L << io.bulwark.core.spec.SpecNames.CAPABILITIES.indexOf(n);
        }
        return mask;
    }

    private static String hostNs(String type) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/" + type)).toString();
    }

    /** The mountinfo line (inside the container) whose mount point is {@code dest}, or null. */
    private static String mountAt(Report r, String dest) {
        String found = null;
        for (String line : r.list("mountinfo")) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].equals(dest)) {
                found = line;
            }
        }
        return found;
    }

    private static Set<String> mountOptions(String mountinfoLine) {
        String[] f = mountinfoLine.split(" ");
        Set<String> options = new HashSet<>(Arrays.asList(f[5].split(",")));
        int dash = Arrays.asList(f).indexOf("-");
        if (dash > 0 && f.length > dash + 3) {
            options.addAll(Arrays.asList(f[dash + 3].split(",")));
        }
        return options;
    }

    private static String fsType(String mountinfoLine) {
        List<String> f = Arrays.asList(mountinfoLine.split(" "));
        return f.get(f.indexOf("-") + 1);
    }

    private static Path hookScript(String name, Path log, String body) throws Exception {
        Path script = h.work.resolve("hooks").resolve(name);
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\necho " + name + " >> " + log + "\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(lifecycleCases());
        cases.addAll(configCases());
        cases.addAll(linuxCases());
        cases.addAll(hookCases());
        cases.addAll(validationCases());
        cases.addAll(new ResourceCases(h).cases());
        return cases;
    }

    // ------------------------------------------------------------------ runtime.md: state and operations

    private static List<Case> lifecycleCases() {
        return List.of(
            new Case("runtime.create.status", "runtime.md#create",
                "after create the status is created and the user program has not run", () -> {
                    TestBundle b = h.bundle("create");
                    Path ready = b.dir.resolve("ready");
                    b.args(TestBundle.CHECKER, "ready", "/hostdir/ready");
                    b.mounts().addObject().put("destination", "/hostdir").put("type", "bind")
                        .put("source", b.dir.toString()).putArray("options").add("rbind").add("rw");
                    TestBundle.chown(b.dir, DefaultSpec.HOST_ID_BASE);
                    String id = h.create(b);
                    assertEquals("created", h.status(id));
                    Thread.sleep(300);
                    assertFalse(Files.exists(ready), "the user program ran before start");
                    assertTrue(h.cli.run("start", id).ok());
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (!Files.exists(ready) && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertTrue(Files.exists(ready), "start must run the user program");
                    assertEquals("running", h.status(id));
                }),
            new Case("runtime.state.fields", "runtime.md#state",
                "state reports ociVersion, id, status, pid and the absolute bundle path", () -> {
                    TestBundle b = h.bundle("state").args(TestBundle.CHECKER, "sleep");
                    b.config.putObject("annotations").put("org.example.key", "value");
                    String id = h.create(b);
                    JsonNode s = h.state(id);
                    assertTrue(s.path("ociVersion").asText().matches("1\\.\\d+\\.\\d+.*"), s.toString());
                    assertEquals(id, s.path("id").asText());
                    assertEquals("created", s.path("status").asText());
                    assertTrue(s.path("pid").asInt() > 0, "pid of the container process as seen on the host");
                    assertEquals(b.dir.toAbsolutePath().toString(), s.path("bundle").asText());
                    assertEquals("value", s.path("annotations").path("org.example.key").asText());
                    assertTrue(Files.exists(Path.of("/proc/" + s.path("pid").asInt())), "the pid is a live process");
                }),
            new Case("runtime.state.missing", "runtime.md#query-state",
                "state of a container that does not exist is an error", () -> {
                    assertTrue(h.cli.run("state", "oci-no-such-container").code() > 0);
                    assertTrue(h.cli.run("state").code() > 0, "state without an id is an error");
                }),
            new Case("runtime.create.duplicate-id", "runtime.md#create",
                "create with an id already in use fails and does not touch the existing container", () -> {
                    TestBundle b = h.bundle("dup").args(TestBundle.CHECKER, "sleep");
                    String id = h.create(b);
                    int pid = h.state(id).path("pid").asInt();
                    Cli.Result again = h.cli.run("create", "--bundle", b.dir.toString(), id);
                    assertTrue(again.code() > 0, again.describe());
                    assertEquals("created", h.status(id));
                    assertEquals(pid, h.state(id).path("pid").asInt());
                }),
            new Case("runtime.create.missing-args", "runtime.md#create",
                "create without a container id is an error", () -> {
                    TestBundle b = h.bundle("noid");
                    b.write();
                    assertTrue(h.cli.run("create", "--bundle", b.dir.toString()).code() > 0);
                }),
            new Case("runtime.start.twice", "runtime.md#start",
                "starting a started container fails and leaves it running", () -> {
                    String id = runningSleeper("twice");
                    assertTrue(h.cli.run("start", id).code() > 0);
                    assertEquals("running", h.status(id));
                }),
            new Case("runtime.start.missing", "runtime.md#start",
                "start of a container that does not exist is an error", () ->
                    assertTrue(h.cli.run("start", "oci-no-such-container").code() > 0)),
            new Case("runtime.kill.signal", "runtime.md#kill",
                "kill delivers the signal; the process ends and the status becomes stopped", () -> {
                    String id = runningSleeper("kill");
                    int pid = h.state(id).path("pid").asInt();
                    assertTrue(h.cli.run("kill", id, "TERM").ok());
                    h.awaitStatus(id, "stopped");
                    assertTrue(gone(pid), "the container process must have ended");
                }),
            new Case("runtime.kill.stopped", "runtime.md#kill",
                "kill of a stopped container is an error and changes nothing", () -> {
                    String id = h.create(h.bundle("killstopped").args(TestBundle.CHECKER, "exit", "0"));
                    assertTrue(h.cli.run("start", id).ok());
                    h.awaitStatus(id, "stopped");
                    assertTrue(h.cli.run("kill", id, "KILL").code() > 0);
                    assertEquals("stopped", h.status(id));
                }),
            new Case("runtime.exit.stopped", "runtime.md#lifecycle",
                "when the process exits on its own the status becomes stopped", () -> {
                    String id = h.create(h.bundle("exit").args(TestBundle.CHECKER, "exit", "3"));
                    assertTrue(h.cli.run("start", id).ok());
                    h.awaitStatus(id, "stopped");
                }),
            new Case("runtime.delete.running", "runtime.md#delete",
                "delete of a running container is an error and leaves it running", () -> {
                    String id = runningSleeper("delrunning");
                    assertTrue(h.cli.run("delete", id).code() > 0);
                    assertEquals("running", h.status(id));
                }),
            new Case("runtime.delete.missing", "runtime.md#delete",
                "delete of a container that does not exist is an error", () ->
                    assertTrue(h.cli.run("delete", "oci-no-such-container").code() > 0)),
            new Case("runtime.delete.resources", "runtime.md#delete",
                "delete removes what create made: the process, the state, and the id becomes free", () -> {
                    TestBundle b = h.bundle("delete").args(TestBundle.CHECKER, "exit", "0");
                    String id = h.create(b);
                    int pid = h.state(id).path("pid").asInt();
                    assertTrue(h.cli.run("start", id).ok());
                    h.awaitStatus(id, "stopped");
                    assertTrue(h.cli.run("delete", id).ok());
                    h.assertNoContainer(id);
                    assertTrue(gone(pid), "the container process must have ended");
                    Cli.Result again = h.cli.run("create", "--bundle", b.dir.toString(), id);
                    assertTrue(again.ok(), "the id may be reused: " + again.describe());
                }),
            new Case("runtime.config.frozen", "runtime.md#lifecycle",
                "changes to config.json after create do not affect the container", () -> {
                    TestBundle b = h.bundle("frozen").report();
                    b.process().withArray("env").add("PHASE=create");
                    b.write();
                    String id = h.newId("frozen");
                    Path out = h.work.resolve("io").resolve(id + ".out");
                    ProcessBuilder pb = new ProcessBuilder(h.bulwark.toString(), "--root", h.cli.root().toString(),
                        "create", "--bundle", b.dir.toString(), id).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                    Process p = pb.start();
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "create failed");
                    b.process().withArray("env").removeAll().add("PHASE=edited");
                    b.write();
                    assertTrue(h.cli.run("start", id).ok());
                    h.awaitStatus(id, "stopped");
                    Report r = new Report(Files.readString(out));
                    assertEquals("create", r.get("env.PHASE"));
                }),
            new Case("runtime.error.nothing-left", "runtime.md#errors",
                "a create that fails leaves the environment as if it was never attempted", () -> {
                    h.requireWorkingRuntime();
                    TestBundle b = h.bundle("fails").args("/bin/does-not-exist");
                    b.write();
                    String id = h.newId("fails");
                    Cli.Result r = h.cli.run("run", "--bundle", b.dir.toString(), id);
                    assertTrue(r.code() != 0, r.describe());
                    h.assertNoContainer(id);
                }),
            new Case("runtime-linux.fds", "runtime-linux.md#file-descriptors",
                "only stdin, stdout and stderr are open in the container process", () ->
                    assertEquals("0,1,2", baseline().get("fds"))),
            new Case("runtime-linux.dev-symlinks", "runtime-linux.md#dev-symbolic-links",
                "/dev/fd, /dev/stdin, /dev/stdout and /dev/stderr are the standard links", () -> {
                    Report r = baseline();
                    assertEquals("link /proc/self/fd", r.get("path./dev/fd"));
                    assertEquals("link /proc/self/fd/0", r.get("path./dev/stdin"));
                    assertEquals("link /proc/self/fd/1", r.get("path./dev/stdout"));
                    assertEquals("link /proc/self/fd/2", r.get("path./dev/stderr"));
                }));
    }

    // ------------------------------------------------------------------ config.md

    private static List<Case> configCases() {
        return List.of(
            new Case("config.root.readonly", "config.md#root",
                "with root.readonly the root filesystem is read-only inside", () ->
                    assertEquals("no", baseline().get("root.writable"))),
            new Case("config.root.writable", "config.md#root",
                "without root.readonly the root filesystem is writable", () -> {
                    TestBundle b = h.bundle("rw");
                    b.config.with("root").put("readonly", false);
                    assertEquals("yes", h.runReport(b).get("root.writable"));
                }),
            new Case("config.root.path-exists", "config.md#root",
                "a root.path that is not a directory is an error", () -> {
                    h.requireWorkingRuntime();
                    TestBundle b = h.bundle("noroot");
                    b.config.with("root").put("path", "missing-rootfs");
                    b.write();
                    h.assertCreateRefused(b);
                }),
            new Case("config.mounts.order", "config.md#mounts",
                "mounts are made in the listed order (a later mount covers an earlier one)", () -> {
                    TestBundle b = h.bundle("order");
                    b.mounts().addObject().put("destination", "/mnt/a").put("type", "tmpfs").put("source", "first")
                        .putArray("options").add("size=1m");
                    b.mounts().addObject().put("destination", "/mnt/a").put("type", "tmpfs").put("source", "second")
                        .putArray("options").add("size=2m");
                    Report r = h.runReport(b);
                    String top = mountAt(r, "/mnt/a");
                    assertTrue(top != null && top.contains(" second "), "the last listed mount is on top: " + top);
                }),
            new Case("config.mounts.options", "config.md#linux-mount-options",
                "mount options ro, nosuid, nodev, noexec are applied", () -> {
                    TestBundle b = h.bundle("mntopts");
                    b.mounts().addObject().put("destination", "/mnt/b").put("type", "tmpfs").put("source", "tmpfs")
                        .putArray("options").add("ro").add("nosuid").add("nodev").add("noexec");
                    String line = mountAt(h.runReport(b), "/mnt/b");
                    assertTrue(line != null, "mount missing");
                    assertTrue(mountOptions(line).containsAll(List.of("ro", "nosuid", "nodev", "noexec")), line);
                }),
            new Case("config.mounts.bind", "config.md#mounts",
                "a bind mount shows the source directory at the destination", () -> {
                    TestBundle b = h.bundle("bind");
                    Path src = Files.createDirectories(b.dir.resolve("shared"));
                    Files.writeString(src.resolve("marker"), "bound");
                    b.mounts().addObject().put("destination", "/data").put("type", "none")
                        .put("source", src.toString()).putArray("options").add("bind").add("ro");
                    b.report("cat:/data/marker");
                    assertEquals("bound", h.runReport(b).get("file./data/marker"));
                }),
            new Case("config.mounts.relative-destination", "config.md#mounts",
                "a relative mount destination is taken relative to /", () -> {
                    TestBundle b = h.bundle("reldest");
                    b.mounts().addObject().put("destination", "mnt/b").put("type", "tmpfs").put("source", "rel");
                    assertTrue(mountAt(h.runReport(b), "/mnt/b") != null);
                }),
            new Case("config.process.cwd", "config.md#process", "the process runs in cwd", () ->
                assertEquals("/tmp", baseline().get("cwd"))),
            new Case("config.process.env", "config.md#process", "env is the process's environment", () -> {
                Report r = baseline();
                assertEquals("yes", r.get("env.CONFORMANCE"));
                assertEquals("", r.get("env.EMPTY"));
                assertEquals(DefaultSpec.ENV.get(0).substring(5), r.get("env.PATH"));
            }),
            new Case("config.process.args-path-lookup", "config.md#process",
                "a relative args[0] is found through PATH, as execvp does", () -> {
                    TestBundle b = h.bundle("execvp").args("oci-checker", "report");
                    assertTrue(h.runReport(b).complete());
                }),
            new Case("config.process.args-missing", "config.md#process",
                "an executable that is not in the rootfs is an error", () -> {
                    h.requireWorkingRuntime();
                    TestBundle b = h.bundle("noexe").args("/bin/missing");
                    b.write();
                    String id = h.newId("noexe");
                    Cli.Result r = h.cli.run("run", "--bundle", b.dir.toString(), id);
                    assertTrue(r.code() != 0, r.describe());
                }),
            new Case("config.process.rlimits", "config.md#posix-process",
                "each rlimit's soft and hard values are what getrlimit reports", () -> {
                    Report r = baseline();
                    assertEquals("512:768", r.get("rlimit.RLIMIT_NOFILE"));
                    assertEquals("0:0", r.get("rlimit.RLIMIT_CORE"));
                }),
            new Case("config.process.capabilities", "config.md#linux-process",
                "the effective, permitted and bounding sets are exactly the configured ones", () -> {
                    Report r = baseline();
                    long want = capMask(DefaultSpec.CAPABILITIES);
                    assertEquals(want, Long.parseUnsignedLong(r.get("status.CapEff"), 16), "CapEff");
                    assertEquals(want, Long.parseUnsignedLong(r.get("status.CapPrm"), 16), "CapPrm");
                    assertEquals(want, Long.parseUnsignedLong(r.get("status.CapBnd"), 16), "CapBnd");
                    assertEquals(0L, Long.parseUnsignedLong(r.get("status.CapInh"), 16), "CapInh");
                    assertEquals(0L, Long.parseUnsignedLong(r.get("status.CapAmb"), 16), "CapAmb");
                }),
            new Case("config.process.capabilities-ambient", "config.md#linux-process",
                "ambient and inheritable capabilities are granted when configured", () -> {
                    TestBundle b = h.bundle("ambient");
                    b.process().withObject("/capabilities").putArray("inheritable").add("CAP_KILL");
                    b.process().withObject("/capabilities").putArray("ambient").add("CAP_KILL");
                    Report r = h.runReport(b);
                    long kill = capMask(List.of("CAP_KILL"));
                    assertEquals(kill, Long.parseUnsignedLong(r.get("status.CapAmb"), 16));
                    assertEquals(kill, Long.parseUnsignedLong(r.get("status.CapInh"), 16));
                }),
            new Case("config.process.noNewPrivileges", "config.md#linux-process",
                "noNewPrivileges sets no_new_privs", () -> {
                    assertEquals("1", baseline().get("nonewprivs"));
                    TestBundle b = h.bundle("nnp");
                    b.process().put("noNewPrivileges", false);
                    assertEquals("0", h.runReport(b).get("nonewprivs"));
                }),
            new Case("config.process.oomScoreAdj", "config.md#linux-process",
                "oomScoreAdj is set when given and inherited when not", () -> {
                    TestBundle b = h.bundle("oom");
                    b.process().put("oomScoreAdj", 123);
                    assertEquals("123", h.runReport(b).get("oom_score_adj.0"));
                    String own = Files.readString(Path.of("/proc/self/oom_score_adj")).strip();
                    assertEquals(own, baseline().get("oom_score_adj.0"));
                }),
            new Case("config.process.user", "config.md#posix-platform-user",
                "uid, gid, additionalGids and umask are applied", () -> {
                    TestBundle b = h.bundle("user");
                    b.process().putObject("user").put("uid", 1000).put("gid", 1001).put("umask", 23)
                        .putArray("additionalGids").add(5).add(6);
                    Report r = h.runReport(b);
                    assertEquals("1000", r.get("uid"));
                    assertEquals("1000", r.get("euid"));
                    assertEquals("1001", r.get("gid"));
                    assertEquals(Set.of("5", "6"), Set.of(r.get("groups").split(",")));
                    assertEquals("0027", r.get("umask"));
                }),
            new Case("config.hostname", "config.md#hostname", "hostname and domainname are set in the UTS namespace",
                () -> {
                    assertEquals("bulwark", baseline().get("hostname"));
                    TestBundle b = h.bundle("domain");
                    b.config.put("hostname", "conformance").put("domainname", "example.test");
                    Report r = h.runReport(b);
                    assertEquals("conformance", r.get("hostname"));
                    assertEquals("example.test", r.get("domainname"));
                }),
            new Case("config.process.terminal", "config.md#process, config-linux.md#default-devices",
                "with terminal, stdio is a pseudoterminal whose master reaches the console socket, and /dev/console "
                    + "is that terminal", () -> {
                    TestBundle b = h.bundle("terminal").report("/dev/console");
                    b.process().put("terminal", true);
                    b.write();
                    String id = h.newId("tty");
                    Path socket = h.work.resolve(id + ".sock");
                    Path out = h.work.resolve(id + ".tty");
                    Process receiver = new ProcessBuilder(h.checker.getParent().resolve("recvtty").toString(),
                        socket.toString(), out.toString(), "60").redirectErrorStream(true)
                        .redirectOutput(h.work.resolve(id + ".recvtty.log").toFile()).start();
                    try {
                        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                            Thread.sleep(50);
                        }
                        Cli.Result created = h.cli.run("create", "--bundle", b.dir.toString(), "--console-socket",
                            socket.toString(), id);
                        assertTrue(created.ok(), created.describe());
                        assertTrue(h.cli.run("start", id).ok());
                        h.awaitStatus(id, "stopped");
                        assertTrue(receiver.waitFor(30, TimeUnit.SECONDS), "the terminal was never closed");
                        assertEquals(0, receiver.exitValue(), Files.readString(h.work.resolve(id + ".recvtty.log")));
                    } finally {
                        receiver.destroyForcibly();
                    }
                    Report r = new Report(Files.readString(out).replace("\r", ""));
                    assertTrue(r.complete(), "the report came through the terminal: " + r.abbreviated());
                    for (String fd : List.of("0", "1", "2")) {
                        assertNotEquals("no", r.get("tty." + fd), "fd " + fd + " must be the terminal");
                    }
                    assertTrue(r.get("path./dev/console").startsWith("chr rdev=136:"),
                        "/dev/console must be the pty: " + r.get("path./dev/console"));
                }),
            new Case("config.process.consoleSize-ignored", "config.md#process",
                "consoleSize without terminal is ignored: the process runs without a terminal", () -> {
                    Report r = baseline();
                    assertEquals("no", r.get("tty.0"));
                    assertEquals("no", r.get("tty.1"));
                }),
            new Case("config.extensibility", "config.md#extensibility",
                "unknown properties and unknown annotation keys are not an error", () -> {
                    TestBundle b = h.bundle("ext");
                    b.config.putObject("org.example.extension").put("anything", 1);
                    b.process().put("org.example.field", "x");
                    b.linux().putArray("org.example.list").add(1);
                    b.config.putObject("annotations").put("org.example.unknown", "v");
                    assertTrue(h.runReport(b).complete());
                }));
    }

    // ------------------------------------------------------------------ config-linux.md

    private static List<Case> linuxCases() {
        return List.of(
            new Case("linux.namespaces.new", "config-linux.md#namespaces",
                "every listed namespace without a path is new", () -> {
                    Report r = baseline();
                    for (String[] t : new String[][] {{"pid", "pid"}, {"network", "net"}, {"ipc", "ipc"},
                            {"uts", "uts"}, {"mount", "mnt"}, {"user", "user"}, {"cgroup", "cgroup"}}) {
                        assertNotEquals(hostNs(t[1]), r.get("ns." + t[1]), t[0] + " namespace must be new");
                    }
                    assertEquals("1", r.get("pid"), "the process is pid 1 of its pid namespace");
                }),
            new Case("linux.namespaces.inherit", "config-linux.md#namespaces",
                "a namespace type that is not listed is the runtime's", () -> {
                    TestBundle b = h.bundle("inherit").withoutNamespace("network").withoutNamespace("cgroup");
                    b.mounts().remove(5);
                    b.mounts().addObject().put("destination", "/sys").put("type", "none").put("source", "/sys")
                        .putArray("options").add("rbind").add("ro").add("nosuid").add("nodev").add("noexec");
                    Report r = h.runReport(b);
                    assertEquals(hostNs("net"), r.get("ns.net"));
                    assertEquals(hostNs("cgroup"), r.get("ns.cgroup"));
                    assertEquals(hostNs("time"), r.get("ns.time"));
                }),
            new Case("linux.namespaces.join", "config-linux.md#namespaces",
                "a namespace with a path is joined", () -> {
                    Process holder = new ProcessBuilder("unshare", "--net", "--uts", "sleep", "120").start();
                    try {
                        Thread.sleep(300);
                        String netPath = "/proc/" + holder.pid() + "/ns/net";
                        String want = Files.readSymbolicLink(Path.of(netPath)).toString();
                        TestBundle b = h.bundle("join");
                        for (JsonNode ns : b.namespaces()) {
                            if (ns.get("type").asText().equals("network")) {
                                ((com.fasterxml.jackson.databind.node.ObjectNode) ns).put("path", netPath);
                            }
                        }
                        assertEquals(want, h.runReport(b).get("ns.net"));
                    } finally {
                        holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }),
            new Case("linux.namespaces.wrong-type", "config-linux.md#namespaces",
                "a path that is not a namespace of the given type is an error", () -> {
                    h.requireWorkingRuntime();
                    TestBundle b = h.bundle("wrongns");
                    for (JsonNode ns : b.namespaces()) {
                        if (ns.get("type").asText().equals("network")) {
                            ((com.fasterxml.jackson.databind.node.ObjectNode) ns).put("path", "/proc/1/ns/uts");
                        }
                    }
                    b.write();
                    h.assertCreateRefused(b);
                }),
            new Case("linux.user-mappings", "config-linux.md#user-namespace-mappings",
                "uid and gid mappings are those configured; root inside is the mapped host id", () -> {
                    Report r = baseline();
                    assertEquals(List.of("0 100000 65536"), r.list("uid_map").stream()
                        .map(l -> l.trim().replaceAll("\\s+", " ")).toList());
                    assertEquals(List.of("0 100000 65536"), r.list("gid_map").stream()
                        .map(l -> l.trim().replaceAll("\\s+", " ")).toList());
                    String id = h.create(h.bundle("hostuid").args(TestBundle.CHECKER, "sleep"));
                    int pid = h.state(id).path("pid").asInt();
                    String status = Files.readString(Path.of("/proc/" + pid + "/status"));
                    assertTrue(status.contains("\nUid:\t100000\t100000\t100000\t100000"), "host view: " + status);
                }),
            new Case("linux.devices.default", "config-linux.md#default-devices",
                "/dev/null, zero, full, random, urandom, tty and ptmx are supplied", () -> {
                    Report r = baseline();
                    assertTrue(r.get("path./dev/null").startsWith("chr rdev=1:3"), r.get("path./dev/null"));
                    assertTrue(r.get("path./dev/zero").startsWith("chr rdev=1:5"));
                    assertTrue(r.get("path./dev/full").startsWith("chr rdev=1:7"));
                    assertTrue(r.get("path./dev/random").startsWith("chr rdev=1:8"));
                    assertTrue(r.get("path./dev/urandom").startsWith("chr rdev=1:9"));
                    assertTrue(r.get("path./dev/tty").startsWith("chr rdev=5:0"));
                    assertTrue(r.get("path./dev/null").contains("bytes=0"), "/dev/null must be readable (empty)");
                    assertTrue(r.get("path./dev/zero").contains("bytes=64"), "/dev/zero must be readable");
                    assertTrue(r.get("path./dev/urandom").contains("bytes=64"), "/dev/urandom must be readable");
                    String ptmx = r.get("path./dev/ptmx");
                    assertTrue(ptmx.equals("link pts/ptmx") || ptmx.startsWith("chr rdev=5:2"), ptmx);
                }),
            new Case("linux.devices.listed", "config-linux.md#devices", "devices in linux.devices are available",
                () -> {
                    TestBundle b = h.bundle("devices");
                    b.linux().putArray("devices").addObject().put("path", "/dev/fuse").put("type", "c")
                        .put("major", 10).put("minor", 229).put("fileMode", 438).put("uid", 0).put("gid", 0);
                    b.report("/dev/fuse");
                    String fuse = h.runReport(b).get("path./dev/fuse");
                    assertTrue(fuse.startsWith("chr rdev=10:229"), fuse);
                }),
            new Case("linux.devices.mode", "config-linux.md#devices",
                "a device node the runtime creates (no user namespace) gets fileMode, uid and gid", () -> {
                    TestBundle b = h.bundle("devmode").withoutUserNamespace();
                    b.linux().putArray("devices").addObject().put("path", "/dev/fuse").put("type", "c")
                        .put("major", 10).put("minor", 229).put("fileMode", 438).put("uid", 7).put("gid", 8);
                    b.report("/dev/fuse");
                    String fuse = h.runReport(b).get("path./dev/fuse");
                    assertTrue(fuse.startsWith("chr rdev=10:229") && fuse.contains(" mode=20666 uid=7 gid=8 "), fuse);
                }),
            new Case("linux.devices.conflict", "config-linux.md#devices",
                "a device path where a non-matching file already exists is an error", () -> {
                    h.requireWorkingRuntime();
                    TestBundle b = h.bundle("devconflict");
                    Files.writeString(b.rootfs.resolve("etc/notadevice"), "plain file");
                    b.linux().putArray("devices").addObject().put("path", "/etc/notadevice").put("type", "c")
                        .put("major", 1).put("minor", 3);
                    b.write();
                    String id = h.newId("devconflict");
                    Cli.Result r = h.cli.run("run", "--bundle", b.dir.toString(), id);
                    assertTrue(r.code() != 0, r.describe());
                }),
            new Case("linux.default-filesystems", "config-linux.md#default-filesystems",
                "/proc, /sys, /dev/pts and /dev/shm are proc, sysfs, devpts and tmpfs", () -> {
                    Report r = baseline();
                    assertEquals("proc", fsType(mountAt(r, "/proc")));
                    assertEquals("sysfs", fsType(mountAt(r, "/sys")));
                    assertEquals("devpts", fsType(mountAt(r, "/dev/pts")));
                    assertEquals("tmpfs", fsType(mountAt(r, "/dev/shm")));
                }),
            new Case("linux.maskedPaths", "config-linux.md#masked-paths",
                "masked paths cannot be read", () -> {
                    Report r = baseline();
                    for (String p : DefaultSpec.MASKED_PATHS) {
                        String seen = r.get("path." + p);
                        boolean masked = seen.equals("absent") || seen.startsWith("chr rdev=1:3")
                            || seen.startsWith("dir") && seen.contains("entries=0") || seen.contains("bytes=0");
                        assertTrue(masked, p + " is not masked: " + seen);
                    }
                }),
            new Case("linux.readonlyPaths", "config-linux.md#readonly-paths",
                "read-only paths are read-only", () -> {
                    Report r = baseline();
                    for (String p : DefaultSpec.READONLY_PATHS) {
                        String seen = r.get("path." + p);
                        assertTrue(seen.equals("absent") || seen.endsWith("ro=1"), p + " is writable: " + seen);
                    }
                }),
            new Case("linux.sysctl", "config-linux.md#sysctl", "sysctls are applied in the container's namespaces",
                () -> {
                    TestBundle b = h.bundle("sysctl");
                    b.linux().putObject("sysctl").put("net.ipv4.ip_forward", "1").put("kernel.shmmni", "2048");
                    b.report("cat:/proc/sys/net/ipv4/ip_forward", "cat:/proc/sys/kernel/shmmni");
                    String hostForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
                    String hostShmmni = Files.readString(Path.of("/proc/sys/kernel/shmmni")).strip();
                    Report r = h.runReport(b);
                    assertEquals("1", r.get("file./proc/sys/net/ipv4/ip_forward"));
                    assertEquals("2048", r.get("file./proc/sys/kernel/shmmni"));
                    assertEquals(hostForward, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip(),
                        "the host's value is untouched");
                    assertEquals(hostShmmni, Files.readString(Path.of("/proc/sys/kernel/shmmni")).strip());
                }),
            new Case("linux.rootfsPropagation", "config-linux.md#rootfs-mount-propagation",
                "rootfsPropagation private leaves the root mount in no peer group", () -> {
                    TestBundle b = h.bundle("propagation");
                    b.linux().put("rootfsPropagation", "private");
                    String root = mountAt(h.runReport(b), "/");
                    assertTrue(root != null && !root.contains(" shared:") && !root.contains(" master:"), root);
                }),
            new Case("linux.personality", "config-linux.md#personality",
                "personality LINUX32 makes uname report a 32-bit machine", () -> {
                    TestBundle b = h.bundle("personality");
                    b.linux().putObject("personality").put("domain", "LINUX32");
                    assertEquals("i686", h.runReport(b).get("machine"));
                }),
            new Case("linux.seccomp.applied", "config-linux.md#seccomp",
                "a seccomp filter is in force in the process", () -> {
                    TestBundle b = h.bundle("seccomp");
                    b.linux().putObject("seccomp").put("defaultAction", "SCMP_ACT_ALLOW").putArray("syscalls")
                        .addObject().put("action", "SCMP_ACT_ERRNO").putArray("names").add("getcwd");
                    Report r = h.runReport(b);
                    assertEquals("2", r.get("status.Seccomp"));
                    assertEquals("error", r.get("cwd"), "getcwd must fail under the filter");
                }),
            new Case("linux.timeOffsets", "config-linux.md#offset-for-time-namespace",
                "time namespace offsets are applied", () -> {
                    TestBundle b = h.bundle("time");
                    b.namespaces().addObject().put("type", "time");
                    b.linux().putObject("timeOffsets").putObject("monotonic").put("secs", 86400).put("nanosecs", 0);
                    b.report("cat:/proc/self/timens_offsets");
                    String offsets = h.runReport(b).get("file./proc/self/timens_offsets");
                    assertTrue(offsets.matches("(?s).*monotonic\\s+86400\\s+0.*"), offsets);
                }));
    }

    // ------------------------------------------------------------------ config.md: hooks

    private static List<Case> hookCases() {
        return List.of(
            new Case("hooks.order-and-state", "config.md#posix-platform-hooks",
                "hooks run in the listed order at their lifecycle points, with the state on stdin", () -> {
                    TestBundle b = h.bundle("hooks").args(TestBundle.CHECKER, "exit", "0");
                    Path log = h.work.resolve("hooks-" + System.nanoTime() + ".log");
                    Path states = Files.createDirectories(h.work.resolve("hook-states-" + System.nanoTime()));
                    var hooks = b.config.putObject("hooks");
                    for (String[] hk : new String[][] {{"prestart", "pre1"}, {"createRuntime", "cr1"},
                            {"createRuntime", "cr2"}, {"poststart", "post1"}, {"poststop", "stop1"}}) {
                        Path s = hookScript(hk[1], log, "cat > " + states.resolve(hk[1]) + "; echo \"$1 $2 $HOOKVAR\" > "
                            + states.resolve(hk[1] + ".argv"));
                        var entry = hooks.withArray(hk[0]).addObject().put("path", s.toString());
                        entry.putArray("args").add(hk[1]).add("first").add("second");
                        entry.putArray("env").add("HOOKVAR=" + hk[1] + "-env");
                    }
                    String id = h.create(b);
                    assertEquals(List.of("pre1", "cr1", "cr2"), Files.readAllLines(log), "after create");
                    JsonNode st = TestBundle.JSON.readTree(states.resolve("cr1").toFile());
                    assertEquals(id, st.path("id").asText());
                    assertEquals(b.dir.toAbsolutePath().toString(), st.path("bundle").asText());
                    assertTrue(st.path("pid").asInt() > 0, st.toString());
                    assertEquals("first second cr1-env", Files.readString(states.resolve("cr1.argv")).strip(),
                        "the hook gets its args and env");
                    assertTrue(h.cli.run("start", id).ok());
                    assertEquals(List.of("pre1", "cr1", "cr2", "post1"), Files.readAllLines(log), "after start");
                    h.awaitStatus(id, "stopped");
                    assertTrue(h.cli.run("delete", id).ok());
                    assertEquals(List.of("pre1", "cr1", "cr2", "post1", "stop1"), Files.readAllLines(log));
                }),
            new Case("hooks.startContainer-in-container", "config.md#posix-platform-hooks",
                "startContainer hooks resolve and run in the container, with the state on stdin", () -> {
                    TestBundle b = h.bundle("startcontainer").args(TestBundle.CHECKER, "exit", "0");
                    Path shared = Files.createDirectories(b.dir.resolve("shared"));
                    TestBundle.chown(shared, DefaultSpec.HOST_ID_BASE);
                    b.mounts().addObject().put("destination", "/hostdir").put("type", "none")
                        .put("source", shared.toString()).putArray("options").add("bind").add("rw");
                    b.config.putObject("hooks").withArray("startContainer").addObject()
                        .put("path", TestBundle.CHECKER).putArray("args").add("oci-checker").add("hook")
                        .add("/hostdir/state.json");
                    String id = h.create(b);
                    assertFalse(Files.exists(shared.resolve("state.json")), "startContainer ran before start");
                    assertTrue(h.cli.run("start", id).ok());
                    h.awaitStatus(id, "stopped");
                    JsonNode st = TestBundle.JSON.readTree(shared.resolve("state.json").toFile());
                    assertEquals(id, st.path("id").asText());
                }),
            new Case("hooks.createRuntime-failure", "runtime.md#lifecycle",
                "a failing createRuntime hook makes create fail and destroys the container", () -> {
                    TestBundle b = h.bundle("hookfail").args(TestBundle.CHECKER, "sleep");
                    Path log = h.work.resolve("hookfail-" + System.nanoTime() + ".log");
                    Path s = hookScript("failing", log, "exit 7");
                    b.config.putObject("hooks").withArray("createRuntime").addObject().put("path", s.toString());
                    b.write();
                    h.assertCreateRefused(b);
                    assertEquals(List.of("failing"), Files.readAllLines(log), "the hook must have run");
                }),
            new Case("hooks.timeout", "config.md#posix-platform-hooks",
                "a hook that outlives its timeout is aborted and create fails", () -> {
                    TestBundle b = h.bundle("hooktimeout").args(TestBundle.CHECKER, "sleep");
                    Path log = h.work.resolve("hooktimeout-" + System.nanoTime() + ".log");
                    Path s = hookScript("slow", log, "sleep 30");
                    b.config.putObject("hooks").withArray("createRuntime").addObject().put("path", s.toString())
                        .put("timeout", 1);
                    b.write();
                    long start = System.nanoTime();
                    h.assertCreateRefused(b);
                    assertEquals(List.of("slow"), Files.readAllLines(log), "the hook must have run");
                    assertTrue(System.nanoTime() - start < 25_000_000_000L, "the hook was not aborted at its timeout");
                }),
            new Case("hooks.poststop-failure", "runtime.md#lifecycle",
                "a failing poststop hook is a warning: delete still succeeds", () -> {
                    TestBundle b = h.bundle("poststopfail").args(TestBundle.CHECKER, "exit", "0");
                    Path log = h.work.resolve("poststop-" + System.nanoTime() + ".log");
                    Path s = hookScript("failing", log, "exit 1");
                    b.config.putObject("hooks").withArray("poststop").addObject().put("path", s.toString());
                    String id = h.create(b);
                    assertTrue(h.cli.run("start", id).ok());
                    h.awaitStatus(id, "stopped");
                    assertTrue(h.cli.run("delete", id).ok());
                    h.assertNoContainer(id);
                }));
    }

    // ------------------------------------------------------------------ invalid configurations

    /** A case whose config must be refused by create, with an error naming config.json, nothing left behind. */
    private static Case refused(String id, String ref, String title, String pointer, String json,
            String jsonPath) {
        return new Case(id, ref, title, () -> {
            TestBundle b = h.bundle(id.replace('.', '-'));
            b.setJson(pointer, json);
            b.write();
            h.assertCreateRefused(b, "config.json", jsonPath);
        });
    }

    private static List<Case> validationCases() {
        return List.of(
            refused("invalid.ociVersion", "config.md#specification-version", "ociVersion must be SemVer",
                "/ociVersion", "\"one\"",
                "$.ociVersion"),
            refused("invalid.cwd-relative", "config.md#process", "cwd must be absolute", "/process/cwd", "\"tmp\"",
                "$.process.cwd"),
            refused("invalid.args-empty", "config.md#process", "args needs at least one entry", "/process/args",
                "[]",
                "$.process.args"),
            refused("invalid.rlimit-type", "config.md#posix-process",
                "an rlimit type that maps to no kernel resource is an error", "/process/rlimits",
                "[{\"type\": \"RLIMIT_BOGUS\", \"soft\": 1, \"hard\": 1}]",
                "$.process.rlimits[0].type"),
            refused("invalid.rlimit-duplicate", "config.md#posix-process", "duplicate rlimit types are an error",
                "/process/rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}, "
                    + "{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": 2}]",
                "$.process.rlimits[1].type"),
            refused("invalid.namespace-duplicate", "config-linux.md#namespaces",
                "duplicate namespace types are an error", "/linux/namespaces",
                "[{\"type\": \"pid\"}, {\"type\": \"pid\"}, {\"type\": \"user\"}, {\"type\": \"mount\"}, "
                    + "{\"type\": \"uts\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}]",
                "$.linux.namespaces[1].type"),
            refused("invalid.namespace-type", "config.md#valid-values", "an unknown namespace type is an error",
                "/linux/namespaces", "[{\"type\": \"pid\"}, {\"type\": \"user\"}, {\"type\": \"mount\"}, "
                    + "{\"type\": \"uts\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"cgroup\"}, "
                    + "{\"type\": \"galaxy\"}]",
                "$.linux.namespaces[7].type"),
            refused("invalid.namespace-path-relative", "config-linux.md#namespaces",
                "a namespace path must be absolute", "/linux/namespaces",
                "[{\"type\": \"pid\"}, {\"type\": \"user\"}, {\"type\": \"mount\"}, {\"type\": \"uts\"}, "
                    + "{\"type\": \"ipc\"}, {\"type\": \"network\", \"path\": \"proc/1/ns/net\"}]",
                "$.linux.namespaces[5].path"),
            refused("invalid.hook-path", "config.md#posix-platform-hooks", "a hook path must be absolute",
                "/hooks", "{\"createRuntime\": [{\"path\": \"bin/true\"}]}",
                "$.hooks.createRuntime[0].path"),
            refused("invalid.hook-timeout", "config.md#posix-platform-hooks", "a hook timeout must be positive",
                "/hooks", "{\"poststart\": [{\"path\": \"/bin/true\", \"timeout\": 0}]}",
                "$.hooks.poststart[0].timeout"),
            refused("invalid.masked-relative", "config-linux.md#masked-paths", "masked paths must be absolute",
                "/linux/maskedPaths", "[\"proc/kcore\"]",
                "$.linux.maskedPaths[0]"),
            refused("invalid.readonly-relative", "config-linux.md#readonly-paths",
                "read-only paths must be absolute", "/linux/readonlyPaths", "[\"proc/sys\"]",
                "$.linux.readonlyPaths[0]"),
            refused("invalid.annotation-empty-key", "config.md#annotations", "annotation keys must not be empty",
                "/annotations", "{\"\": \"x\"}",
                "$.annotations"),
            refused("invalid.seccomp-errno-action", "config-linux.md#seccomp",
                "an errno on an action that takes none is an error", "/linux/seccomp",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getcwd\"], "
                    + "\"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 1}]}",
                "$.linux.seccomp.syscalls[0].errnoRet"),
            refused("invalid.seccomp-names-empty", "config-linux.md#seccomp",
                "a seccomp rule needs at least one name", "/linux/seccomp",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], "
                    + "\"action\": \"SCMP_ACT_ERRNO\"}]}",
                "$.linux.seccomp.syscalls[0].names"),
            refused("invalid.seccomp-listener-metadata", "config-linux.md#seccomp",
                "listenerMetadata without listenerPath is an error", "/linux/seccomp",
                "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerMetadata\": \"x\"}",
                "$.linux.seccomp.listenerMetadata"),
            refused("invalid.intelRdt-unsupported", "config-linux.md#intelrdt",
                "intelRdt without a usable resctrl is an error", "/linux/intelRdt", "{\"closID\": \"x\"}",
                "$.linux.intelRdt"),
            refused("invalid.device-type", "config-linux.md#devices", "a device type outside c, b, u, p is an error",
                "/linux/devices", "[{\"path\": \"/dev/x\", \"type\": \"z\", \"major\": 1, \"minor\": 1}]",
                "$.linux.devices[0].type"),
            new Case("invalid.mount-idmap-no-userns", "config.md#linux-mount-options",
                "an idmap mount without mappings or a user namespace is an error", () -> {
                    TestBundle b = h.bundle("idmap").withoutUserNamespace();
                    b.mounts().addObject().put("destination", "/data").put("type", "none")
                        .put("source", b.dir.toString()).putArray("options").add("bind").add("idmap");
                    b.write();
                    h.assertCreateRefused(b, "config.json", "$.mounts[6].options");
                }),
            new Case("invalid.malformed-json", "config.md#valid-values",
                "a config.json that is not JSON is refused with its file named", () -> {
                    TestBundle b = h.bundle("malformed");
                    b.writeRaw("{\"ociVersion\": \"1.2.0\", \"root\": ");
                    h.assertCreateRefused(b, "config.json");
                }));
    }
}
