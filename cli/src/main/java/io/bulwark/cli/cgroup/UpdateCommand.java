package io.bulwark.cli.cgroup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.cli.CliContext;
import io.bulwark.cli.Command;
import io.bulwark.cli.Flags;
import io.bulwark.core.BulwarkException;
import io.bulwark.core.cgroup.ResourceUpdate;
import io.bulwark.core.spec.BlockIo;
import io.bulwark.core.spec.CpuResources;
import io.bulwark.core.spec.MemoryResources;
import io.bulwark.core.spec.PidsResources;
import io.bulwark.core.spec.Resources;
import io.bulwark.core.spec.Spec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code update}: changes a running (or paused, or created) container's limits, with runc's flags. */
public final class UpdateCommand implements Command {
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final Pattern SIZE = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b)?");

    @Override
    public String name() {
        return "update";
    }

    @Override
    public String summary() {
        return "update container resource constraints";
    }

    @Override
    public String usage() {
        return """
            Usage: bulwark update [flags] CONTAINER_ID

              -r, --resources FILE     a JSON file of linux.resources ("-" reads stdin); flags override it
              --blkio-weight N         block I/O weight, 10 to 1000
              --cpu-period US          CPU CFS period
              --cpu-quota US           CPU CFS quota (-1: none)
              --cpu-burst US           CPU CFS burst
              --cpu-share N            CPU shares (relative weight)
              --cpu-rt-period US       real-time period
              --cpu-rt-runtime US      real-time runtime
              --cpu-idle 0|1           SCHED_IDLE for the cgroup
              --cpuset-cpus LIST       CPUs allowed (0-3, 0,1)
              --cpuset-mems LIST       memory nodes allowed
              --memory SIZE            memory limit (e.g. 512m; -1: none)
              --memory-reservation SIZE  memory soft limit
              --memory-swap SIZE       memory+swap limit (-1: unlimited swap)
              --kernel-memory SIZE     kernel memory limit (refused where the kernel ignores it)
              --kernel-memory-tcp SIZE kernel TCP buffer limit
              --pids-limit N           maximum number of processes (-1: none)
            """;
    }

    @Override
    public int run(CliContext ctx, List<String> args) throws Exception {
        Flags f = new Flags(name()).value("resources", "r").value("blkio-weight").value("cpu-period")
            .value("cpu-quota").value("cpu-burst").value("cpu-share").value("cpu-rt-period").value("cpu-rt-runtime")
            .value("cpu-idle").value("cpuset-cpus").value("cpuset-mems").value("memory").value("memory-reservation")
            .value("memory-swap").value("kernel-memory").value("kernel-memory-tcp").value("pids-limit")
            .value("l3-cache-schema").value("mem-bw-schema").parse(args);
        f.requireArgs(1, "container id");
        if (f.get("l3-cache-schema") != null || f.get("mem-bw-schema") != null) {
            throw new BulwarkException("update: Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported", 95);
        }
        Resources resources = resources(f);
        ContainerAccess.withCgroup(ctx, f.id(), Set.of("created", "running", "paused"), "is not running",
            (cgroup, rt) -> {
                Spec current = rt.containerSpec(f.id());
                Spec updated = rt.admitUpdate(f.id(), resources);
                cgroup.update(ResourceUpdate.forCgroup(current.linux() == null ? null : current.linux().resources(),
                    resources));
                // like runc, keep the stored config in step: later commands start from the limits in force
                rt.saveUpdatedSpec(f.id(), updated);
                return null;
            });
        return 0;
    }

    /** The -r file (if any) with every given flag laid over it. */
    static Resources resources(Flags f) throws IOException {
        Resources base = new Resources(null, null, null, null, null, null, null, null, null);
        String file = f.get("resources");
        if (file != null) {
            base = readResources(file);
        }
        MemoryResources m = base.memory() == null
            ? new MemoryResources(null, null, null, null, null, null, null, null, null) : base.memory();
        m = new MemoryResources(size(f, "memory", m.limit()), size(f, "memory-reservation", m.reservation()),
            size(f, "memory-swap", m.swap()), size(f, "kernel-memory", m.kernel()),
            size(f, "kernel-memory-tcp", m.kernelTCP()), m.swappiness(), m.disableOOMKiller(), m.useHierarchy(),
            m.checkBeforeUpdate());
        CpuResources c = base.cpu() == null
            ? new CpuResources(null, null, null, null, null, null, null, null, null) : base.cpu();
        c = new CpuResources(number(f, "cpu-share", c.shares()), number(f, "cpu-quota", c.quota()),
            number(f, "cpu-burst", c.burst()), number(f, "cpu-period", c.period()),
            number(f, "cpu-rt-runtime", c.realtimeRuntime()), number(f, "cpu-rt-period", c.realtimePeriod()),
            f.get("cpuset-cpus", c.cpus()), f.get("cpuset-mems", c.mems()), number(f, "cpu-idle", c.idle()));
        PidsResources p = base.pids();
        Long pids = number(f, "pids-limit", p == null ? null : p.limit());
        BlockIo b = base.blockIO();
        Long weight = number(f, "blkio-weight", b == null || b.weight() == null ? null : (long) b.weight());
        if (weight != null) {
            b = b == null ? new BlockIo(weight.intValue(), null, null, null, null, null, null)
                : new BlockIo(weight.intValue(), b.leafWeight(), b.weightDevice(), b.throttleReadBpsDevice(),
                    b.throttleWriteBpsDevice(), b.throttleReadIOPSDevice(), b.throttleWriteIOPSDevice());
        }
        return new Resources(base.devices(), m, c, pids == null ? null : new PidsResources(pids), b,
            base.hugepageLimits(), base.network(), base.rdma(), base.unified());
    }

    private static Resources readResources(String file) throws IOException {
        String name = file.equals("-") ? "<stdin>" : file;
        byte[] bytes;
        if (file.equals("-")) {
            try (InputStream in = System.in) {
                bytes = in.readNBytes(1 << 20);
            }
        } else {
            try {
                bytes = Files.readAllBytes(Path.of(file));
            } catch (IOException e) {
                throw new BulwarkException("update: cannot read " + name + ": " + e.getMessage(), 2);
            }
        }
        try {
            Resources r = JSON.readValue(bytes, Resources.class);
            if (r == null) {
                throw new BulwarkException(name + ": $: expected a JSON object of linux.resources", 22);
            }
            return r;
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw new BulwarkException(name + ": $" + jsonPath(e) + ": " + e.getOriginalMessage().split("\n")[0], 22);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BulwarkException(name + ": not valid JSON: " + e.getOriginalMessage(), 22);
        }
    }

    private static String jsonPath(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            b.append(r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]");
        }
        return b.toString();
    }

    private static Long number(Flags f, String flag, Long fallback) {
        String v = f.get(flag);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new BulwarkException("update: invalid value \"" + v + "\" for --" + flag + ": not a number", 22);
        }
    }

    private static Long size(Flags f, String flag, Long fallback) {
        String v = f.get(flag);
        if (v == null) {
            return fallback;
        }
        return parseSize(v, flag);
    }

    /** Sizes as runc takes them: a number with an optional binary unit (k, m, g, t, p; kb, mib...). */
    static long parseSize(String text, String flag) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new BulwarkException("update: invalid size \"" + text + "\" for --" + flag, 22);
        }
        double n = Double.parseDouble(m.group(1));
        if (n < 0) {
            if (n != -1) {
                throw new BulwarkException("update: invalid size \"" + text + "\" for --" + flag, 22);
            }
            return -1;
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        return (long) (n * (1L << shift));
    }
}
