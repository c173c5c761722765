package io.bulwark.core.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One message of the sync protocol between Java and the shim (docs/plan-format.md): a 16-byte header
 * {@code type, errno, value, reserved} and, for errors, a line of text.
 */
public record SyncMessage(int type, int errno, int value, String text, int[] fds) {
    public static final int PID = 1;
    public static final int ERROR = 2;
    public static final int HOOKS = 3;
    public static final int READY = 4;
    public static final int GO = 5;
    public static final int RESUME = 6;
    public static final int SECCOMP_FD = 7;
    /** Java → init before GO, and the init's reply: the init is dumpable so an unprivileged runtime can write its id maps. */
    public static final int MAP_ACCESS = 8;
    /** Not on the wire: the shim closed its end (end of file). */
    public static final int EOF = 0;

    public static final int HEADER = 16;
    public static final int MAX = HEADER + 1024;

    public static SyncMessage eof() {
        return new SyncMessage(EOF, 0, 0, "", new int[0]);
    }

    public static SyncMessage decode(byte[] data, int[] fds) {
        if (data.length == 0) {
            return eof();
        }
        if (data.length < HEADER) {
            throw new IllegalArgumentException("short sync message (" + data.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getInt();
        int errno = b.getInt();
        int value = b.getInt();
        return new SyncMessage(type, errno, value,
            new String(data, HEADER, data.length - HEADER, StandardCharsets.UTF_8), fds);
    }

    public static byte[] encode(int type) {
        return ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN).putInt(type).putInt(0).putInt(0).putInt(0)
            .array();
    }
}
