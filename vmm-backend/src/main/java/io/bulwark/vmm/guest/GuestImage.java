package io.bulwark.vmm.guest;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.initramfs.Initramfs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a guest boots into: the initramfs made of the container's rootfs, the static guest init as {@code /init},
 * and the workload's description under {@code /.bulwark} (argv and environment as NUL-separated lists, the working
 * directory).
 */
public final class GuestImage {
    private GuestImage() {
    }

    public static final String INIT_RESOURCE = "/io/bulwark/vmm/native/bulwark-guest-init";
    public static final String CONFIG_DIR = ".bulwark";

    /** The guest init binary carried in the jar. */
    public static byte[] guestInit() {
        try (InputStream in = GuestImage.class.getResourceAsStream(INIT_RESOURCE)) {
            if (in == null) {
                throw new BulwarkException("the guest init (" + INIT_RESOURCE + ") is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BulwarkException("cannot read the guest init: " + e.getMessage(), e);
        }
    }

    public static byte[] initramfs(Path rootfs, List<String> args, List<String> env, String cwd) {
        if (args.isEmpty()) {
            throw new BulwarkException("the workload has no arguments (process.args is empty)");
        }
        Map<String, Initramfs.FileEntry> extra = new LinkedHashMap<>();
        extra.put("init", new Initramfs.FileEntry(0755, guestInit()));
        extra.put(CONFIG_DIR + "/argv", new Initramfs.FileEntry(0400, nulList(args)));
        extra.put(CONFIG_DIR + "/env", new Initramfs.FileEntry(0400, nulList(env)));
        extra.put(CONFIG_DIR + "/cwd", new Initramfs.FileEntry(0400,
            (cwd == null || cwd.isEmpty() ? "/" : cwd).getBytes(StandardCharsets.UTF_8)));
        return Initramfs.build(rootfs, extra);
    }

    static byte[] nulList(List<String> items) {
        StringBuilder s = new StringBuilder();
        for (String item : items) {
            if (item.indexOf('\0') >= 0) {
                throw new BulwarkException("a workload argument or variable contains a NUL byte: " + item);
            }
            s.append(item).append('\0');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
