package io.bulwark.core.plan;

import java.nio.charset.StandardCharsets;

/**
 * The canonical text form of a plan, one record per line. {@code bulwark-shim --check-plan} prints the same text
 * for the bytes {@link PlanEncoder} produced, which is how the Java and C sides are checked against each other.
 */
public final class PlanDump {
    private PlanDump() {
    }

    public static String render(Plan plan) {
        StringBuilder s = new StringBuilder();
        s.append("plan version=").append(PlanFormat.VERSION).append(" kind=")
            .append(plan.kind().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        if (plan.newNamespaces() != 0) {
            s.append("ns_new ").append(hex(plan.newNamespaces())).append('\n');
        }
        for (NamespaceJoin j : plan.joins()) {
            s.append("ns_join type=").append(hex(j.type() & 0xffffffffL)).append(" path=").append(q(j.path()))
                .append('\n');
        }
        RootfsPlan r = plan.rootfs();
        if (r != null) {
            s.append("rootfs path=").append(q(r.path())).append(" readonly=").append(b(r.readonly()))
                .append(" nopivot=").append(b(r.noPivot())).append(" propagation=").append(hex(r.propagation()))
                .append('\n');
        }
        if (plan.hostname() != null) {
            s.append("hostname ").append(q(plan.hostname())).append('\n');
        }
        if (plan.domainname() != null) {
            s.append("domainname ").append(q(plan.domainname())).append('\n');
        }
        for (MountPlan m : plan.mounts()) {
            s.append("mount source=").append(q(m.source())).append(" destination=").append(q(m.destination()))
                .append(" type=").append(q(m.fstype())).append(" flags=").append(hex(m.flags()))
                .append(" propagation=").append(hex(m.propagation())).append(" data=").append(q(m.data()))
                .append('\n');
        }
        for (DevicePlan d : plan.devices()) {
            s.append("device type=").append(d.type()).append(" path=").append(q(d.path()))
                .append(" major=").append(u32(d.major())).append(" minor=").append(u32(d.minor()))
                .append(" mode=0").append(Long.toOctalString(u32(d.mode()))).append(" uid=").append(u32(d.uid()))
                .append(" gid=").append(u32(d.gid())).append('\n');
        }
        for (SymlinkPlan l : plan.symlinks()) {
            s.append("symlink target=").append(q(l.target())).append(" link=").append(q(l.linkPath())).append('\n');
        }
        for (String p : plan.maskedPaths()) {
            s.append("masked ").append(q(p)).append('\n');
        }
        for (String p : plan.readonlyPaths()) {
            s.append("readonly ").append(q(p)).append('\n');
        }
        for (SysctlPlan c : plan.sysctls()) {
            s.append("sysctl key=").append(q(c.key())).append(" value=").append(q(c.value())).append('\n');
        }
        ProcessPlan p = plan.process();
        if (p.executable() != null) {
            s.append("executable ").append(q(p.executable())).append('\n');
        }
        for (String a : p.args()) {
            s.append("arg ").append(q(a)).append('\n');
        }
        for (String e : p.env()) {
            s.append("env ").append(q(e)).append('\n');
        }
        if (p.cwd() != null) {
            s.append("cwd ").append(q(p.cwd())).append('\n');
        }
        UserPlan u = p.user();
        if (u != null) {
            s.append("user uid=").append(u32(u.uid())).append(" gid=").append(u32(u.gid())).append(" umask=")
                .append(u.umask() == null || u.umask() == PlanFormat.UMASK_UNSET ? "unset"
                    : "0" + Long.toOctalString(u32(u.umask())))
                .append(" gids=");
            if (u.additionalGids().isEmpty()) {
                s.append('-');
            }
            for (int i = 0; i < u.additionalGids().size(); i++) {
                s.append(i == 0 ? "" : ",").append(u32(u.additionalGids().get(i)));
            }
            s.append('\n');
        }
        CapabilityPlan c = p.capabilities();
        if (c != null) {
            s.append("caps bounding=").append(hex(c.bounding())).append(" effective=").append(hex(c.effective()))
                .append(" inheritable=").append(hex(c.inheritable())).append(" permitted=")
                .append(hex(c.permitted())).append(" ambient=").append(hex(c.ambient())).append('\n');
        }
        for (RlimitPlan l : p.rlimits()) {
            s.append("rlimit resource=").append(u32(l.resource())).append(" soft=")
                .append(Long.toUnsignedString(l.soft())).append(" hard=").append(Long.toUnsignedString(l.hard()))
                .append('\n');
        }
        if (p.noNewPrivileges()) {
            s.append("no_new_privs\n");
        }
        if (p.oomScoreAdj() != null) {
            s.append("oom_score_adj ").append(p.oomScoreAdj().intValue()).append('\n');
        }
        if (p.terminal()) {
            s.append("terminal\n");
        }
        if (p.apparmorProfile() != null) {
            s.append("apparmor ").append(q(p.apparmorProfile())).append('\n');
        }
        if (p.seccomp() != null) {
            byte[] f = p.seccomp().filter();
            s.append("seccomp flags=").append(hex(u32(p.seccomp().flags()))).append(" instructions=")
                .append(f.length / 8).append(" fnv=").append(String.format("0x%08x", fnv1a(f))).append('\n');
        }
        FdPlan f = plan.fds();
        if (f != null) {
            s.append("fds sync=").append(f.sync()).append(" console=").append(f.console()).append(" fifo=")
                .append(f.execFifo()).append(" preserve=").append(u32(f.preserveFds())).append('\n');
        }
        if (plan.createHooks()) {
            s.append("create_hooks\n");
        }
        if (plan.personality() != null) {
            s.append("personality ").append(hex(u32(plan.personality()))).append('\n');
        }
        TimeOffsetsPlan t = plan.timeOffsets();
        if (t != null) {
            s.append("time_offsets monotonic=").append(t.monotonicSecs()).append('.').append(u32(t.monotonicNanos()))
                .append(" boottime=").append(t.boottimeSecs()).append('.').append(u32(t.boottimeNanos())).append('\n');
        }
        ConsoleSizePlan size = plan.process().consoleSize();
        if (size != null) {
            s.append("console_size height=").append(size.height()).append(" width=").append(size.width()).append('\n');
        }
        IdMapsPlan maps = plan.idMaps();
        if (maps != null) {
            s.append("id_maps uid=").append(idMap(maps.uids())).append(" gid=").append(idMap(maps.gids())).append('\n');
        }
        if (plan.wallClockSeconds() != null) {
            s.append("wall_clock seconds=").append(plan.wallClockSeconds()).append('\n');
        }
        return s.toString();
    }

    /** FNV-1a, 32 bits: a short fingerprint of the seccomp program so both sides can compare its bytes. */
    public static int fnv1a(byte[] data) {
        int h = 0x811c9dc5;
        for (byte x : data) {
            h ^= x & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    private static String idMap(java.util.List<IdMappingPlan> lines) {
        StringBuilder s = new StringBuilder();
        for (IdMappingPlan m : lines) {
            s.append(s.isEmpty() ? "" : ",").append(m.containerId()).append(':').append(m.hostId()).append(':')
                .append(m.size());
        }
        return s.toString();
    }

    private static long u32(long v) {
        return v & 0xffffffffL;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String b(boolean v) {
        return v ? "1" : "0";
    }

    /** Quoted; '"' and '\' escaped, bytes outside printable ASCII as \xNN. */
    static String q(String s) {
        StringBuilder o = new StringBuilder("\"");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c == '"' || c == '\\') {
                o.append('\\').append((char) c);
            } else if (c < 0x20 || c >= 0x7f) {
                o.append(String.format("\\x%02x", c));
            } else {
                o.append((char) c);
            }
        }
        return o.append('"').toString();
    }
}
