package net.kmesh.perf.bpf.ringbuf;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import net.kmesh.perf.bpf.libbpf.FastLibC;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that reads a source's rings. Each turn it lets the source follow its data plane
 * ({@link Source#tick}), drains every ring the source reads (the current one and those being
 * retired), then waits: after a read that found records, at most the batch delay and never longer
 * than the time the current ring takes to fill a quarter at the recent peak rate, so a small ring
 * (Kmesh's is 4 KiB) does not overflow because of the wait; rates are taken over spans of at least
 * 5 ms, so a producer's bursts do not pass for its rate; a read that only found it was lapped
 * (an observer) counts as a read that found records, so the wait that follows is short. These
 * waits are timers to the nanosecond. When the ring is empty a consumer waits in epoll until the
 * kernel signals data, never longer than the idle wait. An observer cannot rely on epoll: the
 * kernel's wake-up is lost to it whenever the real consumer empties the ring first. So while
 * records came recently (the decaying peak rate), it keeps reading on the timer at their pace, and
 * only once that pace is slower than the batch delay does it wait in epoll, for at most the batch
 * delay.
 * The epoll registration belongs to the current ring (its reader, not its fd number): a new ring
 * is registered when the source switches to it, whatever fd it got, and a ring given up is
 * deregistered. {@link #close()} wakes it, lets it drain once more and joins it.
 */
public final class RingConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingConsumer.class);
    private static final long BUSY_HEAD_PAUSE_NANOS = 20_000;
    /** The wait after records arrive on an idle ring, before their rate is known. */
    private static final long FIRST_DELAY_NANOS = 1_000_000;
    static final long PEAK_HALF_LIFE_NANOS = 1_000_000_000L;
    /**
     * The shortest span a rate is measured over. A producer writes in bursts (Kmesh's in softirqs
     * and syscalls, a test's every millisecond): bytes over the time since the last read would take
     * a burst that just arrived for a rate, and plan waits so short that most reads find nothing.
     */
    static final long RATE_WINDOW_NANOS = 5_000_000L;
    /**
     * The longest idle wait while the source's notice fd is watched: a pin made or removed wakes the
     * consumer at once, so the idle wait only bounds how late the source's slow upkeep runs.
     */
    static final long NOTICED_IDLE_WAIT_NANOS = 1_000_000_000L;
    /**
     * A consumer whose ring fills faster than this at the recent peak rate (Kmesh's 4 KiB ring above
     * about 4,000 records a second) waits for the kernel's wake-up after each read instead of a
     * timer: the wake-up comes with the first record written after the read, so the ring is nearly
     * empty whenever the consumer is woken, and a neighbour that holds the CPU for a few
     * milliseconds finds it with most of its room still free. Below this rate a timer batches reads.
     */
    static final long NOTIFIED_RING_NANOS = 25_000_000L;

    /** The rings to read and how to follow them; implemented by the probe's source follower. */
    public interface Source {
        /** The readers to drain now, the current ring's first; stable until the next {@link #tick}. */
        List<RingCursor> readers();

        /** The current ring's reader, or null while the source names none. */
        RingCursor currentReader();

        /** The current ring's map fd, to wait on with epoll while {@link #currentReader()} is its reader; -1 when none. */
        int waitFd();

        /** {@code reader} just handed over {@code records} records. */
        void drained(RingCursor reader, int records, long nowNanos);

        /** Follows the data plane: attaches, switches and retires rings. Cheap when nothing changed. */
        void tick(long nowNanos);

        /** Slow upkeep (stale starts), on this thread; the source decides how often it runs. */
        void sweep(long nowNanos);

        /**
         * An fd that becomes readable when the source may name another ring (a pin made or removed),
         * for the consumer to wait on beside the ring; {@link #tick} reads it. -1 when there is none.
         */
        default int noticeFd() {
            return -1;
        }
    }

    /** Called around each drain so that readers of the results see whole batches. */
    public interface BatchListener {
        void beginBatch();

        /**
         * @param newCorruptions impossible headers skipped in this batch
         * @param newMissed      records an observer could not read in this batch
         */
        void endBatch(long newCorruptions, long newMissed);
    }

    private final Source source;
    private final RecordHandler handler;
    private final BatchListener batches;
    private final long batchDelayNanos;
    private final long idleWaitNanos;
    private final Thread thread;
    private volatile Poller poller;
    /** Whether the poller watches the source's notice fd; consumer thread. */
    private boolean noticing;
    /** The reader whose ring the poller watches; consumer thread. */
    private RingCursor watched;
    private long lastDrainNanos;
    /** When the last turn began to wait in epoll for records; -1 when it did not. */
    private long idleSinceNanos = -1;
    /** Bytes the current ring filled with since {@link #windowStartNanos}, for the next rate taken. */
    private long windowBytes;
    private long windowStartNanos;
    /** Turns in a row that found data pending but nothing to read. */
    private int pendingPauses;
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
        FastLibC.bind();
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
        windowStartNanos = lastDrainNanos;
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
        RingCursor current = source.currentReader();
        watch(current);
        long before = current != null ? current.consumerPosition() : 0;
        int records = drainAll(now);
        if (stopping) {
            return;
        }
        if (records == 0 && current != null && current.consumerPosition() != before) {
            // Lapped (an observer): nothing handed over, but the ring moves fast; read again soon.
            records = -1;
        }
        long elapsed = now - lastDrainNanos;
        lastDrainNanos = now;
        // Records after a wait in epoll longer than a rate window come at a pace not known yet.
        boolean fromIdle = idleSinceNanos >= 0 && now - idleSinceNanos >= RATE_WINDOW_NANOS;
        idleSinceNanos = -1;
        if (records != 0) {
            pendingPauses = 0;
            long delay;
            long bytes = current != null ? current.consumerPosition() - before : 0;
            if (current == null) {
                delay = batchDelayNanos;
            } else if (bytes >= current.size() / 2) {
                // Half the ring filled during one wait planned for a quarter: the rate jumped; read again at once.
                delay = 0;
                peakRate = plannedRate(peakRate, bytes, elapsed);
                measure(bytes, now);
            } else if (fromIdle || peakRate == 0) {
                // The first records after a while, or no rate taken yet: their pace is unknown, and
                // after a while they came in a span not known either: the window starts again.
                if (fromIdle) {
                    windowBytes = 0;
                    windowStartNanos = now;
                } else {
                    measure(bytes, now);
                }
                delay = Math.min(delayFor(current.size(), peakRate, batchDelayNanos), FIRST_DELAY_NANOS);
            } else {
                measure(bytes, now);
                if (!current.consumes()) {
                    // An observer plans on the rate since its last read too: a burst shortens its next
                    // wait, since no wake-up of the kernel's can hurry it and what it is late for is lost.
                    peakRate = plannedRate(peakRate, bytes, elapsed);
                }
                delay = delayFor(current.size(), peakRate, batchDelayNanos);
            }
            if (delay > 0 && watched != null && current.consumes() && fillsWithin(current.size(), NOTIFIED_RING_NANOS)) {
                // Caught up: the kernel wakes the ring's waiters at the next record committed.
                poller.await((int) Math.max(1, batchDelayNanos / 1_000_000));
            } else if (delay > 0) {
                // A timer, to the nanosecond: epoll counts its timeout in whole milliseconds, and an
                // observer's epoll wake-ups are lost whenever the real consumer empties the ring first.
                LockSupport.parkNanos(this, delay);
            }
            return;
        }
        if (current != null && current.pendingBytes() > 0) {
            // A record is reserved but not committed yet, or another reader of a shared ring has not
            // freed what it read: epoll would return at once, so wait a little instead of spinning.
            LockSupport.parkNanos(this, pendingPauses++ < 50 ? BUSY_HEAD_PAUSE_NANOS : Math.min(batchDelayNanos,
                    idleWaitNanos));
            return;
        }
        pendingPauses = 0;
        if (current != null && !current.consumes()) {
            // An observer between records: the kernel's wake-ups are lost whenever the real consumer
            // empties the ring first, so while records came recently, read on a timer at their pace.
            measure(0, now);
            long delay = delayFor(current.size(), peakRate, batchDelayNanos);
            if (delay < batchDelayNanos) {
                LockSupport.parkNanos(this, delay);
                return;
            }
        }
        idleSinceNanos = now;
        if (watched != null || (current == null && poller != null)) {
            long idle = noticing ? Math.max(idleWaitNanos, NOTICED_IDLE_WAIT_NANOS) : idleWaitNanos;
            long wait = current == null || current.consumes() ? idle : Math.min(batchDelayNanos, idleWaitNanos);
            poller.await((int) Math.max(1, wait / 1_000_000));
        } else {
            LockSupport.parkNanos(this, current != null ? Math.min(batchDelayNanos, idleWaitNanos) : idleWaitNanos);
        }
    }

    /** Whether a ring of {@code size} bytes fills within {@code nanos} at the recent peak rate. */
    private boolean fillsWithin(int size, long nanos) {
        return peakRate * nanos > size;
    }

    /**
     * Adds {@code bytes} read at {@code now} to the rate window, and takes the window's rate into the
     * planned peak once the window spans {@link #RATE_WINDOW_NANOS}.
     */
    private void measure(long bytes, long now) {
        windowBytes += bytes;
        long span = now - windowStartNanos;
        if (span >= RATE_WINDOW_NANOS) {
            peakRate = plannedRate(peakRate, windowBytes, span);
            windowBytes = 0;
            windowStartNanos = now;
        }
    }

    /** Registers {@code current}'s ring with epoll if it is not the ring registered, and deregisters the one before. */
    private void watch(RingCursor current) {
        if (current == watched) {
            return;
        }
        int fd = current != null ? source.waitFd() : -1;
        Poller p = poller;
        int notice = source.noticeFd();
        if (p == null && (fd >= 0 || notice >= 0)) {
            p = new Poller();
            if (notice >= 0) {
                p.alsoWatch(notice);
                noticing = true;
            }
            synchronized (this) {
                poller = p;
            }
        }
        if (p != null) {
            if (fd >= 0) {
                p.watch(fd, !current.consumes());
            } else {
                p.unwatch();
            }
        }
        watched = fd >= 0 ? current : null;
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
        for (RingCursor r : source.readers()) {
            int n = drainOnce(r);
            source.drained(r, n, now);
            total += n;
        }
        return total;
    }

    /** Drains one ring once, on the calling thread: the consumer thread, or any thread before start. */
    private int drainOnce(RingCursor reader) {
        long corruptionsBefore = reader.corruptions();
        long missedBefore = reader.missed();
        batches.beginBatch();
        try {
            return reader.drain(handler);
        } finally {
            batches.endBatch(reader.corruptions() - corruptionsBefore, reader.missed() - missedBefore);
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
