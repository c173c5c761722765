package io.bulwark.core.spec;

import static io.bulwark.core.spec.SpecFixtures.assertProblem;
import static io.bulwark.core.spec.SpecFixtures.fullConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {

    /** A config with every namespace and a user mapping; {@code %s} is spliced into {@code linux}. */
    private static String withLinux(String linuxExtra) {
        return withTop("", linuxExtra);
    }

    private static String withTop(String topExtra, String linuxExtra) {
        return "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, " + topExtra
            + "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"]}, \"linux\": {\"namespaces\": [{\"type\": \"pid\"},"
            + " {\"type\": \"network\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, "
            + "{\"type\": \"user\"}], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}], "
            + "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]" + linuxExtra + "}}";
    }

    private static String withProcess(String processExtra) {
        return "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, "
            + "\"process\": {\"cwd\": \"/\", \"args\": [\"sh\"]" + processExtra + "}}";
    }

    @Test
    void theFullExampleIsValid() {
        assertEquals(List.of(), SpecValidator.problems(SpecParser.parse(fullConfig(), "c"), "c"));
        SpecFixtures.load(withLinux(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "1.0.2-dev", "1.1.0", "1.2.0", "1.2.1", "1.0.0-rc.1+build.5", "1.3.0"})
    void acceptsOneDotXVersions(String version) {
        SpecFixtures.load("{\"ociVersion\": \"" + version + "\", \"root\": {\"path\": \"r\"}}");
    }

    @Test
    void refusesOtherVersions() {
        assertProblem("{\"ociVersion\": \"2.0.0\", \"root\": {\"path\": \"r\"}}", "$.ociVersion",
            "Bulwark implements the 1.x series");
        assertProblem("{\"ociVersion\": \"0.5.0-dev\", \"root\": {\"path\": \"r\"}}", "$.ociVersion", "1.x");
        assertProblem("{\"ociVersion\": \"1.2\", \"root\": {\"path\": \"r\"}}", "$.ociVersion", "not a SemVer");
        assertProblem("{\"ociVersion\": \"v1.2.0\", \"root\": {\"path\": \"r\"}}", "$.ociVersion", "not a SemVer");
        assertProblem("{\"ociVersion\": \"01.2.0\", \"root\": {\"path\": \"r\"}}", "$.ociVersion", "not a SemVer");
    }

    @Test
    void rootAndProcessBasics() {
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"\"}}", "$.root.path", "empty");
        assertProblem(withProcess("").replace("\"cwd\": \"/\"", "\"cwd\": \"tmp\""), "$.process.cwd",
            "absolute path");
        assertProblem(withProcess("").replace("[\"sh\"]", "[]"), "$.process.args", "at least the executable");
        assertProblem(withProcess("").replace("[\"sh\"]", "[\"\"]"), "$.process.args[0]", "must not be empty");
        assertProblem(withProcess("").replace("[\"sh\"]", "[\"sh\", \"a\\u0000b\"]"), "$.process.args[1]", "NUL");
        assertProblem(withProcess(", \"env\": [\"PATH=/bin\", \"NOVALUE\"]"), "$.process.env[1]", "KEY=VALUE");
        assertProblem(withProcess(", \"env\": [\"=x\"]"), "$.process.env[0]", "name must not be empty");
        assertProblem(withProcess(", \"user\": {\"uid\": 0}"), "$.process.user.gid", "required");
        assertProblem(withProcess(", \"user\": {\"uid\": -1, \"gid\": 0}"), "$.process.user.uid", "between 0");
        assertProblem(withProcess(", \"user\": {\"uid\": 4294967296, \"gid\": 0}"), "$.process.user.uid",
            "4294967295");
        assertProblem(withProcess(", \"user\": {\"uid\": 0, \"gid\": 0, \"umask\": 512}"), "$.process.user.umask",
            "0777");
        assertProblem(withProcess(", \"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [1, -2]}"),
            "$.process.user.additionalGids[1]", "between 0");
        assertProblem(withProcess(", \"consoleSize\": {\"height\": 1}"), "$.process.consoleSize.width", "required");
        assertProblem(withProcess(", \"oomScoreAdj\": 1001"), "$.process.oomScoreAdj", "-1000 and 1000");
        assertProblem(withProcess(", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_X\", \"priority\": 9}"),
            "$.process.ioPriority.class", "unknown I/O priority class");
        assertProblem(withProcess(", \"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 9}"),
            "$.process.ioPriority.priority", "0 and 7");
        assertProblem(withProcess(", \"scheduler\": {\"policy\": \"SCHED_FAST\"}"), "$.process.scheduler.policy",
            "unknown scheduler policy");
        assertProblem(withProcess(", \"scheduler\": {\"policy\": \"SCHED_RR\", \"nice\": 20, \"flags\": [\"X\"]}"),
            "$.process.scheduler.flags[0]", "unknown scheduler flag");
        assertProblem(withProcess(", \"execCPUAffinity\": {\"initial\": \"0-\"}"),
            "$.process.execCPUAffinity.initial", "not a list");
    }

    @Test
    void processIsOptionalButComplete() {
        SpecFixtures.load("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}}");
        SpecException e = SpecFixtures.rejected("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, "
            + "\"process\": {}}");
        assertEquals(List.of("$.process.cwd", "$.process.args"), SpecFixtures.paths(e));
    }

    @Test
    void rlimits() {
        assertProblem(withProcess(", \"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}]"),
            "$.process.rlimits[0].type", "unknown rlimit type \"RLIMIT_FOO\"");
        assertProblem(withProcess(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": 1}]"),
            "$.process.rlimits[0].soft", "above the hard limit");
        assertProblem(withProcess(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}, "
            + "{\"type\": \"RLIMIT_CORE\", \"soft\": 0, \"hard\": 0}, {\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, "
            + "\"hard\": 1}]"), "$.process.rlimits[2].type", "duplicate rlimit RLIMIT_NOFILE");
        assertProblem(withProcess(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1}]"),
            "$.process.rlimits[0].hard", "required");
        SpecFixtures.load(withProcess(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, "
            + "\"hard\": 18446744073709551615}]"));
        assertProblem(withProcess(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 18446744073709551615, "
            + "\"hard\": 1024}]"), "$.process.rlimits[0].soft", "above the hard limit");
    }

    @Test
    void capabilities() {
        assertProblem(withProcess(", \"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_FLY\"]}"),
            "$.process.capabilities.bounding[1]", "unknown capability \"CAP_FLY\"");
        assertProblem(withProcess(", \"capabilities\": {\"ambient\": [\"kill\"]}"),
            "$.process.capabilities.ambient[0]", "unknown capability");
        SpecFixtures.load(withProcess(", \"capabilities\": {\"effective\": [\"CAP_CHECKPOINT_RESTORE\", "
            + "\"CAP_BPF\", \"CAP_PERFMON\"]}"));
    }

    @Test
    void hostnameNeedsAUtsNamespace() {
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"hostname\": \"h\"}", "$.hostname",
            "UTS namespace");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"domainname\": \"d\", "
            + "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}]}}", "$.domainname", "UTS namespace");
        SpecFixtures.load(withTop("\"hostname\": \"box\", \"domainname\": \"example\", ", ""));
        assertProblem(withTop("\"hostname\": \"" + "h".repeat(65) + "\", ", ""), "$.hostname", "longer than 64");
    }

    @Test
    void mounts() {
        assertProblem(withTop("\"mounts\": [{\"destination\": \"\"}], ", ""), "$.mounts[0].destination", "empty");
        SpecFixtures.load(withTop("\"mounts\": [{\"destination\": \"data\", \"type\": \"tmpfs\"}], ", ""));
        assertProblem(withTop("\"mounts\": [{\"destination\": \"/a\\u0000\"}], ", ""), "$.mounts[0].destination",
            "NUL");
        assertProblem(withTop("\"mounts\": [{\"destination\": \"/a\", \"options\": [\"rbind\"]}], ", ""),
            "$.mounts[0].source", "bind mount needs a source");
        assertProblem(withTop("\"mounts\": [{\"destination\": \"/a\", \"source\": \"/b\", \"options\": "
            + "[\"bind\"], \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]}], ", ""),
            "$.mounts[0].gidMappings", "together");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"mounts\": [{\"destination\": "
            + "\"/a\", \"source\": \"/b\", \"options\": [\"bind\", \"idmap\"]}]}", "$.mounts[0].options",
            "idmap mount needs");
        SpecFixtures.load(withTop("\"mounts\": [{\"destination\": \"/a\", \"source\": \"/b\", \"options\": "
            + "[\"bind\", \"idmap\"]}], ", ""));
    }

    @Test
    void hooks() {
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"hooks\": {\"createRuntime\": "
            + "[{\"path\": \"bin/hook\"}], \"poststop\": [{\"path\": \"/bin/x\", \"timeout\": 0}, "
            + "{\"args\": []}]}}", "$.hooks.createRuntime[0].path", "absolute path");
        SpecException e = SpecFixtures.rejected("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, "
            + "\"hooks\": {\"createRuntime\": [{\"path\": \"bin/hook\"}], \"poststop\": [{\"path\": \"/bin/x\", "
            + "\"timeout\": 0, \"env\": [\"X\"]}, {\"args\": []}]}}");
        assertEquals(List.of("$.hooks.poststop[1].path", "$.hooks.createRuntime[0].path",
            "$.hooks.poststop[0].env[0]", "$.hooks.poststop[0].timeout"), SpecFixtures.paths(e));
    }

    @Test
    void annotationKeysMustNotBeEmpty() {
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"annotations\": {\"\": \"x\"}}",
            "$.annotations", "must not be empty");
    }

    @Test
    void namespaces() {
        assertProblem(withLinux("").replace("{\"type\": \"pid\"}", "{\"type\": \"pid\"}, {\"type\": \"uts2\"}"),
            "$.linux.namespaces[1].type", "unknown namespace type \"uts2\"");
        assertProblem(withLinux("").replace("{\"type\": \"pid\"}", "{\"type\": \"pid\"}, {\"type\": \"pid\"}"),
            "$.linux.namespaces[1].type", "duplicate namespace pid");
        assertProblem(withLinux("").replace("{\"type\": \"pid\"}", "{\"type\": \"pid\", \"path\": \"proc/1/ns\"}"),
            "$.linux.namespaces[0].path", "absolute");
        assertProblem(withLinux("").replace("{\"type\": \"pid\"}", "{\"path\": \"/proc/1/ns/pid\"}"),
            "$.linux.namespaces[0].type", "required");
    }

    @Test
    void idMappings() {
        String base = withLinux("");
        assertProblem(base.replaceFirst("\"size\": 65536", "\"size\": 0"), "$.linux.uidMappings[0].size",
            "greater than zero");
        assertProblem(base.replaceFirst("\"hostID\": 100000", "\"hostID\": 4294967295"),
            "$.linux.uidMappings[0].size", "past the 32-bit id space");
        assertProblem(base.replaceFirst("\"containerID\": 0, \"hostID\": 100000, \"size\": 65536",
            "\"containerID\": 0, \"hostID\": 100000, \"size\": 10}, {\"containerID\": 5, \"hostID\": 200000, "
                + "\"size\": 10"), "$.linux.uidMappings[1].containerID", "overlap");
        assertProblem(base.replaceFirst("\"containerID\": 0, \"hostID\": 100000, \"size\": 65536",
            "\"containerID\": 0, \"hostID\": 100000, \"size\": 10}, {\"containerID\": 10, \"hostID\": 100009, "
                + "\"size\": 10"), "$.linux.uidMappings[1].hostID", "overlap");
        SpecFixtures.load(base.replaceFirst("\"containerID\": 0, \"hostID\": 100000, \"size\": 65536",
            "\"containerID\": 0, \"hostID\": 100000, \"size\": 10}, {\"containerID\": 10, \"hostID\": 100010, "
                + "\"size\": 10"));
        assertProblem(base.replaceFirst("\"containerID\": 0, ", ""), "$.linux.uidMappings[0].containerID",
            "required");
        assertProblem(base.replaceFirst(", \"uidMappings\": \\[[^]]*]", ""), "$.linux.uidMappings",
            "new user namespace needs uid mappings");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"uidMappings\": "
            + "[{\"containerID\": 0, \"hostID\": 1, \"size\": 1}]}}", "$.linux.uidMappings",
            "need a new user namespace");
        SpecFixtures.load("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"namespaces\": "
            + "[{\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}]}}");
    }

    @Test
    void sysctlsFollowRuncsNamespaceRule() {
        SpecFixtures.load(withLinux(", \"sysctl\": {\"net.ipv4.ip_forward\": \"1\", \"kernel.msgmax\": \"8192\", "
            + "\"fs.mqueue.queues_max\": \"10\", \"kernel.domainname\": \"x\", \"net/ipv4/conf/eth0.1/forwarding\": "
            + "\"1\"}"));
        assertProblem(withLinux(", \"sysctl\": {\"kernel.pid_max\": \"10\"}"), "$.linux.sysctl['kernel.pid_max']",
            "not namespaced");
        assertProblem(withLinux(", \"sysctl\": {\"kernel.hostname\": \"x\"}"), "$.linux.sysctl['kernel.hostname']",
            "hostname field");
        assertProblem(withLinux(", \"sysctl\": {\"vm.overcommit_memory\": \"1\"}"),
            "$.linux.sysctl['vm.overcommit_memory']", "not namespaced");
        assertProblem(withLinux(", \"sysctl\": {\"net/../../kernel/core_pattern\": \"|x\"}"),
            "$.linux.sysctl['net/../../kernel/core_pattern']", "not a sysctl name");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"sysctl\": "
            + "{\"net.core.somaxconn\": \"1\", \"kernel.sem\": \"1\"}}}", "$.linux.sysctl['net.core.somaxconn']",
            "network namespace");
        assertProblem("{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"sysctl\": "
            + "{\"kernel.sem\": \"1\"}}}", "$.linux.sysctl['kernel.sem']", "ipc namespace");
    }

    @Test
    void devices() {
        assertProblem(withLinux(", \"devices\": [{\"type\": \"x\", \"path\": \"/dev/x\", \"major\": 1, "
            + "\"minor\": 1}]"), "$.linux.devices[0].type", "unknown device type");
        assertProblem(withLinux(", \"devices\": [{\"type\": \"c\", \"path\": \"dev/x\"}]"),
            "$.linux.devices[0].major", "required");
        assertProblem(withLinux(", \"devices\": [{\"type\": \"c\", \"path\": \"dev/x\", \"major\": 1, "
            + "\"minor\": 1}]"), "$.linux.devices[0].path", "absolute");
        assertProblem(withLinux(", \"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", \"major\": 1, "
            + "\"minor\": 1, \"fileMode\": 70000}]"), "$.linux.devices[0].fileMode", "permission mode");
        SpecFixtures.load(withLinux(", \"devices\": [{\"type\": \"p\", \"path\": \"/dev/fifo\"}]"));
    }

    @Test
    void propagationMaskedReadonlyPersonality() {
        assertProblem(withLinux(", \"rootfsPropagation\": \"sideways\""), "$.linux.rootfsPropagation",
            "unknown rootfs propagation");
        SpecFixtures.load(withLinux(", \"rootfsPropagation\": \"rprivate\""));
        assertProblem(withLinux(", \"maskedPaths\": [\"proc/kcore\"]"), "$.linux.maskedPaths[0]", "absolute");
        assertProblem(withLinux(", \"readonlyPaths\": [\"/proc/sys\", \"sys\"]"), "$.linux.readonlyPaths[1]",
            "absolute");
        assertProblem(withLinux(", \"personality\": {\"domain\": \"LINUX64\"}"), "$.linux.personality.domain",
            "unknown personality domain");
        assertProblem(withLinux(", \"personality\": {\"domain\": \"LINUX\", \"flags\": [\"ADDR_NO_RANDOMIZE\"]}"),
            "$.linux.personality.flags", "no personality flags");
        assertProblem(withLinux(", \"timeOffsets\": {\"monotonic\": {\"secs\": 1}}"), "$.linux.timeOffsets",
            "time namespace");
        assertProblem(withLinux(", \"cgroupsPath\": \"/a/../../b\""), "$.linux.cgroupsPath", "\"..\"");
    }

    @Test
    void seccompSyntax() {
        assertProblem(withLinux(", \"seccomp\": {\"architectures\": [\"SCMP_ARCH_VAX\"]}"),
            "$.linux.seccomp.defaultAction", "required");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_MAYBE\"}"),
            "$.linux.seccomp.defaultAction", "unknown seccomp action");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
            + "[\"SCMP_ARCH_VAX\"]}"), "$.linux.seccomp.architectures[0]", "unknown seccomp architecture");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}"),
            "$.linux.seccomp.defaultErrnoRet", "takes no errno");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
            + "[], \"action\": \"SCMP_ACT_ALLOW\"}]}"), "$.linux.seccomp.syscalls[0].names", "at least one");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
            + "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": "
            + "\"SCMP_CMP_EQ\"}]}]}"), "$.linux.seccomp.syscalls[0].args[0].index", "between 0 and 5");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
            + "[\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
            + "\"SCMP_CMP_SORTA\"}]}]}"), "$.linux.seccomp.syscalls[0].args[0].op", "unknown seccomp operator");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
            + "[\"read\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"), "$.linux.seccomp.syscalls[0].action",
            "listenerPath");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerMetadata\": "
            + "\"x\"}"), "$.linux.seccomp.listenerMetadata", "without listenerPath");
        assertProblem(withLinux(", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"flags\": [\"X\"]}"),
            "$.linux.seccomp.flags[0]", "unknown seccomp flag");
    }

    @Test
    void resourcesShape() {
        assertProblem(withLinux(", \"resources\": {\"devices\": [{\"access\": \"rwx\"}]}"),
            "$.linux.resources.devices[0].allow", "required");
        assertProblem(withLinux(", \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}"),
            "$.linux.resources.devices[0].access", "r, w and m");
        assertProblem(withLinux(", \"resources\": {\"pids\": {}}"), "$.linux.resources.pids.limit", "required");
        assertProblem(withLinux(", \"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2M\", \"limit\": 1}]}"),
            "$.linux.resources.hugepageLimits[0].pageSize", "2MB");
        assertProblem(withLinux(", \"resources\": {\"unified\": {\"../../x\": \"1\"}}"),
            "$.linux.resources.unified['../../x']", "file of the container's cgroup");
        assertProblem(withLinux(", \"resources\": {\"cpu\": {\"cpus\": \"a-b\"}}"), "$.linux.resources.cpu.cpus",
            "not a list");
    }

    @Test
    void allProblemsAreReportedTogether() {
        SpecException e = SpecFixtures.rejected(withTop("\"hostname\": \"" + "x".repeat(70) + "\", ",
            ", \"rootfsPropagation\": \"x\", \"maskedPaths\": [\"a\"]").replace("\"cwd\": \"/\"", "\"cwd\": \"a\""));
        assertEquals(List.of("$.process.cwd", "$.hostname", "$.linux.rootfsPropagation", "$.linux.maskedPaths[0]"),
            SpecFixtures.paths(e));
        assertTrue(e.getMessage().startsWith("config.json: $.process.cwd: must be an absolute path"),
            e::getMessage);
    }
}
