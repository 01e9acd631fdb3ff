package net.kmesh.perf;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The memory and CPU time of a {@link DaemonTarget} at one read, with the meanings cAdvisor gives
 * {@code container_memory_usage_bytes}, {@code container_memory_working_set_bytes} and
 * {@code container_cpu_usage_seconds_total}. A value the target's files do not give is empty; each
 * present value names where it was read.
 *
 * @param target      what was read, with the pid it resolved to, e.g. {@code process named kmesh-daemon (pid 4711)}
 * @param memoryUsage bytes charged to the target's cgroup, or the process's resident set size when
 *                    the process has no memory cgroup of its own
 * @param workingSet  memory usage less inactive file-backed pages (0 if those exceed it); only
 *                    read from a cgroup
 * @param cpuTime     CPU time consumed since the cgroup was created or the process started
 */
public record ResourceUsage(String target, Optional<Bytes> memoryUsage, Optional<Bytes> workingSet,
                            Optional<CpuTime> cpuTime) {
    public ResourceUsage {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(memoryUsage, "memoryUsage");
        Objects.requireNonNull(workingSet, "workingSet");
        Objects.requireNonNull(cpuTime, "cpuTime");
    }

    /** Memory usage in bytes, if known. */
    public OptionalLong memoryUsageBytes() {
        return memoryUsage.map(b -> OptionalLong.of(b.bytes())).orElse(OptionalLong.empty());
    }

    /** Working set in bytes, if known. */
    public OptionalLong workingSetBytes() {
        return workingSet.map(b -> OptionalLong.of(b.bytes())).orElse(OptionalLong.empty());
    }

    /** CPU time in seconds, if known. */
    public OptionalDouble cpuSeconds() {
        return cpuTime.map(c -> OptionalDouble.of(c.seconds())).orElse(OptionalDouble.empty());
    }

    /**
     * A byte count and where it was read.
     *
     * @param bytes  0 or more
     * @param source the file(s) read, e.g. {@code cgroup v2 /sys/fs/cgroup/kmesh/memory.current}
     */
    public record Bytes(long bytes, String source) {
        public Bytes {
            if (bytes < 0) {
                throw new IllegalArgumentException("a byte count cannot be negative, got " + bytes);
            }
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * A cumulative CPU time and where it was read.
     *
     * @param time   user plus system time, 0 or more
     * @param source the file read, e.g. {@code /proc/4711/stat utime+stime}
     */
    public record CpuTime(Duration time, String source) {
        public CpuTime {
            Objects.requireNonNull(time, "time");
            if (time.isNegative()) {
                throw new IllegalArgumentException("a CPU time cannot be negative, got " + time);
            }
            Objects.requireNonNull(source, "source");
        }

        /** The time in seconds. */
        public double seconds() {
            return time.getSeconds() + time.getNano() / 1e9;
        }
    }
}
