package io.bulwark.cli.server;

import io.bulwark.core.BulwarkException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the native client ({@code cli/src/main/c/client.c}) and the resident server say to each other over the
 * server's AF_UNIX stream socket. All integers are 32-bit little-endian.
 *
 * <pre>
 * client -> server  "BWK1" u32:length, then length bytes: argv, env (each u32:count, count x (u32:len, bytes)),
 *                   cwd (u32:len, bytes). The client's stdin, stdout and stderr ride on the first byte (SCM_RIGHTS).
 * client -> server  'S' u32:signal      a signal the client received, for the command to forward
 * server -> client  'A' u32:0           the command runs here: from now on the client must not run it itself
 *                                       (a connection that ends before this frame was never served)
 * server -> client  'X' u32:status      the command's exit status; the server then closes the connection
 * server -> client  'F' u32:0           not served here: the client runs the command in its own JVM instead
 * </pre>
 */
public final class WireFormat {
    public static final byte[] MAGIC = {'B', 'W', 'K', '1'};
    public static final int HEADER = 8;
    public static final int MAX_REQUEST = 1 << 20;
    public static final int MAX_STRINGS = 1 << 16;
    public static final byte SIGNAL = 'S';
    public static final byte EXIT = 'X';
    public static final byte ACCEPTED = 'A';
    public static final byte FALLBACK = 'F';
    public static final int FRAME = 5;

    private WireFormat() {
    }

    /** One command line as the client sends it. */
    public record Request(List<String> argv, List<String> env, String cwd) {
    }

    /** The payload length announced by a header; fails on a bad magic or a length out of bounds. */
    public static int payloadLength(byte[] header) {
        if (header.length < HEADER) {
            throw new BulwarkException("server request: short header (" + header.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                throw new BulwarkException("server request: bad magic (client and server of different versions?)");
            }
        }
        int n = ByteBuffer.wrap(header, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (n < 0 || n > MAX_REQUEST) {
            throw new BulwarkException("server request: length " + Integer.toUnsignedString(n) + " out of bounds");
        }
        return n;
    }

    public static Request decode(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        List<String> argv = strings(b, "argv");
        List<String> env = strings(b, "env");
        String cwd = string(b, "cwd");
        if (b.hasRemaining()) {
            throw new BulwarkException("server request: " + b.remaining() + " bytes after the cwd");
        }
        return new Request(argv, env, cwd);
    }

    public static byte[] encode(Request r) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        putStrings(payload, r.argv());
        putStrings(payload, r.env());
        putString(payload, r.cwd());
        byte[] body = payload.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(body.length).put(body);
        return b.array();
    }

    public static byte[] frame(byte type, int value) {
        return ByteBuffer.allocate(FRAME).order(ByteOrder.LITTLE_ENDIAN).put(type).putInt(value).array();
    }

    /** The value of a complete frame of the given type; fails on any other type. */
    public static int frameValue(byte[] frame, byte type) {
        if (frame.length != FRAME || frame[0] != type) {
            throw new BulwarkException("server connection: unexpected frame");
        }
        return ByteBuffer.wrap(frame, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static List<String> strings(ByteBuffer b, String what) {
        int count = u32(b, what + " count");
        if (count > MAX_STRINGS) {
            throw new BulwarkException("server request: " + count + " " + what + " entries (at most " + MAX_STRINGS + ")");
        }
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(string(b, what + "[" + i + "]"));
        }
        return out;
    }

    private static String string(ByteBuffer b, String what) {
        int len = u32(b, what + " length");
        if (len > b.remaining()) {
            throw new BulwarkException("server request: " + what + " runs past the end");
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int u32(ByteBuffer b, String what) {
        if (b.remaining() < 4) {
            throw new BulwarkException("server request: truncated at " + what);
        }
        int v = b.getInt();
        if (v < 0) {
            throw new BulwarkException("server request: " + what + " out of bounds");
        }
        return v;
    }

    private static void putStrings(ByteArrayOutputStream out, List<String> values) {
        putInt(out, values.size());
        for (String v : values) {
            putString(out, v);
        }
    }

    private static void putString(ByteArrayOutputStream out, String v) {
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        putInt(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void putInt(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
