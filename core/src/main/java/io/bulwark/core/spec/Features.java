package io.bulwark.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.bulwark.core.BulwarkException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code bulwark features} prints: the runtime-spec "features" document (the shape runc prints), saying
 * which spec versions, hooks, mount options, namespaces, capabilities, cgroup versions, seccomp vocabulary and
 * security modules this Bulwark supports. The CLI fills the host-dependent parts through {@link #builder()};
 * the vocabulary defaults come from {@link SpecNames}, the same lists the validator accepts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Features(
    String ociVersionMin,
    String ociVersionMax,
    List<String> hooks,
    List<String> mountOptions,
    LinuxFeatures linux,
    Map<String, String> annotations,
    List<String> potentiallyUnsafeConfigAnnotations) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LinuxFeatures(
        List<String> namespaces,
        List<String> capabilities,
        Cgroup cgroup,
        SeccompFeatures seccomp,
        Enabled apparmor,
        Enabled selinux,
        Enabled intelRdt,
        MountExtensions mountExtensions) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cgroup(Boolean v1, Boolean v2, Boolean systemd, Boolean systemdUser, Boolean rdma) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SeccompFeatures(
        Boolean enabled,
        List<String> actions,
        List<String> operators,
        List<String> archs,
        List<String> knownFlags,
        List<String> supportedFlags) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Enabled(Boolean enabled) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MountExtensions(Enabled idmap) {
    }

    /** Pretty-printed JSON, as {@code runc features} prints it. */
    public String toJson() {
        String fast = RecordWriter.write(this, true);
        if (fast != null) {
            return fast + "\n";
        }
        try {
            return SpecJson.mapper().writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new BulwarkException("cannot serialise the features document: " + e.getOriginalMessage(), e);
        }
    }

    /** A builder preset with everything this Bulwark's configuration front end accepts. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String ociVersionMin = SpecNames.OCI_VERSION_MIN;
        private String ociVersionMax = SpecNames.OCI_VERSION_MAX;
        private List<String> hooks = SpecNames.HOOKS;
        private List<String> mountOptions = SpecNames.MOUNT_OPTIONS;
        private List<String> namespaces = SpecNames.NAMESPACES;
        private List<String> capabilities = SpecNames.CAPABILITIES;
        private Cgroup cgroup = new Cgroup(false, false, false, false, false);
        private boolean seccompEnabled;
        private List<String> seccompActions = SpecNames.SECCOMP_ACTIONS;
        private List<String> seccompOperators = SpecNames.SECCOMP_OPERATORS;
        private List<String> seccompArchs = SpecNames.SECCOMP_ARCHES;
        private List<String> seccompKnownFlags = SpecNames.SECCOMP_FLAGS;
        private List<String> seccompSupportedFlags = List.of();
        private boolean apparmor;
        private boolean selinux;
        private boolean idmapMounts;
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private List<String> unsafeAnnotations;

        private Builder() {
        }

        public Builder ociVersions(String min, String max) {
            this.ociVersionMin = min;
            this.ociVersionMax = max;
            return this;
        }

        public Builder hooks(List<String> hooks) {
            this.hooks = List.copyOf(hooks);
            return this;
        }

        public Builder mountOptions(List<String> options) {
            this.mountOptions = List.copyOf(options);
            return this;
        }

        public Builder namespaces(List<String> namespaces) {
            this.namespaces = List.copyOf(namespaces);
            return this;
        }

        public Builder capabilities(List<String> capabilities) {
            this.capabilities = List.copyOf(capabilities);
            return this;
        }

        public Builder cgroup(boolean v1, boolean v2, boolean systemd, boolean systemdUser, boolean rdma) {
            this.cgroup = new Cgroup(v1, v2, systemd, systemdUser, rdma);
            return this;
        }

        /** Seccomp support: whether filters are applied, and which seccomp(2) flags the kernel supports. */
        public Builder seccomp(boolean enabled, List<String> supportedFlags) {
            this.seccompEnabled = enabled;
            this.seccompSupportedFlags = List.copyOf(supportedFlags);
            return this;
        }

        public Builder seccompVocabulary(List<String> actions, List<String> operators, List<String> archs,
                List<String> knownFlags) {
            this.seccompActions = List.copyOf(actions);
            this.seccompOperators = List.copyOf(operators);
            this.seccompArchs = List.copyOf(archs);
            this.seccompKnownFlags = List.copyOf(knownFlags);
            return this;
        }

        public Builder apparmor(boolean enabled) {
            this.apparmor = enabled;
            return this;
        }

        public Builder selinux(boolean enabled) {
            this.selinux = enabled;
            return this;
        }

        public Builder idmapMounts(boolean enabled) {
            this.idmapMounts = enabled;
            return this;
        }

        /** An entry of the {@code annotations} map (e.g. {@code io.github.seccomp.libseccomp.version}). */
        public Builder annotation(String key, String value) {
            this.annotations.put(key, value);
            return this;
        }

        public Builder potentiallyUnsafeConfigAnnotations(List<String> prefixes) {
            this.unsafeAnnotations = List.copyOf(prefixes);
            return this;
        }

        public Features build() {
            SeccompFeatures seccomp = new SeccompFeatures(seccompEnabled, seccompActions, seccompOperators,
                seccompArchs, seccompKnownFlags, seccompSupportedFlags);
            LinuxFeatures linux = new LinuxFeatures(namespaces, capabilities, cgroup, seccomp, new Enabled(apparmor),
                new Enabled(selinux), new Enabled(false), new MountExtensions(new Enabled(idmapMounts)));
            return new Features(ociVersionMin, ociVersionMax, hooks, mountOptions, linux,
                annotations.isEmpty() ? null : Collections.unmodifiableMap(new LinkedHashMap<>(annotations)), unsafeAnnotations);
        }
    }
}
