package net.kmesh.perf;

import java.util.Objects;

/**
 * Durations of one operation type since the monitor started.
 *
 * @param type      the operation type
 * @param count     number of operations
 * @param sumNanos  sum of their durations
 * @param minNanos  shortest duration (0 when count is 0)
 * @param maxNanos  longest duration (0 when count is 0)
 * @param histogram their distribution; {@code histogram.count() == count}
 */
public record OperationStats(OperationType type, long count, long sumNanos, long minNanos, long maxNanos,
                             DurationHistogram histogram) {
    public OperationStats {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(histogram, "histogram");
        if (histogram.count() != count) {
            throw new IllegalArgumentException("count " + count + " differs from the histogram's " + histogram.count());
        }
    }

    /** Mean duration in nanoseconds, 0 when there is none. */
    public double meanNanos() {
        return count == 0 ? 0 : (double) sumNanos / count;
    }

    /** Estimated duration at quantile {@code q} (0..1), within the observed minimum and maximum. */
    public long quantileNanos(double q) {
        if (count == 0) {
            return 0;
        }
        return Math.min(maxNanos, Math.max(minNanos, histogram.valueAtQuantile(q)));
    }
}
