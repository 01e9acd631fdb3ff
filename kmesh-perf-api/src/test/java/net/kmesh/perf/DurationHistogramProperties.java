package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class DurationHistogramProperties {

    @Property
    void everyValueLiesInItsBucket(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long nanos) {
        int i = DurationHistogram.bucketIndex(nanos);
        assertTrue(i >= 0 && i < DurationHistogram.BUCKET_COUNT);
        assertTrue(DurationHistogram.bucketMin(i) <= nanos, "lower bound");
        assertTrue(nanos <= DurationHistogram.bucketMax(i), "upper bound, inclusive");
    }

    @Property
    void bucketsAreContiguousAndAtMostAnEighthWide(@ForAll @IntRange(min = 0, max = 334) int i) {
        long min = DurationHistogram.bucketMin(i);
        long max = DurationHistogram.bucketMax(i);
        assertEquals(max + 1, DurationHistogram.bucketMin(i + 1));
        assertTrue(max >= min);
        assertTrue(max - min < Math.max(2, min / DurationHistogram.SUB_BUCKETS + 1), "width of bucket " + i);
        assertEquals(i, DurationHistogram.bucketIndex(min));
        assertEquals(i, DurationHistogram.bucketIndex(max));
        assertTrue(DurationHistogram.isBucketBound(max));
    }

    @Property
    void indexIsMonotonic(@ForAll @LongRange(min = 0) long a, @ForAll @LongRange(min = 0) long b) {
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        assertTrue(DurationHistogram.bucketIndex(lo) <= DurationHistogram.bucketIndex(hi));
    }

    @Example
    void layoutEdges() {
        assertEquals(336, DurationHistogram.BUCKET_COUNT);
        assertEquals(0, DurationHistogram.bucketIndex(-5));
        assertEquals(0, DurationHistogram.bucketIndex(1));
        assertEquals(7, DurationHistogram.bucketIndex(8));
        assertEquals(8, DurationHistogram.bucketIndex(9));
        assertEquals(15, DurationHistogram.bucketIndex(16));
        assertEquals(16, DurationHistogram.bucketIndex(17));
        assertEquals(16, DurationHistogram.bucketIndex(18));
        // Powers of two end buckets, as a Prometheus le would: 128 is in the bucket (120, 128].
        assertEquals(128, DurationHistogram.bucketMax(DurationHistogram.bucketIndex(128)));
        assertEquals(129, DurationHistogram.bucketMin(DurationHistogram.bucketIndex(129)));
        assertTrue(DurationHistogram.isBucketBound(1024));
        assertTrue(!DurationHistogram.isBucketBound(1000));
        assertEquals(334, DurationHistogram.bucketIndex(15L << 40));
        assertEquals(335, DurationHistogram.bucketIndex((15L << 40) + 1));
        assertEquals(335, DurationHistogram.bucketIndex(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, DurationHistogram.bucketMax(335));
        assertEquals(DurationHistogram.MAX_NANOS, DurationHistogram.bucketMax(334), "the longest valid duration");
        assertThrows(IndexOutOfBoundsException.class, () -> DurationHistogram.bucketMin(336));
    }

    @Property
    void quantilesFallInTheBucketOfTheExactRank(@ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 10_000_000_000L) Long> values,
                                                @ForAll @DoubleRange(min = 0, max = 1) double q) {
        long[] counts = new long[DurationHistogram.BUCKET_COUNT];
        values.forEach(v -> counts[DurationHistogram.bucketIndex(v)]++);
        DurationHistogram h = DurationHistogram.ofCounts(counts);
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        long exact = sorted[(int) Math.max(0, Math.ceil(q * sorted.length) - 1)];
        long estimate = h.valueAtQuantile(q);
        assertEquals(DurationHistogram.bucketIndex(exact), DurationHistogram.bucketIndex(estimate),
                "q=" + q + " exact=" + exact + " estimate=" + estimate);
        assertEquals(values.size(), h.count());
    }

    @Property
    void mergingAddsCounts(@ForAll @Size(max = 50) List<@LongRange(min = 0) Long> a,
                           @ForAll @Size(max = 50) List<@LongRange(min = 0) Long> b) {
        DurationHistogram ha = of(a);
        DurationHistogram hb = of(b);
        DurationHistogram both = of(concat(a, b));
        assertEquals(both, ha.plus(hb));
        assertEquals(a.size() + b.size(), ha.plus(hb).count());
    }

    @Example
    void rejectsWrongShapes() {
        assertThrows(IllegalArgumentException.class, () -> DurationHistogram.ofCounts(new long[3]));
        long[] negative = new long[DurationHistogram.BUCKET_COUNT];
        negative[4] = -1;
        assertThrows(IllegalArgumentException.class, () -> DurationHistogram.ofCounts(negative));
        assertThrows(IllegalArgumentException.class, () -> DurationHistogram.empty().valueAtQuantile(1.5));
        assertEquals(0, DurationHistogram.empty().valueAtQuantile(0.99));
    }

    @Property
    void countAtOrBelowCountsWholeBuckets(@ForAll @Size(max = 100) List<@LongRange(min = 0, max = 1_000_000) Long> values,
                                         @ForAll @IntRange(min = 0, max = 200) int bucket) {
        DurationHistogram h = of(values);
        long boundary = DurationHistogram.bucketMax(bucket);
        long expected = values.stream().filter(v -> v <= boundary).count();
        assertEquals(expected, h.countAtOrBelow(boundary));
    }

    private static DurationHistogram of(List<Long> values) {
        long[] counts = new long[DurationHistogram.BUCKET_COUNT];
        values.forEach(v -> counts[DurationHistogram.bucketIndex(v)]++);
        return DurationHistogram.ofCounts(counts);
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        Long[] all = Arrays.copyOf(a.toArray(new Long[0]), a.size() + b.size());
        System.arraycopy(b.toArray(new Long[0]), 0, all, a.size(), b.size());
        return List.of(all);
    }
}
