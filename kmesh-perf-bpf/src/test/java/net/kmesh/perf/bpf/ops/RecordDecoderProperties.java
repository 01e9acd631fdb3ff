package net.kmesh.perf.bpf.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.Tuple;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.bpf.ringbuf.RawMemory;

class RecordDecoderProperties {

    /** A record as a producer might write it: layout size, fields. */
    record Rec(int size, long start, long duration, long pidTgid, long type) {
        boolean valid() {
            return (size == 24 || size == 32) && start > 0 && duration >= 0 && duration <= DurationHistogram.MAX_NANOS;
        }
    }

    @Provide
    Arbitrary<Rec> records() {
        return Combinators.combine(
                Arbitraries.of(24, 32, 32, 24, 0, 8, 16, 40, 64),
                Arbitraries.frequencyOf(
                        Tuple.of(20, Arbitraries.longs().between(1, Long.MAX_VALUE / 2)),
                        Tuple.of(1, Arbitraries.just(0L))),
                Arbitraries.frequencyOf(
                        Tuple.of(20, Arbitraries.longs().between(-1000, 10_000_000_000L)),
                        Tuple.of(2, Arbitraries.longs().between(DurationHistogram.MAX_NANOS - 2, DurationHistogram.MAX_NANOS + 2)),
                        Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE / 2))),
                Arbitraries.longs(),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL)).as(Rec::new);
    }

    @Property(tries = 3000)
    void validRecordsAreAggregatedPerTypeAndTheRestCountedInvalid(@ForAll @Size(max = 200) List<@From("records") Rec> recs,
                                                                 @ForAll @IntRange(min = 0, max = 1 << 20) int offset,
                                                                 @ForAll boolean byAddress) {
        // Place every record at an 8-aligned position in a 64 KiB ring, wrapping at its end.
        int size = 1 << 16;
        int mask = size - 1;
        ByteBuffer data = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        OperationAggregator aggregator = new OperationAggregator(1024);
        RecordDecoder decoder = new RecordDecoder(aggregator);
        List<long[]> heard = new ArrayList<>();
        decoder.addListener((type, start, end, pid) -> heard.add(new long[] {type, start, end, pid}));
        long position = offset & ~7L;
        Map<Long, List<Long>> expected = new HashMap<>();
        long invalid = 0;
        aggregator.beginBatch();
        for (Rec r : recs) {
            writeRecord(data, mask, position, r);
            if (byAddress && RawMemory.available()) {
                // As a reader that reads its ring by address hands it over.
                decoder.onRecordAt(RawMemory.address(data), data, position, r.size(), mask);
            } else {
                decoder.onRecord(data, position, r.size(), mask);
            }
            position += (r.size() + 7) & ~7;
            if (r.valid()) {
                expected.computeIfAbsent(r.type(), t -> new ArrayList<>()).add(r.duration());
            } else {
                invalid++;
            }
        }
        aggregator.endBatch();
        OperationAggregator.Snapshot s = aggregator.snapshot(OperationType::unnamed);
        assertEquals(recs.size(), s.consumed());
        assertEquals(invalid, s.invalid());
        assertEquals(expected.size(), s.operations().size());
        for (OperationStats op : s.operations()) {
            List<Long> durations = expected.get(op.type().code());
            assertEquals(durations.size(), op.count());
            assertEquals(durations.stream().mapToLong(Long::longValue).sum(), op.sumNanos());
            assertEquals(durations.stream().mapToLong(Long::longValue).max().orElseThrow(), op.maxNanos());
            assertEquals(durations.stream().mapToLong(Long::longValue).min().orElseThrow(), op.minNanos());
        }
        assertEquals(recs.stream().filter(Rec::valid).count(), heard.size());
        int i = 0;
        for (Rec r : recs) {
            if (r.valid()) {
                long[] h = heard.get(i++);
                assertEquals(r.type(), h[0]);
                assertEquals(r.start(), h[1]);
                assertEquals(r.start() + r.duration(), h[2]);
                assertEquals(r.size() == 32 ? r.pidTgid() : 0, h[3]);
            }
        }
    }

    private static void writeRecord(ByteBuffer data, int mask, long pos, Rec r) {
        long end = r.start() + r.duration();
        long[] words = r.size() == 24
                ? new long[] {r.start(), end, r.type()}
                : new long[] {r.start(), end, r.pidTgid(), r.type()};
        for (int w = 0; w < words.length && 8 * (w + 1) <= r.size(); w++) {
            data.putLong((int) ((pos + 8L * w) & mask), words[w]);
        }
    }

    @Property(tries = 100)
    void typesBeyondTheLimitAreCountedAsOverflowNotUnbounded(@ForAll @IntRange(min = 1, max = 50) int limit,
                                                  @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 1000) Integer> types) {
        OperationAggregator aggregator = new OperationAggregator(limit);
        aggregator.beginBatch();
        List<Integer> tracked = new ArrayList<>();
        long invalid = 0;
        for (int t : types) {
            if (!tracked.contains(t) && tracked.size() < limit) {
                tracked.add(t);
            }
            if (!tracked.contains(t)) {
                invalid++;
            }
            aggregator.recordValid(t, 100);
        }
        aggregator.endBatch();
        OperationAggregator.Snapshot s = aggregator.snapshot(OperationType::unnamed);
        assertEquals(tracked.size(), s.operations().size());
        assertEquals(invalid, s.typeOverflow());
        assertEquals(0, s.invalid(), "a record of a type past the cap is counted once, as overflow");
        assertEquals(types.size() - invalid, s.operations().stream().mapToLong(o -> o.count()).sum());
    }

    @Example
    void aThrowingListenerIsCountedAndTheOthersStillHear() {
        OperationAggregator aggregator = new OperationAggregator(16);
        RecordDecoder decoder = new RecordDecoder(aggregator);
        int[] heard = {0};
        decoder.addListener((type, start, end, pid) -> {
            throw new IllegalStateException("listener bug");
        });
        decoder.addListener((type, start, end, pid) -> heard[0]++);
        ByteBuffer data = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        writeRecord(data, 63, 0, new Rec(32, 10, 5, 7, 1));
        aggregator.beginBatch();
        decoder.onRecord(data, 0, 32, 63);
        decoder.onRecord(data, 0, 32, 63);
        aggregator.endBatch();
        assertEquals(2, heard[0]);
        OperationAggregator.Snapshot s = aggregator.snapshot(OperationType::unnamed);
        assertEquals(2, s.listenerErrors());
        assertEquals(2, s.operations().get(0).count());
    }

    /** Any start and end a producer may write, in either layout. */
    @Provide
    Arbitrary<long[]> anyStartAndEnd() {
        Arbitrary<Long> edge = Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 86_400_000_000_000L,
                DurationHistogram.MAX_NANOS, DurationHistogram.MAX_NANOS + 1);
        Arbitrary<Long> any = Arbitraries.oneOf(edge, Arbitraries.longs());
        return Combinators.combine(any, any).as((a, b) -> new long[] {a, b});
    }

    @Property(tries = 200)
    void noSequenceOfRecordsMakesASumNegativeOrGoBack(@ForAll @Size(max = 30) List<@From("anyStartAndEnd") long[]> recs,
                                                      @ForAll @IntRange(min = 1, max = 20_000) int repeats) {
        ByteBuffer data = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        OperationAggregator aggregator = new OperationAggregator(4);
        RecordDecoder decoder = new RecordDecoder(aggregator);
        long lastSum = 0;
        for (long[] r : recs) {
            writeRecord(data, 63, 0, new Rec(32, r[0], r[1] - r[0], 0, 1));
            aggregator.beginBatch();
            // The same record many times over: what a hostile or broken producer keeps writing.
            for (int i = 0; i < repeats; i++) {
                decoder.onRecord(data, 0, 32, 63);
            }
            aggregator.endBatch();
            long sum = aggregator.snapshot(OperationType::unnamed).operations().stream()
                    .mapToLong(OperationStats::sumNanos).sum();
            assertTrue(sum >= lastSum, "the sum went from " + lastSum + " to " + sum);
            lastSum = sum;
        }
    }

    @Example
    void twoRecordsOfTheLongestNanosecondCountAreInvalidNotANegativeSum() {
        OperationAggregator aggregator = new OperationAggregator(4);
        RecordDecoder decoder = new RecordDecoder(aggregator);
        ByteBuffer data = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        writeRecord(data, 63, 0, new Rec(32, 1, Long.MAX_VALUE - 1, 0, 1));
        aggregator.beginBatch();
        decoder.onRecord(data, 0, 32, 63);
        decoder.onRecord(data, 0, 32, 63);
        aggregator.endBatch();
        OperationAggregator.Snapshot s = aggregator.snapshot(OperationType::unnamed);
        assertEquals(2, s.invalid());
        assertEquals(List.of(), s.operations());
    }

    @Example
    void aLostStartIsInvalid() {
        OperationAggregator aggregator = new OperationAggregator(4);
        RecordDecoder decoder = new RecordDecoder(aggregator);
        ByteBuffer data = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        writeRecord(data, 63, 0, new Rec(24, 0, 86_400_000_000_000L, 0, 1));
        aggregator.beginBatch();
        decoder.onRecord(data, 0, 24, 63);
        aggregator.endBatch();
        assertEquals(1, aggregator.snapshot(OperationType::unnamed).invalid());
    }

    @Example
    void theLongestValidDurationsSaturateTheSumInsteadOfWrappingIt() {
        OperationAggregator aggregator = new OperationAggregator(4);
        RecordDecoder decoder = new RecordDecoder(aggregator);
        ByteBuffer data = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
        writeRecord(data, 63, 0, new Rec(32, 1, DurationHistogram.MAX_NANOS, 0, 1));
        long enough = Long.MAX_VALUE / DurationHistogram.MAX_NANOS + 2;
        aggregator.beginBatch();
        for (long i = 0; i < enough; i++) {
            decoder.onRecord(data, 0, 32, 63);
        }
        aggregator.endBatch();
        OperationStats op = aggregator.snapshot(OperationType::unnamed).operations().get(0);
        assertEquals(enough, op.count());
        assertEquals(Long.MAX_VALUE, op.sumNanos());
        assertEquals(DurationHistogram.MAX_NANOS, op.maxNanos());
    }

    @Example
    void kernelHistogramSumsSaturateToo() {
        OperationAggregator aggregator = new OperationAggregator(4);
        long[] counts = new long[DurationHistogram.BUCKET_COUNT];
        counts[5] = 1;
        aggregator.beginBatch();
        aggregator.addCounts(1, counts, Long.MAX_VALUE - 10, 5, 5);
        aggregator.addCounts(1, counts, 100, 5, 5);
        aggregator.addCounts(1, counts, Long.MIN_VALUE + 3, 5, 5);
        aggregator.endBatch();
        assertEquals(Long.MAX_VALUE, aggregator.snapshot(OperationType::unnamed).operations().get(0).sumNanos());
    }
}
