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
        assertTrue(DurationHistogram.bucketLowerBound(i) <= nanos, "lower bound");
        assertTrue(nanos < DurationHistogram.bucketUpperBound(i) || i == DurationHistogram.BUCKET_COUNT - 1,
                "upper bound");
    }

    @Property
    void bucketsAreContiguousAndAtMostAnEighthWide(@ForAll @IntRange(min = 0, max = 334) int i) {
        long lower = DurationHistogram.bucketLowerBound(i);
        long upper = DurationHistogram.bucketUpperBound(i);
        assertEquals(upper, DurationHistogram.bucketLowerBound(i + 1));
        assertTrue(upper > lower);
        assertTrue(upper - lower <= Math.max(1, lower / DurationHistogram.SUB_BUCKETS), "width of bucket " + i);
        assertEquals(i, DurationHistogram.bucketIndex(lower));
        assertEquals(i, DurationHistogram.bucketIndex(upper - 1));
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
        assertEquals(7, DurationHistogram.bucketIndex(7));
        assertEquals(8, DurationHistogram.bucketIndex(8));
        assertEquals(16, DurationHistogram.bucketIndex(16));
        assertEquals(16, DurationHistogram.bucketIndex(17));
        assertEquals(335, DurationHistogram.bucketIndex(1L << 44));
        assertEquals(Long.MAX_VALUE, DurationHistogram.bucketUpperBound(335));
        assertThrows(IndexOutOfBoundsException.class, () -> DurationHistogram.bucketLowerBound(336));
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
        long boundary = DurationHistogram.bucketUpperBound(bucket) - 1;
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
