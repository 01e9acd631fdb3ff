package net.kmesh.perf;

import java.time.Duration;
import java.util.Objects;

/**
 * The starts waiting in the source's start map: operations that began and have not ended. A
 * start that never ends (Kmesh's connect whose traffic control fails after its start probe) stays
 * until someone deletes it; once the map is full, starts fail and durations stop.
 *
 * @param pending    entries in the start map
 * @param stale      entries whose start is older than {@code staleAge}
 * @param capacity   the map's max entries
 * @param staleAge   the age beyond which a start is counted stale
 */
public record PendingStarts(long pending, long stale, long capacity, Duration staleAge) {
    /**
     * Validates the counts.
     *
     * @param pending  entries in the start map, not negative
     * @param stale    entries older than {@code staleAge}, at most {@code pending}
     * @param capacity the map's max entries
     * @param staleAge the age beyond which a start is stale, positive
     */
    public PendingStarts {
        Objects.requireNonNull(staleAge, "staleAge");
        if (pending < 0 || stale < 0 || stale > pending) {
            throw new IllegalArgumentException("pending " + pending + " and stale " + stale
                    + " must satisfy 0 <= stale <= pending");
        }
        if (staleAge.isNegative() || staleAge.isZero()) {
            throw new IllegalArgumentException("staleAge must be positive, got " + staleAge);
        }
    }
}
