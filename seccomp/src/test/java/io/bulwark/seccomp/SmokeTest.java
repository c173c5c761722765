package io.bulwark.seccomp;

import io.bulwark.seccomp.bpf.*;
import io.bulwark.seccomp.compile.*;
import io.bulwark.seccomp.libseccomp.*;
import io.bulwark.seccomp.profile.*;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void smoke() {
        Libseccomp l = Libseccomp.get();
        System.out.println("version " + l.version() + " api " + l.apiLevel() + " native 0x" + Integer.toHexString(l.nativeArch()));
        ProfileCompiler c = ProfileCompiler.system();
        var s = DefaultProfile.forCapabilities(Set.of("CAP_KILL"), "x86_64");
        long t0 = System.nanoTime();
        var r = c.resolve(s, "default", "linux.seccomp");
        var p = c.compile(r, "default");
        long t1 = System.nanoTime();
        System.out.println("instructions " + p.instructions() + " in " + (t1 - t0) / 1e6 + " ms skipped " + r.skippedNames());
        var in = BpfInterpreter.of(p.filter());
        for (String n : new String[] {"getppid", "mount", "read", "clone", "ptrace", "socket"}) {
            var res = in.run(SeccompData.of(l.nativeArch(), l.resolveSyscall(n), 0x10000000L));
            System.out.println(n + " -> " + res.verdict() + " after " + res.executed());
        }
        for (String n : new String[]{"cachestat","fchmodat2","bogus_xyz","map_shadow_stack","socketcall","futex_waitv"}) System.out.println(n + "=" + l.resolveSyscall(n));
        System.out.println("flags probe tsync " + new LinuxKernelSeccomp(l).supportsFlags(1) + " bogus " + new LinuxKernelSeccomp(l).supportsFlags(1 << 20));
    }
}
