package io.bulwark.core.cgroup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A host shell that waits for a line on stdin before it runs {@code script}, so a test can move it into a cgroup
 * before any of the script's work happens.
 */
final class GatedProcess implements AutoCloseable {
    final Process process;

    private GatedProcess(Process process) {
        this.process = process;
    }

    static GatedProcess start(String script) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "read go; " + script);
        pb.redirectErrorStream(true);
        return new GatedProcess(pb.start());
    }

    int pid() {
        return (int) process.pid();
    }

    void release() throws IOException {
        OutputStream in = process.getOutputStream();
        in.write("go\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** Exit status as a shell reports it (128+N for signal N), or -1 on timeout. */
    int waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    String output() throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
