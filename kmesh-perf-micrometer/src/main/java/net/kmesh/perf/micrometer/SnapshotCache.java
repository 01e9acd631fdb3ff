package net.kmesh.perf.micrometer;

import java.time.Duration;
import java.util.function.Supplier;
import net.kmesh.perf.PerfSnapshot;

/**
 * The monitor's snapshot for the meters of every registry the binder is bound to. A snapshot that
 * cannot be taken is null (the failure is logged once per change of state), never an exception.
 */
final class SnapshotCache {
    private final Supplier<PerfSnapshot> source;
    private final long ttlNanos;
    private final StateLog log;
    private PerfSnapshot last;
    private long takenAt;
    private boolean taken;

    SnapshotCache(Supplier<PerfSnapshot> source, Duration ttl, StateLog log) {
        this.source = source;
        this.ttlNanos = ttl.toNanos();
        this.log = log;
    }

    /** The snapshot taken within the time to live, or a new one; null when taking it failed. */
    synchronized PerfSnapshot get() {
        long now = System.nanoTime();
        return taken && now - takenAt < ttlNanos ? last : take(now);
    }

    /** A new snapshot (the one {@link #get()} returns next), or null when taking it failed. */
    synchronized PerfSnapshot fresh() {
        return take(System.nanoTime());
    }

    private PerfSnapshot take(long now) {
        PerfSnapshot s;
        try {
            s = source.get();
            if (s == null) {
                throw new IllegalStateException("the monitor returned no snapshot");
            }
            log.ok("the monitor's snapshot (every kmesh-perf series)");
        } catch (RuntimeException | LinkageError e) {
            log.failed("the monitor's snapshot (every kmesh-perf series)", e);
            s = null;
        }
        last = s;
        takenAt = now;
        taken = true;
        return s;
    }
}
