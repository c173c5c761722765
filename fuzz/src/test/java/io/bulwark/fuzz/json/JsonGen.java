package io.bulwark.fuzz.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random JSON values biased toward what breaks parsers: edge-case numbers, hostile strings (NUL, lone surrogates,
 * path traversal, very long), deep nesting, duplicate keys and keys a real config uses.
 */
public final class JsonGen {
    /** Integers at and around every boundary a field could be stored in (int32, uint32, int64, uint64). */
    public static final List<String> EDGE_NUMBERS = List.of(
        "0", "-0", "1", "-1", "0.0", "1.5", "-1.5", "1e3", "1E+2", "1e-7", "1e309", "-1e309", "1e-400",
        "127", "128", "255", "256", "65535", "65536", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "4294967295", "4294967296", "-4294967296", "9007199254740993", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
        "18446744073709551616", "340282366920938463463374607431768211456", "0.1e1", "100e-2", "123456789e-9");

    /** Strings that mean something to a container runtime, or to a parser. */
    public static final List<String> EDGE_STRINGS = List.of(
        "", " ", "/", "//", "/.", "/..", "..", "../../../../etc/passwd", "/proc/self/root", "/proc/1/root",
        "/sys/kernel", "/dev/mem", "/var/run/docker.sock", "a/../../b", "./rootfs", "rootfs/../..", "/tmp/\u0000x",
        "\u0000", "nul\u0000byte", "\ud800", "\udfff", "\ud83d\ude00", "\u202e", "e\u0301", "\ufeff", "\uffff",
        "\u00e9t\u00e9", "\u65e5\u672c", "\t\n\r", "%s%n", "${jndi:x}", "\\", "\"", "CAP_SYS_ADMIN",
        "cap_sys_admin", "ALL", "SCMP_ACT_ALLOW", "SCMP_ACT_KILL", "SCMP_ARCH_X86_64", "user", "network", "pid",
        "mount", "bind", "rbind", "tmpfs", "proc", "ro", "rw", "nosuid", "RLIMIT_NOFILE", "1.2.0", "1.0.2-dev",
        "0:0", "root", "-1", "0", "4294967295", "true", "null", "{}", "[]");

    /** Field names of OCI configs and Bulwark policies: random objects use them so they reach real code. */
    public static final List<String> KEYS = List.of(
        "ociVersion", "process", "root", "path", "readonly", "hostname", "domainname", "mounts", "destination",
        "type", "source", "options", "hooks", "prestart", "annotations", "linux", "namespaces", "uidMappings",
        "gidMappings", "containerID", "hostID", "size", "devices", "resources", "memory", "limit", "cpu", "shares",
        "quota", "period", "pids", "seccomp", "defaultAction", "syscalls", "names", "action", "args", "index",
        "value", "valueTwo", "op", "errnoRet", "architectures", "flags", "maskedPaths", "readonlyPaths", "sysctl",
        "user", "uid", "gid", "umask", "additionalGids", "env", "cwd", "capabilities", "bounding", "effective",
        "permitted", "inheritable", "ambient", "rlimits", "hard", "soft", "noNewPrivileges", "terminal",
        "oomScoreAdj", "apparmorProfile", "name", "extends", "backend", "allow", "deny", "forbidden", "tenant");

    private final Random random;

    public JsonGen(Random random) {
        this.random = random;
    }

    public Random random() {
        return random;
    }

    public int below(int bound) {
        return random.nextInt(bound);
    }

    public boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    public <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** Any JSON value, nesting at most {@code depth} levels. */
    public Json value(int depth) {
        int kind = below(depth <= 0 ? 5 : 8);
        switch (kind) {
            case 0:
                return Json.NULL;
            case 1:
                return new Json.Bool(random.nextBoolean());
            case 2:
                return number();
            case 3:
            case 4:
                return new Json.Str(string());
            case 5:
                return array(depth - 1);
            default:
                return object(depth - 1);
        }
    }

    public Json.Obj object(int depth) {
        int n = below(below(4) == 0 ? 12 : 4);
        List<Json.Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(new Json.Member(key(), value(depth)));
        }
        if (!members.isEmpty() && chance(5)) {
            members.add(new Json.Member(pick(members).name(), value(depth)));
        }
        return new Json.Obj(members);
    }

    public Json.Arr array(int depth) {
        int n = below(below(4) == 0 ? 16 : 4);
        List<Json> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(value(depth));
        }
        return new Json.Arr(items);
    }

    public String key() {
        int k = below(10);
        if (k < 6) {
            return pick(KEYS);
        }
        return string();
    }

    public Json.Num number() {
        switch (below(6)) {
            case 0:
            case 1:
                return new Json.Num(pick(EDGE_NUMBERS));
            case 2:
                return new Json.Num(Integer.toString(random.nextInt(1000) - 100));
            case 3:
                return new Json.Num(Long.toString(random.nextLong()));
            case 4:
                return new Json.Num(Double.toString(random.nextGaussian() * Math.pow(10, below(40) - 20)));
            default:
                return new Json.Num((chance(50) ? "-" : "") + "1" + "0".repeat(1 + below(below(10) == 0 ? 2000 : 40)));
        }
    }

    public String string() {
        switch (below(8)) {
            case 0:
            case 1:
            case 2:
                return pick(EDGE_STRINGS);
            case 3:
                return ascii(below(20));
            case 4:
                return unicode(below(20));
            case 5:
                return "/" + ascii(below(8)) + (chance(30) ? "/\u0000" : "/") + unicode(below(8));
            case 6:
                return pick(EDGE_STRINGS) + pick(EDGE_STRINGS);
            default:
                return longString();
        }
    }

    /** 1 KiB to 64 KiB usually, now and then past a megabyte (beyond any sane string limit). */
    public String longString() {
        int len = below(50) == 0 ? (1 << 20) + below(4096) : 1024 + below(64 << 10);
        return String.valueOf((char) ('a' + below(26))).repeat(len);
    }

    public String ascii(int len) {
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            b.append((char) (0x20 + below(0x5f)));
        }
        return b.toString();
    }

    /** Any UTF-16 units, including controls, NUL and unpaired surrogates. */
    public String unicode(int len) {
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            int c;
            switch (below(4)) {
                case 0:
                    c = below(0x20);
                    break;
                case 1:
                    c = 0xd800 + below(0x800);
                    break;
                case 2:
                    b.appendCodePoint(0x10000 + below(0xfffff));
                    continue;
                default:
                    c = below(0x10000);
            }
            b.append((char) c);
        }
        return b.toString();
    }

    /** {@code [[[...]]]} or {@code {"a":{"a":...}}} nested {@code depth} deep, as raw text. */
    public Json deep(int depth) {
        if (random.nextBoolean()) {
            return new Json.Raw("[".repeat(depth) + "]".repeat(depth));
        }
        return new Json.Raw("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
    }

    /** A nesting depth: mostly moderate, sometimes beyond any stack. */
    public int deepDepth() {
        switch (below(4)) {
            case 0:
                return 30 + below(100);
            case 1:
                return 500 + below(1000);
            case 2:
                return 5000 + below(5000);
            default:
                return 50_000 + below(100_000);
        }
    }
}
