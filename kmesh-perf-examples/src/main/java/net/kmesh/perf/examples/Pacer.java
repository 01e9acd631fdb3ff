package net.kmesh.perf.examples;

import java.time.Duration;

/**
 * Spreads a rate of operations evenly over time: at each tick, how many are due since the last.
 * The arithmetic is exact integers, so fractions carry over (5 per 10 s is one every two seconds)
 * and nothing drifts in a long run. After a stall the catch-up is capped: a tick never owes more
 * than {@code maxBatch}, the deficit is dropped.
 */
final class Pacer {
    private final long count;
    private final long periodNanos;
    private final long startNanos;
    private final int maxBatch;
    private long issued;

    /**
     * @param count      operations per {@code period}, 0 or more, at most 10^8
     * @param period     at most 100 s, so that the arithmetic cannot overflow
     * @param startNanos the clock at the start ({@link System#nanoTime()})
     * @param maxBatch   most operations one call of {@link #due} returns, at least 1
     */
    Pacer(long count, Duration period, long startNanos, int maxBatch) {
        if (count < 0 || count > 100_000_000 || period.isNegative() || period.isZero()
                || period.compareTo(Duration.ofSeconds(100)) > 0 || maxBatch < 1) {
            throw new IllegalArgumentException("count must be 0 to 10^8, period 1 ns to 100 s and maxBatch >= 1, got "
                    + count + ", " + period + " and " + maxBatch);
        }
        this.count = count;
        this.periodNanos = period.toNanos();
        this.startNanos = startNanos;
        this.maxBatch = maxBatch;
    }

    /** Operations due at {@code nowNanos} that were not returned before. */
    int due(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - startNanos);
        // Whole periods, then the part of one: remainder * count stays below 10^19.
        long target = elapsed / periodNanos * count + elapsed % periodNanos * count / periodNanos;
        long owed = target - issued;
        if (owed <= 0) {
            return 0;
        }
        if (owed > maxBatch) {
            owed = maxBatch;
            issued = target - maxBatch;
        }
        issued += owed;
        return (int) owed;
    }
}
