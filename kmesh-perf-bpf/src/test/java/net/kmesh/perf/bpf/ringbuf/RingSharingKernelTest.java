package net.kmesh.perf.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Test;

/**
 * The consuming reader beside a second reader of the same ring, libbpf's own {@code ring_buffer}
 * (as Kmesh's daemon reads {@code km_perf_info} itself when its profiling is on), with a real BPF
 * producer.
 */
@KernelRequired
class RingSharingKernelTest {
    private static final int RING_BYTES = 64 * 1024;

    @Test
    void takingTurnsWithLibbpfEachRecordGoesToExactlyOneReader() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        int rounds = 300;
        try (SampleRing ring = new SampleRing(RING_BYTES);
             LibbpfReader libbpf = new LibbpfReader(ring.fd(), 200_000);
             RingBuffer mapped = RingBuffer.map(ring.fd())) {
            RingCursor ours = mapped.reader();
            List<KernelSample> oursSeen = new ArrayList<>();
            RecordHandler keep = (data, pos, length, mask) -> oursSeen.add(KernelSample.of(data, pos, length, mask));
            long committed = 0;
            long shared = ring.consumerPosition();
            for (int round = 1; round <= rounds; round++) {
                String where = "seed " + seed + ", round " + round;
                long[] r = ring.produce(1 + random.nextInt(600), round);
                assertEquals(0, r[1], where + ": a reserve failed for lack of space");
                committed += r[0];
                switch (random.nextInt(5)) {
                    case 0 -> ours.drain(keep);
                    case 1 -> libbpf.consume(0);
                    case 2 -> {
                        libbpf.consume(1 + random.nextInt(300));
                        ours.drain(keep);
                    }
                    case 3 -> {
                        ours.drain(keep);
                        libbpf.consume(0);
                    }
                    default -> {
                        libbpf.consume(1 + random.nextInt(300));
                        ours.drain(keep);
                        libbpf.consume(0);
                    }
                }
                assertTrue(ring.consumerPosition() >= shared, where + ": the consumer position moved back");
                shared = ring.consumerPosition();
                assertEquals(ring.producerPosition(), shared, where + ": records left unread");
            }
            List<KernelSample> theirs = libbpf.records();
            assertEquals(committed, oursSeen.size() + theirs.size(),
                    "seed " + seed + ": ours read " + oursSeen.size() + ", libbpf " + theirs.size());
            Set<KernelSample> all = new HashSet<>(oursSeen);
            all.addAll(theirs);
            assertEquals(committed, all.size(), "seed " + seed + ": a record was read by both");
            assertTrue(all.stream().allMatch(s -> s.valid(rounds)), "seed " + seed + ": a torn record was read");
            assertTrue(oursSeen.size() > committed / 4 && theirs.size() > committed / 4,
                    "both readers took a share: ours " + oursSeen.size() + ", libbpf " + theirs.size());
        }
    }

    @Test
    void besideAPollingLibbpfReaderNothingIsLostTheRingNeverWedgesAndAloneItReadsEverything() {
        Random random = new Random();
        try (SampleRing ring = new SampleRing(RING_BYTES);
             RingBuffer mapped = RingBuffer.map(ring.fd());
             LibbpfReader libbpf = new LibbpfReader(ring.fd(), 400_000);
             DrainThread ours = DrainThread.epoll(mapped)) {
            libbpf.startPolling();
            ours.start();
            int[] batch = {0};
            long committed = produce(ring, random, batch, 100_000);
            libbpf.stop();
            await(() -> ours.position() == ring.producerPosition(), "ours to reach the producer position");
            List<KernelSample> theirs = libbpf.records();
            libbpf.close();
            int oursBefore = ours.count();
            Set<KernelSample> oursSet = new HashSet<>(ours.stopAndGet());
            assertEquals(oursBefore, oursSet.size(), "ours read a record twice");
            assertEquals(theirs.size(), new HashSet<>(theirs).size(),
                    "libbpf read a record twice: the consumer position was moved back under it");
            Set<KernelSample> all = new HashSet<>(oursSet);
            all.addAll(theirs);
            // Which reader, and what it read: a torn record is rare (once in CI at ee58bc0), and which
            // side read it decides whose bug it is.
            assertTrue(oursSet.stream().allMatch(s -> s.valid(batch[0])), () -> "ours read a torn record: "
                    + oursSet.stream().filter(s -> !s.valid(batch[0])).limit(3).toList() + " of " + batch[0] + " batches");
            assertTrue(theirs.stream().allMatch(s -> s.valid(batch[0])), () -> "libbpf read a torn record: "
                    + theirs.stream().filter(s -> !s.valid(batch[0])).limit(3).toList() + " of " + batch[0] + " batches");
            assertEquals(committed, all.size(), "records lost: committed " + committed + ", read " + all.size());
            long twice = oursSet.size() + theirs.size() - committed;
            System.out.printf("beside libbpf: %d committed, ours %d, libbpf %d, read by both %d (%.3f%%)%n",
                    committed, oursSet.size(), theirs.size(), twice, 100.0 * twice / committed);
            // A record is read by both only when both start a drain from the same position before
            // either publishes its progress (libbpf readers race each other alike), and libbpf, which
            // reads the shared position only when its drain starts, reads on over what ours took:
            // 0.4 to 2.8 % of records in 5 runs here (0.8 to 6 %, once 15 % under CI, before ours
            // skipped per record what libbpf had published). 10 % leaves a loaded machine room; a
            // reader that moves the position back, as the old one did, makes libbpf read records
            // twice and reserves fail.
            assertTrue(twice <= committed / 10, "read by both: " + twice + " of " + committed);
        }
    }

    @Test
    void whenTheOtherReaderLeavesOursReadsEveryRecordAgain() {
        Random random = new Random();
        try (SampleRing ring = new SampleRing(RING_BYTES);
             RingBuffer mapped = RingBuffer.map(ring.fd());
             DrainThread ours = DrainThread.epoll(mapped)) {
            int[] batch = {0};
            try (LibbpfReader libbpf = new LibbpfReader(ring.fd(), 200_000)) {
                libbpf.startPolling();
                ours.start();
                produce(ring, random, batch, 30_000);
                libbpf.stop();
                assertTrue(libbpf.count() > 0, "libbpf read nothing: the test shared nothing");
            }
            await(() -> ours.position() == ring.producerPosition(), "ours to reach the producer position");
            int before = ours.count();
            long committedAlone = produce(ring, random, batch, 30_000);
            await(() -> ours.count() == before + committedAlone, "ours to read all " + committedAlone + " records");
            List<KernelSample> seen = ours.stopAndGet();
            assertEquals(before + committedAlone, seen.size(), "read alone: exactly what was committed");
            assertEquals(committedAlone, new HashSet<>(seen.subList(before, seen.size())).size());
            assertTrue(seen.subList(before, seen.size()).stream().allMatch(s -> s.valid(batch[0])));
        }
    }

    /**
     * Produces about {@code records} records in runs of 1 to 16, one batch number per run, waiting
     * after every 500 (a third of the ring) until the readers have read the ring empty: a reserve
     * can then only fail, and the wait only time out, if the readers wedge the ring.
     */
    static long produce(SampleRing ring, Random random, int[] batch, long records) {
        long committed = 0;
        while (committed < records) {
            for (int chunk = 0; chunk < 500; ) {
                int n = 1 + random.nextInt(16);
                long[] r = ring.produce(n, ++batch[0]);
                if (r[1] != 0) {
                    fail(r[1] + " reserves failed for lack of space in batch " + batch[0] + ": consumer position "
                            + ring.consumerPosition() + ", producer position " + ring.producerPosition());
                }
                committed += r[0];
                chunk += n;
            }
            await(() -> ring.consumerPosition() == ring.producerPosition(),
                    "the readers to empty the ring (consumer position " + ring.consumerPosition() + ", producer position "
                            + ring.producerPosition() + "): the ring wedged");
        }
        return committed;
    }

    static void await(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after 10 s waiting for " + what);
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }
}
