package net.kmesh.perf.examples.view;

import static net.kmesh.perf.examples.view.Snapshots.concat;
import static net.kmesh.perf.examples.view.Snapshots.records;
import static net.kmesh.perf.examples.view.Snapshots.repeat;
import static net.kmesh.perf.examples.view.Snapshots.snapshot;
import static net.kmesh.perf.examples.view.Snapshots.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;
import org.junit.jupiter.api.Test;

class IntervalTest {
    private static final OperationType OP = OperationType.SOCK_TRAFFIC_CONTROL;

    @Test
    void theIntervalHoldsExactlyTheRecordsReadInIt() {
        long[] before = repeat(1000, 500_000); // 0.5 ms each, before the interval
        long[] during = repeat(99, 2_000, 40_000); // 99 x 2 us and one 40 us in it
        OperationStats in = Interval.between(stats(OP, before), stats(OP, concat(before, during)));
        assertEquals(100, in.count());
        assertEquals(99 * 2_000 + 40_000, in.sumNanos());
        assertEquals(stats(OP, during).histogram(), in.histogram());
        long p50 = in.quantileNanos(0.5);
        assertTrue(p50 >= 2_000 && p50 < 2_250, "p50 of the interval is 2 us, not the earlier 0.5 ms: " + p50);
    }

    @Test
    void theMaximumIsExactWhenItRoseInTheInterval() {
        OperationStats in = Interval.between(stats(OP, 1_000, 3_000), stats(OP, 1_000, 3_000, 2_000, 7_777));
        assertEquals(7_777, in.maxNanos());
    }

    @Test
    void otherwiseTheMaximumIsTheTopOfTheIntervalsHighestBucketCappedAtTheOverallOne() {
        // Overall max 1 ms from before; in the interval the largest is 10 us.
        OperationStats in = Interval.between(stats(OP, 1_000_000), stats(OP, 1_000_000, 5_000, 10_000));
        assertTrue(in.maxNanos() >= 10_000 && in.maxNanos() <= 10_000 * 1.125, "about 10 us: " + in.maxNanos());
        // When nothing else is in the interval's top bucket the overall maximum caps the estimate.
        OperationStats capped = Interval.between(stats(OP, 10_001), stats(OP, 10_001, 10_000));
        assertTrue(capped.maxNanos() <= 10_001, "never above the overall maximum: " + capped.maxNanos());
    }

    @Test
    void aTypeWithoutRecordsInTheIntervalHasACountOfZero() {
        OperationStats s = stats(OP, 1_000, 2_000);
        OperationStats in = Interval.between(s, s);
        assertEquals(0, in.count());
        assertEquals(0, in.quantileNanos(0.99));
    }

    @Test
    void aTypeFirstSeenInTheIntervalIsAllInIt() {
        var previous = snapshot(Duration.ZERO, records(0, 0, 0L), null);
        var current = snapshot(Duration.ofSeconds(2), records(3, 0, 0L), null, stats(OP, 1_000, 2_000, 3_000));
        Interval i = new Interval(previous, current);
        List<Interval.Operation> ops = i.operations();
        assertEquals(1, ops.size());
        assertEquals(3, ops.get(0).interval().count());
        assertEquals(3, ops.get(0).total().count());
        assertEquals(2.0, i.seconds(), 1e-9);
        assertEquals(1.5, ops.get(0).interval().count() / i.seconds(), 1e-9);
    }
}
