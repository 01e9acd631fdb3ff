package net.kmesh.perf.bpf.ringbuf;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import net.kmesh.perf.bpf.ProducerPriority;

/**
 * Writes records into a {@link SampleRing} at a named rate, in bursts of at most a set size: a
 * producer descheduled for a moment catches up, but never in a burst larger than that.
 */
final class PacedProducer {
    /** What was written: committed, dropped (reserves that failed), and the rate achieved. */
    record Result(long committed, long dropped, double perSecond) {
    }

    private PacedProducer() {
    }

    /** Writes at {@code perSecond} for {@code length} on the calling thread, raised in priority meanwhile. */
    static Result produce(SampleRing ring, int perSecond, Duration length, int maxBurst) {
        ProducerPriority.raise();
        try {
            return paced(ring, perSecond, length, maxBurst);
        } finally {
            ProducerPriority.lower();
        }
    }

    private static Result paced(SampleRing ring, int perSecond, Duration length, int maxBurst) {
        long committed = 0;
        long dropped = 0;
        int batch = 0;
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long written = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            long owed = (now - start) * perSecond / 1_000_000_000L - written;
            if (owed > 0) {
                long[] r = ring.produce((int) Math.min(owed, maxBurst), ++batch);
                committed += r[0];
                dropped += r[1];
                written += r[0] + r[1];
            }
            LockSupport.parkNanos(maxBurst * 1_000_000_000L / 2 / perSecond);
        }
        return new Result(committed, dropped, written * 1e9 / (System.nanoTime() - start));
    }
}
