package net.kmesh.perf.micrometer;

import net.kmesh.perf.DurationHistogram;

/**
 * The duration buckets published: every power of two from 2<sup>7</sup> ns (128 ns) to
 * 2<sup>30</sup> ns (about 1.07 s), then {@code +Inf}. Each is a bucket bound of
 * {@link DurationHistogram}, so the count published at each {@code le} is the monitor's exact
 * count at or below it, never an interpolation.
 */
final class DurationBuckets {
    static final int FIRST_EXPONENT = 7;
    static final int LAST_EXPONENT = 30;
    /** The finite upper bounds, in nanoseconds, ascending. */
    static final long[] BOUNDS_NANOS = bounds();
    /** For each bucket of {@link DurationHistogram}, the published bucket holding it ({@code BOUNDS_NANOS.length}: +Inf). */
    private static final int[] SLOT = slots();

    private DurationBuckets() {
    }

    private static long[] bounds() {
        long[] b = new long[LAST_EXPONENT - FIRST_EXPONENT + 1];
        for (int i = 0; i < b.length; i++) {
            b[i] = 1L << (FIRST_EXPONENT + i);
            if (!DurationHistogram.isBucketBound(b[i])) {
                throw new AssertionError(b[i] + " ns is not a bound of DurationHistogram's layout");
            }
        }
        return b;
    }

    private static int[] slots() {
        int[] slot = new int[DurationHistogram.BUCKET_COUNT];
        int s = 0;
        for (int i = 0; i < slot.length; i++) {
            long max = DurationHistogram.bucketMax(i);
            while (s < BOUNDS_NANOS.length && BOUNDS_NANOS[s] < max) {
                s++;
            }
            slot[i] = s;
        }
        return slot;
    }

    /**
     * The histogram's counts in the published buckets: {@code BOUNDS_NANOS.length + 1} counts, not
     * cumulative, the last one above the largest bound. Costs one pass over the layout's buckets,
     * whatever the number of values.
     */
    static long[] collapse(DurationHistogram histogram) {
        long[] counts = histogram.bucketCounts();
        long[] out = new long[BOUNDS_NANOS.length + 1];
        for (int i = 0; i < counts.length; i++) {
            out[SLOT[i]] += counts[i];
        }
        return out;
    }
}
