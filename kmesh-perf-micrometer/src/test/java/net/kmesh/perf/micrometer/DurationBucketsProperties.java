package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.kmesh.perf.DurationHistogram;

class DurationBucketsProperties {

    /** Durations of every magnitude, with many right at, just below and just above a published bound. */
    @Provide
    Arbitrary<Long> durations() {
        Arbitrary<Long> nearBound = Arbitraries.integers().between(DurationBuckets.FIRST_EXPONENT - 1,
                        DurationBuckets.LAST_EXPONENT + 1)
                .flatMap(e -> Arbitraries.longs().between(-2, 2).map(d -> Math.max(0, (1L << e) + d)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, nearBound),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 1L << 34)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE)));
    }

    @Property(tries = 2000)
    void eachPublishedBucketHoldsExactlyTheDurationsAtOrBelowItsBoundAndAboveThePrevious(
            @ForAll @Size(max = 300) List<@From("durations") Long> nanos) {
        long[] counts = new long[DurationHistogram.BUCKET_COUNT];
        for (long n : nanos) {
            counts[DurationHistogram.bucketIndex(n)]++;
        }
        DurationHistogram h = DurationHistogram.ofCounts(counts);
        long[] published = DurationBuckets.collapse(h);
        long[] bounds = DurationBuckets.BOUNDS_NANOS;
        assertEquals(bounds.length + 1, published.length);
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += published[i];
            long bound = bounds[i];
            long atOrBelow = nanos.stream().filter(n -> n <= bound).count();
            assertEquals(atOrBelow, cumulative, "le=" + bound + " ns");
            assertEquals(h.countAtOrBelow(bound), cumulative, "the monitor's own count at " + bound + " ns");
        }
        assertEquals(nanos.size(), cumulative + published[bounds.length], "+Inf holds every duration");
    }

    @Example
    void theBoundsArePowersOfTwoFrom128NanosecondsToAboutOneSecondAndEachIsABoundOfTheMonitorsLayout() {
        long[] bounds = DurationBuckets.BOUNDS_NANOS;
        assertEquals(128, bounds[0]);
        assertEquals(1L << 30, bounds[bounds.length - 1]);
        for (int i = 0; i < bounds.length; i++) {
            assertEquals(1L << (7 + i), bounds[i]);
            assertTrue(DurationHistogram.isBucketBound(bounds[i]), bounds[i] + " ns");
            assertEquals(Duration.ofNanos(bounds[i]), KmeshPerfMetrics.DURATION_BUCKETS.get(i));
        }
        assertEquals(bounds.length, KmeshPerfMetrics.DURATION_BUCKETS.size());
    }
}
