package net.kmesh.perf.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.ThreadWakes;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import org.junit.jupiter.api.Test;

/**
 * The consumer thread's waiting on Kmesh's 4 KiB ring (about 100 records) with the monitor's
 * default delays: consuming beside a CPU-bound process, and observing beside libbpf's own reader.
 */
@KernelRequired
class RingConsumerKernelTest {
    private static final int RING = 4096;
    private static final Duration BATCH_DELAY = Duration.ofMillis(10);
    private static final Duration IDLE_WAIT = Duration.ofMillis(100);

    /**
     * A hiccup of the scheduler on this 2-CPU machine (a few milliseconds without a CPU, seen about
     * once in 30 s of this load) overflows a 4 KiB ring at 20,000/s whatever the reader: libbpf's C
     * reader under the same load dropped records in 1 run of 6. So each test gives the reader up to
     * {@value #ATTEMPTS} runs to meet the target; a reader that waits too long (a fixed 10 ms wait
     * after a read, or an observer's 1 ms epoll timeout) misses it in every run.
     */
    private static final int ATTEMPTS = 3;
    /**
     * The observer's runs: a lap costs it only the records overwritten, but a vCPU the host takes
     * for 2 ms or more (this machine's steal was 5-20 % of a CPU while it was measured) still laps
     * it, and more often on some hours than on others.
     */
    private static final int OBSERVE_ATTEMPTS = 5;

    @Test
    void consumingTwentyThousandPerSecondFromAFourKibRingBesideABusyProcessLosesNothing() throws Exception {
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try (SampleRing ring = new SampleRing(RING);
             RingBuffer mapped = RingBuffer.map(ring.fd(), false);
             Counted consumer = new Counted(mapped.reader(), ring.fd())) {
            List<PacedProducer.Result> runs = new ArrayList<>();
            long counted = 0;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                PacedProducer.Result r = PacedProducer.produce(ring, 20_000, Duration.ofSeconds(3), 40);
                long expected = counted + r.committed();
                await(() -> consumer.count() >= expected, "the consumer to read every record");
                assertTrue(r.perSecond() >= 19_000, "written at " + r.perSecond() + "/s, not 20,000/s");
                assertEquals(expected, consumer.count(), "counted = committed");
                counted = expected;
                runs.add(r);
                System.out.printf("consumer beside a busy process at %.0f/s: %d committed, %d dropped%n",
                        r.perSecond(), r.committed(), r.dropped());
                if (r.dropped() == 0) {
                    return;
                }
            }
            throw new AssertionError("the 4 KiB ring overflowed in every run: " + runs);
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }

    /**
     * Kmesh's ring at 5,000 records/s fills in 20 ms: read on a timer that keeps 12 ms of it free, not at
     * the kernel's wake-up after each burst. The producer writes every half millisecond (as connects
     * come, not in a few large bursts); woken at each write, the consumer woke some 2,000 times a
     * second, and a wake-up costs the agent 25–60 µs of CPU on a VM. Beside a busy process, so that
     * the timer's 12 ms of room is tried: nothing may be lost in one of the runs.
     */
    @Test
    void consumingFiveThousandPerSecondFromAFourKibRingReadsOnATimerBesideABusyProcessAndLosesNothing() throws Exception {
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try (SampleRing ring = new SampleRing(RING);
             RingBuffer mapped = RingBuffer.map(ring.fd(), false);
             Counted consumer = new Counted(mapped.reader(), ring.fd())) {
            List<String> runs = new ArrayList<>();
            long counted = 0;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                long wakesBefore = consumer.wakes();
                PacedProducer.Result r = PacedProducer.produce(ring, 5_000, Duration.ofSeconds(3), 5);
                long wakes = consumer.wakes() - wakesBefore;
                long expected = counted + r.committed();
                await(() -> consumer.count() >= expected, "the consumer to read every record");
                assertTrue(r.perSecond() >= 4_750, "written at " + r.perSecond() + "/s, not 5,000/s");
                assertEquals(expected, consumer.count(), "counted = committed");
                counted = expected;
                String run = String.format("consumer beside a busy process at %.0f/s: %d committed, %d dropped, %d wakes"
                        + " in 3 s", r.perSecond(), r.committed(), r.dropped(), wakes);
                System.out.println(run);
                runs.add(run);
                // On the timer, 250 reads a second or fewer (735-810 in runs here with a quarter's wait): the
                // wait is planned at the peak rate, which a producer catching up after it was descheduled
                // raises to twice its rate. At the kernel's wake-ups, 1,500 a second (4,718 in a run here), as when the peak
                // rather than the mean rate chose how to wait (1,631-2,723).
                assertTrue(wakes <= 1_500, "read " + wakes + " times in 3 s: at the kernel's wake-ups, not on a timer");
                if (r.dropped() == 0) {
                    return;
                }
            }
            throw new AssertionError("the 4 KiB ring overflowed in every run: " + runs);
        } finally {
            busy.destroyForcibly().waitFor();
        }
    }

    @Test
    void observingThirtySixThousandPerSecondBesideLibbpfOnAFourKibRingSeesNinetyNinePercentAndCountsTheRest()
            throws Exception {
        try (SampleRing ring = new SampleRing(RING);
             RingBuffer mapped = RingBuffer.map(ring.fd(), true);
             LibbpfReader libbpf = new LibbpfReader(ring.fd(), 300_000);
             Counted observer = new Counted(mapped.reader(), ring.fd())) {
            libbpf.startPolling();
            List<String> runs = new ArrayList<>();
            long committed = 0;
            for (int attempt = 0; attempt < OBSERVE_ATTEMPTS; attempt++) {
                long observedBefore = observer.count();
                long missedBefore = mapped.reader().missed();
                PacedProducer.Result r = PacedProducer.produce(ring, 36_000, Duration.ofSeconds(2), 36);
                committed += r.committed();
                long total = committed;
                await(() -> ring.consumerPosition() == ring.producerPosition(), "libbpf to empty the ring");
                await(() -> observer.count() + mapped.reader().missed() >= total, "the observer to catch up");
                long observed = observer.count() - observedBefore;
                long missed = mapped.reader().missed() - missedBefore;
                String run = String.format("observer beside libbpf at %.0f/s: %d committed, observed %d (%.2f %%), missed %d"
                        + " (%d dropped: libbpf's reader fell behind)", r.perSecond(), r.committed(), observed,
                        100.0 * observed / r.committed(), missed, r.dropped());
                System.out.println(run);
                runs.add(run);
                assertTrue(r.perSecond() >= 34_200, "written at " + r.perSecond() + "/s, not 36,000/s");
                assertEquals(total, libbpf.count());
                assertEquals(r.committed(), observed + missed, "observed + missed = committed");
                if (observed >= r.committed() * 99 / 100) {
                    return;
                }
            }
            throw new AssertionError("under 99 % observed in every run: " + runs);
        }
    }

    static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    /** A {@link RingConsumer} with the defaults over one ring, counting records. */
    static final class Counted implements RingConsumer.Source, AutoCloseable {
        private final RingCursor reader;
        private final int fd;
        private final AtomicLong count = new AtomicLong();
        /** The consumer thread's task id, once it read a record. */
        private volatile int tid;
        private final RingConsumer consumer;

        Counted(RingCursor reader, int fd) {
            this.reader = reader;
            this.fd = fd;
            this.consumer = new RingConsumer(this, (data, pos, length, mask) -> {
                if (tid == 0) {
                    tid = LibbpfLoader.natives().libc().gettid();
                }
                count.incrementAndGet();
            },
                    new RingConsumer.BatchListener() {
                        @Override
                        public void beginBatch() {
                        }

                        @Override
                        public void endBatch(long newCorruptions, long newMissed) {
                        }
                    }, BATCH_DELAY, IDLE_WAIT, "counted-consumer");
            consumer.start();
        }

        long count() {
            return count.get();
        }

        /** The consumer thread's voluntary context switches (its wakes from sleep); 0 before it read a record. */
        long wakes() throws IOException {
            return tid == 0 ? 0 : ThreadWakes.voluntarySwitches(tid);
        }

        @Override
        public List<RingCursor> readers() {
            return List.of(reader);
        }

        @Override
        public RingCursor currentReader() {
            return reader;
        }

        @Override
        public int waitFd() {
            return fd;
        }

        @Override
        public void drained(RingCursor r, int records, long nowNanos) {
        }

        @Override
        public void tick(long nowNanos, boolean noticed) {
        }

        @Override
        public void sweep(long nowNanos) {
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
