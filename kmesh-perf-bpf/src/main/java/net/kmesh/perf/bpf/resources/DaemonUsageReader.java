package net.kmesh.perf.bpf.resources;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the memory and CPU time of a {@link DaemonTarget} from cgroup v2, cgroup v1 and
 * {@code /proc}. A cgroup target gives its cgroup's figures; a process target gives a cgroup's
 * figures only for a cgroup that is its own and else its own figures from {@code /proc}, each
 * resource on its own (see {@link DaemonTarget} and {@link ResourceUsage.Basis}).
 *
 * <p>{@link #reading()} never throws. When the target matches nothing (a pid that exited or was
 * reused, a name no live process has, a cgroup directory absent) or none of its values can be read,
 * the reading holds a problem instead of a usage; the reader logs a WARN when that starts and an INFO
 * when the target is found again, once per change, and once per change of the usage's notes. A value
 * whose file holds something other than a decimal below 2^63 ({@code max}, a wrapped counter near
 * 2^64, garbage) is absent, never saturated, and not replaced by another source. Thread-safe; each
 * read reads the files anew, the target's own procfs and cgroupfs files through fds held open
 * between reads (at most 8: a file made anew at each read, that fails to read once its process
 * exits or its cgroup is removed, and is then opened again by path), which {@link #close()} closes.
 */
public final class DaemonUsageReader implements AutoCloseable {
    /** Clock ticks per second of {@code /proc/PID/stat} times: 100 on every mainstream Linux architecture. */
    public static final long USER_HZ = 100;

    private static final Logger LOG = LoggerFactory.getLogger(DaemonUsageReader.class);
    private static final long UNPINNED = -1;

    private final DaemonTarget target;
    /** The target's files read at every reading, held open between readings; closed by {@link #close()}. */
    private final HeldFiles held = new HeldFiles();
    private final ProcFs proc;
    private final ProcessUsage processes;
    private final CgroupUsage cgroups;
    private final ProcessFinder finder;
    private final long selfPid;
    /** How a reading of this process names it, made once. */
    private final String selfLabel;
    /** The {@code stat} file of this process, and of a pid target (else null): paths made once. */
    private final Path selfStat;
    private final Path pinnedStat;
    private final StateLog log;
    private final AtomicLong pinnedStart = new AtomicLong(UNPINNED);
    /** The last reading's state; guarded by {@code this} (a monitor: an interpreted VarHandle costs more). */
    private State state;

    /**
     * One read of the target: its usage, or why there is none. Exactly one of the two is present.
     *
     * @param usage   the target's figures, when it matched and at least one value could be read
     * @param problem why there are none, e.g. {@code no live process is named kmesh-daemon}; a condition
     *                that lasts gives the same text on every read
     */
    public record Reading(Optional<ResourceUsage> usage, Optional<String> problem) {
        /**
         * Checks that exactly one of the two is present.
         *
         * @throws IllegalArgumentException when both or neither are present
         */
        public Reading {
            Objects.requireNonNull(usage, "usage");
            Objects.requireNonNull(problem, "problem");
            if (usage.isPresent() == problem.isPresent()) {
                throw new IllegalArgumentException("a reading holds a usage or a problem, got " + usage + " and " + problem);
            }
        }

        /**
         * A reading with figures.
         *
         * @param usage the figures
         * @return the reading
         */
        public static Reading of(ResourceUsage usage) {
            return new Reading(Optional.of(usage), Optional.empty());
        }

        /**
         * A reading without figures.
         *
         * @param problem why there are none
         * @return the reading
         */
        public static Reading problem(String problem) {
            return new Reading(Optional.empty(), Optional.of(problem));
        }

        /**
         * True when the target matched and was read.
         *
         * @return whether {@link #usage()} is present
         */
        public boolean matched() {
            return usage.isPresent();
        }
    }

    /** Where the reader reports changes of state; SLF4J outside tests. */
    interface StateLog {
        void warn(String message);

        void info(String message);
    }

    /** What is logged when it changes: the problem, or the notes of the usage and whether a value is missing. */
    private record State(Optional<String> problem, List<String> notes, boolean valueMissing) {
        static State of(Reading r) {
            return new State(r.problem(), r.usage().map(ResourceUsage::notes).orElse(List.of()),
                    r.usage().filter(u -> u.memoryUsage().isEmpty() || u.cpuTime().isEmpty()).isPresent());
        }

        // Written out: compared at every scrape, where a record's generated equals runs through
        // method handles the interpreter is slow at.
        @Override
        public boolean equals(Object o) {
            return o instanceof State other && valueMissing == other.valueMissing && problem.equals(other.problem)
                    && (notes == other.notes || notes.equals(other.notes));
        }

        @Override
        public int hashCode() {
            return Objects.hash(problem, notes, valueMissing);
        }
    }

    /**
     * A reader of this machine's {@code /proc} and this process's mount table.
     *
     * @param target whose usage to read
     * @return the reader
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
        this(target, procRoot, mountTable, clockTicksPerSecond, slf4j());
    }

    DaemonUsageReader(DaemonTarget target, Path procRoot, Path mountTable, long clockTicksPerSecond, StateLog log) {
        this.target = Objects.requireNonNull(target, "target");
        this.proc = new ProcFs(Objects.requireNonNull(procRoot, "procRoot"), clockTicksPerSecond).readingWith(held::read);
        Objects.requireNonNull(mountTable, "mountTable");
        this.processes = new ProcessUsage(proc, mountTable);
        this.cgroups = new CgroupUsage(proc, mountTable);
        this.finder = target instanceof DaemonTarget.ProcessName n ? new ProcessFinder(proc, n.name()) : null;
        this.selfPid = ProcessHandle.current().pid();
        this.selfLabel = target.describe() + " (pid " + selfPid + ")";
        this.selfStat = proc.dir(selfPid).resolve("stat");
        this.pinnedStat = target instanceof DaemonTarget.Pid p ? proc.dir(p.pid()).resolve("stat") : null;
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * The target this reader reads.
     *
     * @return the target given at construction
     */
    public DaemonTarget target() {
        return target;
    }

    /**
     * The target's usage now, or why there is none. Never throws.
     *
     * @return the reading
     */
    public Reading reading() {
        Reading r;
        try {
            r = readTarget();
        } catch (RuntimeException e) {
            LOG.debug("reading the usage of {} failed", target.describe(), e);
            r = Reading.problem("reading " + target.describe() + " failed: " + e);
        }
        report(r);
        return r;
    }

    /**
     * The target's usage now; empty when it matches nothing or nothing could be read (see
     * {@link #reading()} for why). Never throws.
     *
     * @return the usage, if any
     */
    public Optional<ResourceUsage> read() {
        return reading().usage();
    }

    private Reading readTarget() {
        if (target instanceof DaemonTarget.Cgroup c) {
            return cgroups.read(c.path(), target.describe());
        }
        if (target instanceof DaemonTarget.ProcessName n) {
            return readByName(n.name());
        }
        if (target instanceof DaemonTarget.Pid p) {
            return readPinned(p.pid());
        }
        Optional<ProcStat> stat = proc.stat(selfStat);
        if (stat.isEmpty()) {
            return Reading.problem("this process (pid " + selfPid + ") cannot read " + selfStat);
        }
        return processes.read(selfPid, stat.get(), selfLabel, false);
    }

    private Reading readByName(String name) {
        Optional<ProcessFinder.Found> found = finder.find();
        if (found.isEmpty()) {
            return Reading.problem("no live process is named " + name + " (/proc/PID/comm)");
        }
        long pid = found.get().pid();
        return processes.read(pid, found.get().stat(), target.describe() + " (pid " + pid + ")", pid != selfPid);
    }

    private Reading readPinned(long pid) {
        Optional<ProcStat> stat = proc.stat(pinnedStat).filter(s -> !s.exited());
        if (stat.isEmpty()) {
            return Reading.problem(pinnedStart.get() == UNPINNED ? "no live process has pid " + pid
                    : "pid " + pid + " has exited");
        }
        long start = stat.get().startTicks();
        pinnedStart.compareAndSet(UNPINNED, start);
        if (pinnedStart.get() != start) {
            return Reading.problem("pid " + pid + " has exited and its id now belongs to another process");
        }
        return processes.read(pid, stat.get(), target.describe(), pid != selfPid);
    }

    /** Logs what changed since the last reading: the target lost or found, or the notes of its usage. */
    private void report(Reading r) {
        State now = State.of(r);
        State before;
        synchronized (this) {
            before = state;
            state = now;
        }
        if (now.equals(before)) {
            return;
        }
        if (now.problem().isPresent()) {
            log.warn("daemon usage: " + now.problem().get() + "; no CPU or memory is reported for " + target.describe()
                    + " while it matches nothing");
            return;
        }
        String read = r.usage().orElseThrow().target();
        if (before != null && before.problem().isPresent()) {
            log.info("daemon usage: found " + read);
        }
        if (!now.notes().isEmpty() && (before == null || !now.notes().equals(before.notes()))) {
            String message = "daemon usage of " + read + ": " + String.join("; ", now.notes());
            if (now.valueMissing()) {
                log.warn(message);
            } else {
                log.info(message);
            }
        }
    }

    private static StateLog slf4j() {
        return new StateLog() {
            @Override
            public void warn(String message) {
                LOG.warn(message);
            }

            @Override
            public void info(String message) {
                LOG.info(message);
            }
        };
    }

    /**
     * Closes the files held open between readings. Readings after it still work, each opening and
     * closing what it reads. Idempotent; never throws.
     */
    @Override
    public void close() {
        held.close();
    }

    /** How many files are held open now; for tests. */
    int heldFiles() {
        return held.heldCount();
    }

    @Override
    public String toString() {
        return "DaemonUsageReader[" + target.describe() + ", " + proc.root() + "]";
    }
}
