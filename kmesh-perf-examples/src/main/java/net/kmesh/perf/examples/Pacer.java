package net.kmesh.perf.examples;

/**
 * Spreads a rate of operations evenly over time: at each tick, how many are due since the last.
 * Fractions carry over, so 0.5 operations per second is one every two seconds. After a stall the
 * catch-up is capped: a tick never owes more than {@code maxBatch}, the deficit is dropped.
 */
final class Pacer {
    private final double perSecond;
    private final long startNanos;
    private final long maxBatch;
    private long issued;

    /**
     * @param perSecond  operations per second, 0 or more
     * @param startNanos the clock at the start ({@link System#nanoTime()})
     * @param maxBatch   most operations one call of {@link #due} returns, at least 1
     */
    Pacer(double perSecond, long startNanos, long maxBatch) {
        if (!(perSecond >= 0) || maxBatch < 1) {
            throw new IllegalArgumentException("perSecond must be >= 0 and maxBatch >= 1, got " + perSecond
                    + " and " + maxBatch);
        }
        this.perSecond = perSecond;
        this.startNanos = startNanos;
        this.maxBatch = maxBatch;
    }

    /** Operations due at {@code nowNanos} that were not returned before. */
    int due(long nowNanos) {
        // Seconds first, then the rate: keeps the product small enough for a double to be exact.
        long target = (long) Math.floor((nowNanos - startNanos) / 1e9 * perSecond);
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
