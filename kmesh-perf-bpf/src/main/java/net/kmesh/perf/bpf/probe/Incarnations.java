package net.kmesh.perf.bpf.probe;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ringbuf.RingCursor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a source's incarnations: the current probe and those still draining after the source
 * switched, and the figures summed over all of them (counter totals, stale starts reaped, kernel
 * histograms), released ones included. Its {@link SourceFollower} changes what is held and closes
 * what it is given back; any thread may read the figures. Thread-safe; a probe is only handed back
 * for closing once it is no longer among the {@link #readers()}.
 */
public final class Incarnations {
    private static final Logger LOG = LoggerFactory.getLogger(Incarnations.class);
    /** A ring no longer named is released once it has stayed empty this long. */
    static final long GRACE_NANOS = 1_000_000_000L;

    private final CounterTotals totals = new CounterTotals();
    private final StartSweeper sweeper = new StartSweeper();
    private Probe current;
    private final List<Probe> draining = new ArrayList<>();
    private long attachments;
    /**
     * The readers of the rings held, made again whenever what is held changes and read without the
     * lock at every turn of the consumer (the lock, taken by scrapes too, stays inflated, and the
     * agent's JIT enters an inflated lock through the runtime).
     */
    private volatile Held held = new Held(List.of(), null);

    /** Every ring's reader, the current one first, and the current one's (null while there is none). */
    private record Held(List<RingCursor> readers, RingCursor current) {
        boolean anyDraining() {
            return readers.size() > (current != null ? 1 : 0);
        }
    }

    /** Makes {@code probe} the current incarnation; returns how many were attached before it. */
    synchronized long adopt(Probe probe) {
        totals.attached(probe.counters());
        current = probe;
        heldChanged();
        return attachments++;
    }

    /** {@code read} of the current incarnation (null while there is none), which stays current meanwhile. */
    synchronized <T> T withCurrent(Function<Probe, T> read) {
        return read.apply(current);
    }

    /** Incarnations attached after the first: the data plane's restarts seen. */
    synchronized long restarts() {
        return Math.max(0, attachments - 1);
    }

    /**
     * Moves the current incarnation to the draining ones when the source now names another ring
     * ({@code named}, or none); returns whether it did.
     */
    synchronized boolean leave(int named, long nowNanos) {
        if (current == null || named == current.ringId()) {
            return false;
        }
        draining.add(current);
        current.sawRecords(nowNanos);
        current = null;
        heldChanged();
        return true;
    }

    /** Whether the current incarnation reads ring {@code ringId} and none drains: nothing to follow. */
    synchronized boolean steadyOn(int ringId) {
        return current != null && current.ringId() == ringId && draining.isEmpty();
    }

    /** The readers of every ring held, the current one first; the same list until what is held changes. */
    List<RingCursor> readers() {
        return held.readers();
    }

    /** The current incarnation's reader, or null while there is none. */
    RingCursor currentReader() {
        return held.current();
    }

    private void heldChanged() {
        List<RingCursor> all = new ArrayList<>(1 + draining.size());
        if (current != null) {
            all.add(current.reader());
        }
        for (Probe p : draining) {
            all.add(p.reader());
        }
        held = new Held(List.copyOf(all), current != null ? current.reader() : null);
    }

    /** {@code reader} handed records over at {@code nowNanos}: a draining ring it reads is not empty yet. */
    void sawRecords(RingCursor reader, long nowNanos) {
        if (held.anyDraining()) {
            sawDrainingRecords(reader, nowNanos);
        }
    }

    private synchronized void sawDrainingRecords(RingCursor reader, long nowNanos) {
        // Indexed, not for-each: this runs at every read that found records, and the agent's JVM
        // (C1 only, no escape analysis) allocated an iterator each time, a young GC's worth a minute.
        for (int i = 0; i < draining.size(); i++) {
            Probe p = draining.get(i);
            if (p.reader() == reader) {
                p.sawRecords(nowNanos);
            }
        }
    }

    /** Removes the draining incarnations that stayed empty for the grace period, their figures kept. */
    List<Probe> retire(long nowNanos) {
        return held.anyDraining() ? retireDrained(nowNanos) : List.of();
    }

    private synchronized List<Probe> retireDrained(long nowNanos) {
        List<Probe> done = new ArrayList<>();
        for (Probe p : draining) {
            if (p.reader().pendingBytes() == 0 && nowNanos - p.lastRecordNanos() >= GRACE_NANOS) {
                done.add(p);
            }
        }
        if (!done.isEmpty()) {
            draining.removeAll(done);
            heldChanged();
        }
        for (Probe p : done) {
            fold(p);
        }
        return done;
    }

    /** Removes every incarnation, figures kept, in the order to close them: the current one last. */
    synchronized List<Probe> releaseAll() {
        List<Probe> all = new ArrayList<>(draining);
        if (current != null) {
            all.add(0, current);
        }
        for (Probe p : all) {
            fold(p);
        }
        current = null;
        draining.clear();
        heldChanged();
        Collections.reverse(all);
        return all;
    }

    /** Keeps what an incarnation counted, its counters read one last time; under the lock, so no total misses it. */
    private void fold(Probe p) {
        if (p.counters() != null) {
            try {
                totals.update(p.counters());
            } catch (RuntimeException e) {
                LOG.debug("reading the counters of ring {} a last time failed: {}", p.ringId(), e.getMessage());
            }
        }
        if (p.staleStarts() != null) {
            sweeper.released(p.staleStarts());
        }
    }

    /** Deletes stale starts of the current incarnation, at most every two seconds; never holding the lock. */
    void sweep(long nowNanos) {
        if (!sweeper.due(nowNanos)) {
            return;
        }
        StaleStarts s;
        synchronized (this) {
            s = current != null ? current.staleStarts() : null;
        }
        sweeper.sweep(nowNanos, s);
    }

    /** Merges the kernel's histograms of the rings held into {@code aggregator}. */
    public synchronized void mergeHistograms(OperationAggregator aggregator) {
        if (current != null) {
            current.mergeHistograms(aggregator);
        }
        for (Probe p : draining) {
            p.mergeHistograms(aggregator);
        }
    }

    /**
     * The probe's two counters over every incarnation, each empty while unknown (no counter map).
     *
     * @param dropped          records dropped in the kernel
     * @param endsWithoutStart ends without a start
     */
    public record Counters(OptionalLong dropped, OptionalLong endsWithoutStart) {
        /** Neither counter known. */
        public static final Counters UNKNOWN = new Counters(OptionalLong.empty(), OptionalLong.empty());
    }

    /**
     * Both counters from one read of the live counter maps: what a snapshot takes, instead of
     * reading the maps once for each counter.
     */
    public synchronized Counters counters() {
        Optional<ProbeCounts> t = totals.total(live(Probe::counters));
        return t.isPresent() ? new Counters(OptionalLong.of(t.get().dropped()), OptionalLong.of(t.get().endsWithoutStart()))
                : Counters.UNKNOWN;
    }

    /** Whether the last incarnation attached has a counter map. */
    public boolean countersKnown() {
        return totals.known();
    }

    /** Stale starts deleted, over every incarnation. */
    public synchronized long staleStartsReaped() {
        return sweeper.reaped(live(Probe::staleStarts));
    }

    /** {@code part} of every incarnation held (draining, then current), where it has one. */
    private <T> List<T> live(Function<Probe, T> part) {
        List<T> parts = new ArrayList<>(1 + draining.size());
        for (Probe p : draining) {
            T t = part.apply(p);
            if (t != null) {
                parts.add(t);
            }
        }
        T t = current != null ? part.apply(current) : null;
        if (t != null) {
            parts.add(t);
        }
        return parts;
    }

    /** Whether the attached probe has a mode map. */
    public synchronized boolean hasModes() {
        return current != null && current.modes() != null;
    }

    /** Whether the attached probe keeps histograms in the kernel. */
    public synchronized boolean histogramCapable() {
        return current != null && current.histogramCapable();
    }

    /**
     * A copy of the current incarnation's start-map fd, the caller's to close (a walk of it then
     * holds no lock); empty while there is none.
     */
    public synchronized Optional<Fd> startMapCopy() {
        return current == null ? Optional.empty() : current.maps().starts().map(h -> Fd.copyOf(h.fd()));
    }
}
