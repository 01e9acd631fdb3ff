package net.kmesh.perf;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The memory and CPU time of a {@link DaemonTarget} at one read. Each value says its
 * {@link Basis}: a cgroup's figures, with the meanings cAdvisor gives
 * {@code container_memory_usage_bytes}, {@code container_memory_working_set_bytes} and
 * {@code container_cpu_usage_seconds_total}, or the process's own figures from {@code /proc}. A
 * process is read from its cgroup only when that cgroup is its own (see {@link DaemonTarget}). A
 * value the target's files do not give is empty, and {@link #notes()} says why.
 *
 * @param target      what was read, with the pid it resolved to, e.g. {@code process named kmesh-daemon (pid 4711)}
 * @param memoryUsage bytes charged to the cgroup ({@code memory.current}, v1 {@code memory.usage_in_bytes}),
 *                    or the process's resident set size ({@code VmRSS} = {@code RssAnon + RssFile + RssShmem})
 * @param workingSet  memory usage less inactive file-backed pages (0 if those exceed it); only a cgroup
 *                    has one, so it is empty on the {@link Basis#PROCESS} basis
 * @param cpuTime     CPU time consumed since the cgroup was created, or by every thread of the process
 *                    since it started (utime + stime, without its children's)
 * @param notes       one line per value that is absent or read from the process rather than from a
 *                    cgroup, saying why, e.g. {@code memory: cgroup v2 /sys/fs/cgroup/unified/k has no
 *                    memory controller ...}; empty when every value is a cgroup's
 */
public record ResourceUsage(String target, Optional<Bytes> memoryUsage, Optional<Bytes> workingSet,
                            Optional<CpuTime> cpuTime, List<String> notes) {
    /**
     * Validates and copies the notes.
     *
     * @param target      what was read
     * @param memoryUsage memory usage, if known
     * @param workingSet  working set, if known
     * @param cpuTime     CPU time, if known
     * @param notes       why a value is absent or the process's own
     * @throws IllegalArgumentException when the working set exceeds the memory usage or has another basis
     */
    public ResourceUsage {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(memoryUsage, "memoryUsage");
        Objects.requireNonNull(workingSet, "workingSet");
        Objects.requireNonNull(cpuTime, "cpuTime");
        notes = List.copyOf(notes);
        if (workingSet.isPresent() && memoryUsage.isPresent()) {
            Bytes ws = workingSet.get();
            Bytes usage = memoryUsage.get();
            if (ws.bytes() > usage.bytes() || ws.basis() != usage.basis()) {
                throw new IllegalArgumentException("a working set is part of the memory usage it is derived from, got "
                        + ws + " for " + usage);
            }
        }
    }

    /**
     * Memory usage in bytes, if known.
     *
     * @return the bytes of {@link #memoryUsage()}
     */
    public OptionalLong memoryUsageBytes() {
        return memoryUsage.map(b -> OptionalLong.of(b.bytes())).orElse(OptionalLong.empty());
    }

    /**
     * Working set in bytes, if known.
     *
     * @return the bytes of {@link #workingSet()}
     */
    public OptionalLong workingSetBytes() {
        return workingSet.map(b -> OptionalLong.of(b.bytes())).orElse(OptionalLong.empty());
    }

    /**
     * CPU time in seconds, if known.
     *
     * @return the seconds of {@link #cpuTime()}
     */
    public OptionalDouble cpuSeconds() {
        return cpuTime.map(c -> OptionalDouble.of(c.seconds())).orElse(OptionalDouble.empty());
    }

    /** What a value describes: a whole cgroup, or one process. */
    public enum Basis {
        /** A cgroup v2 directory: every process in it and below it, as cAdvisor reports a container. */
        CGROUP_V2,
        /** A cgroup of a v1 hierarchy ({@code memory}, {@code cpuacct}): every process in it and below it. */
        CGROUP_V1,
        /** One process from {@code /proc/PID/status} and {@code /proc/PID/stat}: its own figures only. */
        PROCESS;

        /**
         * True for a cgroup's figures.
         *
         * @return whether this is {@link #CGROUP_V2} or {@link #CGROUP_V1}
         */
        public boolean isCgroup() {
            return this != PROCESS;
        }
    }

    /**
     * A byte count, its basis and where it was read.
     *
     * @param bytes  0 or more
     * @param basis  whether it is a cgroup's or the process's
     * @param source the file(s) read, e.g. {@code cgroup v2 /sys/fs/cgroup/kmesh/memory.current}
     */
    public record Bytes(long bytes, Basis basis, String source) {
        /**
         * Validates the count.
         *
         * @param bytes  0 or more
         * @param basis  whether it is a cgroup's or the process's
         * @param source the file(s) read
         * @throws IllegalArgumentException when {@code bytes} is negative
         */
        public Bytes {
            if (bytes < 0) {
                throw new IllegalArgumentException("a byte count cannot be negative, got " + bytes);
            }
            Objects.requireNonNull(basis, "basis");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * A cumulative CPU time, its basis and where it was read.
     *
     * @param time   user plus system time, 0 or more
     * @param basis  whether it is a cgroup's or the process's
     * @param source the file read, e.g. {@code /proc/4711/stat utime+stime}
     */
    public record CpuTime(Duration time, Basis basis, String source) {
        /**
         * Validates the time.
         *
         * @param time   0 or more
         * @param basis  whether it is a cgroup's or the process's
         * @param source the file read
         * @throws IllegalArgumentException when {@code time} is negative
         */
        public CpuTime {
            Objects.requireNonNull(time, "time");
            if (time.isNegative()) {
                throw new IllegalArgumentException("a CPU time cannot be negative, got " + time);
            }
            Objects.requireNonNull(basis, "basis");
            Objects.requireNonNull(source, "source");
        }

        /**
         * The time in seconds.
         *
         * @return {@link #time()} as fractional seconds
         */
        public double seconds() {
            return time.getSeconds() + time.getNano() / 1e9;
        }
    }
}
