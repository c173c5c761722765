package io.bulwark.core.plan;

/**
 * Constants of the binary plan format (docs/plan-format.md). The C decoder (core/src/main/c/plan.h) carries the
 * same numbers; a test checks both sides agree on every record.
 */
public final class PlanFormat {
    private PlanFormat() {
    }

    /** "BPLN" read as a little-endian u32. */
    public static final int MAGIC = 0x4E4C5042;
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 16;
    /** Upper bound of a whole plan (header + body). */
    public static final int MAX_PLAN = 16 << 20;
    /** Upper bound of one string, NUL included. */
    public static final int MAX_STRING = 1 << 20;
    /** Upper bound of any list count. */
    public static final int MAX_COUNT = 65536;

    public static final int TAG_NS_NEW = 1;
    public static final int TAG_NS_JOIN = 2;
    public static final int TAG_ROOTFS = 3;
    public static final int TAG_HOSTNAME = 4;
    public static final int TAG_DOMAINNAME = 5;
    public static final int TAG_MOUNT = 6;
    public static final int TAG_DEVICE = 7;
    public static final int TAG_SYMLINK = 8;
    public static final int TAG_MASKED = 9;
    public static final int TAG_READONLY = 10;
    public static final int TAG_SYSCTL = 11;
    public static final int TAG_EXECUTABLE = 12;
    public static final int TAG_ARGS = 13;
    public static final int TAG_ENV = 14;
    public static final int TAG_CWD = 15;
    public static final int TAG_USER = 16;
    public static final int TAG_CAPS = 17;
    public static final int TAG_RLIMIT = 18;
    public static final int TAG_NO_NEW_PRIVS = 19;
    public static final int TAG_OOM_SCORE_ADJ = 20;
    public static final int TAG_TERMINAL = 21;
    public static final int TAG_APPARMOR = 22;
    public static final int TAG_SECCOMP = 23;
    public static final int TAG_FDS = 24;
    public static final int TAG_CREATE_HOOKS = 25;
    public static final int TAG_PERSONALITY = 26;
    public static final int TAG_TIME_OFFSETS = 27;
    public static final int TAG_CONSOLE_SIZE = 28;
    public static final int TAG_ID_MAPS = 29;
    public static final int TAG_WALL_CLOCK = 30;

    /** The kernel's bound on the lines of a uid_map or gid_map. */
    public static final int MAX_ID_MAP_LINES = 340;

    /** umask value meaning "keep the inherited umask". */
    public static final int UMASK_UNSET = -1;
}
