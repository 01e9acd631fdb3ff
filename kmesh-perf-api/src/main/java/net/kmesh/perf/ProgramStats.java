package net.kmesh.perf;

import java.util.Objects;

/**
 * Run-time statistics of one eBPF program, as bpftop shows them: the kernel counts runs and their
 * time only while BPF statistics are enabled, so both cover the enabled periods since the load.
 *
 * @param id              the program id
 * @param name            the program name, at most 15 characters
 * @param type            the program type as bpftool names it, e.g. {@code cgroup_sock_addr}, {@code xdp}
 * @param runCount        runs counted
 * @param runTimeNanos    time spent in those runs, in nanoseconds
 * @param recursionMisses runs skipped because the program was already running on that CPU
 */
public record ProgramStats(int id, String name, String type, long runCount, long runTimeNanos,
                           long recursionMisses) {

    /**
     * Validates the statistics.
     *
     * @param id              the program id, positive
     * @param name            the program name
     * @param type            the program type as bpftool names it
     * @param runCount        runs counted, 0 or more
     * @param runTimeNanos    time spent in those runs, 0 or more nanoseconds
     * @param recursionMisses runs skipped, 0 or more
     * @throws IllegalArgumentException when the id is not positive or a counter is negative
     */
    public ProgramStats {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (id <= 0) {
            throw new IllegalArgumentException("program id must be positive, got " + id);
        }
        if (runCount < 0 || runTimeNanos < 0 || recursionMisses < 0) {
            throw new IllegalArgumentException("counters must not be negative: runs " + runCount + ", run time "
                    + runTimeNanos + " ns, recursion misses " + recursionMisses);
        }
    }

    /**
     * Mean time of one run.
     *
     * @return nanoseconds per run; 0 when it never ran
     */
    public double averageRunNanos() {
        return runCount == 0 ? 0 : (double) runTimeNanos / runCount;
    }
}
