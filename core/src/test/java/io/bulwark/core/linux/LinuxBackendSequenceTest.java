package io.bulwark.core.linux;

import static org.junit.jupiter.api.Assertions.*;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.backend.ContainerProcess;
import io.bulwark.core.backend.ContainerRecord;
import io.bulwark.core.backend.CreateRequest;
import io.bulwark.core.state.ProcessInfo;
import io.bulwark.core.sys.RecordingSyscall;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact kernel-call sequence of the linux backend, checked with the recording double (no root needed). */
class LinuxBackendSequenceTest {
    @TempDir
    Path tmp;

    static byte[] message(int type, int errno, int value, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + t.length).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(errno)
            .putInt(value).putInt(0).put(t).array();
    }

    /** A fake /proc with one process whose start time is 4242. */
    ProcessInfo fakeProc(int pid) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("proc").resolve(Integer.toString(pid)));
        StringBuilder stat = new StringBuilder(pid + " (bulwark-shim) S");
        for (int field = 4; field <= 21; field++) {
            stat.append(" 0");
        }
        stat.append(" 4242 0 0\n");
        Files.writeString(dir.resolve("stat"), stat.toString());
        return new ProcessInfo(tmp.resolve("proc"));
    }

    CreateRequest request() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        return new CreateRequest("c1", Path.of("/b"),
            Containers.spec(Containers.process(List.of("true"))), state, null, false, 1, null);
    }

    @Test
    void createSpawnsTheShimWritesIdMapsAndWaitsForReady() throws Exception {
        RecordingSyscall sys = new RecordingSyscall();
        List<String> cgroup = new ArrayList<>();
        CgroupHook hook = new CgroupHook() {
            @Override
            public void place(CreateRequest request, int initPid) {
                cgroup.add("place " + request.id() + " " + initPid);
            }
        };
        sys.reply(message(SyncMessage.PID, 0, 1001, "")).reply(message(SyncMessage.READY, 0, 0, ""));
        LinuxBackend backend = new LinuxBackend(sys, hook, fakeProc(1001));
        CreateRequest r = request();
        ContainerProcess p = backend.create(r);
        assertEquals(new ContainerProcess(1001, 4242), p);
        assertEquals(List.of("place c1 1001"), cgroup);
        String fifo = r.stateDir().resolve("exec.fifo").toString();
        assertEquals(List.of(
            "unlink(" + fifo + ")",
            "mkfifo(" + fifo + ", 0622)",
            "chmod(" + fifo + ", 0622)",
            "chown(" + fifo + ", 100000, 100000)",
            "open(" + fifo + ", 012000000)",
            "socketpair(1, 5)",
            "memfd_create(bulwark-plan, 3)",
            "add_seals(103<memfd:bulwark-plan>, 15)",
            "dup(0, >=16)", "dup(1, >=16)", "dup(2, >=16)", "dup(3, >=16)",
            "dup(103<memfd:bulwark-plan>, >=16)", "dup(102<sync shim>, >=16)", "dup(100<" + fifo + ">, >=16)",
            "memfd_create(bulwark-shim, 3)",
            "write(111<memfd:bulwark-shim>, " + ShimBinary.load().length + " bytes)",
            "add_seals(111<memfd:bulwark-shim>, 15)",
            "dup(111<memfd:bulwark-shim>, >=16)",
            "posix_spawn(/proc/self/fd/7, [bulwark-shim, init, 4], env=[], [Dup2[from=104, to=0], Dup2[from=105, to=1], "
                + "Dup2[from=106, to=2], Dup2[from=107, to=3], Dup2[from=108, to=4], Dup2[from=109, to=5], "
                + "Dup2[from=110, to=6], Dup2[from=112, to=7], CloseFrom[lowFd=8]])",
            "close(104<dup of 0>)", "close(105<dup of 1>)", "close(106<dup of 2>)", "close(107<dup of 3>)",
            "close(108<dup of 103>)", "close(109<dup of 102>)", "close(110<dup of 100>)", "close(112<dup of 111>)",
            "close(103<memfd:bulwark-plan>)", "close(102<sync shim>)",
            "close(100<" + fifo + ">)",
            "recvmsg(101<sync java>) = type 1",
            "waitpid(1000)",
            "open(/proc/1001/uid_map, 02000001)",
            "write(113</proc/1001/uid_map>, \"0 100000 65536\\n\")",
            "close(113</proc/1001/uid_map>)",
            "open(/proc/1001/gid_map, 02000001)",
            "write(114</proc/1001/gid_map>, \"0 100000 65536\\n\")",
            "close(114</proc/1001/gid_map>)",
            "sendmsg(101<sync java>, 16 bytes, fds=[], type=5)",
            "recvmsg(101<sync java>) = type 4",
            "close(101<sync java>)"), withoutPlanWrite(sys.calls()));
    }

    /** The plan's bytes are checked by the encoder tests; here only that it was written to its memfd. */
    static List<String> withoutPlanWrite(List<String> calls) {
        List<String> out = new ArrayList<>();
        for (String c : calls) {
            if (c.startsWith("write(103<memfd:bulwark-plan>")) {
                continue;
            }
            out.add(c);
        }
        assertEquals(1, calls.stream().filter(c -> c.startsWith("write(103<memfd:bulwark-plan>")).count());
        return out;
    }

    @Test
    void aSetupErrorKillsAndReapsTheInitAndRemovesTheFifo() throws Exception {
        RecordingSyscall sys = new RecordingSyscall();
        sys.reply(message(SyncMessage.PID, 0, 1001, ""))
            .reply(message(SyncMessage.ERROR, 2, 0, "exec \"x\": executable file not found in $PATH"));
        LinuxBackend backend = new LinuxBackend(sys, CgroupHook.NONE, fakeProc(1001));
        CreateRequest r = request();
        BulwarkException e = assertThrows(BulwarkException.class, () -> backend.create(r));
        assertEquals("container c1: exec \"x\": executable file not found in $PATH", e.getMessage());
        assertEquals(2, e.errno());
        List<String> calls = sys.calls();
        List<String> tail = calls.subList(calls.indexOf("recvmsg(101<sync java>) = type 2"), calls.size());
        String fifo = r.stateDir().resolve("exec.fifo").toString();
        assertEquals(List.of("recvmsg(101<sync java>) = type 2", "close(101<sync java>)", "kill(1001, 9)",
            "waitpid(1001)", "unlink(" + fifo + ")", "unlink(" + r.stateDir().resolve("linux-start-hooks.json") + ")"),
            tail);
    }

    @Test
    void startOpensTheFifoReadsOneByteAndRemovesIt() throws Exception {
        RecordingSyscall sys = new RecordingSyscall();
        LinuxBackend backend = new LinuxBackend(sys, CgroupHook.NONE, fakeProc(1001));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Files.writeString(state.resolve("exec.fifo"), "");
        backend.start(new ContainerRecord("c1", Path.of("/b"), state, "linux", new ContainerProcess(1001, 4242), Map.of()));
        String fifo = state.resolve("exec.fifo").toString();
        assertEquals(List.of("open(" + fifo + ", 02004000)", "read(100<" + fifo + ">)", "close(100<" + fifo + ">)",
            "unlink(" + fifo + ")"), sys.calls());
    }

    @Test
    void deleteOfAStoppedContainerReapsAndCleansUp() throws Exception {
        RecordingSyscall sys = new RecordingSyscall();
        List<String> removed = new ArrayList<>();
        LinuxBackend backend = new LinuxBackend(sys, new CgroupHook() {
            @Override
            public void remove(ContainerRecord container) {
                removed.add(container.id());
            }
        }, fakeProc(1001));
        Path state = Files.createDirectories(tmp.resolve("state"));
        // start time differs from the recorded one: the pid was recycled, the container is gone
        backend.delete(new ContainerRecord("c1", Path.of("/b"), state, "linux", new ContainerProcess(1001, 1), Map.of()), false);
        assertEquals(List.of("waitpid(1001, WNOHANG)", "unlink(" + state.resolve("exec.fifo") + ")",
            "unlink(" + state.resolve("linux-start-hooks.json") + ")"), sys.calls());
        assertEquals(List.of("c1"), removed);
    }

    @Test
    void killRefusesARecycledPid() throws Exception {
        RecordingSyscall sys = new RecordingSyscall();
        LinuxBackend backend = new LinuxBackend(sys, CgroupHook.NONE, fakeProc(1001));
        BulwarkException e = assertThrows(BulwarkException.class, () -> backend.kill(
            new ContainerRecord("c1", Path.of("/b"), tmp, "linux", new ContainerProcess(1001, 7), Map.of()), 15, false));
        assertEquals("container c1 is not running", e.getMessage());
        assertEquals(List.of(), sys.calls());
    }
}
