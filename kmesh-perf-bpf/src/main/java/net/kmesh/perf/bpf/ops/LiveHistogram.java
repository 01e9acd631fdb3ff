package net.kmesh.perf.bpf.ops;

import net.kmesh.perf.DurationHistogram;

/**
 * The running statistics of one operation type, written with plain stores under the
 * {@link OperationAggregator}'s lock, which readers take to copy it. The count is the sum of the
 * buckets: one increment less per record.
 */
final class LiveHistogram {
    final long code;
    final long[] buckets = new long[DurationHistogram.BUCKET_COUNT];
    long sum;
    long min = Long.MAX_VALUE;
    long max;

    LiveHistogram(long code) {
        this.code = code;
    }

    void record(long nanos) {
        sum += nanos;
        if (nanos < min) {
            min = nanos;
        }
        if (nanos > max) {
            max = nanos;
        }
        buckets[DurationHistogram.bucketIndex(nanos)]++;
    }

    /** Adds a non-empty set of bucket counts read elsewhere (an in-kernel histogram), with their sum, min and max. */
    void add(long[] counts, long addedSum, long addedMin, long addedMax) {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += counts[i];
        }
        sum += addedSum;
        min = Math.min(min, addedMin);
        max = Math.max(max, addedMax);
    }
}
