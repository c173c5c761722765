package io.bulwark.seccomp.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.core.BulwarkException;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.core.spi.SeccompProgram;
import io.bulwark.core.testing.Requirements;
import io.bulwark.seccomp.LibseccompSeccompCompiler;
import io.bulwark.seccomp.compile.ProfileCompiler;
import io.bulwark.seccomp.profile.DefaultProfile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiled-filter cache: memory and disk levels, and every check a disk entry must pass before it is used. */
class FilterCacheTest {
    private static final Seccomp PROFILE = new Seccomp("SCMP_ACT_ERRNO", null, List.of("SCMP_ARCH_X86_64"), null,
        null, null, List.of(new SeccompSyscall(List.of("getpid"), "SCMP_ACT_ALLOW", null, null)));
    private static final Seccomp OTHER = new Seccomp("SCMP_ACT_ERRNO", null, List.of("SCMP_ARCH_X86_64"), null,
        null, null, List.of(new SeccompSyscall(List.of("getppid"), "SCMP_ACT_ALLOW", null, null)));

    @TempDir
    Path tmp;

    /** One instruction: return {@code action}. */
    private static SeccompProgram ret(int action) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        b.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(action);
        return new SeccompProgram(b.array(), 0, null, null);
    }

    private static final SeccompProgram KILL = ret(0x80000000);

    private static final class Counting implements Supplier<SeccompProgram> {
        final AtomicInteger calls = new AtomicInteger();
        final SeccompProgram result;

        Counting(SeccompProgram result) {
            this.result = result;
        }

        @Override
        public SeccompProgram get() {
            calls.incrementAndGet();
            return result;
        }
    }

    private Path cacheDir() {
        return tmp.resolve("cache");
    }

    private FilterCache cache(String environment) {
        return new FilterCache(() -> CompiledFilterStore.open(cacheDir()), () -> environment);
    }

    private Path onlyEntry() throws IOException {
        try (Stream<Path> s = Files.list(cacheDir())) {
            List<Path> entries = s.filter(p -> p.toString().endsWith(".bpf")).toList();
            assertEquals(1, entries.size(), entries.toString());
            return entries.get(0);
        }
    }

    @Test
    void aProfileIsCompiledOncePerProcess() {
        FilterCache memoryOnly = new FilterCache(Optional::empty, () -> "env");
        Counting compile = new Counting(KILL);
        memoryOnly.get(PROFILE, compile);
        SeccompProgram again = memoryOnly.get(PROFILE, compile);
        assertEquals(1, compile.calls.get());
        assertArrayEquals(KILL.filter(), again.filter());
    }

    @Test
    void anotherProcessFindsTheProgramOnDisk() throws IOException {
        cache("env").get(PROFILE, new Counting(KILL));
        Counting compile = new Counting(ret(0x7fff0000));
        SeccompProgram loaded = cache("env").get(PROFILE, compile);
        assertEquals(0, compile.calls.get());
        assertArrayEquals(KILL.filter(), loaded.filter());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(onlyEntry())));
    }

    @Test
    void anotherEnvironmentOrProfileIsAnotherKey() {
        cache("libseccomp 2.5.4").get(PROFILE, new Counting(KILL));
        Counting otherEnv = new Counting(KILL);
        cache("libseccomp 2.5.5").get(PROFILE, otherEnv);
        Counting otherProfile = new Counting(KILL);
        cache("libseccomp 2.5.4").get(OTHER, otherProfile);
        assertEquals(1, otherEnv.calls.get());
        assertEquals(1, otherProfile.calls.get());
        FilterCache c = cache("x");
        assertFalse(java.util.Arrays.equals(c.key(PROFILE), c.key(OTHER)));
    }

    @Test
    void failuresAreNotCached() {
        FilterCache c = cache("env");
        AtomicInteger calls = new AtomicInteger();
        Supplier<SeccompProgram> refuse = () -> {
            calls.incrementAndGet();
            throw new BulwarkException("config.json: $.linux.seccomp.defaultAction: is required");
        };
        assertThrows(BulwarkException.class, () -> c.get(PROFILE, refuse));
        assertThrows(BulwarkException.class, () -> c.get(PROFILE, refuse));
        assertEquals(2, calls.get());
        String[] entries = cacheDir().toFile().list();
        assertEquals(0, entries == null ? 0 : entries.length);
    }

    /** Stores KILL for PROFILE, lets {@code tamper} change the entry, and expects a fresh compile, not the entry. */
    private void rejected(TamperAction tamper) throws Exception {
        cache("env").get(PROFILE, new Counting(KILL));
        tamper.apply(onlyEntry());
        SeccompProgram fresh = ret(0x00050001);
        Counting compile = new Counting(fresh);
        SeccompProgram p = cache("env").get(PROFILE, compile);
        assertEquals(1, compile.calls.get(), "the tampered entry must not be used");
        assertArrayEquals(fresh.filter(), p.filter());
    }

    private interface TamperAction {
        void apply(Path entry) throws Exception;
    }

    @Test
    void aChangedByteFailsTheChecksum() throws Exception {
        rejected(entry -> {
            byte[] b = Files.readAllBytes(entry);
            b[b.length - 40] ^= 0x01; // inside the program
            Files.write(entry, b);
        });
    }

    @Test
    void anEntryWithARecomputedChecksumButAnotherKeyIsRefused() throws Exception {
        rejected(entry -> {
            // a valid entry of another profile (an ALLOW-everything program) moved to this profile's name
            FilterCache c = cache("env");
            byte[] forged = CompiledFilterStore.encode(c.key(OTHER), ret(0x7fff0000));
            Files.write(entry, forged);
        });
    }

    @Test
    void aStructurallyInvalidProgramIsRefused() throws Exception {
        rejected(entry -> {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            b.putShort((short) 0x15).put((byte) 7).put((byte) 7).putInt(0); // a jump out of the program
            byte[] forged = CompiledFilterStore.encode(cache("env").key(PROFILE),
                new SeccompProgram(b.array(), 0, null, null));
            Files.write(entry, forged);
        });
    }

    @Test
    void anEntryOthersCouldHaveWrittenIsRefused() throws Exception {
        rejected(entry -> Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("rw-rw-r--")));
    }

    @Test
    void aSymbolicLinkIsNeverFollowed() throws Exception {
        rejected(entry -> {
            Path elsewhere = tmp.resolve("elsewhere.bpf");
            Files.move(entry, elsewhere);
            Files.createSymbolicLink(entry, elsewhere);
        });
    }

    @Test
    void anEntryOwnedBySomeoneElseIsRefused() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (to give the entry to another user)");
        rejected(entry -> Files.setAttribute(entry, "unix:uid", 4242));
    }

    @Test
    void aDirectoryOthersCanWriteIsNotUsed() throws Exception {
        Files.createDirectories(cacheDir());
        Files.setPosixFilePermissions(cacheDir(), PosixFilePermissions.fromString("rwxrwxr-x"));
        assertTrue(CompiledFilterStore.open(cacheDir()).isEmpty());
        cache("env").get(PROFILE, new Counting(KILL));
        assertEquals(0, cacheDir().toFile().list().length, "nothing may be written to an unsafe directory");
    }

    @Test
    void aDirectoryOwnedBySomeoneElseIsNotUsed() throws Exception {
        Requirements.require(Requirements.isRoot(), "root (to give the directory to another user)");
        Files.createDirectories(cacheDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(cacheDir(), "unix:uid", 4242);
        assertTrue(CompiledFilterStore.open(cacheDir()).isEmpty());
    }

    @Test
    void aLinkInPlaceOfTheDirectoryIsNotUsed() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(cacheDir(), real);
        assertTrue(CompiledFilterStore.open(cacheDir()).isEmpty());
    }

    @Test
    void theOldestEntriesGoBeyondTheLimit() throws Exception {
        CompiledFilterStore store = CompiledFilterStore.open(cacheDir()).orElseThrow();
        for (int i = 0; i < CompiledFilterStore.MAX_ENTRIES + 5; i++) {
            store.save(new byte[] {(byte) i, (byte) (i >> 8)}, KILL);
        }
        try (Stream<Path> s = Files.list(cacheDir())) {
            assertEquals(CompiledFilterStore.MAX_ENTRIES, s.count());
        }
    }

    /** The real compiler: a program read back from disk is exactly what libseccomp compiled. */
    @Test
    void theDefaultProfileReadBackEqualsTheCompiledOne() {
        Seccomp profile = DefaultProfile.forCapabilities(null);
        SeccompProgram compiled = ProfileCompiler.system().compile(profile, "default", "$");
        FilterCache first = FilterCache.at(cacheDir());
        SeccompProgram viaCache = new LibseccompSeccompCompiler(first).compile(profile, "default", "$");
        assertArrayEquals(compiled.filter(), viaCache.filter());
        assertNotNull(CompilerEnvironment.describe(), "libseccomp is installed, so the environment is known");
        FilterCache second = FilterCache.at(cacheDir());
        SeccompProgram fromDisk = second.get(profile, () -> {
            throw new AssertionError("must come from disk");
        });
        assertArrayEquals(compiled.filter(), fromDisk.filter());
        assertEquals(compiled.flags(), fromDisk.flags());
    }
}
