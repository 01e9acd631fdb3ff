package net.kmesh.perf.bpf.progs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.ProgInfo;

/**
 * Run counts, run time and recursion misses of the eBPF programs a {@link ProgramSelector} picks,
 * read from {@code struct bpf_prog_info}.
 *
 * <p>The kernel counts runs and their time only while BPF statistics are enabled, which costs every
 * program two clock reads per run. This collector enables them by holding the fd of
 * {@code BPF_ENABLE_STATS(BPF_STATS_RUN_TIME)} for its lifetime: they stay on while any such fd is
 * open anywhere, and go off when the last one closes, so a crashed process cannot leave them on. The
 * global sysctl {@code kernel.bpf_stats_enabled} is never written.
 *
 * <p>Needs CAP_SYS_ADMIN, both to enable statistics and to open programs by id. Thread-safe.
 */
public final class ProgramStatsCollector implements AutoCloseable {
    /** {@code enum bpf_stats_type}: BPF_STATS_RUN_TIME. */
    private static final int BPF_STATS_RUN_TIME = 0;

    private final Fd stats;

    private ProgramStatsCollector(Fd stats) {
        this.stats = stats;
    }

    /**
     * Enables BPF run-time statistics for as long as the collector is open.
     *
     * @throws PrivilegeException     without CAP_SYS_ADMIN
     * @throws KernelFeatureException before Linux 5.8, which lacks {@code BPF_ENABLE_STATS}
     */
    public static ProgramStatsCollector open() {
        int fd = LibbpfLoader.natives().libbpf().bpf_enable_stats(BPF_STATS_RUN_TIME);
        if (fd < 0) {
            int errno = -fd;
            if (errno == Errno.EPERM) {
                throw new PrivilegeException("enabling BPF run-time statistics (BPF_ENABLE_STATS) was refused "
                        + "(EPERM): program statistics need CAP_SYS_ADMIN (or root)");
            }
            if (errno == Errno.EINVAL) {
                throw new KernelFeatureException("this kernel cannot enable BPF run-time statistics per process "
                        + "(BPF_ENABLE_STATS, Linux 5.8): " + Errno.name(errno));
            }
            throw Errno.failure("enabling BPF run-time statistics", errno);
        }
        return new ProgramStatsCollector(Fd.own(fd));
    }

    /**
     * The statistics of the programs {@code selector} picks, ascending by id. Programs selected by
     * name that are unloaded meanwhile are left out.
     *
     * @throws NotFoundException  when a program named by id does not exist
     * @throws PrivilegeException without CAP_SYS_ADMIN
     */
    public synchronized List<ProgramStats> collect(ProgramSelector selector) {
        if (!stats.isOpen()) {
            throw new IllegalStateException("program statistics collector is closed");
        }
        List<ProgramStats> result = new ArrayList<>();
        if (selector instanceof ProgramSelector.NamePrefix p) {
            for (int id : listIds()) {
                ProgInfo info = read(id);
                if (info != null && p.matches(info.name())) {
                    result.add(stats(info));
                }
            }
        } else if (selector instanceof ProgramSelector.Ids ids) {
            for (int id : ids.ids()) {
                ProgInfo info = read(id);
                if (info == null) {
                    throw new NotFoundException("no BPF program has id " + id + " (list programs with: bpftool prog show)");
                }
                result.add(stats(info));
            }
        }
        result.sort(Comparator.comparingInt(ProgramStats::id));
        return result;
    }

    private static ProgramStats stats(ProgInfo i) {
        return new ProgramStats(i.id(), i.name(), i.typeName(), i.runCount(), i.runTimeNanos(), i.recursionMisses());
    }

    private static List<Integer> listIds() {
        try {
            return BpfIds.programs();
        } catch (PrivilegeException e) {
            throw new PrivilegeException("listing BPF program ids was refused (EPERM): it needs CAP_SYS_ADMIN");
        }
    }

    /** The info of program {@code id}, or null when it does not exist (any more). */
    private static ProgInfo read(int id) {
        int fd;
        try {
            fd = BpfIds.openProgram(id);
        } catch (PrivilegeException e) {
            throw new PrivilegeException("opening BPF program id " + id + " was refused (EPERM): opening programs by "
                    + "id requires CAP_SYS_ADMIN");
        }
        if (fd < 0) {
            return null;
        }
        try (Fd owned = Fd.own(fd)) {
            return ProgInfo.of(owned.get());
        } catch (PerfMonitorException e) {
            throw new PerfMonitorException("reading the info of BPF program id " + id + ": " + e.getMessage(), e);
        }
    }

    /** Releases the statistics fd: statistics go off unless another holder keeps them on. Idempotent. */
    @Override
    public synchronized void close() {
        stats.close();
    }
}
