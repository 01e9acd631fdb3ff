package net.kmesh.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one eBPF program did between two snapshots of its {@link ProgramStats}: the deltas of its
 * counters over the wall time between them, and the rates bpftop shows derived from those.
 *
 * @param program         the later snapshot
 * @param runs            runs in the interval
 * @param runTimeNanos    run time in the interval, in nanoseconds
 * @param recursionMisses recursion misses in the interval
 * @param elapsed         the wall time between the snapshots, positive
 */
public record ProgramRates(ProgramStats program, long runs, long runTimeNanos, long recursionMisses,
                           Duration elapsed) {

    /**
     * Validates the deltas.
     *
     * @param program         the later snapshot
     * @param runs            runs in the interval, 0 or more
     * @param runTimeNanos    run time in the interval, 0 or more nanoseconds
     * @param recursionMisses recursion misses in the interval, 0 or more
     * @param elapsed         the wall time between the snapshots
     * @throws IllegalArgumentException when a delta is negative or {@code elapsed} is not positive
     */
    public ProgramRates {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(elapsed, "elapsed");
        if (elapsed.isNegative() || elapsed.isZero()) {
            throw new IllegalArgumentException("elapsed must be positive, got " + elapsed);
        }
        if (runs < 0 || runTimeNanos < 0 || recursionMisses < 0) {
            throw new IllegalArgumentException("deltas must not be negative: runs " + runs + ", run time "
                    + runTimeNanos + " ns, recursion misses " + recursionMisses);
        }
    }

    /**
     * The rates of one program. When {@code before} is null (the program was loaded during the
     * interval) or its counters are above those of {@code after} (not the same program), the counts
     * of {@code after} are taken as the interval's.
     *
     * @param before  the program's statistics at the start of the interval, or null
     * @param after   its statistics at the end
     * @param elapsed the wall time between the two
     * @return the rates
     * @throws IllegalArgumentException when both are given with different ids, or {@code elapsed} is not positive
     */
    public static ProgramRates between(ProgramStats before, ProgramStats after, Duration elapsed) {
        Objects.requireNonNull(after, "after");
        if (before != null && before.id() != after.id()) {
            throw new IllegalArgumentException("snapshots of different programs: ids " + before.id() + " and "
                    + after.id());
        }
        boolean continues = before != null && before.runCount() <= after.runCount()
                && before.runTimeNanos() <= after.runTimeNanos() && before.recursionMisses() <= after.recursionMisses();
        if (!continues) {
            return new ProgramRates(after, after.runCount(), after.runTimeNanos(), after.recursionMisses(), elapsed);
        }
        return new ProgramRates(after, after.runCount() - before.runCount(), after.runTimeNanos() - before.runTimeNanos(),
                after.recursionMisses() - before.recursionMisses(), elapsed);
    }

    /**
     * The rates of every program in {@code after}, matched by id with {@code before}, in the order of
     * {@code after}. Programs only in {@code before} (unloaded since) are left out.
     *
     * @param before  the statistics at the start of the interval, e.g. {@link PerfSnapshot#programs()}
     * @param after   the statistics at the end
     * @param elapsed the wall time between the two, e.g. the difference of {@link PerfSnapshot#takenAt()}
     * @return one rate per program of {@code after}, unmodifiable
     * @throws IllegalArgumentException when {@code elapsed} is not positive and {@code after} is not empty
     */
    public static List<ProgramRates> between(Collection<ProgramStats> before, Collection<ProgramStats> after,
                                             Duration elapsed) {
        Map<Integer, ProgramStats> earlier = new HashMap<>();
        for (ProgramStats p : before) {
            earlier.put(p.id(), p);
        }
        List<ProgramRates> rates = new ArrayList<>(after.size());
        for (ProgramStats p : after) {
            rates.add(between(earlier.get(p.id()), p, elapsed));
        }
        return List.copyOf(rates);
    }

    /**
     * Runs per second of wall time.
     *
     * @return {@code runs / elapsed}
     */
    public double runsPerSecond() {
        return runs / seconds();
    }

    /**
     * Mean time of one run in the interval.
     *
     * @return nanoseconds per run; 0 when it did not run
     */
    public double averageRunNanos() {
        return runs == 0 ? 0 : (double) runTimeNanos / runs;
    }

    /**
     * Run time over wall time: the share of one CPU the program used (bpftop's "CPU %" / 100); above
     * 1 when it ran on several CPUs at once.
     *
     * @return run time divided by wall time
     */
    public double cpuShare() {
        return runTimeNanos / (seconds() * 1e9);
    }

    private double seconds() {
        return elapsed.getSeconds() + elapsed.getNano() / 1e9;
    }
}
