package net.kmesh.perf.bpf.ringbuf;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that reads a source's rings. Each turn it lets the source follow its data plane
 * ({@link Source#tick}), drains every ring the source reads (the current one and those being
 * retired), then waits: after a read that found records, at most the batch delay and never longer
 * than the time the current ring takes to fill a quarter at the rate just seen, so a small ring
 * (Kmesh's is 4 KiB) does not overflow because of the wait; when the ring is empty, in epoll until
 * the kernel signals data (consume mode) or for a short poll (observe mode, or no ring yet).
 * {@link #close()} wakes it, lets it drain once more and joins it.
 */
public final class RingConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingConsumer.class);
    private static final long BUSY_HEAD_PAUSE_NANOS = 20_000;
    /** The wait after records arrive on an idle ring, before their rate is known. */
    private static final long FIRST_DELAY_NANOS = 1_000_000;
    static final long PEAK_HALF_LIFE_NANOS = 1_000_000_000L;

    /** The rings to read and how to follow them; implemented by the probe's source follower. */
    public interface Source {
        /** The readers to drain now, the current ring's first; stable until the next {@link #tick}. */
        List<RingReader> readers();

        /** The current ring's reader, or null while the source names none. */
        RingReader currentReader();

        /** The fd to wait on with epoll (the current ring, when consuming it), or -1 to poll on a timer. */
        int waitFd();

        /** {@code reader} just handed over {@code records} records. */
        void drained(RingReader reader, int records, long nowNanos);

        /** Follows the data plane: attaches, switches and retires rings. Cheap when nothing changed. */
        void tick(long nowNanos);

        /** Slow upkeep (stale starts), on this thread; the source decides how often it runs. */
        void sweep(long nowNanos);
    }

    /** Called around each drain so that readers of the results see whole batches. */
    public interface BatchListener {
        void beginBatch();

        void endBatch(long newCorruptions);
    }

    private final Source source;
    private final RecordHandler handler;
    private final BatchListener batches;
    private final long batchDelayNanos;
    private final long idleWaitNanos;
    private final Thread thread;
    private volatile Poller poller;
    private int polledFd = -1;
    private long lastDrainNanos;
    /** The last turn found records and waited a known delay: this turn's bytes over its time are a rate. */
    private boolean delayed;
    /** Bytes per nanosecond the current ring was seen to fill at recently (decaying peak). */
    private double peakRate;
    private volatile boolean stopping;
    private boolean started;
    private Runnable afterStop;

    /**
     * @param batchDelay the longest wait after a read that found records
     * @param idleWait   the longest wait while nothing arrives: how soon a restarted data plane is noticed
     */
    public RingConsumer(Source source, RecordHandler handler, BatchListener batches, Duration batchDelay,
                        Duration idleWait, String threadName) {
        this.source = source;
        this.handler = handler;
        this.batches = batches;
        this.batchDelayNanos = batchDelay.toNanos();
        this.idleWaitNanos = idleWait.toNanos();
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts the thread; a second call does nothing. */
    public synchronized void start() {
        if (!started && !stopping) {
            started = true;
            thread.start();
        }
    }

    private void run() {
        lastDrainNanos = System.nanoTime();
        while (!stopping) {
            try {
                turn();
            } catch (RuntimeException e) {
                LOG.error("ring-buffer consumer failed; retrying in 100 ms", e);
                LockSupport.parkNanos(this, 100_000_000L);
            }
        }
        // Records committed before close() are counted too.
        try {
            drainAll(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("the last drain before closing failed: {}", e.getMessage());
        }
        Runnable release;
        synchronized (this) {
            release = afterStop;
            afterStop = null;
        }
        if (release != null) {
            release.run();
        }
    }

    private void turn() {
        long now = System.nanoTime();
        source.tick(now);
        source.sweep(now);
        RingReader current = source.currentReader();
        long before = current != null ? current.consumerPosition() : 0;
        int records = drainAll(now);
        if (stopping) {
            return;
        }
        long elapsed = now - lastDrainNanos;
        lastDrainNanos = now;
        boolean rateKnown = delayed;
        delayed = false;
        if (records > 0) {
            long delay;
            long bytes = current != null ? current.consumerPosition() - before : 0;
            if (current == null) {
                delay = batchDelayNanos;
            } else if (bytes >= current.size() / 4) {
                // A quarter of the ring filled during one wait: read again at once.
                delay = 0;
                peakRate = plannedRate(peakRate, bytes, elapsed);
            } else if (rateKnown) {
                peakRate = plannedRate(peakRate, bytes, elapsed);
                delay = delayFor(current.size(), peakRate, batchDelayNanos);
            } else {
                // Woken from idle by the first records: their rate is unknown until the next read.
                delay = Math.min(delayFor(current.size(), peakRate, batchDelayNanos), FIRST_DELAY_NANOS);
            }
            if (delay > 0) {
                LockSupport.parkNanos(this, delay);
            }
            delayed = true;
            return;
        }
        if (current != null && current.producerPosition() != current.consumerPosition()) {
            // A record is reserved but not committed yet: epoll would return at once.
            LockSupport.parkNanos(this, BUSY_HEAD_PAUSE_NANOS);
            return;
        }
        int fd = source.waitFd();
        if (fd >= 0) {
            pollOn(fd).await((int) Math.max(1, idleWaitNanos / 1_000_000));
        } else {
            LockSupport.parkNanos(this, current != null ? Math.min(batchDelayNanos, idleWaitNanos) : idleWaitNanos);
        }
    }

    /**
     * How long to wait after a read, for a ring of {@code ringSize} bytes filling at
     * {@code bytesPerNano}: the batch delay, but never longer than a quarter of the ring takes to
     * fill at that rate.
     */
    static long delayFor(int ringSize, double bytesPerNano, long batchDelayNanos) {
        if (!(bytesPerNano > 0)) {
            return batchDelayNanos;
        }
        return (long) Math.min(batchDelayNanos, (ringSize / 4) / bytesPerNano);
    }

    /**
     * The rate to plan the next wait for: the rate just seen, or the recent peak decaying with a
     * half-life of {@link #PEAK_HALF_LIFE_NANOS}, whichever is higher. A producer that pauses for a
     * moment (or is descheduled) does not stretch the wait a burst right after it would overflow.
     */
    static double plannedRate(double previousPeak, long bytes, long elapsedNanos) {
        double seen = elapsedNanos > 0 ? (double) bytes / elapsedNanos : 0;
        double decayed = previousPeak * Math.pow(0.5, (double) Math.max(0, elapsedNanos) / PEAK_HALF_LIFE_NANOS);
        return Math.max(seen, decayed);
    }

    private int drainAll(long now) {
        int total = 0;
        for (RingReader r : source.readers()) {
            int n = drainOnce(r);
            source.drained(r, n, now);
            total += n;
        }
        return total;
    }

    private Poller pollOn(int fd) {
        if (poller == null || polledFd != fd) {
            Poller next = new Poller(fd);
            if (poller != null) {
                poller.close();
            }
            poller = next;
            polledFd = fd;
        }
        return poller;
    }

    /** Drains one ring once, on the calling thread: the consumer thread, or any thread before start. */
    private int drainOnce(RingReader reader) {
        long corruptionsBefore = reader.corruptions();
        batches.beginBatch();
        try {
            return reader.drain(handler);
        } finally {
            batches.endBatch(reader.corruptions() - corruptionsBefore);
        }
    }

    /** Stops and joins the thread. Idempotent. */
    @Override
    public void close() {
        close(() -> { });
    }

    /**
     * Stops the thread, then runs {@code release} (which may unmap the rings) once the thread no
     * longer reads: after joining it, or, when called from the consumer thread itself (a listener
     * closing the monitor), when that thread leaves its loop. Idempotent: only the first call's
     * {@code release} runs.
     */
    public void close(Runnable release) {
        Runnable all = () -> {
            Poller p = poller;
            if (p != null) {
                p.close();
            }
            release.run();
        };
        boolean onConsumer = Thread.currentThread() == thread;
        Poller p;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            if (onConsumer) {
                afterStop = all;
                return;
            }
            if (!started) {
                all.run();
                return;
            }
            p = poller;
        }
        if (p != null) {
            p.wake();
        }
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            LockSupport.unpark(thread);
            Poller now = poller;
            if (now != null && thread.isAlive()) {
                now.wake();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        all.run();
    }
}
