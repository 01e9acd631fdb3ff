package net.kmesh.perf.micrometer;

import java.time.Duration;
import java.util.function.Supplier;
import net.kmesh.perf.PerfSnapshot;

/** The monitor's snapshot, taken again only when the last one is older than the time to live. */
final class SnapshotCache {
    private final Supplier<PerfSnapshot> source;
    private final long ttlNanos;
    private PerfSnapshot last;
    private long takenAt;

    SnapshotCache(Supplier<PerfSnapshot> source, Duration ttl) {
        this.source = source;
        this.ttlNanos = ttl.toNanos();
    }

    synchronized PerfSnapshot get() {
        long now = System.nanoTime();
        if (last == null || now - takenAt >= ttlNanos) {
            last = source.get();
            takenAt = now;
        }
        return last;
    }
}
