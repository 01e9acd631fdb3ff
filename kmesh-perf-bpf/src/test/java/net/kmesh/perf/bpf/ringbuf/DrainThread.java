package net.kmesh.perf.bpf.ringbuf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A Java reader on a thread of its own, keeping every record it reads: woken by epoll on the ring
 * as the monitor's consumer thread is, or (an observer, for which epoll says nothing) polling on
 * a timer.
 */
final class DrainThread implements AutoCloseable {
    private final RingCursor cursor;
    private final Poller poller;
    private final long pollNanos;
    private final List<KernelSample> seen = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile long position;
    private volatile int count;
    private boolean joined;

    private DrainThread(RingCursor cursor, Poller poller, long pollNanos) {
        this.cursor = cursor;
        this.poller = poller;
        this.pollNanos = pollNanos;
        this.position = cursor.consumerPosition();
        this.thread = new Thread(this::run, "drain-" + (poller == null ? "timer" : "epoll"));
        thread.setDaemon(true);
    }

    /** Reads {@code ring}'s cursor, waiting in epoll on the ring when there is nothing to read. */
    static DrainThread epoll(RingBuffer ring) {
        return new DrainThread(ring.reader(), new Poller(ring.mapFd()), 20_000);
    }

    /** Reads {@code cursor}, sleeping {@code pollNanos} when there is nothing to read. */
    static DrainThread timer(RingCursor cursor, long pollNanos) {
        return new DrainThread(cursor, null, pollNanos);
    }

    DrainThread start() {
        thread.start();
        return this;
    }

    private void run() {
        RecordHandler keep = (data, pos, length, mask) -> seen.add(KernelSample.of(data, pos, length, mask));
        int idle = 0;
        while (!stop) {
            int n = cursor.drain(keep);
            position = cursor.consumerPosition();
            count = seen.size();
            if (n > 0) {
                idle = 0;
            } else if (poller == null || cursor.pendingBytes() > 0 || ++idle > 1) {
                // A record being written, or epoll ready because the other reader lags behind us.
                LockSupport.parkNanos(poller == null ? pollNanos : 100_000);
            } else {
                poller.await(20);
            }
        }
    }

    /** This reader's position after its last drain. */
    long position() {
        return position;
    }

    int count() {
        return count;
    }

    /** Stops the thread, drains once more on the caller's thread, and returns every record read. */
    List<KernelSample> stopAndGet() {
        join();
        cursor.drain((data, pos, length, mask) -> seen.add(KernelSample.of(data, pos, length, mask)));
        return seen;
    }

    private void join() {
        if (!joined) {
            stop = true;
            if (poller != null) {
                poller.wake();
            }
            LockSupport.unpark(thread);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            joined = true;
        }
    }

    @Override
    public void close() {
        join();
        if (poller != null) {
            poller.close();
        }
    }
}
