package net.kmesh.perf.examples.view;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.PerfSnapshot;

/**
 * What happened between two snapshots of one monitor: the statistics of the records read in
 * between, and the time that passed.
 *
 * @param previous the earlier snapshot
 * @param current  the later snapshot
 */
public record Interval(PerfSnapshot previous, PerfSnapshot current) {
    public Interval {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(current, "current");
    }

    /** Seconds between the two snapshots; never 0, so rates are finite. */
    public double seconds() {
        Duration d = Duration.between(previous.takenAt(), current.takenAt());
        return Math.max(1e-9, d.toNanos() / 1e9);
    }

    /** Per operation type seen so far, in type order: the interval's statistics and the totals. */
    public List<Operation> operations() {
        List<Operation> result = new ArrayList<>();
        for (OperationStats now : current.operations()) {
            Optional<OperationStats> before = previous.operation(now.type().code());
            result.add(new Operation(between(before.orElse(null), now), now));
        }
        return result;
    }

    /**
     * One operation type in the interval.
     *
     * @param interval the records read in the interval (count 0 when there were none)
     * @param total    everything since the monitor started
     */
    public record Operation(OperationStats interval, OperationStats total) {
    }

    /**
     * The statistics of the records counted in {@code now} but not in {@code before} (null: none
     * before). Counts, sums and buckets subtract exactly. The maximum is exact when it rose in the
     * interval; otherwise it is the top of the interval's highest bucket (within 12.5 %), capped at
     * the overall maximum. The minimum stays the overall one: it only bounds the quantiles.
     */
    static OperationStats between(OperationStats before, OperationStats now) {
        if (before == null) {
            return now;
        }
        long count = now.count() - before.count();
        if (count <= 0) {
            return new OperationStats(now.type(), 0, 0, 0, 0, DurationHistogram.empty());
        }
        long[] buckets = now.histogram().bucketCounts();
        long[] old = before.histogram().bucketCounts();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] -= old[i];
        }
        DurationHistogram histogram = DurationHistogram.ofCounts(buckets);
        long max = now.maxNanos() > before.maxNanos() ? now.maxNanos()
                : Math.min(now.maxNanos(), histogram.valueAtQuantile(1.0));
        return new OperationStats(now.type(), count, now.sumNanos() - before.sumNanos(), now.minNanos(), max,
                histogram);
    }
}
