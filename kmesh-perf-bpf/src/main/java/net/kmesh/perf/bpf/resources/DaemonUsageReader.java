package net.kmesh.perf.bpf.resources;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the memory and CPU time of a {@link DaemonTarget} from cgroup v2, cgroup v1 and
 * {@code /proc}, with cAdvisor's meanings (see {@link ResourceUsage}). A process target is read from
 * its own cgroups unless they are their hierarchy's root (the whole machine), then from
 * {@code /proc/PID/stat} and {@code /proc/PID/status}, each resource on its own.
 *
 * <p>{@link #read()} never throws. It is empty while the target does not exist (a pid that exited,
 * a name no live process has, a cgroup directory absent) and when none of its values can be read.
 * A value whose file holds something other than a decimal below 2^63 ({@code max}, a wrapped
 * counter near 2^64, garbage) is absent, never saturated, and not replaced by another source.
 * Thread-safe; each read reads the files anew.
 */
public final class DaemonUsageReader {
    /** Clock ticks per second of {@code /proc/PID/stat} times: 100 on every mainstream Linux architecture. */
    public static final long USER_HZ = 100;

    private static final Logger LOG = LoggerFactory.getLogger(DaemonUsageReader.class);
    private static final long UNPINNED = -1;

    private final DaemonTarget target;
    private final ProcFs proc;
    private final ProcessUsage processes;
    private final CgroupUsage cgroups;
    private final ProcessFinder finder;
    private final long selfPid;
    private final AtomicLong pinnedStart = new AtomicLong(UNPINNED);

    /**
     * A reader of this machine's {@code /proc} and this process's mount table.
     *
     * @throws NullPointerException when {@code target} is null
     */
    public static DaemonUsageReader of(DaemonTarget target) {
        return new DaemonUsageReader(target, Path.of("/proc"), Path.of("/proc/self/mounts"), USER_HZ);
    }

    /**
     * A reader of the given files, e.g. a synthetic tree in tests.
     *
     * @param target              whose usage to read
     * @param procRoot            where procfs is mounted, normally {@code /proc}
     * @param mountTable          a mounts(5) file listing the cgroup hierarchies, normally {@code /proc/self/mounts}
     * @param clockTicksPerSecond USER_HZ, the unit of {@code /proc/PID/stat} times; 1 to 10^9
     * @throws IllegalArgumentException when {@code clockTicksPerSecond} is out of range
     */
    public DaemonUsageReader(DaemonTarget target, Path procRoot, Path mountTable, long clockTicksPerSecond) {
        this.target = Objects.requireNonNull(target, "target");
        this.proc = new ProcFs(Objects.requireNonNull(procRoot, "procRoot"), clockTicksPerSecond);
        Objects.requireNonNull(mountTable, "mountTable");
        this.processes = new ProcessUsage(proc, mountTable);
        this.cgroups = new CgroupUsage(mountTable);
        this.finder = target instanceof DaemonTarget.ProcessName n ? new ProcessFinder(proc, n.name()) : null;
        this.selfPid = ProcessHandle.current().pid();
    }

    public DaemonTarget target() {
        return target;
    }

    /** The target's usage now; empty when it does not exist or nothing could be read. Never throws. */
    public Optional<ResourceUsage> read() {
        try {
            if (target instanceof DaemonTarget.Cgroup c) {
                return cgroups.read(c.path(), target.describe());
            }
            if (target instanceof DaemonTarget.ProcessName n) {
                return readByName(n.name());
            }
            if (target instanceof DaemonTarget.Pid p) {
                return readPinned(p.pid());
            }
            return proc.stat(selfPid)
                    .flatMap(stat -> processes.read(selfPid, stat, target.describe() + " (pid " + selfPid + ")"));
        } catch (RuntimeException e) {
            LOG.debug("reading the usage of {} failed", target.describe(), e);
            return Optional.empty();
        }
    }

    private Optional<ResourceUsage> readByName(String name) {
        Optional<ProcessFinder.Found> found = finder.find();
        if (found.isEmpty()) {
            LOG.debug("no live process is named {}", name);
            return Optional.empty();
        }
        long pid = found.get().pid();
        return processes.read(pid, found.get().stat(), target.describe() + " (pid " + pid + ")");
    }

    private Optional<ResourceUsage> readPinned(long pid) {
        Optional<ProcStat> stat = proc.stat(pid).filter(s -> !s.exited());
        if (stat.isEmpty()) {
            LOG.debug("pid {} has exited", pid);
            return Optional.empty();
        }
        long start = stat.get().startTicks();
        pinnedStart.compareAndSet(UNPINNED, start);
        if (pinnedStart.get() != start) {
            LOG.debug("pid {} has exited and its id was reused by a process started at tick {}", pid, start);
            return Optional.empty();
        }
        return processes.read(pid, stat.get(), target.describe());
    }

    @Override
    public String toString() {
        return "DaemonUsageReader[" + target.describe() + ", " + proc.root() + "]";
    }
}
