package net.kmesh.perf.bpf.probe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the probe's counter totals across the data plane's restarts: the last values of every
 * counter map any incarnation used, by map id, so that a counter map shared by two incarnations is
 * counted once and one that is gone keeps what it counted. Thread-safe.
 */
final class CounterTotals {
    private final Map<Integer, ProbeCounts> byMapId = new LinkedHashMap<>();
    private boolean known;

    /** An incarnation was attached; {@code counters} is null when its probe has no counter map. */
    synchronized void attached(ProbeCounters counters) {
        known = counters != null;
        if (counters != null) {
            byMapId.putIfAbsent(counters.mapId(), ProbeCounts.ZERO);
        }
    }

    /** Whether the last incarnation attached has a counter map. */
    synchronized boolean known() {
        return known;
    }

    /** Reads {@code counters} and keeps the values (a last time, for an incarnation being released). */
    synchronized void update(ProbeCounters counters) {
        byMapId.put(counters.mapId(), counters.read());
    }

    /**
     * The totals over every incarnation, the {@code live} ones read now; empty while unknown.
     *
     * @throws RuntimeException when reading a live counter map fails
     */
    synchronized Optional<ProbeCounts> total(Iterable<ProbeCounters> live) {
        if (!known) {
            return Optional.empty();
        }
        for (ProbeCounters c : live) {
            update(c);
        }
        ProbeCounts sum = ProbeCounts.ZERO;
        for (ProbeCounts c : byMapId.values()) {
            sum = sum.plus(c);
        }
        return Optional.of(sum);
    }
}
