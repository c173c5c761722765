package io.bulwark.vmm.process;

import io.bulwark.core.BulwarkException;
import io.bulwark.vmm.kvm.KvmIoctls;
import io.bulwark.vmm.kvm.Syscalls;
import io.bulwark.vmm.vcpu.VcpuRunner;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What the VMM process does before it confines itself so that nothing after needs a file: the JVM loads classes on
 * first use (from a directory or a jar: {@code stat}, {@code openat}), and jnr-ffi generates a native method's stub
 * on its first call (reading class files as resources). Neither is in the VMM's allowlist, so a path first taken
 * after confinement (an exit reason, the timeout, a register dump, a kick) must have been taken, or its classes
 * loaded, before.
 */
final class WarmUp {
    private WarmUp() {
    }

    private static final int SIG_BLOCK = 0;
    private static final String PACKAGE = "io/bulwark/vmm/";
    /** Classes of other modules used after confinement (a class literal loads its class). */
    private static final List<Class<?>> OTHER_MODULES = List.of(BulwarkException.class);

    /**
     * Calls once, harmlessly, every {@link Syscalls} method a running VM uses, then loads (without initialising)
     * every class of the module. Returns how many classes it loaded.
     */
    static int run(Syscalls sys) {
        int tid = sys.gettid();
        sys.tgkill(tid, 0); // signal 0: only checks that the thread exists
        sys.sigprocmask(SIG_BLOCK, 0); // blocks nothing more
        sys.sigtimedwaitNow(1L << (VcpuRunner.KICK_SIGNAL - 1)); // nothing pending: EAGAIN
        sys.ioctl(-1, KvmIoctls.KVM_RUN, 0); // EBADF
        sys.ioctl(-1, KvmIoctls.KVM_GET_REGS, new byte[KvmIoctls.REGS_SIZE]); // EBADF
        sys.strerror(Syscalls.EAGAIN);
        sys.close(-1); // EBADF
        sys.munmap(0, 0); // EINVAL
        // Runtime.exit asks this logger whether it logs (JDK 21+); the first request finds the logging back end
        // through a service lookup over the class path and reads its configuration.
        System.getLogger("java.lang.Runtime").isLoggable(System.Logger.Level.DEBUG);
        ClassLoader loader = WarmUp.class.getClassLoader();
        int n = 0;
        for (String name : classNames()) {
            try {
                Class.forName(name, false, loader);
                n++;
            } catch (ClassNotFoundException | LinkageError e) {
                // a class this process cannot link (an optional dependency) is one it never uses
            }
        }
        return n + OTHER_MODULES.size();
    }

    static List<String> classNames() {
        CodeSource source = WarmUp.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try {
            Path where = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(where)) {
                Path root = where.resolve(PACKAGE);
                try (Stream<Path> s = Files.walk(root)) {
                    s.filter(p -> p.toString().endsWith(".class"))
                        .forEach(p -> names.add(className(where.relativize(p).toString())));
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        String entry = e.nextElement().getName();
                        if (entry.startsWith(PACKAGE) && entry.endsWith(".class")) {
                            names.add(className(entry));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw new BulwarkException("cannot list the VMM's classes in " + source.getLocation() + ": "
                + e.getMessage(), e);
        }
        return names;
    }

    private static String className(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.').replace('\\', '.');
    }
}
