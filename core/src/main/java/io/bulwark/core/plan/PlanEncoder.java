package io.bulwark.core.plan;

import static io.bulwark.core.plan.PlanFormat.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes a {@link Plan} into the shim's binary format: a 16-byte header then tag-length-value records in ascending
 * tag order (docs/plan-format.md). The encoding is canonical: one plan has exactly one byte form.
 */
public final class PlanEncoder {
    private PlanEncoder() {
    }

    public static byte[] encode(Plan plan) {
        Body b = new Body();
        if (plan.newNamespaces() != 0) {
            b.record(TAG_NS_NEW, new Value().u64(plan.newNamespaces()));
        }
        for (NamespaceJoin j : plan.joins()) {
            b.record(TAG_NS_JOIN, new Value().u32(j.type()).str(j.path()));
        }
        RootfsPlan r = plan.rootfs();
        if (r != null) {
            b.record(TAG_ROOTFS, new Value().str(r.path()).u8(r.readonly() ? 1 : 0).u8(r.noPivot() ? 1 : 0)
                .u64(r.propagation()));
        }
        if (plan.hostname() != null) {
            b.record(TAG_HOSTNAME, new Value().str(plan.hostname()));
        }
        if (plan.domainname() != null) {
            b.record(TAG_DOMAINNAME, new Value().str(plan.domainname()));
        }
        for (MountPlan m : plan.mounts()) {
            b.record(TAG_MOUNT, new Value().str(m.source()).str(m.destination()).str(m.fstype()).u64(m.flags())
                .u64(m.propagation()).str(m.data()));
        }
        for (DevicePlan d : plan.devices()) {
            b.record(TAG_DEVICE, new Value().u8(d.type()).u32(d.major()).u32(d.minor()).u32(d.mode())
                .u32(d.uid()).u32(d.gid()).str(d.path()));
        }
        for (SymlinkPlan s : plan.symlinks()) {
            b.record(TAG_SYMLINK, new Value().str(s.target()).str(s.linkPath()));
        }
        for (String p : plan.maskedPaths()) {
            b.record(TAG_MASKED, new Value().str(p));
        }
        for (String p : plan.readonlyPaths()) {
            b.record(TAG_READONLY, new Value().str(p));
        }
        for (SysctlPlan s : plan.sysctls()) {
            b.record(TAG_SYSCTL, new Value().str(s.key()).str(s.value()));
        }
        ProcessPlan p = plan.process();
        if (p.executable() != null) {
            b.record(TAG_EXECUTABLE, new Value().str(p.executable()));
        }
        b.record(TAG_ARGS, new Value().strings(p.args()));
        if (!p.env().isEmpty()) {
            b.record(TAG_ENV, new Value().strings(p.env()));
        }
        if (p.cwd() != null) {
            b.record(TAG_CWD, new Value().str(p.cwd()));
        }
        UserPlan u = p.user();
        if (u != null) {
            Value v = new Value().u32(u.uid()).u32(u.gid()).u32(u.umask() == null ? UMASK_UNSET : u.umask())
                .u32(u.additionalGids().size());
            for (long g : u.additionalGids()) {
                v.u32(g);
            }
            b.record(TAG_USER, v);
        }
        CapabilityPlan c = p.capabilities();
        if (c != null) {
            b.record(TAG_CAPS, new Value().u64(c.bounding()).u64(c.effective()).u64(c.inheritable())
                .u64(c.permitted()).u64(c.ambient()));
        }
        for (RlimitPlan l : p.rlimits()) {
            b.record(TAG_RLIMIT, new Value().u32(l.resource()).u64(l.soft()).u64(l.hard()));
        }
        if (p.noNewPrivileges()) {
            b.record(TAG_NO_NEW_PRIVS, new Value().u8(1));
        }
        if (p.oomScoreAdj() != null) {
            b.record(TAG_OOM_SCORE_ADJ, new Value().u32(p.oomScoreAdj()));
        }
        if (p.terminal()) {
            b.record(TAG_TERMINAL, new Value().u8(1));
        }
        if (p.apparmorProfile() != null) {
            b.record(TAG_APPARMOR, new Value().str(p.apparmorProfile()));
        }
        if (p.seccomp() != null) {
            byte[] f = p.seccomp().filter();
            b.record(TAG_SECCOMP, new Value().u32(p.seccomp().flags()).u32(f.length / 8).bytes(f));
        }
        FdPlan f = plan.fds();
        if (f != null) {
            b.record(TAG_FDS, new Value().u32(f.sync()).u32(f.console()).u32(f.execFifo()).u32(f.preserveFds()));
        }
        if (plan.createHooks()) {
            b.record(TAG_CREATE_HOOKS, new Value().u8(1));
        }
        if (plan.personality() != null) {
            b.record(TAG_PERSONALITY, new Value().u32(plan.personality()));
        }
        TimeOffsetsPlan t = plan.timeOffsets();
        if (t != null) {
            b.record(TAG_TIME_OFFSETS, new Value().u64(t.monotonicSecs()).u32(t.monotonicNanos())
                .u64(t.boottimeSecs()).u32(t.boottimeNanos()));
        }
        ConsoleSizePlan size = p.consoleSize();
        if (size != null) {
            b.record(TAG_CONSOLE_SIZE, new Value().u32(size.height()).u32(size.width()));
        }
        IdMapsPlan maps = plan.idMaps();
        if (maps != null) {
            Value v = new Value();
            for (List<IdMappingPlan> l : List.of(maps.uids(), maps.gids())) {
                v.u32(l.size());
                for (IdMappingPlan m : l) {
                    v.u32(m.containerId()).u32(m.hostId()).u32(m.size());
                }
            }
            b.record(TAG_ID_MAPS, v);
        }
        if (plan.wallClockSeconds() != null) {
            b.record(TAG_WALL_CLOCK, new Value().u32(plan.wallClockSeconds()));
        }

        byte[] body = b.out.toByteArray();
        if (body.length + HEADER_SIZE > MAX_PLAN) {
            throw new IllegalArgumentException("plan too large: " + body.length + " bytes");
        }
        Value header = new Value().u32(MAGIC).u16(VERSION).u16(plan.kind().code).u32(body.length).u32(0);
        byte[] out = new byte[HEADER_SIZE + body.length];
        System.arraycopy(header.out.toByteArray(), 0, out, 0, HEADER_SIZE);
        System.arraycopy(body, 0, out, HEADER_SIZE, body.length);
        return out;
    }

    private static final class Body {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void record(int tag, Value v) {
            byte[] value = v.out.toByteArray();
            Value h = new Value().u16(tag).u32(value.length);
            out.writeBytes(h.out.toByteArray());
            out.writeBytes(value);
        }
    }

    private static final class Value {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Value u8(int v) {
            out.write(v & 0xff);
            return this;
        }

        Value u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        Value u32(long v) {
            return u16((int) (v & 0xffff)).u16((int) ((v >>> 16) & 0xffff));
        }

        Value u64(long v) {
            return u32(v & 0xffffffffL).u32(v >>> 32);
        }

        Value bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        /** u32 length (NUL included), the UTF-8 bytes, NUL. A NUL inside the string cannot be represented. */
        Value str(String s) {
            // getBytes would write '?' for an unpaired surrogate: the shim would act on another string than the
            // one Java checked. Refuse instead, as for NUL.
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("string contains an unpaired UTF-16 surrogate (U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ") at index " + i);
                }
            }
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            for (byte x : b) {
                if (x == 0) {
                    throw new IllegalArgumentException("string contains a NUL byte: " + s.replace("\0", "\\0"));
                }
            }
            if (b.length + 1 > MAX_STRING) {
                throw new IllegalArgumentException("string too long (" + b.length + " bytes)");
            }
            u32(b.length + 1);
            out.writeBytes(b);
            out.write(0);
            return this;
        }

        Value strings(List<String> l) {
            if (l.size() > MAX_COUNT) {
                throw new IllegalArgumentException("too many strings: " + l.size());
            }
            u32(l.size());
            for (String s : l) {
                str(s);
            }
            return this;
        }
    }
}
