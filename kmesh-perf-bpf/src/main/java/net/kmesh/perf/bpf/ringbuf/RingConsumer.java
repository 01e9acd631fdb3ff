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
 * retired), then waits as its {@link WaitPlan} says: on a timer to the nanosecond after records
 * (epoll counts whole milliseconds), in epoll for the kernel's wake-up where the ring fills fast or
 * nothing comes. A read that only found it was lapped (an observer) counts as a read that found
 * records, so the wait that follows is short.
 * The epoll registration belongs to the current ring (its reader, not its fd number): a new ring
 * is registered when the source switches to it, whatever fd it got, and a ring given up is
 * deregistered. {@link #close()} wakes it, lets it drain once more and joins it.
 */
public final class RingConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingConsumer.class);
    /**
     * The longest idle wait while the source's notice fd is watched and sees every change
     * ({@link Source#noticesEveryChange()}): a pin made or removed wakes the consumer at once, so the
     * idle wait only bounds how late the source's slow upkeep runs.
     */
    static final long NOTICED_IDLE_WAIT_NANOS = 1_000_000_000L;
    private static final int TURNS_PER_CALL = 16;

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

        /**
         * Follows the data plane: attaches, switches and retires rings. Cheap when nothing changed.
         *
         * @param noticed false when the consumer's wait found {@link #noticeFd()} with nothing to
         *                read, so that reading it can be skipped; true when it did or cannot tell
         */
        void tick(long nowNanos, boolean noticed);

        /** Slow upkeep (stale starts), on this thread; the source decides how often it runs. */
        void sweep(long nowNanos);

        /**
         * An fd that becomes readable when the source may name another ring (a pin made or removed),
         * for the consumer to wait on beside the ring; {@link #tick} reads it. -1 when there is none.
         */
        default int noticeFd() {
            return -1;
        }

        /**
         * Whether {@link #noticeFd()} sees now every change that could name another ring (every pin
         * directory is watched), so that an idle consumer may wait long; false while one is not.
         */
        default boolean noticesEveryChange() {
            return noticeFd() >= 0;
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
    /** The consumer thread's: set when it starts. */
    private WaitPlan plan;
    private volatile Poller poller;
    /** Whether the poller watches the source's notice fd; consumer thread. */
    private boolean noticing;
    /** Whether the notice fd may be readable: false only right after an epoll wait that said it was not. */
    private boolean noticed = true;
    /** The reader whose ring the poller watches; consumer thread. */
    private RingCursor watched;
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
        plan = new WaitPlan(batchDelayNanos, idleWaitNanos, System.nanoTime());
        while (!stopping) {
            turns();
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

    /**
     * Up to {@link #TURNS_PER_CALL} turns. The loop is here, not in {@link #run()}: a loop in a
     * method called once is compiled only after about 60,000 rounds (on-stack replacement), minutes
     * at a few hundred turns a second, and until then each turn went through the interpreter (a
     * fifteenth of the thread's CPU in a profile of the agent at 5,000 records/s); this method is
     * compiled after a hundred or so calls.
     */
    private void turns() {
        for (int i = 0; i < TURNS_PER_CALL && !stopping; i++) {
            try {
                turn();
            } catch (RuntimeException e) {
                LOG.error("ring-buffer consumer failed; retrying in 100 ms", e);
                LockSupport.parkNanos(this, 100_000_000L);
            }
        }
    }

    private void turn() {
        long now = System.nanoTime();
        source.tick(now, noticed);
        noticed = true;
        source.sweep(now);
        RingCursor current = source.currentReader();
        watch(current);
        long before = current != null ? current.consumerPosition() : 0;
        int records = drainAll(now);
        if (stopping) {
            return;
        }
        plan.read(now);
        long moved = current != null ? current.consumerPosition() - before : 0;
        // A lapped observer hands over nothing, but the ring moves fast: read again soon.
        if (records != 0 || moved != 0) {
            long delay = plan.afterRecords(current, moved, now);
            if (delay > 0 && watched != null && plan.waitsForKernel(current)) {
                // Caught up: the kernel wakes the ring's waiters at the next record committed.
                poller.await((int) Math.max(1, batchDelayNanos / 1_000_000));
                noticed = poller.alsoReady();
            } else if (delay >= 1_000_000 && poller != null && current != null && current.consumes()) {
                // A consumer's timer of whole milliseconds (the rest is dropped: shorter is safe) in
                // an epoll set without the ring, which says whether the source's notice fd needs
                // reading: a park could not, and the read it then took cost a tenth of the thread's CPU.
                poller.sleep((int) (delay / 1_000_000));
                noticed = poller.alsoReady();
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
            LockSupport.parkNanos(this, plan.pendingPause(current.size()));
            return;
        }
        if (current != null && !current.consumes()) {
            // An observer between records: the kernel's wake-ups are lost whenever the real consumer
            // empties the ring first, so while records came recently, read on a timer at their pace.
            long gap = plan.observerGap(current, now);
            if (gap >= 0) {
                LockSupport.parkNanos(this, gap);
                return;
            }
        }
        plan.idle(now);
        if (watched != null || (current == null && poller != null)) {
            long idle = noticing && source.noticesEveryChange() ? Math.max(idleWaitNanos, NOTICED_IDLE_WAIT_NANOS)
                    : idleWaitNanos;
            long wait = current == null || current.consumes() ? idle : plan.timerWait(current.size());
            poller.await((int) Math.max(1, wait / 1_000_000));
            noticed = poller.alsoReady();
        } else {
            LockSupport.parkNanos(this, current != null ? plan.timerWait(current.size()) : idleWaitNanos);
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

    private int drainAll(long now) {
        int total = 0;
        List<RingCursor> readers = source.readers();
        // Indexed: a for-each allocates an iterator per turn where the JIT does no escape analysis (C1).
        for (int i = 0; i < readers.size(); i++) {
            RingCursor r = readers.get(i);
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
