package net.kmesh.perf.bpf.maps;

import net.kmesh.perf.MapStats.CountMethod;

/**
 * How a {@link MapStatsCollector} counts and how many fds it may keep: {@link #defaults()} is what
 * a monitor uses; tests and benchmarks force a counting method or another fd budget.
 *
 * @param countFrom the first counting method tried: {@link CountMethod#ITERATOR}, {@link CountMethod#BATCH}
 *                  or {@link CountMethod#KEY_WALK}; with BATCH no map is counted by the iterator, with
 *                  KEY_WALK every map that is not an array or ring buffer is walked, and maps a method
 *                  cannot count fall back to the next
 * @param required  opening fails when this kernel lacks {@code countFrom}, instead of falling back
 * @param heldFds   file descriptors held between scrapes at most (0: open and close every map a scrape reads)
 */
public record MapStatsOptions(CountMethod countFrom, boolean required, int heldFds) {
    /** File descriptors a collector holds between scrapes at most, unless told otherwise. */
    public static final int DEFAULT_HELD_FDS = 1024;

    public MapStatsOptions {
        if (countFrom != CountMethod.ITERATOR && countFrom != CountMethod.BATCH && countFrom != CountMethod.KEY_WALK) {
            throw new IllegalArgumentException("counting can start at ITERATOR, BATCH or KEY_WALK, not " + countFrom);
        }
        if (heldFds < 0) {
            throw new IllegalArgumentException("the number of fds held between scrapes must be at least 0, got " + heldFds);
        }
    }

    /** The cheapest method that works for each map, at most {@link #DEFAULT_HELD_FDS} fds held. */
    public static MapStatsOptions defaults() {
        return new MapStatsOptions(CountMethod.ITERATOR, false, DEFAULT_HELD_FDS);
    }

    /** These options, counting from {@code method} and failing to open when the kernel lacks it. */
    public MapStatsOptions countingFrom(CountMethod method) {
        return new MapStatsOptions(method, true, heldFds);
    }

    /** These options, holding at most {@code fds} file descriptors between scrapes. */
    public MapStatsOptions holding(int fds) {
        return new MapStatsOptions(countFrom, required, fds);
    }
}
