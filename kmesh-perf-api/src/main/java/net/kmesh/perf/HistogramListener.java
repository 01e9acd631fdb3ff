package net.kmesh.perf;

/**
 * Receives the durations that operation types in histogram mode added in the kernel since the
 * last merge. Merges happen when a snapshot is taken, on the thread taking it.
 */
@FunctionalInterface
public interface HistogramListener {
    /**
     * @param operationType the operation type code
     * @param added         the durations added since the last merge
     * @param addedSumNanos their sum
     * @param maxNanos      the largest duration the kernel has seen for the type
     */
    void onHistogram(long operationType, DurationHistogram added, long addedSumNanos, long maxNanos);
}
