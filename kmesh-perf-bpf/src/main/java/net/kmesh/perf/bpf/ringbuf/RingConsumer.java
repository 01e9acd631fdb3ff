package net.kmesh.perf.bpf.ringbuf;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that reads a ring buffer: it drains the ring, waits a batch delay when it found
 * records (bounding wake-ups whatever the rate), and otherwise sleeps in epoll until the kernel
 * signals data. {@link #close()} wakes it through an eventfd, lets it drain once more and joins it.
 */
public final class RingConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingConsumer.class);
    private static final int IDLE_WAIT_MILLIS = 500;
    private static final long BUSY_HEAD_PAUSE_NANOS = 20_000;

    /** Called around each drain so that readers of the results see whole batches. */
    public interface BatchListener {
        void beginBatch();

        void endBatch(long newCorruptions);
    }

    private RingCursor reader;
    private final RecordHandler handler;
    private final BatchListener batches;
    private final long batchDelayNanos;
    private Poller poller;
    private final Thread thread;
    private final Runnable housekeeping;
    private final long housekeepingNanos;
    private long lastHousekeeping;
    private volatile boolean stopping;
    private boolean started;
    private Runnable afterStop;

    /**
     * @param housekeeping runs on the consumer thread, between reads, about once per
     *                     {@code housekeepingInterval}; it may call {@link #replaceRing}
     */
    public RingConsumer(RingBuffer ring, RecordHandler handler, BatchListener batches, Duration batchDelay,
                        Runnable housekeeping, Duration housekeepingInterval, String threadName) {
        this.reader = ring.reader();
        this.handler = handler;
        this.batches = batches;
        this.batchDelayNanos = batchDelay.toNanos();
        this.housekeeping = housekeeping;
        this.housekeepingNanos = housekeepingInterval.toNanos();
        this.poller = new Poller(ring.mapFd());
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /**
     * From now on reads {@code next} instead of the current ring, after reading what is left in
     * the current one. Only from the housekeeping task (the consumer thread) or before start; the
     * caller then releases the old ring.
     */
    public void replaceRing(RingBuffer next) {
        drainOnce();
        Poller nextPoller = new Poller(next.mapFd());
        Poller old = poller;
        poller = nextPoller;
        reader = next.reader();
        old.close();
    }

    /** Starts the thread; a second call does nothing. */
    public synchronized void start() {
        if (!started && !stopping) {
            started = true;
            thread.start();
        }
    }

    private void run() {
        lastHousekeeping = System.nanoTime();
        while (!stopping) {
            try {
                long now = System.nanoTime();
                if (now - lastHousekeeping >= housekeepingNanos) {
                    lastHousekeeping = now;
                    housekeeping.run();
                }
                long before = reader.consumerPosition();
                int n = drainOnce();
                if (stopping) {
                    break;
                }
                if (n > 0) {
                    // A quarter of the ring filled during one delay: read again at once rather than
                    // wait for it to overflow.
                    if (batchDelayNanos > 0 && reader.consumerPosition() - before < reader.size() / 4) {
                        LockSupport.parkNanos(this, batchDelayNanos);
                    }
                } else if (reader.producerPosition() != reader.consumerPosition()) {
                    // A record is reserved but not committed yet: epoll would return at once.
                    LockSupport.parkNanos(this, BUSY_HEAD_PAUSE_NANOS);
                } else {
                    poller.await(IDLE_WAIT_MILLIS);
                }
            } catch (RuntimeException e) {
                LOG.error("ring-buffer consumer failed; retrying in 100 ms", e);
                LockSupport.parkNanos(this, 100_000_000L);
            }
        }
        // Records committed before close() are counted too.
        drainOnce();
        Runnable release;
        synchronized (this) {
            release = afterStop;
            afterStop = null;
        }
        if (release != null) {
            release.run();
        }
    }

    /** Drains the ring once, on the calling thread: the consumer thread, or any thread before start. */
    private int drainOnce() {
        long corruptionsBefore = reader.corruptions();
        batches.beginBatch();
        try {
            return reader.drain(handler);
        } finally {
            batches.endBatch(reader.corruptions() - corruptionsBefore);
        }
    }

    /** Stops and joins the thread, then releases the poller. Idempotent. */
    @Override
    public void close() {
        close(() -> { });
    }

    /**
     * Stops the thread, then runs {@code release} (which may unmap the ring) once the thread no
     * longer reads: after joining it, or, when called from the consumer thread itself (a listener
     * closing the monitor), when that thread leaves its loop. Idempotent: only the first call's
     * {@code release} runs.
     */
    public void close(Runnable release) {
        Runnable all = () -> {
            poller.close();
            release.run();
        };
        boolean onConsumer = Thread.currentThread() == thread;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            if (onConsumer) {
                afterStop = all;
                return;
            }
        }
        poller.wake();
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        all.run();
    }
}
