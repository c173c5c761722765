package io.bulwark.core.hooks;

import static org.junit.jupiter.api.Assertions.*;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Hook;
import io.bulwark.core.state.OciState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real hook processes on the host (no root needed). */
class HookRunnerTest {
    static final OciState STATE = new OciState(OciState.OCI_VERSION, "c1", "created", 42, "/b", Map.of("k", "v"));

    @TempDir
    Path tmp;

    @Test
    void aHookGetsTheStateOnStdinWithItsArgsAndEnv() throws Exception {
        Path out = tmp.resolve("out");
        Hook h = new Hook("/bin/sh", List.of("hook-argv0", "-c", "echo \"$0 $FOO\" > " + out + "; cat >> " + out),
            List.of("FOO=bar"), 5);
        new HookRunner().run("poststart", List.of(h), STATE);
        assertEquals("hook-argv0 bar\n" + HookRunner.stateJson(STATE), Files.readString(out));
        assertEquals("{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"created\",\"pid\":42,\"bundle\":\"/b\","
            + "\"annotations\":{\"k\":\"v\"}}", HookRunner.stateJson(STATE));
    }

    @Test
    void aFailingHookNamesPhaseIndexPathStatusAndItsFirstErrorLine() {
        Hook ok = new Hook("/bin/true", null, null, null);
        Hook bad = new Hook("/bin/sh", List.of("sh", "-c", "echo 'first problem' >&2; echo second >&2; exit 4"), null, 5);
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> new HookRunner().run("prestart", List.of(ok, bad), STATE));
        assertEquals("hook prestart[1] (/bin/sh) failed: exit status 4: first problem", e.getMessage());
    }

    @Test
    void aHookPastItsTimeoutIsKilled() {
        Hook slow = new Hook("/bin/sleep", List.of("sleep", "30"), null, 1);
        long t0 = System.nanoTime();
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> new HookRunner().run("poststop", List.of(slow), STATE));
        assertEquals("hook poststop[0] (/bin/sleep) timed out after 1 s and was killed", e.getMessage());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
    }

    @Test
    void aMissingHookProgramIsAClearError() {
        Hook missing = new Hook("/nonexistent/hook", null, null, null);
        BulwarkException e = assertThrows(BulwarkException.class,
            () -> new HookRunner().run("createRuntime", List.of(missing), STATE));
        assertTrue(e.getMessage().startsWith("hook createRuntime[0] (/nonexistent/hook)"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }
}
