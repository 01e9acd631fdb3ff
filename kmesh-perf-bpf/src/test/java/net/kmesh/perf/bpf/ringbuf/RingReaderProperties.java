package net.kmesh.perf.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class RingReaderProperties {

    /** One record the producer writes: its payload and whether it discards it. */
    record Spec(byte[] payload, boolean discard) {
        @Override
        public String toString() {
            return payload.length + (discard ? "d" : "");
        }
    }

    @Provide
    Arbitrary<Spec> spec() {
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Combinators.combine(payload, Arbitraries.of(false, false, false, true)).as(Spec::new);
    }

    @Provide
    Arbitrary<Integer> ringSize() {
        return Arbitraries.of(256, 512, 1024, 4096);
    }

    @Provide
    Arbitrary<Long> startPosition() {
        // Any 8-aligned position: records then start anywhere relative to the end of the ring.
        return Arbitraries.longs().between(0, 1L << 40).map(p -> p & ~7L);
    }

    @Property(tries = 2000)
    void anySequenceOfRecordsReadsBackExactlyInOrder(@ForAll @Size(max = 300) List<@From("spec") Spec> specs,
                                                    @ForAll("ringSize") int size,
                                                    @ForAll("startPosition") long start,
                                                    @ForAll @IntRange(min = 1, max = 20) int drainEvery,
                                                    @ForAll boolean byAddress) {
        SyntheticRing ring = new SyntheticRing(size, start);
        RingReader reader = ring.reader(byAddress);
        List<byte[]> expected = new ArrayList<>();
        List<byte[]> seen = new ArrayList<>();
        RecordHandler handler = (data, position, length, mask) ->
                seen.add(SyntheticRing.copy(data, position, length, mask));
        int sinceDrain = 0;
        for (Spec s : specs) {
            if (SyntheticRing.total(s.payload().length) > size) {
                continue;
            }
            if (SyntheticRing.total(s.payload().length) > ring.free() || ++sinceDrain > drainEvery) {
                reader.drain(handler);
                sinceDrain = 0;
            }
            ring.write(s.payload(), s.discard() ? RingLayout.DISCARD_BIT : 0);
            ring.publish();
            if (!s.discard()) {
                expected.add(s.payload());
            }
        }
        reader.drain(handler);
        assertEquals(expected.size(), seen.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), seen.get(i), "record " + i);
        }
        assertEquals(ring.producerPos, reader.consumerPosition());
        assertEquals(ring.producerPos, ring.consumer.getLong(0), "committed to the consumer page");
        assertEquals(0, reader.corruptions());
    }

    @Property(tries = 300)
    void aRecordStillBeingWrittenStopsTheReaderUntilCommitted(@ForAll @Size(min = 1, max = 30) List<@From("spec") Spec> specs,
                                                            @ForAll("startPosition") long start,
                                                            @ForAll @IntRange(min = 0, max = 29) int busyIndex,
                                                            @ForAll boolean byAddress) {
        SyntheticRing ring = new SyntheticRing(8192, start);
        int busy = busyIndex % specs.size();
        long busyPos = -1;
        int delivrableBefore = 0;
        int delivrable = 0;
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            long pos = ring.write(s.payload(), s.discard() ? RingLayout.DISCARD_BIT : 0);
            if (i == busy) {
                busyPos = pos;
                ring.setHeader(pos, s.payload().length | RingLayout.BUSY_BIT);
            }
            if (!s.discard()) {
                delivrable++;
                if (i < busy) {
                    delivrableBefore++;
                }
            }
        }
        ring.publish();
        RingReader reader = ring.reader(byAddress);
        int[] count = {0};
        RecordHandler handler = (data, position, length, mask) -> count[0]++;
        assertEquals(delivrableBefore, reader.drain(handler));
        assertEquals(busyPos, reader.consumerPosition(), "stops at the busy record's header");
        assertEquals(0, reader.drain(handler), "and stays there while it is busy");
        Spec s = specs.get(busy);
        ring.setHeader(busyPos, s.payload().length | (s.discard() ? RingLayout.DISCARD_BIT : 0));
        assertEquals(delivrable - delivrableBefore, reader.drain(handler));
        assertEquals(ring.producerPos, reader.consumerPosition());
    }

    @Property(tries = 2000)
    void aCorruptLengthIsReportedAndSkippedNeverLoopedOn(@ForAll @Size(max = 20) List<@From("spec") Spec> before,
                                                       @ForAll("startPosition") long start,
                                                       @ForAll @IntRange(min = 1, max = (1 << 30) - 1) int bogusLength,
                                                       @ForAll boolean byAddress) {
        SyntheticRing ring = new SyntheticRing(4096, start);
        int good = 0;
        for (Spec s : before) {
            if (SyntheticRing.total(s.payload().length) + 64 > ring.free()) {
                break;
            }
            ring.write(s.payload(), s.discard() ? RingLayout.DISCARD_BIT : 0);
            good += s.discard() ? 0 : 1;
        }
        long corruptPos = ring.write(new byte[16], 0);
        // A length reaching past what the producer published can only be corruption.
        int length = Math.max(bogusLength, 17);
        ring.setHeader(corruptPos, length);
        ring.publish();
        RingReader reader = ring.reader(byAddress);
        int[] count = {0};
        int delivered = reader.drain((data, position, len, mask) -> count[0]++);
        assertEquals(good, delivered);
        assertEquals(1, reader.corruptions());
        assertEquals(ring.producerPos, reader.consumerPosition(), "skipped to the producer position");
        assertEquals(0, reader.drain((data, position, len, mask) -> count[0]++), "nothing left to loop on");
        assertEquals(1, reader.corruptions());
    }

    @Property(tries = 5000)
    void arbitraryBytesNeverThrowNorLoop(@ForAll @LongRange(min = 0, max = 1L << 40) long seed,
                                        @ForAll("ringSize") int size,
                                        @ForAll("startPosition") long start,
                                        @ForAll @IntRange(min = 0, max = 4096) int published,
                                        @ForAll boolean byAddress) {
        SyntheticRing ring = new SyntheticRing(size, start);
        byte[] noise = new byte[size];
        new Random(seed).nextBytes(noise);
        ring.data.put(0, noise);
        ring.producerPos = start + (Math.min(published, size) & ~7);
        ring.publish();
        RingReader reader = ring.reader(byAddress);
        int delivered = reader.drain((data, position, len, mask) -> assertTrue(len <= size - RingLayout.HEADER_SIZE));
        assertTrue(delivered <= size / RingLayout.HEADER_SIZE);
        assertTrue(reader.consumerPosition() <= ring.producerPos);
        assertTrue(reader.consumerPosition() >= start);
    }

    @Example
    void continuesFromAnotherConsumersPosition() {
        SyntheticRing ring = new SyntheticRing(1024, 4096);
        ring.write(new byte[] {1}, 0);
        long second = ring.write(new byte[] {2}, 0);
        ring.publish();
        ring.consumer.putLong(0, second);
        List<byte[]> seen = new ArrayList<>();
        ring.reader().drain((data, position, length, mask) -> seen.add(SyntheticRing.copy(data, position, length, mask)));
        assertEquals(1, seen.size());
        assertArrayEquals(new byte[] {2}, seen.get(0));
    }

    /** What the test saw: records by sequence number, per reader, and what the producer committed. */
    static final class Tally {
        final List<Long> ours = new ArrayList<>();
        final List<Long> others = new ArrayList<>();
        final java.util.Set<Long> committed = new java.util.TreeSet<>();
        long seq;

        RecordHandler ours() {
            return (data, position, length, mask) -> ours.add(SyntheticRing.seqOf(SyntheticRing.copy(data, position, length, mask)));
        }

        boolean produce(SyntheticRing ring, int length, boolean discard) {
            long s = seq++;
            boolean taken = ring.produce(SyntheticRing.patterned(s, length), discard) >= 0;
            if (taken && !discard) {
                committed.add(s);
            }
            return taken;
        }

        void otherReads(SyntheticRing ring, int max) {
            for (byte[] p : ring.consumeAsOtherReader(max)) {
                others.add(SyntheticRing.seqOf(p));
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> actions() {
        return Arbitraries.integers().between(0, 99).list().ofMaxSize(200);
    }

    @Provide
    Arbitrary<Integer> largerRingSize() {
        // Past 4 KiB the reader publishes in the middle of a drain too.
        return Arbitraries.of(256, 1024, 4096, 16384, 65536);
    }

    /**
     * Another reader and ours take turns (libbpf's protocol: each reads from the shared position,
     * stores its own progress): each committed record goes to exactly one of them, and the shared
     * position only ever moves forward.
     */
    @Property(tries = 1000)
    void takingTurnsWithAnotherReaderEachRecordGoesToExactlyOne(@ForAll("actions") List<Integer> actions,
                                                                @ForAll("ringSize") int size,
                                                                @ForAll("startPosition") long start,
                                                                @ForAll @IntRange(min = 8, max = 120) int length) {
        SyntheticRing ring = new SyntheticRing(size, start);
        RingReader reader = ring.reader();
        Tally t = new Tally();
        for (int a : actions) {
            if (a < 40) {
                t.produce(ring, length + a % 3 * 8, a % 7 == 0);
            } else if (a < 60) {
                long before = ring.consumerPos();
                reader.drain(t.ours());
                assertTrue(ring.consumerPos() >= before, "the shared position moved back");
                assertEquals(ring.consumerPos(), reader.consumerPosition());
            } else if (a < 80) {
                t.otherReads(ring, a - 59);
            } else {
                for (int i = 0; i < a - 79; i++) {
                    t.produce(ring, length, false);
                }
            }
        }
        reader.drain(t.ours());
        assertEquals(ring.producerPos, ring.consumerPos(), "everything consumed");
        assertDisjointAndComplete(t);
    }

    private static void assertDisjointAndComplete(Tally t) {
        java.util.Set<Long> all = new java.util.TreeSet<>(t.ours);
        all.addAll(t.others);
        assertEquals(t.ours.size() + t.others.size(), all.size(), "read twice: ours " + t.ours + ", other " + t.others);
        assertEquals(t.committed, all);
    }

    /**
     * The other reader runs during our drain (between our commits) and sometimes stores a stale
     * position, as a libbpf reader that started before our last commit does. Nothing is lost,
     * ours never reads a record twice, never stores below the shared position, and once the other
     * reader has left ours reads everything: the ring does not wedge.
     */
    @Property(tries = 1000)
    void racingAnotherReaderLosesNothingAndNeverPushesTheSharedPositionBack(
            @ForAll("actions") List<Integer> actions, @ForAll("largerRingSize") int size,
            @ForAll("startPosition") long start, @ForAll @IntRange(min = 8, max = 120) int length) {
        SyntheticRing ring = new SyntheticRing(size, start);
        RingReader reader = ring.reader();
        Tally t = new Tally();
        List<Long> history = new ArrayList<>(List.of(start));
        for (int a : actions) {
            if (a < 40) {
                for (int k = 0; k <= a; k++) {
                    t.produce(ring, length, (a + k) % 7 == 0);
                }
            } else if (a < 70) {
                // Mid-drain, once: the other reader reads some records, or stores the position it
                // started from after ours moved on.
                long stale = ring.consumerPos();
                long[] lastOtherStore = {Long.MIN_VALUE};
                boolean[] done = {false};
                RecordHandler ours = t.ours();
                long before = ring.consumerPos();
                reader.drain((data, position, len, mask) -> {
                    ours.onRecord(data, position, len, mask);
                    if (!done[0]) {
                        done[0] = true;
                        if (a % 2 == 0) {
                            t.otherReads(ring, (a - 39) * 8);
                        } else {
                            ring.setConsumerPos(stale);
                        }
                        lastOtherStore[0] = ring.consumerPos();
                    }
                    // Ours publishes every 4 KiB during the drain: never below the other's store.
                    assertTrue(ring.consumerPos() >= lastOtherStore[0], "stored below the other reader's store");
                });
                assertTrue(ring.consumerPos() >= before, "the shared position moved back");
                assertTrue(ring.consumerPos() >= lastOtherStore[0], "stored below the other reader's store");
            } else if (a < 90) {
                t.otherReads(ring, a - 69);
            } else {
                // A late store between drains: a reader that read the position before it moved on
                // stores it. Real readers store record boundaries they walked, over records the
                // producer has not overwritten since (less than a ring behind it).
                List<Long> intact = history.stream().filter(h -> ring.producerPos - h <= size).toList();
                if (!intact.isEmpty()) {
                    ring.setConsumerPos(intact.get((a * 7919) % intact.size()));
                }
            }
            history.add(ring.consumerPos());
        }
        // The other reader leaves; the producer fills the ring; ours reads all of it.
        while (t.produce(ring, length, false)) {
            // until the ring is full
        }
        reader.drain(t.ours());
        assertEquals(ring.producerPos, ring.consumerPos(), "everything consumed: not wedged");
        assertEquals(ring.producerPos, reader.consumerPosition());
        java.util.Set<Long> ours = new java.util.TreeSet<>(t.ours);
        assertEquals(t.ours.size(), ours.size(), "ours read a record twice: " + t.ours);
        assertTrue(!ours.contains(-1L), "ours read a torn record");
        java.util.Set<Long> all = new java.util.TreeSet<>(ours);
        all.addAll(t.others);
        assertTrue(all.containsAll(t.committed), "lost " + t.committed + " vs " + all);
    }

    /**
     * Kmesh's daemon reads its ring itself while its profiling is on, and traffic comes in bursts.
     * A reader that once saw it must not go back to reading in place after a quiet spell: the next
     * burst, the other reader can take the records ahead of ours while ours hands one over, and the
     * producer reuse their space, so the headers ours reads next are another record's bytes.
     */
    @Property(tries = 200)
    void aReaderThatOnceSawAnotherNeverReadsInPlaceAgainSoAReusedRecordIsNeverHandedOverTorn(
            @ForAll @IntRange(min = 8, max = 120) int reused) {
        SyntheticRing ring = new SyntheticRing(1024, 4096);
        RingReader reader = ring.reader();
        Tally t = new Tally();
        int length = 36; // 48 bytes in the ring: a record reused after a lap starts at another boundary
        t.produce(ring, length, false);
        t.produce(ring, length, false);
        t.otherReads(ring, 1);
        reader.drain(t.ours()); // ours sees the other reader's position ahead of its own
        // A quiet spell: 1,001 drains with nothing to read (ten seconds at a 10 ms delay), more than
        // the reader kept copying for until 2026-12-08.
        for (int i = 0; i <= 1000; i++) {
            reader.drain(t.ours());
        }
        boolean raced = racedBurst(ring, reader, t, length, reused);

        assertTrue(raced, "the race was not run: ours read nothing");
        assertTrue(!t.ours.contains(-1L), "ours read a torn record: " + t.ours);
        assertEquals(new java.util.TreeSet<>(t.ours).size(), t.ours.size(), "ours read a record twice: " + t.ours);
        // Both may read the record both started from (libbpf's protocol); none may be lost or made up.
        java.util.Set<Long> all = new java.util.TreeSet<>(t.ours);
        all.addAll(t.others);
        assertEquals(t.committed, all, "ours " + t.ours + ", other " + t.others);
    }

    /**
     * First contact: ours reads in place until the other reader shows, and may read what the
     * other took meanwhile. However it showed (a commit that finds it ahead, a record running past
     * the producer because the space was reused), the next burst is read with every record
     * copied and checked: no record twice, none torn.
     */
    @Property(tries = 200)
    void afterFirstContactHoweverTheOtherReaderShowedTheNextBurstIsReadCarefully(
            @ForAll @IntRange(min = 8, max = 120) int reused) {
        SyntheticRing ring = new SyntheticRing(1024, 4096);
        RingReader reader = ring.reader();
        Tally t = new Tally();
        int length = 36;
        for (int burst = 0; burst < 2; burst++) {
            int before = t.ours.size();
            assertTrue(racedBurst(ring, reader, t, length, reused), "burst " + burst + ": ours read nothing");
            if (burst == 1) {
                List<Long> second = t.ours.subList(before, t.ours.size());
                assertTrue(!second.contains(-1L), "ours read a torn record after first contact: " + second);
                assertEquals(new java.util.TreeSet<>(second).size(), second.size(),
                        "ours read a record twice after first contact: " + second);
            }
        }
    }

    /**
     * A burst fills the ring with records of {@code length} bytes; while ours hands over its first,
     * the other reader takes all the rest and the producer fills the freed space with records of
     * {@code reused} bytes; then ours drains again and the other reader takes what is left.
     * Returns whether the race ran (ours read a record).
     */
    private static boolean racedBurst(SyntheticRing ring, RingReader reader, Tally t, int length, int reused) {
        while (t.produce(ring, length, false)) {
            // a burst fills the ring
        }
        RecordHandler ours = t.ours();
        boolean[] raced = {false};
        reader.drain((data, position, len, mask) -> {
            ours.onRecord(data, position, len, mask);
            if (!raced[0]) {
                raced[0] = true;
                t.otherReads(ring, Integer.MAX_VALUE);
                while (t.produce(ring, reused, false)) {
                    // the space ours had not read yet is reused
                }
            }
        });
        reader.drain(t.ours());
        t.otherReads(ring, Integer.MAX_VALUE);
        return raced[0];
    }

    @Example
    void aSharedPositionAheadOfOursIsFollowedAndOneBehindIsNotReadAgain() {
        SyntheticRing ring = new SyntheticRing(1024, 4096);
        RingReader reader = ring.reader();
        Tally t = new Tally();
        for (int i = 0; i < 6; i++) {
            t.produce(ring, 16, false);
        }
        assertEquals(6, reader.drain(t.ours()));
        // A stale store puts the shared position back over the six records ours read.
        ring.setConsumerPos(4096);
        assertEquals(0, reader.drain(t.ours()), "nothing read twice");
        assertEquals(ring.producerPos, ring.consumerPos(), "and the stale store is corrected forward");
        for (int i = 0; i < 4; i++) {
            t.produce(ring, 16, false);
        }
        t.otherReads(ring, 3);
        assertEquals(1, reader.drain(t.ours()), "continues after the other reader");
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 9L), t.ours);
        assertEquals(List.of(6L, 7L, 8L), t.others);
    }
}
