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
                                                    @ForAll @IntRange(min = 1, max = 20) int drainEvery) {
        SyntheticRing ring = new SyntheticRing(size, start);
        RingReader reader = ring.reader();
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
            ring.write(s.payload(), s.discard() ? RingReader.DISCARD_BIT : 0);
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
                                                            @ForAll @IntRange(min = 0, max = 29) int busyIndex) {
        SyntheticRing ring = new SyntheticRing(8192, start);
        int busy = busyIndex % specs.size();
        long busyPos = -1;
        int delivrableBefore = 0;
        int delivrable = 0;
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            long pos = ring.write(s.payload(), s.discard() ? RingReader.DISCARD_BIT : 0);
            if (i == busy) {
                busyPos = pos;
                ring.setHeader(pos, s.payload().length | RingReader.BUSY_BIT);
            }
            if (!s.discard()) {
                delivrable++;
                if (i < busy) {
                    delivrableBefore++;
                }
            }
        }
        ring.publish();
        RingReader reader = ring.reader();
        int[] count = {0};
        RecordHandler handler = (data, position, length, mask) -> count[0]++;
        assertEquals(delivrableBefore, reader.drain(handler));
        assertEquals(busyPos, reader.consumerPosition(), "stops at the busy record's header");
        assertEquals(0, reader.drain(handler), "and stays there while it is busy");
        Spec s = specs.get(busy);
        ring.setHeader(busyPos, s.payload().length | (s.discard() ? RingReader.DISCARD_BIT : 0));
        assertEquals(delivrable - delivrableBefore, reader.drain(handler));
        assertEquals(ring.producerPos, reader.consumerPosition());
    }

    @Property(tries = 2000)
    void aCorruptLengthIsReportedAndSkippedNeverLoopedOn(@ForAll @Size(max = 20) List<@From("spec") Spec> before,
                                                       @ForAll("startPosition") long start,
                                                       @ForAll @IntRange(min = 1, max = (1 << 30) - 1) int bogusLength) {
        SyntheticRing ring = new SyntheticRing(4096, start);
        int good = 0;
        for (Spec s : before) {
            if (SyntheticRing.total(s.payload().length) + 64 > ring.free()) {
                break;
            }
            ring.write(s.payload(), s.discard() ? RingReader.DISCARD_BIT : 0);
            good += s.discard() ? 0 : 1;
        }
        long corruptPos = ring.write(new byte[16], 0);
        // A length reaching past what the producer published can only be corruption.
        int length = Math.max(bogusLength, 17);
        ring.setHeader(corruptPos, length);
        ring.publish();
        RingReader reader = ring.reader();
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
                                        @ForAll @IntRange(min = 0, max = 4096) int published) {
        SyntheticRing ring = new SyntheticRing(size, start);
        byte[] noise = new byte[size];
        new Random(seed).nextBytes(noise);
        ring.data.put(0, noise);
        ring.producerPos = start + (Math.min(published, size) & ~7);
        ring.publish();
        RingReader reader = ring.reader();
        int delivered = reader.drain((data, position, len, mask) -> assertTrue(len <= size - RingReader.HEADER_SIZE));
        assertTrue(delivered <= size / RingReader.HEADER_SIZE);
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
}
