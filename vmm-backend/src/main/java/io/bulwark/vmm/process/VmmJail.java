package io.bulwark.vmm.process;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.kvm.Kvm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Where and as whom the VMM process runs, after Firecracker's jailer: before the JVM starts, a launcher (still
 * root) opens /dev/kvm, the kernel and the initrd as descriptors {@value #KVM_FD}, {@value #KERNEL_FD} and
 * {@value #INITRD_FD}, moves into new network, IPC and UTS namespaces ({@code unshare}) and becomes an unprivileged
 * user without capabilities ({@code setpriv}). The VMM then needs no path it could not open as that user but its
 * own directory (given to the user, mode 0700) and its class path.
 *
 * <p>The user is {@value #DEFAULT_ID}:{@value #DEFAULT_ID} unless the runtime's environment says otherwise
 * ({@value #USER_ENV}{@code =UID[:GID]}): an id no account, no Debian package and no container id map uses (those
 * start at 100000 with 65536 ids per container or user). All VMMs share it; one VMM cannot signal, trace or read
 * another because its seccomp allowlist has no {@code kill}, {@code ptrace}, {@code open} or
 * {@code process_vm_readv} (and {@code tgkill} only within its own process). It needs no kvm group: /dev/kvm arrives
 * open.
 *
 * @param uid the VMM's user id (never 0)
 * @param gid the VMM's group id (never 0)
 */
public record VmmJail(long uid, long gid) {
    public static final long DEFAULT_ID = 2_000_000_000L;
    /** Environment variable of the runtime naming another user (and group) for the VMM. */
    public static final String USER_ENV = "BULWARK_VMM_USER";
    public static final int KVM_FD = 3;
    public static final int KERNEL_FD = 4;
    public static final int INITRD_FD = 5;
    /** The launcher's only work before it execs the namespace and credential steps: open three files as root. */
    static final String OPEN_FILES = "exec " + KVM_FD + "<>\"$1\" " + KERNEL_FD + "<\"$2\" " + INITRD_FD
        + "<\"$3\" && shift 3 && exec \"$@\"";
    /** The namespaces the VMM gets of its own (no network, no System V IPC, no host name shared with the host). */
    public static final List<String> NAMESPACES = List.of("net", "ipc", "uts");

    public VmmJail {
        if (uid <= 0 || gid <= 0 || uid > 0xffff_fffeL || gid > 0xffff_fffeL) {
            throw new BulwarkException(USER_ENV + ": the VMM's user and group must be between 1 and 4294967294, not "
                + uid + ":" + gid);
        }
    }

    /** The jail named by {@value #USER_ENV} ({@code UID} or {@code UID:GID}; unset: the default). */
    public static VmmJail fromEnvironment(String value) {
        if (value == null || value.isBlank()) {
            return new VmmJail(DEFAULT_ID, DEFAULT_ID);
        }
        String[] parts = value.trim().split(":", -1);
        try {
            if (parts.length == 1) {
                long id = Long.parseLong(parts[0]);
                return new VmmJail(id, id);
            }
            if (parts.length == 2) {
                return new VmmJail(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BulwarkException(USER_ENV + "=" + value + ": expected UID or UID:GID (numbers)");
    }

    /**
     * The commands before the JVM: open the files, unshare, drop to the jail's user without capabilities and with
     * no_new_privs (and, for a foreground VMM, SIGKILL when its parent ends).
     */
    public List<String> launcher(Path kernel, Path initrd, boolean dieWithParent) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", OPEN_FILES, "bulwark-vmm-launcher", Kvm.DEVICE,
            kernel.toAbsolutePath().toString(), initrd == null ? "/dev/null" : initrd.toAbsolutePath().toString()));
        cmd.add("unshare");
        for (String ns : NAMESPACES) {
            cmd.add("--" + ns);
        }
        cmd.add("--");
        List<String> setpriv = VmmConfinement.launcherPrefix();
        cmd.add(setpriv.get(0));
        cmd.addAll(List.of("--reuid=" + uid, "--regid=" + gid, "--clear-groups"));
        cmd.addAll(setpriv.subList(1, setpriv.size() - 1));
        if (dieWithParent) {
            cmd.add("--pdeathsig=KILL"); // applied after the uid change, which would clear it
        }
        cmd.add("--");
        return cmd;
    }

    /**
     * Fails unless the jail's user can reach directory {@code dir} (search every directory above it): the VMM
     * writes its ready and error files there. A state root is world-searchable (0711) for that reason.
     */
    public void requireReachable(Path dir) {
        try {
            for (Path d = dir.toRealPath().getParent(); d != null; d = d.getParent()) {
                if (!allows(d, PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new BulwarkException("the VMM runs as user " + uid + ", which cannot reach " + dir + ": "
                        + d + " is mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(d))
                        + " (make it searchable by others, as 0711)");
                }
            }
        } catch (IOException e) {
            throw new BulwarkException("cannot check the VMM's directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Gives {@code path} to the jail's user (the VMM's directory and start FIFO). */
    public void own(Path path) {
        try {
            Files.setAttribute(path, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            throw new BulwarkException("cannot give " + path + " to the VMM's user " + uid + ": " + e.getMessage(), e);
        }
    }

    /**
     * The class path for a JVM running as the jail's user: {@code classPath} with every jar's manifest Class-Path
     * expanded (a test runner's class path is one such jar), and each entry the user cannot read linked (or, across
     * file systems, copied) into {@code dir} (as Firecracker's jailer copies its binary into the jail). An
     * installation readable by everyone needs nothing of that.
     */
    public String classPath(String classPath, Path dir) {
        List<Path> entries = new ArrayList<>();
        for (String e : classPath.split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) {
                expand(Path.of(e).toAbsolutePath().normalize(), entries, new LinkedHashSet<>());
            }
        }
        List<String> out = new ArrayList<>();
        Path lib = dir.resolve("lib");
        for (Path p : entries) {
            if (readable(p)) {
                out.add(p.toString());
                continue;
            }
            if (Files.isDirectory(p)) {
                throw new BulwarkException("the VMM runs as user " + uid + ", which cannot read the class path "
                    + "directory " + p + ": install Bulwark where every user can read it");
            }
            try {
                Files.createDirectories(lib);
                Path staged = lib.resolve(out.size() + "-" + p.getFileName());
                try {
                    Files.createLink(staged, p);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(p, staged, StandardCopyOption.COPY_ATTRIBUTES);
                }
                out.add(staged.toString());
            } catch (IOException e) {
                throw new BulwarkException("cannot stage " + p + " for the VMM in " + lib + ": " + e.getMessage(), e);
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    private static void expand(Path entry, List<Path> into, Set<Path> seen) {
        if (!seen.add(entry) || !Files.exists(entry)) {
            return;
        }
        into.add(entry);
        if (!Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null) {
                return;
            }
            for (String ref : cp.trim().split("\\s+")) {
                if (ref.isEmpty()) {
                    continue;
                }
                URI uri = entry.getParent().toUri().resolve(URI.create(ref));
                expand(Path.of(uri).normalize(), into, seen);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new BulwarkException("cannot read the class path of " + entry + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the jail's user can read {@code p} (and search every directory above it), from the mode bits: it owns
     * none of them and has none of their groups, so only the bits for others count.
     */
    boolean readable(Path p) {
        try {
            Path real = p.toRealPath();
            for (Path d = real.getParent(); d != null; d = d.getParent()) {
                if (!allows(d, PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return allows(real, PosixFilePermission.OTHERS_READ)
                && (!Files.isDirectory(real) || allows(real, PosixFilePermission.OTHERS_EXECUTE));
        } catch (IOException e) {
            return false;
        }
    }

    private boolean allows(Path p, PosixFilePermission otherBit) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
        Object owner = Files.getAttribute(p, "unix:uid");
        Object group = Files.getAttribute(p, "unix:gid");
        if (owner instanceof Integer o && (o & 0xffff_ffffL) == uid) {
            return a.permissions().contains(PosixFilePermission.valueOf(otherBit.name().replace("OTHERS", "OWNER")));
        }
        if (group instanceof Integer g && (g & 0xffff_ffffL) == gid) {
            return a.permissions().contains(PosixFilePermission.valueOf(otherBit.name().replace("OTHERS", "GROUP")));
        }
        return a.permissions().contains(otherBit);
    }
}
