package net.kmesh.perf;

import java.util.Arrays;

/**
 * An immutable histogram of durations in nanoseconds over a fixed log-linear bucket layout.
 *
 * <p>Every bucket holds the values in {@code (lower, upper]}: it includes its upper bound, as a
 * Prometheus bucket's {@code le} does, so that any bucket bound can be exported as an {@code le}
 * exactly. Up to 8 ns a bucket holds one value (bucket 0 holds 0 and 1); above, every power of
 * two is split into {@value #SUB_BUCKETS} equal sub-buckets, so no bucket is wider than 12.5% of
 * its lower bound: the upper bounds are {@code m * 2^k} for {@code m} in 8..15, 128 ns, 256 ns,
 * 1024 ns and every power of two among them. Values above 15 &times; 2<sup>40</sup> ns (about 4.6
 * hours) share the last bucket. The layout never changes, so histograms from any source (the ring-buffer
 * reader, an in-kernel histogram, another node) merge exactly by adding counts, and the in-kernel
 * histogram ({@code kmesh_perf_bucket()} in {@code kmesh_perf.h}) uses the same index function.
 */
public final class DurationHistogram {
    /** Sub-buckets per power of two, as a number of bits. */
    public static final int SUB_BUCKET_BITS = 3;
    /** Sub-buckets per power of two. */
    public static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Largest power of two with buckets of its own; larger values land in the last bucket. */
    public static final int MAX_EXPONENT = 43;
    /** Number of buckets of the layout. */
    public static final int BUCKET_COUNT = SUB_BUCKETS + (MAX_EXPONENT - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;
    /**
     * The longest duration a record may hold, 15 &times; 2<sup>40</sup> ns (about 4.6 hours): the
     * upper bound of the last bucket that has one. Nothing the probe times inside one program run
     * comes near it; a longer "duration" is a lost start (start 0), a clock mix-up or a hostile
     * producer, and the reader counts such a record as invalid instead of folding it into a
     * histogram. Sums of durations still add up to {@link Long#MAX_VALUE} after about 559,000
     * records this long, so they saturate there instead of wrapping.
     */
    public static final long MAX_NANOS = (long) (2 * SUB_BUCKETS - 1) << (MAX_EXPONENT - SUB_BUCKET_BITS);

    private static final DurationHistogram EMPTY = new DurationHistogram(new long[BUCKET_COUNT], 0);

    private final long[] counts;
    private final long totalCount;

    private DurationHistogram(long[] counts, long totalCount) {
        this.counts = counts;
        this.totalCount = totalCount;
    }

    /**
     * The histogram with no values.
     *
     * @return the empty histogram, shared
     */
    public static DurationHistogram empty() {
        return EMPTY;
    }

    /**
     * A histogram with the given bucket counts (copied).
     *
     * @param bucketCounts the count of each bucket, index as {@link #bucketIndex(long)}
     * @return the histogram
     * @throws IllegalArgumentException if the array is not {@link #BUCKET_COUNT} long or holds a negative count
     */
    public static DurationHistogram ofCounts(long[] bucketCounts) {
        if (bucketCounts.length != BUCKET_COUNT) {
            throw new IllegalArgumentException("bucketCounts has " + bucketCounts.length
                    + " buckets, the layout has " + BUCKET_COUNT);
        }
        long total = 0;
        for (long c : bucketCounts) {
            if (c < 0) {
                throw new IllegalArgumentException("bucketCounts holds a negative count: " + c);
            }
            total += c;
        }
        return new DurationHistogram(bucketCounts.clone(), total);
    }

    /**
     * Index of the bucket that holds {@code nanos}; values below 1 count as 0.
     *
     * @param nanos a duration in nanoseconds
     * @return its bucket, 0 to {@link #BUCKET_COUNT} - 1
     */
    public static int bucketIndex(long nanos) {
        // Buckets include their upper bound: bucket(v) is the half-open layout's bucket of v - 1.
        long v = nanos <= 0 ? 0 : nanos - 1;
        // Without branches (the decoder's hot path): with e the top bit's place, at least
        // SUB_BUCKET_BITS, v >>> (e - SUB_BUCKET_BITS) is SUB_BUCKETS + the sub-bucket past the first
        // octave, and v itself below it.
        int shift = 63 - Long.numberOfLeadingZeros(v | SUB_BUCKETS) - SUB_BUCKET_BITS;
        int index = (shift << SUB_BUCKET_BITS) + (int) (v >>> shift);
        return Math.min(index, BUCKET_COUNT - 1);
    }

    /** Lower bound of bucket {@code index} in the half-open layout that bucketIndex shifts by one. */
    private static long halfOpenLower(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int exponent = (index - SUB_BUCKETS) / SUB_BUCKETS + SUB_BUCKET_BITS;
        int sub = (index - SUB_BUCKETS) % SUB_BUCKETS;
        return (long) (SUB_BUCKETS + sub) << (exponent - SUB_BUCKET_BITS);
    }

    /**
     * Smallest value that falls into bucket {@code index}.
     *
     * @param index a bucket
     * @return its smallest value, in nanoseconds
     */
    public static long bucketMin(int index) {
        checkIndex(index);
        return index == 0 ? 0 : halfOpenLower(index) + 1;
    }

    /**
     * Largest value that falls into bucket {@code index}, its inclusive upper bound;
     * {@link Long#MAX_VALUE} for the last, open-ended bucket.
     *
     * @param index a bucket
     * @return its largest value, in nanoseconds
     */
    public static long bucketMax(int index) {
        checkIndex(index);
        return index == BUCKET_COUNT - 1 ? Long.MAX_VALUE : halfOpenLower(index + 1);
    }

    /**
     * True when {@code nanos} is the inclusive upper bound of a bucket, so that
     * {@link #countAtOrBelow(long)} is exact there.
     *
     * @param nanos a duration in nanoseconds
     * @return whether a bucket ends exactly at it
     */
    public static boolean isBucketBound(long nanos) {
        return nanos >= 1 && bucketMax(bucketIndex(nanos)) == nanos;
    }

    private static void checkIndex(int index) {
        if (index < 0 || index >= BUCKET_COUNT) {
            throw new IndexOutOfBoundsException("bucket " + index + " outside [0, " + BUCKET_COUNT + ")");
        }
    }

    /**
     * Number of values recorded.
     *
     * @return the sum of all bucket counts
     */
    public long count() {
        return totalCount;
    }

    /**
     * Count of one bucket.
     *
     * @param index a bucket, 0 to {@link #BUCKET_COUNT} - 1
     * @return the number of values in it
     * @throws IndexOutOfBoundsException when there is no such bucket
     */
    public long bucketCount(int index) {
        checkIndex(index);
        return counts[index];
    }

    /**
     * All bucket counts.
     *
     * @return a copy, {@link #BUCKET_COUNT} long, that the caller may change
     */
    public long[] bucketCounts() {
        return counts.clone();
    }

    /**
     * Number of values in the buckets that lie entirely at or below {@code nanos}: exactly the
     * values at or below it when it is a bucket bound ({@link #isBucketBound(long)}).
     *
     * @param nanos a duration in nanoseconds
     * @return the cumulative count
     */
    public long countAtOrBelow(long nanos) {
        long n = 0;
        for (int i = 0; i < BUCKET_COUNT && bucketMax(i) <= nanos; i++) {
            n += counts[i];
        }
        return n;
    }

    /**
     * Estimated value at a quantile: the bucket holding that rank, interpolated linearly inside the
     * bucket, so the error is at most the bucket's width (12.5% of the value above 8 ns).
     *
     * @param q the quantile, 0 to 1 (0.99 for the 99th percentile)
     * @return the estimated duration in nanoseconds; 0 for an empty histogram
     * @throws IllegalArgumentException when {@code q} is outside [0, 1] or NaN
     */
    public long valueAtQuantile(double q) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new IllegalArgumentException("quantile " + q + " outside [0, 1]");
        }
        if (totalCount == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * totalCount));
        long seen = 0;
        for (int i = 0; i < BUCKET_COUNT; i++) {
            long c = counts[i];
            if (c == 0) {
                continue;
            }
            if (seen + c >= rank) {
                long lower = bucketMin(i);
                long upper = i == BUCKET_COUNT - 1 ? lower : bucketMax(i);
                return lower + (long) ((double) (upper - lower) * (rank - seen) / c);
            }
            seen += c;
        }
        throw new IllegalStateException("unreachable: rank " + rank + " beyond count " + totalCount);
    }

    /**
     * The sum of this histogram and another: both have the one layout, so it is exact.
     *
     * @param other another histogram
     * @return a new histogram whose every bucket count is the sum of the two
     */
    public DurationHistogram plus(DurationHistogram other) {
        long[] sum = counts.clone();
        for (int i = 0; i < BUCKET_COUNT; i++) {
            sum[i] += other.counts[i];
        }
        return new DurationHistogram(sum, totalCount + other.totalCount);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DurationHistogram h && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "DurationHistogram[count=" + totalCount + ", p50=" + valueAtQuantile(0.5)
                + "ns, p99=" + valueAtQuantile(0.99) + "ns]";
    }
}
