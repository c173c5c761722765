package io.bulwark.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientArgsTest {
    private static final Path CWD = Path.of("/home/ci/job");

    @Test
    void relativePathsBecomeTheClientsOwn() {
        assertEquals(List.of("--root", "/home/ci/job/state", "--log=/home/ci/job/log.json", "--log-format", "json",
                "run", "--bundle", "/home/ci/job/b", "--pid-file=/home/ci/job/p.pid", "-d", "c1"),
            ClientArgs.rewrite(List.of("--root", "state", "--log=log.json", "--log-format", "json",
                "run", "--bundle", "b", "--pid-file=p.pid", "-d", "c1"), CWD));
    }

    @Test
    void absolutePathsAndOtherValuesAreKept() {
        assertEquals(List.of("exec", "--process", "/tmp/p.json", "--cwd", "rel", "c1"),
            ClientArgs.rewrite(List.of("exec", "--process", "/tmp/p.json", "--cwd", "rel", "c1"), CWD));
    }

    @Test
    void theBundleDefaultsToTheClientsDirectory() {
        assertEquals(List.of("create", "--bundle=/home/ci/job", "c1"), ClientArgs.rewrite(List.of("create", "c1"), CWD));
        assertEquals(List.of("run", "-b", "/home/ci/job/x", "c1"), ClientArgs.rewrite(List.of("run", "-b", "x", "c1"), CWD));
        assertEquals(List.of("state", "c1"), ClientArgs.rewrite(List.of("state", "c1"), CWD));
    }

    @Test
    void argumentsAfterTheVerbThatLookLikeGlobalsAreNotTouched() {
        assertEquals(List.of("kill", "--all", "c1", "KILL"), ClientArgs.rewrite(List.of("kill", "--all", "c1", "KILL"), CWD));
    }

    @Test
    void unservedVerbsAndPreservedDescriptorsGoToAJvmOfTheirOwn() {
        assertNull(ClientArgs.rewrite(List.of("update", "-r", "res.json", "c1"), CWD));
        assertNull(ClientArgs.rewrite(List.of("policy", "check", "p.json"), CWD));
        assertNull(ClientArgs.rewrite(List.of("run", "--preserve-fds", "2", "c1"), CWD));
        assertNull(ClientArgs.rewrite(List.of("run", "--preserve-fds=1", "c1"), CWD));
    }

    @Test
    void versionAndHelpAreServed() {
        assertEquals(List.of("--version"), ClientArgs.rewrite(List.of("--version"), CWD));
        assertEquals(List.of("help", "run"), ClientArgs.rewrite(List.of("help", "run"), CWD));
    }
}
