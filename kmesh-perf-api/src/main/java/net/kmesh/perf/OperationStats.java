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
    /**
     * Validates the statistics.
     *
     * @param type      the operation type
     * @param count     number of operations
     * @param sumNanos  sum of their durations, in nanoseconds
     * @param minNanos  shortest duration, in nanoseconds
     * @param maxNanos  longest duration, in nanoseconds
     * @param histogram their distribution
     * @throws IllegalArgumentException when the histogram does not hold {@code count} values
     */
    public OperationStats {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(histogram, "histogram");
        if (histogram.count() != count) {
            throw new IllegalArgumentException("count " + count + " differs from the histogram's " + histogram.count());
        }
    }

    /**
     * Mean duration.
     *
     * @return {@code sumNanos / count} in nanoseconds; 0 when there is no operation
     */
    public double meanNanos() {
        return count == 0 ? 0 : (double) sumNanos / count;
    }

    /**
     * Estimated duration at a quantile, from the histogram and clamped to the observed minimum and
     * maximum (see {@link DurationHistogram#valueAtQuantile(double)}).
     *
     * @param q the quantile, 0 to 1
     * @return the duration in nanoseconds; 0 when there is no operation
     * @throws IllegalArgumentException when {@code q} is outside [0, 1] and there are operations
     */
    public long quantileNanos(double q) {
        if (count == 0) {
            return 0;
        }
        return Math.min(maxNanos, Math.max(minNanos, histogram.valueAtQuantile(q)));
    }
}
