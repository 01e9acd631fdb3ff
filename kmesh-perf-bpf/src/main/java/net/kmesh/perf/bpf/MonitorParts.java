package net.kmesh.perf.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.Capability;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.maps.MapCapabilities;
import net.kmesh.perf.bpf.maps.MapStatsCollector;
import net.kmesh.perf.bpf.progs.ProgramStatsCollector;
import net.kmesh.perf.bpf.resources.DaemonUsageReader;

/**
 * Opens the parts of a monitor that do not depend on its source, each with the features it brings
 * and a note on what it lacks: the kernel's ring buffers, map and program statistics, the daemon's
 * usage. A part the caller may do without (statistics without privilege) is left out with a note.
 */
final class MonitorParts {
    private MonitorParts() {
    }

    /**
     * Creates and closes a one-page ring buffer: the probe that tells a kernel without ring
     * buffers (EINVAL, an unknown map type) from a caller without privilege (EPERM). libbpf's own
     * probe answers "unsupported" for both.
     */
    static void requireRingBuffers(LibbpfLoader.Natives natives) {
        int fd = natives.libbpf().bpf_map_create(MapType.RINGBUF, "kp_probe", 0, 0, natives.pageSize(), null);
        if (fd >= 0) {
            natives.libc().close(fd);
            return;
        }
        throw ringBufferProbeFailure(-fd, kernelRelease());
    }

    /** The exception for a failed ring-buffer probe with {@code errno} on kernel {@code release}. */
    static RuntimeException ringBufferProbeFailure(int errno, String release) {
        return switch (errno) {
            case Errno.EPERM -> new PrivilegeException("creating a BPF map was refused (EPERM): "
                    + (Capability.CAP_BPF.held() ? "" : "this process lacks CAP_BPF; ") + Errno.PRIVILEGE_HINT,
                    errno, null);
            case Errno.EINVAL -> new KernelFeatureException("the kernel " + release + " has no BPF ring buffers "
                    + "(BPF_MAP_TYPE_RINGBUF, Linux >= 5.8): kmesh-perf cannot read operation records on it", errno, null);
            case Errno.ENOSYS -> new KernelFeatureException("the kernel " + release
                    + " has no bpf() system call (CONFIG_BPF_SYSCALL is off)", errno, null);
            default -> Errno.failure("creating a BPF ring buffer", errno);
        };
    }

    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Opens map statistics and reads them once; without the privilege they need, or when the first
     * read fails, the monitor goes on without them and says why in the notes.
     */
    static MapStatsCollector mapStats(PerfMonitorConfig config, Resources resources, Set<Feature> features,
                                      List<String> notes) {
        if (!config.mapStatistics()) {
            return null;
        }
        MapStatsCollector collector = null;
        try {
            collector = MapStatsCollector.open();
            collector.collect(config.maps());
        } catch (PrivilegeException e) {
            if (collector != null) {
                collector.close();
            }
            notes.add("map statistics are off: " + e.getMessage());
            return null;
        } catch (PerfMonitorException e) {
            if (collector == null) {
                notes.add("map statistics are off: " + e.getMessage());
                return null;
            }
            // A passing condition (no fd left, no memory): snapshots try again.
            notes.add("map statistics could not be read at open, snapshots try again: " + e.getMessage());
        }
        resources.add(collector);
        features.add(Feature.MAP_STATISTICS);
        MapCapabilities c = collector.capabilities();
        if (c.iterator()) {
            features.add(Feature.MAP_ITERATOR);
        }
        if (c.elemCountKfunc()) {
            features.add(Feature.MAP_ELEM_COUNT_KFUNC);
        }
        if (c.batchLookup()) {
            features.add(Feature.MAP_BATCH_LOOKUP);
        }
        notes.addAll(c.notes());
        return collector;
    }

    /** Opens program statistics; without CAP_SYS_ADMIN the monitor goes on without them. */
    static ProgramStatsCollector programStats(PerfMonitorConfig config, Resources resources, Set<Feature> features,
                                              List<String> notes) {
        if (!config.programStatistics()) {
            return null;
        }
        try {
            ProgramStatsCollector collector = resources.add(ProgramStatsCollector.open());
            features.add(Feature.BPF_STATS);
            return collector;
        } catch (PrivilegeException e) {
            notes.add("program statistics are off: " + e.getMessage());
            return null;
        }
    }

    /** The daemon's reader, closed with {@code resources}, and whether it matches something now. */
    static DaemonUsageReader daemon(PerfMonitorConfig config, Resources resources, Set<Feature> features,
                                    List<String> notes) {
        DaemonUsageReader daemon = resources.add(DaemonUsageReader.of(config.daemon()));
        DaemonUsageReader.Reading first = daemon.reading();
        if (first.matched()) {
            features.add(Feature.DAEMON);
        } else {
            notes.add("daemon usage: " + first.problem().orElse(config.daemon().describe() + " matches nothing")
                    + "; its CPU and memory are reported once it matches");
        }
        return daemon;
    }
}
