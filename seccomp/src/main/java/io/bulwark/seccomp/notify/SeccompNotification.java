package io.bulwark.seccomp.notify;

import io.bulwark.seccomp.bpf.SeccompData;

/** {@code struct seccomp_notif}: a syscall waiting for the listener's answer. */
public record SeccompNotification(long id, int pid, int flags, SeccompData data) {
}
