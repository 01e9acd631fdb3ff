package net.kmesh.perf.bpf.ops;

import net.kmesh.perf.DurationHistogram;

/**
 * The running statistics of one operation type, written by one thread with plain stores.
 * Readers copy it under the {@link OperationAggregator}'s sequence lock.
 */
final class LiveHistogram {
    final long code;
    final long[] buckets = new long[DurationHistogram.BUCKET_COUNT];
    long count;
    long sum;
    long min = Long.MAX_VALUE;
    long max;

    LiveHistogram(long code) {
        this.code = code;
    }

    void record(long nanos) {
        count++;
        sum += nanos;
        if (nanos < min) {
            min = nanos;
        }
        if (nanos > max) {
            max = nanos;
        }
        buckets[DurationHistogram.bucketIndex(nanos)]++;
    }

    /** Adds bucket counts read elsewhere (an in-kernel histogram); sum, min and max come with them. */
    void add(long[] counts, long addedSum, long addedMin, long addedMax) {
        long added = 0;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += counts[i];
            added += counts[i];
        }
        if (added > 0) {
            count += added;
            sum += addedSum;
            min = Math.min(min, addedMin);
            max = Math.max(max, addedMax);
        }
    }
}
