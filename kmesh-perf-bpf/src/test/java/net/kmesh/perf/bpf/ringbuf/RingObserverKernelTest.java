package net.kmesh.perf.bpf.ringbuf;

import static net.kmesh.perf.bpf.ringbuf.RingSharingKernelTest.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Test;

/**
 * The observer beside the ring's real consumer, libbpf's own {@code ring_buffer} (Kmesh's daemon),
 * with a real BPF producer: it must take nothing from that consumer, see every record while it
 * keeps up, and never hand over a record the producer overwrote.
 */
@KernelRequired
class RingObserverKernelTest {
    private static final Comparator<KernelSample> RING_ORDER =
            Comparator.comparingLong(KernelSample::operationType).thenComparingLong(KernelSample::end);

    @Test
    void besideLibbpfBothGetEveryRecordAndTheObserverNeverWritesTheConsumerPage() {
        Random random = new Random();
        try (SampleRing ring = new SampleRing(64 * 1024);
             RingBuffer mapped = RingBuffer.map(ring.fd(), true);
             LibbpfReader libbpf = new LibbpfReader(ring.fd(), 200_000);
             DrainThread observer = DrainThread.timer(mapped.reader(), 1_000_000)) {
            assertTrue(mapped.observing());
            assertTrue(mapped.reader() instanceof RingObserver);
            libbpf.startPolling();
            observer.start();
            int batch = 0;
            long committed = 0;
            while (committed < 50_000) {
                // A third of the ring at a time, then both catch up: the observer keeps up.
                for (int chunk = 0; chunk < 500; ) {
                    int n = 1 + random.nextInt(16);
                    long[] r = ring.produce(n, ++batch);
                    assertEquals(0, r[1], "a reserve failed: the real consumer no longer frees the ring");
                    committed += r[0];
                    chunk += n;
                }
                await(() -> ring.consumerPosition() == ring.producerPosition()
                        && observer.position() == ring.producerPosition(), "libbpf and the observer to catch up");
            }
            libbpf.stop();
            // Without the real consumer: what the observer does to the consumer page, byte for byte.
            byte[] page = ring.consumerPage();
            long[] r = ring.produce(100, ++batch);
            committed += r[0];
            await(() -> observer.position() == ring.producerPosition(), "the observer to read the last batch");
            List<KernelSample> observed = observer.stopAndGet();
            assertArrayEquals(page, ring.consumerPage(), "the observer wrote the consumer page");

            List<KernelSample> consumed = libbpf.records();
            assertEquals(committed - 100, consumed.size(), "libbpf, the real consumer, got every record");
            assertEquals(consumed.size(), new HashSet<>(consumed).size());
            assertEquals(committed, observed.size(), "the observer saw every record");
            assertEquals(consumed, observed.subList(0, consumed.size()), "the same records, in the same order");
            int batches = batch;
            assertTrue(observed.stream().allMatch(s -> s.valid(batches)));
            assertEquals(0, mapped.reader().missed());
            assertEquals(0, mapped.reader().corruptions());
        }
    }

    @Test
    void anObserverMoreThanARingBehindCountsWhatItMissedAndHandsOverOnlyWholeRecords() {
        Random random = new Random();
        int size = 16 * 1024;
        try (SampleRing ring = new SampleRing(size);
             RingBuffer mapped = RingBuffer.map(ring.fd(), true);
             LibbpfReader libbpf = new LibbpfReader(ring.fd(), 100_000)) {
            RingCursor observer = mapped.reader();
            List<KernelSample> observed = new ArrayList<>();
            RecordHandler keep = (data, pos, length, mask) -> observed.add(KernelSample.of(data, pos, length, mask));
            libbpf.startPolling();
            int[] batch = {0};
            long committed = 0;
            for (int phase = 0; phase < 6; phase++) {
                // Even phases: keep up. Odd phases: fall 2 to 4 rings behind, then read.
                long target = phase % 2 == 0 ? size / 80 : (2 + random.nextInt(3)) * size / 40;
                for (long n = 0; n < target; ) {
                    long[] r = ring.produce(1 + random.nextInt(16), ++batch[0]);
                    assertEquals(0, r[1]);
                    committed += r[0];
                    n += r[0];
                    await(() -> ring.consumerPosition() == ring.producerPosition(), "libbpf to empty the ring");
                    if (phase % 2 == 0) {
                        observer.drain(keep);
                    }
                }
                observer.drain(keep);
            }
            libbpf.stop();
            assertEquals(committed, libbpf.count(), "the real consumer got every record");
            assertTrue(observer.missed() >= 2 * size / 40, "missed only " + observer.missed());
            assertEquals(committed, observed.size() + observer.missed(),
                    "observed " + observed.size() + " + missed " + observer.missed() + " (records of one size: exact)");
            assertWholeAndInOrder(observed, batch[0]);
            assertEquals(0, observer.corruptions());
        }
    }

    @Test
    void anObserverRacedByTheProducerNeverHandsOverAnOverwrittenRecord() {
        Random random = new Random();
        int size = 4096;
        try (SampleRing ring = new SampleRing(size);
             RingBuffer mapped = RingBuffer.map(ring.fd(), true);
             LibbpfReader libbpf = new LibbpfReader(ring.fd(), 400_000);
             DrainThread observer = DrainThread.timer(mapped.reader(), 20_000)) {
            libbpf.startPolling();
            observer.start();
            int batch = 0;
            long committed = 0;
            long dropped = 0;
            long deadline = System.nanoTime() + 2_000_000_000L;
            // A ring of about 100 records, written as fast as BPF_PROG_TEST_RUN goes: the observer
            // and the real consumer fall behind and are lapped.
            while (committed < 300_000 && System.nanoTime() < deadline) {
                long[] r = ring.produce(1 + random.nextInt(64), ++batch);
                committed += r[0];
                dropped += r[1];
            }
            // Then records it keeps up with, so that its count of missed records is sized by one read.
            for (int i = 0; i < 10; i++) {
                long[] r = ring.produce(5, ++batch);
                committed += r[0];
                await(() -> observer.position() == ring.producerPosition(), "the observer to catch up");
            }
            List<KernelSample> observed = observer.stopAndGet();
            libbpf.stop();
            RingCursor cursor = mapped.reader();
            System.out.printf("raced observer: %d committed (%d dropped), observed %d, missed %d%n",
                    committed, dropped, observed.size(), cursor.missed());
            assertTrue(cursor.missed() > 0, "the producer lapped the observer: the race happened");
            assertTrue(dropped > 0, "the producer overtook the real consumer too: the ring was full");
            assertWholeAndInOrder(observed, batch);
            assertEquals(committed, observed.size() + cursor.missed(),
                    "observed " + observed.size() + " + missed " + cursor.missed() + " (records of one size: exact)");
            assertEquals(0, cursor.corruptions());
        }
    }

    private static void assertWholeAndInOrder(List<KernelSample> observed, int batches) {
        for (int i = 0; i < observed.size(); i++) {
            KernelSample s = observed.get(i);
            if (!s.valid(batches)) {
                fail("record " + i + " is not one the producer wrote: " + s);
            }
            if (i > 0 && RING_ORDER.compare(observed.get(i - 1), s) >= 0) {
                fail("record " + i + " out of ring order: " + observed.get(i - 1) + " then " + s);
            }
        }
    }
}
