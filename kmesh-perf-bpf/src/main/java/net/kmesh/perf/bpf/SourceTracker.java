package net.kmesh.perf.bpf;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ops.ProbeCounters;
import net.kmesh.perf.bpf.ringbuf.RingConsumer;
import net.kmesh.perf.bpf.ringbuf.RingSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's current incarnation and its history. For a running Kmesh's maps, housekeeping
 * checks whether the pin path or map name still names the ring being read; when Kmesh restarts
 * it names a new one (or none for a while), and the tracker re-attaches to it. Counts of earlier
 * incarnations are kept, so totals never go back.
 */
final class SourceTracker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceTracker.class);
    private static final long CHECK_NANOS = 2_000_000_000L;

    private final String description;
    private final Path pin;
    private final String name;
    private final Supplier<AttachedSource> reattach;
    private AttachedSource current;
    private long droppedBefore;
    private long endsWithoutStartBefore;
    private long reapedBefore;
    private long reattachments;
    private String problem;
    private long lastCheck;
    private long lastSweep;
    private boolean closed;

    /**
     * @param reattach opens the source again, or null for a source that cannot change (the bundled one)
     */
    SourceTracker(String description, AttachedSource first, Path pin, String name, Supplier<AttachedSource> reattach) {
        this.description = description;
        this.current = first;
        this.pin = pin;
        this.name = name;
        this.reattach = reattach;
        if (first.histograms != null) {
            first.histograms.addListener(this::onHistogram);
        }
    }

    private void onHistogram(long type, net.kmesh.perf.DurationHistogram added, long sum, long max) {
    }

    synchronized AttachedSource current() {
        return current;
    }


    /** On the consumer thread: sweeps stale starts and follows a source that changed. */
    void housekeeping(RingConsumer consumer, OperationAggregator aggregator) {
        long now = System.nanoTime();
        AttachedSource source;
        synchronized (this) {
            if (closed) {
                return;
            }
            source = current;
        }
        if (source.staleStarts != null && now - lastSweep >= CHECK_NANOS) {
            lastSweep = now;
            try {
                source.staleStarts.sweep(System.nanoTime());
            } catch (RuntimeException e) {
                LOG.warn("sweeping stale starts failed: {}", e.getMessage());
            }
        }
        if (reattach == null || now - lastCheck < CHECK_NANOS) {
            return;
        }
        lastCheck = now;
        int id;
        try {
            id = RingSources.currentRingId(pin, name);
        } catch (RuntimeException e) {
            noteProblem("cannot look the source up: " + e.getMessage());
            return;
        }
        if (id == source.ringId) {
            clearProblem();
            return;
        }
        if (id < 0) {
            noteProblem(description + " names no ring buffer since " + Instant.now()
                    + " (the data plane stopped?); reading the last one until it is back");
            return;
        }
        AttachedSource next;
        try {
            next = reattach.get();
        } catch (RuntimeException e) {
            noteProblem(description + " now names map " + id + " but attaching to it failed: " + e.getMessage());
            return;
        }
        consumer.replaceRing(next.ring);
        synchronized (this) {
            retire(current, aggregator);
            current = next;
            if (next.histograms != null) {
                next.histograms.addListener(this::onHistogram);
            }
            reattachments++;
            problem = null;
        }
        LOG.info("{} now names ring buffer map {}: re-attached (ring {} before)", description, next.ringId, source.ringId);
    }

    private synchronized void noteProblem(String p) {
        if (problem == null || !problem.startsWith(p.substring(0, Math.min(p.length(), 40)))) {
            LOG.warn(p);
        }
        problem = p;
    }

    private synchronized void clearProblem() {
        problem = null;
    }

    /** Keeps what the old incarnation counted, then releases it. */
    private void retire(AttachedSource old, OperationAggregator aggregator) {
        if (old.histograms != null) {
            old.histograms.mergeInto(aggregator);
        }
        if (old.counters != null) {
            long[] c = old.counters.read();
            droppedBefore += c[ProbeCounters.DROPPED];
            endsWithoutStartBefore += c[ProbeCounters.END_WITHOUT_START];
        }
        if (old.staleStarts != null) {
            reapedBefore += old.staleStarts.reaped();
        }
        old.close();
    }

    /** Merges kernel histograms into {@code aggregator}. */
    synchronized void mergeHistograms(OperationAggregator aggregator) {
        if (current.histograms != null) {
            current.histograms.mergeInto(aggregator);
        }
    }

    /** [dropped, endsWithoutStart] over every incarnation; empty when the source has no counter map. */
    synchronized Optional<long[]> counters() {
        if (current.counters == null) {
            return Optional.empty();
        }
        long[] c = current.counters.read();
        return Optional.of(new long[] {droppedBefore + c[ProbeCounters.DROPPED],
            endsWithoutStartBefore + c[ProbeCounters.END_WITHOUT_START]});
    }

    synchronized long staleStartsReaped() {
        return reapedBefore + (current.staleStarts != null ? current.staleStarts.reaped() : 0);
    }

    synchronized SourceStatus status() {
        return new SourceStatus(description, problem == null ? SourceStatus.State.ATTACHED : SourceStatus.State.WAITING,
                net.kmesh.perf.RecordSource.ReadMode.CONSUME, java.util.OptionalInt.of(current.ringId), reattachments,
                Optional.ofNullable(problem));
    }

    static OptionalLong slot(Optional<long[]> counters, int index) {
        return counters.map(c -> OptionalLong.of(c[index])).orElse(OptionalLong.empty());
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            current.close();
        }
    }
}
