package net.kmesh.perf.bpf.probe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps stale starts out of the current incarnation's start map, at most every two seconds, and
 * keeps the number of starts deleted over every incarnation. {@link #sweep} runs on the consumer
 * thread only; the totals may be read from any thread.
 */
final class StartSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(StartSweeper.class);
    static final long SWEEP_NANOS = 2_000_000_000L;

    /** Consumer thread only. */
    private long lastSweep;
    /** Guarded by this: starts deleted in incarnations already released. */
    private long reapedBefore;

    /** Whether the last sweep is old enough for another; the sweeping thread's. */
    boolean due(long nowNanos) {
        return nowNanos - lastSweep >= SWEEP_NANOS;
    }

    /** Sweeps {@code starts} (the current incarnation's, or null) if the last sweep is old enough. */
    void sweep(long nowNanos, StaleStarts starts) {
        if (!due(nowNanos)) {
            return;
        }
        lastSweep = nowNanos;
        if (starts != null) {
            try {
                starts.sweep(System.nanoTime());
            } catch (RuntimeException e) {
                LOG.warn("sweeping stale starts failed: {}", e.getMessage());
            }
        }
    }

    /** Keeps what a released incarnation's start map deleted. */
    synchronized void released(StaleStarts starts) {
        reapedBefore = ProbeCounts.plus(reapedBefore, starts.reaped());
    }

    /** Starts deleted over every incarnation: those released and the {@code live} ones. */
    synchronized long reaped(Iterable<StaleStarts> live) {
        long n = reapedBefore;
        for (StaleStarts s : live) {
            n = ProbeCounts.plus(n, s.reaped());
        }
        return n;
    }
}
