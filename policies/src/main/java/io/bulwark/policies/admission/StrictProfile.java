package io.bulwark.policies.admission;

import io.bulwark.core.spec.Capabilities;
import io.bulwark.core.spec.Seccomp;
import io.bulwark.core.spec.SeccompSyscall;
import io.bulwark.seccomp.profile.DefaultProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code strict} seccomp profile a policy can choose: the built-in default with a further set of syscalls
 * taken out whatever the capabilities, for tenants that run short programs they do not trust (code execution,
 * plug-ins). What goes: everything that mounts, changes or enters namespaces, loads BPF or keys, reads other
 * processes' memory or compares their state, steers NUMA placement, and old or rarely needed interfaces with a
 * history of kernel bugs (vmsplice, modify_ldt, userfaultfd, remap_file_pages...). Taking names out of an
 * allowlist can only make it stricter.
 */
public final class StrictProfile {
    /** Syscalls the strict profile never allows. */
    public static final Set<String> REMOVED = Set.of(
        "mount", "umount", "umount2", "mount_setattr", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount",
        "fspick", "pivot_root", "chroot", "unshare", "setns", "bpf", "perf_event_open", "keyctl", "add_key",
        "request_key", "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp", "pidfd_getfd",
        "userfaultfd", "mbind", "set_mempolicy", "set_mempolicy_home_node", "get_mempolicy", "migrate_pages",
        "move_pages", "vmsplice", "modify_ldt", "remap_file_pages", "name_to_handle_at", "open_by_handle_at",
        "personality", "acct", "quotactl", "quotactl_fd", "lookup_dcookie", "syslog", "fanotify_init", "uselib",
        "ustat", "sysfs", "_sysctl", "vhangup", "iopl", "ioperm");

    private StrictProfile() {
    }

    public static Seccomp forCapabilities(Capabilities capabilities) {
        Seccomp base = DefaultProfile.forCapabilities(capabilities);
        List<SeccompSyscall> rules = new ArrayList<>();
        for (SeccompSyscall rule : base.syscalls()) {
            List<String> names = "SCMP_ACT_ERRNO".equals(rule.action()) || "SCMP_ACT_KILL_PROCESS".equals(rule.action())
                ? rule.names() : rule.names().stream().filter(n -> !REMOVED.contains(n)).toList();
            if (!names.isEmpty()) {
                rules.add(new SeccompSyscall(names, rule.action(), rule.errnoRet(), rule.args()));
            }
        }
        return new Seccomp(base.defaultAction(), base.defaultErrnoRet(), base.architectures(), base.flags(),
            base.listenerPath(), base.listenerMetadata(), List.copyOf(rules));
    }
}
