package net.kmesh.perf.bpf.probe;

import java.time.Duration;
import java.util.Optional;
import net.kmesh.perf.PendingStarts;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.MapInfo;

/**
 * Reads how many starts wait in the source's start map and how many of them are stale, read only:
 * it never deletes (that is {@link StaleStarts}'s, when the user asks for the sweep). A walk of
 * Kmesh's map may visit 131,072 entries, so a reading is kept for {@link #REFRESH_NANOS} and
 * snapshots in between get it again.
 */
public final class StartMapReader {
    static final long REFRESH_NANOS = 5_000_000_000L;

    private final Duration staleAge;
    private PendingStarts last;
    private long readAt;

    /** @param staleAge the age beyond which a start counts as stale, positive */
    public StartMapReader(Duration staleAge) {
        if (staleAge.isNegative() || staleAge.isZero()) {
            throw new IllegalArgumentException("staleAge must be positive, got " + staleAge);
        }
        this.staleAge = staleAge;
    }

    /**
     * The pending and stale starts of {@code source}'s start map now (or up to
     * {@link #REFRESH_NANOS} ago); empty when the source has no start map.
     *
     * @throws net.kmesh.perf.PerfMonitorException when the map cannot be read
     */
    public synchronized Optional<PendingStarts> read(SourceFollower source) {
        long now = System.nanoTime();
        if (last != null && now - readAt < REFRESH_NANOS) {
            return Optional.of(last);
        }
        Optional<Fd> copy = source.incarnations().startMapCopy();
        if (copy.isEmpty()) {
            last = null;
            return Optional.empty();
        }
        try (Fd fd = copy.get()) {
            MapInfo info = MapInfo.of(fd.get());
            StartCensus.Count c = StartCensus.walk(fd.get(), info, System.nanoTime(), staleAge.toNanos(), key -> { });
            last = new PendingStarts(c.pending(), c.stale(), info.maxEntries(), staleAge);
            readAt = now;
            return Optional.of(last);
        }
    }
}
