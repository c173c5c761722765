package io.bulwark.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Real cgroups with unique names for integration tests, and the host processes put in them; {@link #close} kills
 * and removes everything, and checks that no cgroup is left, even when the test failed.
 */
final class LiveCgroups implements AutoCloseable {
    private final CgroupEnvironment env;
    private final List<CgroupManager> made = new ArrayList<>();
    private final List<GatedProcess> processes = new ArrayList<>();

    LiveCgroups(CgroupEnvironment env) {
        this.env = env;
    }

    /** A new cgroup at the default path {@code bulwark/it-XXXXXXXX}. */
    CgroupManager create() {
        CgroupManager m = env.manager("it-" + UUID.randomUUID().toString().substring(0, 8), null);
        made.add(m);
        m.create();
        return m;
    }

    /** Starts {@code sh -c script} in {@code m}: it is moved into the cgroup before the script begins. */
    GatedProcess startIn(CgroupManager m, String script) throws Exception {
        GatedProcess p = GatedProcess.start(script);
        processes.add(p);
        m.addProcess(p.pid());
        p.release();
        return p;
    }

    List<GatedProcess> processes() {
        return processes;
    }

    @Override
    public void close() {
        processes.forEach(GatedProcess::close);
        for (CgroupManager m : made) {
            try {
                m.killAll(9);
            } finally {
                m.destroy();
            }
            assertFalse(m.exists(), "cgroup left behind: " + m.location());
        }
    }
}
