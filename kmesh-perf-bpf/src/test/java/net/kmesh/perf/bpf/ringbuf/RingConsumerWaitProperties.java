package net.kmesh.perf.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The consumer's wait between reads: 12 ms of the ring's fill at the peak rate stay free, or three
 * quarters of it where that is more; the kernel's wake-ups only where the mean rate fills the ring
 * within 16 ms.
 */
class RingConsumerWaitProperties {

    @Property
    void theWaitNeverLetsMoreThanAQuarterOfTheRingFill(@ForAll @IntRange(min = 12, max = 26) int sizeBits,
                                                      @ForAll @DoubleRange(min = 0.0001, max = 10) @net.jqwik.api.constraints.Scale(6) double bytesPerNano,
                                                      @ForAll @LongRange(min = 0, max = 1_000_000_000) long batchDelay) {
        int size = 1 << sizeBits;
        long delay = WaitPlan.delayFor(size, bytesPerNano, batchDelay);
        assertTrue(delay >= 0 && delay <= batchDelay, "within the batch delay: " + delay);
        assertTrue(delay * bytesPerNano <= size / 4.0 + 1, "fills at most a quarter: " + delay * bytesPerNano);
    }

    @Example
    void kmeshsFourKibRingAtTenThousandRecordsPerSecondWaitsAQuarterFill() {
        // 10,000 records of 40 bytes (32 + the 8-byte header) per second fill 1 KiB in 2.56 ms.
        double rate = 10_000 * 40 / 1e9;
        assertEquals(2_560_000, WaitPlan.delayFor(4096, rate, 10_000_000), 1_000);
        assertEquals(10_000_000, WaitPlan.delayFor(16 << 20, rate, 10_000_000), "a big ring waits the batch delay");
        assertEquals(10_000_000, WaitPlan.delayFor(4096, 0, 10_000_000), "no rate seen: the batch delay");
    }

    @Property
    void aRingReadOnATimerKeepsTwelveMillisecondsOfRoom(
            @ForAll @IntRange(min = 12, max = 26) int sizeBits,
            @ForAll @DoubleRange(min = 0.0001, max = 10) @net.jqwik.api.constraints.Scale(6) double bytesPerNano,
            @ForAll @LongRange(min = 0, max = 1_000_000_000) long batchDelay) {
        int size = 1 << sizeBits;
        double fillNanos = size / bytesPerNano;
        boolean kernel = WaitPlan.waitsForKernel(size, bytesPerNano);
        assertEquals(fillNanos < WaitPlan.NOTIFIED_RING_NANOS, kernel, "fills in " + fillNanos + " ns");
        if (!kernel) {
            long delay = WaitPlan.consumerDelay(size, bytesPerNano, batchDelay);
            double room = fillNanos - delay;
            assertTrue(room >= WaitPlan.TIMER_ROOM_NANOS - 1, "room left after the wait: " + room + " ns");
            long quarter = WaitPlan.delayFor(size, bytesPerNano, WaitPlan.timerCap(size, batchDelay));
            assertTrue(delay >= quarter, "at least a quarter of the fill (or the cap): " + delay + " < " + quarter);
            assertTrue(delay >= Math.min(WaitPlan.timerCap(size, batchDelay), (long) fillNanos - WaitPlan.TIMER_ROOM_NANOS) - 1,
                    "waits as long as the room allows, up to the cap: " + delay);
            assertTrue(delay <= Math.max(quarter, (long) fillNanos - WaitPlan.TIMER_ROOM_NANOS),
                    "no longer than the room or a quarter allows: " + delay);
        }
    }

    @Example
    void kmeshsFourKibRingIsReadOnATimerAtFiveThousandRecordsPerSecondAndAtWakeUpsAtTenThousand() {
        double fiveThousand = 5_000 * 40 / 1e9;
        assertTrue(!WaitPlan.waitsForKernel(4096, fiveThousand), "fills in 20 ms: a timer");
        // 20.48 ms less 12 ms of room: about 120 reads a second instead of one per burst.
        assertEquals(8_480_000, WaitPlan.consumerDelay(4096, fiveThousand, 10_000_000), 1_000);
        // In bursts at 8,000 records/s the ring fills in 12.8 ms: a quarter of that.
        assertEquals(3_200_000, WaitPlan.consumerDelay(4096, 8_000 * 40 / 1e9, 10_000_000), 1_000);
        assertTrue(WaitPlan.waitsForKernel(4096, 10_000 * 40 / 1e9), "fills in 10 ms: the kernel's wake-up");
        double twoThousand = 2_000 * 40 / 1e9;
        assertEquals(10_000_000, WaitPlan.consumerDelay(4096, twoThousand, 10_000_000), "the batch delay, 41 ms of room");
        // With a long batch delay, no longer than 10,000 records/s take to fill it: a jump to them holds.
        assertEquals(10_240_000, WaitPlan.consumerDelay(4096, twoThousand, 100_000_000), 1_000);
        assertEquals(10_240_000, WaitPlan.consumerDelay(4096, twoThousand, 25_000_000), 1_000, "the default batch delay");
        assertEquals(25_000_000, WaitPlan.consumerDelay(256 << 10, twoThousand, 25_000_000), "a larger ring waits it");
    }

    @Property
    void aTimerNeverWaitsLongerThanTenThousandRecordsASecondTakeToFillTheRing(
            @ForAll @IntRange(min = 12, max = 26) int sizeBits,
            @ForAll @DoubleRange(min = 0, max = 10) @net.jqwik.api.constraints.Scale(6) double bytesPerNano,
            @ForAll @LongRange(min = 0, max = 1_000_000_000) long batchDelay) {
        int size = 1 << sizeBits;
        long delay = WaitPlan.consumerDelay(size, bytesPerNano, batchDelay);
        assertTrue(delay <= batchDelay, "within the batch delay: " + delay);
        assertTrue(delay * WaitPlan.JUMP_BYTES_PER_NANO <= size + 1, "a jump to 10,000 records/s holds: " + delay);
    }

    /**
     * A producer at 5,000 records/s into Kmesh's 4 KiB ring whose 5 ms spans alternate 3,000 and
     * 7,000 records/s (connects as they come, or catching up after being descheduled): its mean
     * fills the ring in 20 ms, so the consumer reads on the timer; by its peak (7,000, 15 ms of fill)
     * it would wait for the kernel's wake-up at nearly every record. Each wait still plans for the
     * peak: a quarter of the ring at 7,000 records/s.
     */
    @Example
    void aJitteryProducerAtFiveThousandRecordsPerSecondIsReadOnTheTimerPlannedForItsPeak() {
        RingCursor ring = new FixedRing(4096);
        WaitPlan plan = new WaitPlan(10_000_000, 100_000_000, 0);
        long now = 0;
        long delay = 0;
        for (int span = 0; span < 200; span++) {
            now += 5_000_000;
            long records = span % 2 == 0 ? 15 : 35;
            plan.read(now);
            delay = plan.afterRecords(ring, records * 40, now);
        }
        assertTrue(!plan.waitsForKernel(ring), "read on the timer");
        assertTrue(WaitPlan.waitsForKernel(4096, 7_000 * 40 / 1e9), "by the peak, at the kernel's wake-ups");
        assertEquals(WaitPlan.delayFor(4096, 7_000 * 40 / 1e9, 10_000_000), delay, 50_000, "a quarter at the peak");
    }

    @Property
    void theMeanRateMovesTowardTheRateSeenAndNeverPastIt(@ForAll @DoubleRange(min = 0, max = 10) double previous,
                                                        @ForAll @LongRange(min = 0, max = 1_000_000) long bytes,
                                                        @ForAll @LongRange(min = 1, max = 10_000_000_000L) long span) {
        double seen = (double) bytes / span;
        double mean = WaitPlan.meanRate(previous, bytes, span);
        assertTrue(mean >= Math.min(previous, seen) - 1e-12 && mean <= Math.max(previous, seen) + 1e-12,
                "between " + previous + " and " + seen + ": " + mean);
        if (span >= 20 * WaitPlan.MEAN_TAU_NANOS) {
            assertEquals(seen, mean, 1e-6 * Math.max(1, Math.abs(previous - seen)), "a span of many time constants: the rate seen");
        }
    }

    /** A ring of a given size that a consumer reads; only its size and kind matter to the plan. */
    private record FixedRing(int size) implements RingCursor {
        @Override
        public int drain(RecordHandler handler) {
            return 0;
        }

        @Override
        public long producerPosition() {
            return 0;
        }

        @Override
        public long consumerPosition() {
            return 0;
        }

        @Override
        public long pendingBytes() {
            return 0;
        }

        @Override
        public long corruptions() {
            return 0;
        }

        @Override
        public long missed() {
            return 0;
        }
    }

    @Property
    void thePlannedRateIsAtLeastTheRateSeenAndForgetsPeaksSlowly(@ForAll @DoubleRange(min = 0, max = 10) double peak,
                                                                 @ForAll @LongRange(min = 0, max = 1_000_000) long bytes,
                                                                 @ForAll @LongRange(min = 1, max = 10_000_000_000L) long elapsed) {
        double planned = WaitPlan.plannedRate(peak, bytes, elapsed);
        assertTrue(planned >= (double) bytes / elapsed);
        assertTrue(planned <= Math.max(peak, (double) bytes / elapsed) + 1e-12);
        if (elapsed <= WaitPlan.PEAK_HALF_LIFE_NANOS) {
            assertTrue(planned >= peak / 2 - 1e-12, "a peak is at least halved only after a half-life");
        }
    }
}
