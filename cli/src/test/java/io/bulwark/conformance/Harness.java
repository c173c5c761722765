package io.bulwark.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The suite's shared machinery: where {@code bin/bulwark} and the checker are, a private state root and work
 * directory, container ids that are unique and always cleaned up, and the outcome of every case.
 */
final class Harness {
    enum Status { PASSED, FAILED, SKIPPED }

    record Outcome(String id, Status status, String detail) {
    }

    final Path bulwark;
    final Path checker;
    final Path work;
    final Cli cli;
    final List<Outcome> outcomes = new ArrayList<>();
    final Map<String, String> knownFailures;
    private final List<String> ids = new ArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();

    Harness(Path dist) throws IOException {
        this.bulwark = dist.resolve("bin/bulwark");
        this.checker = dist.getParent().resolve("conformance/oci-checker");
        // 0755: container root is an unprivileged host uid (user namespace) and must reach the bundles' rootfs.
        this.work = Files.createTempDirectory("bulwark-conformance-",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        Path root = Files.createDirectories(work.resolve("state"));
        this.cli = new Cli(bulwark, root, Files.createDirectories(work.resolve("io")));
        this.knownFailures = readKnownFailures();
    }

    /** {@code case-id<TAB or spaces>reason} lines; {@code #} starts a comment. */
    private static Map<String, String> readKnownFailures() throws IOException {
        Map<String, String> known = new LinkedHashMap<>();
        try (InputStream in = Harness.class.getResourceAsStream("known-failures.txt")) {
            if (in == null) {
                return known;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+", 2);
                known.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return known;
    }

    String newId(String tag) {
        String id = "oci-" + tag + "-" + ProcessHandle.current().pid() + "-" + counter.incrementAndGet();
        ids.add(id);
        return id;
    }

    TestBundle bundle(String name) throws IOException {
        return TestBundle.create(work.resolve("bundles"), name + "-" + counter.incrementAndGet(), checker);
    }

    /** Runs the bundle's process to completion with {@code run} and returns the checker's report. */
    Report runReport(TestBundle b) throws Exception {
        b.write();
        String id = newId("run");
        Cli.Result r = cli.run("run", "--bundle", b.dir.toString(), id);
        Report report = new Report(r.out());
        if (!r.ok() || !report.complete()) {
            fail("the container did not run to a complete report: " + r.describe() + "\n" + report.abbreviated());
        }
        return report;
    }

    /** Creates a container from the bundle (its process not yet started); fails the case if create fails. */
    String create(TestBundle b) throws Exception {
        b.write();
        String id = newId("c");
        Cli.Result r = cli.run("create", "--bundle", b.dir.toString(), id);
        if (!r.ok()) {
            fail("create failed: " + r.describe());
        }
        return id;
    }

    /** A created container whose process writes to {@link #out} (its stdio is inherited from create). */
    record Created(String id, Path out) {
        String output() throws IOException {
            return Cli.read(out);
        }
    }

    /** Creates a container from the bundle with its output going to a file of its own. */
    Created createCapturing(TestBundle b) throws Exception {
        b.write();
        String id = newId("c");
        Path out = work.resolve("io").resolve(id + ".out");
        Path err = work.resolve("io").resolve(id + ".err");
        Process p = new ProcessBuilder(bulwark.toString(), "--root", cli.root().toString(), "create", "--bundle",
            b.dir.toString(), id).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(Cli.TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("create of " + id + " timed out");
        }
        if (p.exitValue() != 0) {
            fail("create failed: exit " + p.exitValue() + ", stderr: " + Cli.read(err).strip());
        }
        return new Created(id, out);
    }

    JsonNode state(String id) throws Exception {
        Cli.Result r = cli.run("state", id);
        if (!r.ok()) {
            fail("state failed: " + r.describe());
        }
        return TestBundle.JSON.readTree(r.out());
    }

    String status(String id) throws Exception {
        return state(id).path("status").asText();
    }

    /** Polls {@code state} until the container reaches {@code wanted} (bounded). */
    void awaitStatus(String id, String wanted) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String last = "";
        while (System.nanoTime() < deadline) {
            last = status(id);
            if (last.equals(wanted)) {
                return;
            }
            Thread.sleep(100);
        }
        assertEquals(wanted, last, "status of " + id);
    }

    /** Asserts that creating from {@code b} fails with a message naming the config, and leaves no container. */
    Cli.Result assertCreateRefused(TestBundle b, String... fragments) throws Exception {
        String id = newId("bad");
        Cli.Result r = cli.run("create", "--bundle", b.dir.toString(), id);
        assertTrue(r.code() > 0, "create must fail: " + r.describe());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "the error should mention \"" + f + "\": " + r.describe());
        }
        assertNoStateLeft(id);
        return r;
    }

    /** The container is gone for a client ({@code state} fails) and from the state root. */
    void assertNoContainer(String id) throws Exception {
        Cli.Result state = cli.run("state", id);
        assertTrue(state.code() != 0, "no container may be left behind: " + state.describe());
        assertNoStateLeft(id);
    }

    void assertNoStateLeft(String id) throws Exception {
        try (Stream<Path> left = Files.list(cli.root())) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().equals(id)), "state directory left for " + id);
        }
    }

    /**
     * Fails the case unless Bulwark can run a plain container here: a negative case (an error expected) proves
     * nothing when every container fails.
     */
    void requireWorkingRuntime() throws Exception {
        if (runtimeWorks == null) {
            TestBundle b = bundle("control").args(TestBundle.CHECKER, "exit", "0");
            b.write();
            String id = newId("control");
            Cli.Result r = cli.run("run", "--bundle", b.dir.toString(), id);
            runtimeWorks = r.ok() ? "" : r.describe();
        }
        if (!runtimeWorks.isEmpty()) {
            fail("the control container fails, so this refusal proves nothing: " + runtimeWorks);
        }
    }

    private String runtimeWorks;

    /** Deletes every container the suite left in its private root (force), then the work directory. */
    void cleanUp() throws Exception {
        Cli.Result list = cli.run("list", "--format", "json");
        JsonNode left = list.ok() && !list.out().isBlank() ? TestBundle.JSON.readTree(list.out()) : null;
        if (left != null && left.isArray()) {
            for (JsonNode c : left) {
                cli.run("delete", "--force", c.path("id").asText());
            }
        } else {
            for (String id : ids) {
                cli.run("delete", "--force", id);
            }
        }
        try (Stream<Path> all = Files.walk(work)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("conformance: could not remove " + work + ": " + e);
        }
    }

    String summary() {
        long passed = outcomes.stream().filter(o -> o.status() == Status.PASSED).count();
        long failed = outcomes.stream().filter(o -> o.status() == Status.FAILED).count();
        long skipped = outcomes.stream().filter(o -> o.status() == Status.SKIPPED).count();
        return passed + " passed, " + failed + " failed, " + skipped + " skipped";
    }
}
