package io.bulwark.core.cgroup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Records the calls the managers make instead of making them. */
final class RecordingCgroupKernel implements CgroupKernel {
    final List<String> calls = new ArrayList<>();
    final Map<Integer, byte[]> loaded = new HashMap<>();
    int[] attached = new int[0];
    private int nextFd = 100;

    @Override
    public boolean kill(int pid, int signal) {
        calls.add("kill " + pid + " " + signal);
        return true;
    }

    @Override
    public int open(String path, int flags) {
        calls.add("open " + path);
        return nextFd++;
    }

    @Override
    public void close(int fd) {
        calls.add("close " + fd);
    }

    @Override
    public int eventfd() {
        calls.add("eventfd");
        return nextFd++;
    }

    @Override
    public boolean pollIn(int fd, int timeoutMillis) {
        return false;
    }

    @Override
    public long readCounter(int fd) {
        return 0;
    }

    @Override
    public int bpfProgLoad(int progType, byte[] instructions, String license) {
        int fd = nextFd++;
        calls.add("bpf load type=" + progType + " insns=" + instructions.length / 8 + " -> " + fd);
        loaded.put(fd, instructions);
        return fd;
    }

    @Override
    public void bpfProgAttach(int cgroupFd, int progFd, int attachType, int flags) {
        calls.add("bpf attach cgroup=" + cgroupFd + " prog=" + progFd + " type=" + attachType + " flags=" + flags);
    }

    @Override
    public void bpfProgDetach(int cgroupFd, int progFd, int attachType) {
        calls.add("bpf detach cgroup=" + cgroupFd + " prog=" + progFd + " type=" + attachType);
    }

    @Override
    public int[] bpfProgQuery(int cgroupFd, int attachType) {
        calls.add("bpf query cgroup=" + cgroupFd);
        return attached;
    }

    @Override
    public int bpfProgGetFdById(int id) {
        int fd = nextFd++;
        calls.add("bpf get id=" + id + " -> " + fd);
        return fd;
    }
}
