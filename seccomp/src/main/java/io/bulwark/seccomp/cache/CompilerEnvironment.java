package io.bulwark.seccomp.cache;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Everything besides the profile that decides which BPF a profile compiles to, as text for the disk cache's key:
 * Bulwark's seccomp code (its jar, or its classes when run from a build), every libseccomp the library loader could
 * pick up, the running kernel and the architecture. Found with a few {@code stat}s, without loading libseccomp, so
 * that a cold start that hits the cache never pays for the native bindings.
 */
final class CompilerEnvironment {
    private static final List<String> LIBRARY_NAMES = List.of("libseccomp.so", "libseccomp.so.2");

    private CompilerEnvironment() {
    }

    /** The description, or null when no libseccomp is found (nothing can be compiled, so nothing is cached). */
    static String describe() {
        List<String> libraries = libseccompFiles();
        if (libraries.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        s.append("code ").append(codeIdentity()).append('\n');
        for (String l : libraries) {
            s.append("libseccomp ").append(l).append('\n');
        }
        s.append("kernel ").append(kernelRelease()).append('\n');
        s.append("arch ").append(System.getProperty("os.arch")).append(' ').append(ByteOrder.nativeOrder()).append('\n');
        return s.toString();
    }

    /** The jar (or class directory) the seccomp module runs from: path, size and modification time. */
    static String codeIdentity() {
        CodeSource source = CompilerEnvironment.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return "unknown";
        }
        try {
            Path p = Path.of(source.getLocation().toURI());
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (a.isRegularFile()) {
                return p + " " + a.size() + " " + a.lastModifiedTime().toMillis();
            }
            // a build's class directory: its newest class file stands for the code
            try (Stream<Path> files = Files.walk(p)) {
                long newest = files.filter(f -> f.toString().endsWith(".class")).mapToLong(f -> {
                    try {
                        return Files.getLastModifiedTime(f).toMillis();
                    } catch (IOException e) {
                        return Long.MAX_VALUE;
                    }
                }).max().orElse(0);
                return p + " classes " + newest;
            }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return "unknown " + source.getLocation();
        }
    }

    /**
     * The libseccomp files a library loader could pick up by the names Bulwark loads ({@code libseccomp.so},
     * {@code libseccomp.so.2}), in every directory it searches (java.library.path, jnr-ffi's path,
     * LD_LIBRARY_PATH, ld.so.conf, the usual system directories), each as link, real path, size and modification
     * time: a package upgrade (the link then names another file) or a library put in front changes the key. Looked
     * up by name, never by listing the (large) library directories.
     */
    static List<String> libseccompFiles() {
        Set<String> found = new TreeSet<>();
        for (Path dir : libraryDirectories()) {
            for (String name : LIBRARY_NAMES) {
                Path f = dir.resolve(name);
                try {
                    Path real = f.toRealPath();
                    BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
                    found.add(f + " -> " + real + " " + a.size() + " " + a.lastModifiedTime().toMillis());
                } catch (IOException absent) {
                    // not there (or a broken link): nothing to load from it
                }
            }
        }
        return new ArrayList<>(found);
    }

    private static Set<Path> libraryDirectories() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String list : new String[] {System.getProperty("jnr.ffi.library.path"),
            System.getProperty("java.library.path"), System.getenv("LD_LIBRARY_PATH")}) {
            if (list != null) {
                for (String d : list.split(":")) {
                    if (!d.isBlank()) {
                        dirs.add(Path.of(d));
                    }
                }
            }
        }
        dirs.addAll(ldSoConf(Path.of("/etc/ld.so.conf"), 0));
        for (String d : new String[] {"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib"}) {
            dirs.add(Path.of(d));
        }
        return dirs;
    }

    /** The directories an ld.so.conf names, following its include lines (globs in one directory). */
    private static List<Path> ldSoConf(Path file, int depth) {
        List<Path> out = new ArrayList<>();
        if (depth > 4 || !Files.isRegularFile(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                if (l.startsWith("include ")) {
                    Path pattern = Path.of(l.substring("include ".length()).strip());
                    Path parent = pattern.getParent();
                    if (parent != null && Files.isDirectory(parent)) {
                        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent,
                            pattern.getFileName().toString())) {
                            List<Path> included = new ArrayList<>();
                            s.forEach(included::add);
                            included.sort(null);
                            for (Path f : included) {
                                out.addAll(ldSoConf(f, depth + 1));
                            }
                        }
                    }
                } else if (l.startsWith("/")) {
                    out.add(Path.of(l));
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // what could be read is enough: the system directories are searched anyway
        }
        return out;
    }

    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return System.getProperty("os.version", "unknown");
        }
    }
}
