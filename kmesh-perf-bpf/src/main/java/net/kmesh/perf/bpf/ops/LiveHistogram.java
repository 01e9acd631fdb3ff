package net.kmesh.perf.bpf.ops;

import net.kmesh.perf.DurationHistogram;

/**
 * The running statistics of one operation type, written with plain stores under the
 * {@link OperationAggregator}'s lock, which readers take to copy it. The count is the sum of the
 * buckets: one increment less per record. The sum saturates at {@link Long#MAX_VALUE} rather than
 * wrap: a published {@code _sum} never goes negative or backwards.
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

    /** One duration, 0 to {@link DurationHistogram#MAX_NANOS}, as the decoder has checked. */
    void record(long nanos) {
        long s = sum + nanos;
        // Both are non-negative, so a wrap shows as a negative result; a conditional move, no branch.
        sum = s < 0 ? Long.MAX_VALUE : s;
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
        // A negative addition is a kernel sum that passed 2^63 since the last merge: saturate.
        long s = sum + addedSum;
        sum = s < 0 || addedSum < 0 ? Long.MAX_VALUE : s;
        min = Math.min(min, addedMin);
        max = Math.max(max, addedMax);
    }
}
