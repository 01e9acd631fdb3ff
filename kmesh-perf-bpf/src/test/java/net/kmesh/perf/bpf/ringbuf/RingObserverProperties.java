package net.kmesh.perf.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The observer's position arithmetic against {@link SyntheticRing}'s kernel-faithful producer and
 * a libbpf-like real consumer: exact while it keeps up, never a torn or overwritten record handed
 * over when it falls behind or the producer races its read, and the consumer page never written.
 */
class RingObserverProperties {

    /** What the producer committed and what the observer handed over, by sequence number. */
    static final class Watch {
        final SyntheticRing ring;
        final List<Long> committed = new ArrayList<>();
        final Map<Long, Integer> lengths = new HashMap<>();
        final Map<Long, Long> positions = new HashMap<>();
        final List<Long> observed = new ArrayList<>();
        final List<String> bad = new ArrayList<>();
        final Deque<long[]> busy = new ArrayDeque<>();
        long seq;

        Watch(SyntheticRing ring) {
            this.ring = ring;
        }

        RecordHandler handler() {
            return (data, position, length, mask) -> {
                long s = SyntheticRing.seqOf(SyntheticRing.copy(data, position, length, mask));
                if (s < 0 || lengths.get(s) == null || lengths.get(s) != length) {
                    bad.add("torn or unknown record of " + length + " bytes, seq " + s);
                } else if (!observed.isEmpty() && s <= observed.get(observed.size() - 1)) {
                    bad.add("seq " + s + " after " + observed.get(observed.size() - 1));
                }
                observed.add(s);
            };
        }

        /** Produces one record: reserve, fill, commit (unless {@code leaveBusy}); false when the ring is full. */
        boolean produce(int length, boolean discard, boolean leaveBusy) {
            long s = seq;
            long pos = ring.reserve(length);
            if (pos < 0) {
                return false;
            }
            seq++;
            ring.fill(pos, SyntheticRing.patterned(s, length));
            lengths.put(s, length);
            positions.put(s, pos);
            if (leaveBusy) {
                busy.add(new long[] {pos, s, discard ? 1 : 0});
            } else {
                commit(pos, s, discard);
            }
            return true;
        }

        /** Produces a committed record, first letting the real consumer read everything when the ring is full. */
        void produceFreeingRoom(int length) {
            if (!produce(length, false, false)) {
                ring.consumeAsOtherReader(Integer.MAX_VALUE);
                assertTrue(produce(length, false, false));
            }
        }

        void commitOldestBusy() {
            long[] b = busy.poll();
            if (b != null) {
                commit(b[0], b[1], b[2] == 1);
            }
        }

        private void commit(long pos, long s, boolean discard) {
            ring.commit(pos, discard);
            if (!discard) {
                committed.add(s);
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> actions() {
        return Arbitraries.integers().between(0, 99).list().ofMaxSize(300);
    }

    @Provide
    Arbitrary<Integer> ringSize() {
        return Arbitraries.of(256, 512, 1024, 4096);
    }

    @Provide
    Arbitrary<Long> startPosition() {
        return Arbitraries.longs().between(0, 1L << 40).map(p -> p & ~7L);
    }

    private static byte[] page(SyntheticRing ring) {
        byte[] b = new byte[ring.consumer.capacity()];
        ring.consumer.get(0, b);
        return b;
    }

    /**
     * A real consumer that never passes the observer: nothing unobserved is ever freed, so nothing
     * is overwritten before the observer reads it, and it hands over exactly the committed
     * records, in order, through wrap-around, busy and discarded records, without writing the
     * consumer page.
     */
    @Property(tries = 1000)
    void keepingUpObservesExactlyTheCommittedRecordsAndNeverWritesTheConsumerPage(
            @ForAll("actions") List<Integer> actions, @ForAll("ringSize") int size,
            @ForAll("startPosition") long start) {
        SyntheticRing ring = new SyntheticRing(size, start);
        RingObserver observer = ring.observer();
        Watch w = new Watch(ring);
        for (int a : actions) {
            if (a < 45) {
                w.produce(8 + a * 3 % 100, a % 9 == 0, a % 11 == 0);
            } else if (a < 55) {
                w.commitOldestBusy();
            } else if (a < 75) {
                ring.consumeAsOtherReader(a - 54, observer.consumerPosition());
            } else {
                byte[] before = page(ring);
                observer.drain(w.handler());
                assertArrayEquals(before, page(ring), "the observer wrote the consumer page");
            }
        }
        while (!w.busy.isEmpty()) {
            w.commitOldestBusy();
        }
        byte[] before = page(ring);
        observer.drain(w.handler());
        assertArrayEquals(before, page(ring), "the observer wrote the consumer page");
        assertEquals(List.of(), w.bad);
        assertEquals(new ArrayList<>(new TreeSet<>(w.committed)), w.observed, "in ring order");
        assertEquals(0, observer.missed());
        assertEquals(0, observer.corruptions());
        assertEquals(ring.producerPos, observer.consumerPosition());
        assertEquals(0, observer.pendingBytes());
    }

    /**
     * A real consumer that reads everything at once lets the producer lap a slow observer. The
     * observer never hands over an overwritten record, and with records of one size it accounts
     * for every committed record: observed + missed = committed.
     */
    @Property(tries = 1000)
    void fallingBehindNeverDecodesGarbageAndCountsEveryRecordItMissed(
            @ForAll("actions") List<Integer> actions, @ForAll("ringSize") int size,
            @ForAll("startPosition") long start, @ForAll @IntRange(min = 8, max = 100) int length) {
        SyntheticRing ring = new SyntheticRing(size, start);
        RingObserver observer = ring.observer();
        Watch w = new Watch(ring);
        for (int a : actions) {
            if (a < 60) {
                for (int k = 0; k <= a % 10; k++) {
                    w.produceFreeingRoom(length);
                }
            } else if (a < 80) {
                ring.consumeAsOtherReader(a - 59);
            } else {
                observer.drain(w.handler());
            }
        }
        // One record read sizes any skip made before the first one.
        ring.consumeAsOtherReader(Integer.MAX_VALUE);
        w.produce(length, false, false);
        observer.drain(w.handler());
        assertEquals(List.of(), w.bad);
        assertEquals(w.committed.size(), w.observed.size() + observer.missed(),
                "observed " + w.observed.size() + " + missed " + observer.missed());
        assertTrue(w.committed.containsAll(w.observed));
        assertEquals(0, observer.corruptions());
        assertEquals(ring.producerPos, observer.consumerPosition());
    }

    /**
     * Lapped by records of one size while the real consumer keeps up, the observer reads on from the
     * first record the producer cannot have overwritten (a ring's size behind it or less), not from
     * the real consumer's position: it misses exactly the records overwritten, whatever the lap.
     */
    @Property(tries = 1000)
    void lappedByRecordsOfOneSizeMissesExactlyTheRecordsOverwritten(
            @ForAll("ringSize") int size, @ForAll("startPosition") long start,
            @ForAll @IntRange(min = 8, max = 100) int length, @ForAll @IntRange(min = 1, max = 400) int records,
            @ForAll @IntRange(min = 0, max = 3) int unconsumed) {
        SyntheticRing ring = new SyntheticRing(size, start);
        RingObserver observer = ring.observer();
        Watch w = new Watch(ring);
        // One record read sizes the records.
        assertTrue(w.produce(length, false, false));
        observer.drain(w.handler());
        for (int i = 0; i < records; i++) {
            w.produceFreeingRoom(length);
        }
        // The real consumer has read all but the last few.
        ring.consumeAsOtherReader(Integer.MAX_VALUE);
        for (int i = 0; i < unconsumed && w.produce(length, false, false); i++) {
            // pending for the real consumer
        }
        long producer = ring.producerPos;
        List<Long> intact = new ArrayList<>();
        for (long s = 1; s < w.seq; s++) {
            if (producer - w.positions.get(s) < size) {
                intact.add(s);
            }
        }
        observer.drain(w.handler());
        assertEquals(List.of(), w.bad);
        assertEquals(intact, w.observed.subList(1, w.observed.size()), "every record not overwritten");
        assertEquals(w.seq - 1 - intact.size(), observer.missed(), "exactly the records overwritten");
        assertEquals(producer, observer.consumerPosition());
    }

    /**
     * Lapped by records of one size after reading records of another, the observer cannot prove
     * where the records it did not read begin, and reads on from the real consumer's position.
     */
    @Example
    void aStrideTheHeadersContradictIsNotTrusted() {
        SyntheticRing ring = new SyntheticRing(256, 0);
        RingObserver observer = ring.observer();
        Watch w = new Watch(ring);
        assertTrue(w.produce(24, false, false));
        observer.drain(w.handler());
        for (int i = 0; i < 20; i++) {
            w.produceFreeingRoom(16);
        }
        ring.consumeAsOtherReader(Integer.MAX_VALUE);
        observer.drain(w.handler());
        assertEquals(List.of(), w.bad);
        assertEquals(List.of(0L), w.observed);
        assertEquals(ring.producerPos, observer.consumerPosition());
    }

    /**
     * As above with records of any size, some discarded: the missed count is then an estimate,
     * but it is 0 exactly when nothing was missed.
     */
    @Property(tries = 1000)
    void withMixedSizesMissedIsZeroExactlyWhenNothingWasMissed(
            @ForAll("actions") List<Integer> actions, @ForAll("ringSize") int size,
            @ForAll("startPosition") long start) {
        SyntheticRing ring = new SyntheticRing(size, start);
        RingObserver observer = ring.observer();
        Watch w = new Watch(ring);
        for (int a : actions) {
            if (a < 60) {
                if (!w.produce(8 + a * 5 % 120, a % 13 == 0, false)) {
                    ring.consumeAsOtherReader(Integer.MAX_VALUE);
                }
            } else if (a < 80) {
                ring.consumeAsOtherReader(a - 59);
            } else {
                observer.drain(w.handler());
            }
        }
        observer.drain(w.handler());
        assertEquals(List.of(), w.bad);
        boolean lostSome = !w.observed.containsAll(w.committed);
        if (lostSome && !w.observed.isEmpty()) {
            assertTrue(observer.missed() > 0, "missed nothing, yet " + w.committed + " vs " + w.observed);
        }
        if (observer.missed() == 0) {
            assertEquals(w.committed, w.observed);
        }
        assertEquals(ring.producerPos, observer.consumerPosition());
    }

    /**
     * The producer races the read (the real consumer frees everything, the producer writes new
     * records) between reading a record's header and copying it, or between the copy and its
     * validation: a torn or overwritten record is never handed over, and nothing is lost from
     * the account.
     */
    @Property(tries = 1000)
    void aProducerRacingTheReadIsCaughtByTheValidation(
            @ForAll("actions") List<Integer> actions, @ForAll("ringSize") int size,
            @ForAll("startPosition") long start, @ForAll @IntRange(min = 8, max = 100) int length,
            @ForAll @LongRange(min = 0, max = 1L << 40) long seed) {
        SyntheticRing ring = new SyntheticRing(size, start);
        Random random = new Random(seed);
        Watch w = new Watch(ring);
        // Races left in this drain: a few, so that a drain ends.
        int[] races = {0};
        RingObserver observer = ring.observer(RingObserver.MAX_SCRATCH_BYTES, point -> {
            if (races[0] > 0 && random.nextInt(4) == 0) {
                races[0]--;
                ring.consumeAsOtherReader(Integer.MAX_VALUE);
                int n = random.nextInt(2 * size / length + 1);
                for (int k = 0; k < n && w.produce(length, false, false); k++) {
                    // up to two rings' worth
                }
            }
        });
        for (int a : actions) {
            if (a < 50) {
                for (int k = 0; k <= a % 10; k++) {
                    if (!w.produce(length, false, false)) {
                        ring.consumeAsOtherReader(Integer.MAX_VALUE);
                    }
                }
            } else if (a < 70) {
                ring.consumeAsOtherReader(a - 49);
            } else {
                races[0] = 3;
                observer.drain(w.handler());
            }
        }
        races[0] = 0;
        ring.consumeAsOtherReader(Integer.MAX_VALUE);
        w.produce(length, false, false);
        observer.drain(w.handler());
        assertEquals(List.of(), w.bad);
        assertEquals(w.committed.size(), w.observed.size() + observer.missed(),
                "observed " + w.observed.size() + " + missed " + observer.missed());
        assertEquals(0, observer.corruptions());
    }

    /** Fills the ring with 32-byte records from {@code start} up to producer position {@code end}. */
    private static Watch filledTo(SyntheticRing ring, long end, long consumerAt) {
        Watch w = new Watch(ring);
        while (ring.producerPos < end) {
            if (!w.produce(24, false, false)) {
                ring.setConsumerPos(consumerAt);
            }
        }
        return w;
    }

    @Example
    void aLagOfExactlyTheRingSizeCountsAsOverwritten() {
        SyntheticRing ring = new SyntheticRing(256, 1024);
        RingObserver observer = ring.observer();
        // The real consumer has read 3 records; the producer is exactly a ring ahead of the observer:
        // the next reservation's header goes over the observer's first record.
        Watch w = filledTo(ring, 1024 + 256, 1024 + 3 * 32);
        assertEquals(1024 + 256, ring.producerPos);
        observer.drain(w.handler());
        assertEquals(List.of(), w.bad);
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L), w.observed, "from the real consumer's position on");
        assertEquals(3, observer.missed());
    }

    @Example
    void aLagJustShortOfTheRingSizeIsStillRead() {
        SyntheticRing ring = new SyntheticRing(256, 1024);
        RingObserver observer = ring.observer();
        // 31 empty records of 8 bytes: the producer is 248 bytes, 8 short of a ring, ahead.
        for (int i = 0; i < 31; i++) {
            assertTrue(ring.produce(new byte[0], false) >= 0);
        }
        assertEquals(-1, ring.produce(new byte[0], false), "the ring is full");
        List<Integer> lengths = new ArrayList<>();
        observer.drain((data, position, length, mask) -> lengths.add(length));
        assertEquals(31, lengths.size());
        assertEquals(0, observer.missed());
    }

    @Example
    void resynchronisesAtTheRealConsumerKeepingTheRecordsItHasNotRead() {
        SyntheticRing ring = new SyntheticRing(256, 0);
        RingObserver observer = ring.observer();
        Watch w = new Watch(ring);
        // Seven 32-byte records fill the ring (the producer stays at most size - 1 ahead).
        for (int i = 0; i < 7; i++) {
            assertTrue(w.produce(24, false, false));
        }
        ring.consumeAsOtherReader(7);
        for (int i = 0; i < 4; i++) {
            assertTrue(w.produce(24, false, false));
        }
        // 8-10 overwrote 0-2; 3-6 are consumed (their headers may be gone in a real ring); 7-10 pending.
        observer.drain(w.handler());
        assertEquals(List.of(), w.bad);
        assertEquals(List.of(7L, 8L, 9L, 10L), w.observed, "from the real consumer's position on");
        assertEquals(7, observer.missed());
    }

    @Property(tries = 1000)
    void recordsLongerThanTheScratchBufferAreCountedAndSkippedNeverLoopedOn(
            @ForAll("actions") List<Integer> actions, @ForAll("startPosition") long start) {
        SyntheticRing ring = new SyntheticRing(4096, start);
        RingObserver observer = ring.observer(64, point -> { });
        Watch w = new Watch(ring);
        int oversized = 0;
        for (int a : actions) {
            int length = 8 + a;
            if (w.produce(length, false, false)) {
                oversized += length > 64 ? 1 : 0;
            } else {
                observer.drain(w.handler());
                ring.consumeAsOtherReader(Integer.MAX_VALUE);
            }
        }
        observer.drain(w.handler());
        assertEquals(oversized, observer.corruptions());
        assertEquals(w.committed.stream().filter(s -> w.lengths.get(s) <= 64).toList(), w.observed);
        assertEquals(ring.producerPos, observer.consumerPosition());
    }

    @Property(tries = 1000)
    void aCorruptLengthIsCountedAndSkippedNeverLoopedOn(@ForAll("startPosition") long start,
                                                       @ForAll @IntRange(min = 0, max = 20) int before,
                                                       @ForAll @IntRange(min = 1, max = (1 << 30) - 1) int bogus) {
        SyntheticRing ring = new SyntheticRing(4096, start);
        RingObserver observer = ring.observer();
        Watch w = new Watch(ring);
        for (int i = 0; i < before; i++) {
            w.produce(16, false, false);
        }
        long corrupt = ring.producerPos;
        w.produce(16, false, false);
        w.committed.remove(w.committed.size() - 1);
        // A length reaching past what the producer published can only be corruption.
        ring.setHeader(corrupt, Math.max(bogus, 17));
        observer.drain(w.handler());
        assertEquals(w.committed, w.observed);
        assertEquals(1, observer.corruptions());
        assertEquals(ring.producerPos, observer.consumerPosition(), "skipped to the producer position");
        assertEquals(0, observer.drain(w.handler()), "nothing left to loop on");
        assertEquals(1, observer.corruptions());
    }

    @Property(tries = 3000)
    void arbitraryBytesNeverThrowNorLoop(@ForAll @LongRange(min = 0, max = 1L << 40) long seed,
                                        @ForAll("ringSize") int size,
                                        @ForAll("startPosition") long start,
                                        @ForAll @IntRange(min = 0, max = 8192) int published,
                                        @ForAll @IntRange(min = 0, max = 8192) int consumed) {
        SyntheticRing ring = new SyntheticRing(size, start);
        byte[] noise = new byte[size];
        new Random(seed).nextBytes(noise);
        ring.data.put(0, noise);
        ring.producerPos = start + (published & ~7);
        ring.publish();
        ring.setConsumerPos(start + Math.min(consumed, published) / 8 * 8);
        RingObserver observer = ring.observer(64, point -> { });
        int delivered = observer.drain((data, position, len, mask) -> assertTrue(len <= 64));
        assertTrue(delivered <= published / RingLayout.HEADER_SIZE);
        assertTrue(observer.consumerPosition() <= ring.producerPos);
        assertTrue(observer.consumerPosition() >= ring.consumerPos());
    }

    @Example
    void theScratchBufferIsWhatTheHandlerSees() {
        SyntheticRing ring = new SyntheticRing(256, 256 - 16);
        RingObserver observer = ring.observer();
        Watch w = new Watch(ring);
        // Wraps around the end of the data area; handed over whole from position 0 of the scratch buffer.
        w.produce(40, false, false);
        List<ByteBuffer> buffers = new ArrayList<>();
        observer.drain((data, position, length, mask) -> {
            assertEquals(0, position);
            assertTrue(mask + 1 >= length);
            buffers.add(data);
            w.handler().onRecord(data, position, length, mask);
        });
        assertEquals(List.of(0L), w.observed);
        assertTrue(buffers.get(0) != ring.data);
        assertEquals(new TreeSet<>(List.of()), new TreeSet<>(w.bad));
    }
}
