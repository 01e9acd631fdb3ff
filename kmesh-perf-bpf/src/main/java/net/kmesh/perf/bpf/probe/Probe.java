package net.kmesh.perf.bpf.probe;

import java.util.List;
import java.util.Map;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.RecordSource.ReadMode;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ringbuf.RecordSizes;
import net.kmesh.perf.bpf.ringbuf.RingBuffer;
import net.kmesh.perf.bpf.ringbuf.RingCursor;

/**
 * One incarnation of a probe, attached: its maps, the ring's mapping and reader, and the readers and
 * writers of the probe's other maps where the data plane has them. A data plane that restarts makes
 * a new incarnation. {@link #close()} puts back the modes it changed and releases everything in
 * reverse order of acquisition.
 */
final class Probe implements AutoCloseable {
    private final ProbeMaps maps;
    private final RingBuffer ring;
    private final ProbeCounters counters;
    private final OperationModes modes;
    private final KernelHistograms histograms;
    private final StaleStarts staleStarts;
    private final Resources resources;
    private long lastRecordNanos;

    private Probe(ProbeMaps maps, RingBuffer ring, ProbeCounters counters, OperationModes modes,
                  KernelHistograms histograms, StaleStarts staleStarts, Resources resources) {
        this.maps = maps;
        this.ring = ring;
        this.counters = counters;
        this.modes = modes;
        this.histograms = histograms;
        this.staleStarts = staleStarts;
        this.resources = resources;
        this.lastRecordNanos = System.nanoTime();
    }

    /**
     * Attaches to {@code maps} (owned from now on: released on failure too), sets {@code operationModes}
     * and maps the ring to read it in {@code mode}.
     *
     * @param notes           receives what the probe lacks and why
     * @param fromFirstRecord the ring was made while the monitor watched: read it from its first record
     * @param sizes           the sizes of records the source's observers read, to size those they skip
     */
    static Probe attach(ProbeMaps maps, ReadMode mode, PerfMonitorConfig config, Map<Long, OperationMode> operationModes,
                        List<String> notes, boolean fromFirstRecord, RecordSizes sizes) {
        Resources resources = new Resources();
        resources.add(maps);
        try {
            ProbeCounters counters = maps.counters()
                    .map(c -> resources.add(new ProbeCounters(c.fd(), c.id()))).orElse(null);
            OperationModes modes = maps.modes().map(m -> resources.add(new OperationModes(m.fd()))).orElse(null);
            if (modes != null) {
                operationModes.forEach(modes::set);
            } else if (!operationModes.isEmpty()) {
                notes.add(maps.origin() + " has no mode map (" + ProbeLayout.namesOf(ProbeLayout.MODES)
                        + "): its programs were built without kmesh_perf.h's modes, so operation modes "
                        + operationModes + " cannot be set");
            }
            KernelHistograms histograms = modes != null && maps.histograms().isPresent()
                    ? new KernelHistograms(maps.histograms().get().fd(), modes) : null;
            StaleStarts stale = null;
            if (!config.staleStartAge().isZero() && maps.starts().isPresent()) {
                ProbeMaps.MapHandle starts = maps.starts().get();
                stale = StaleStarts.of(starts.fd(), starts.info(), config.staleStartAge().toNanos(), notes);
            }
            RingBuffer ring = resources.add(RingBuffer.map(maps.ring().fd(), mode == ReadMode.OBSERVE, sizes));
            if (fromFirstRecord) {
                ring.readFromFirstRecord();
            }
            return new Probe(maps, ring, counters, modes, histograms, stale, resources);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    int ringId() {
        return maps.ring().id();
    }

    int ringFd() {
        return maps.ring().fd();
    }

    ProbeMaps maps() {
        return maps;
    }

    RingCursor reader() {
        return ring.reader();
    }

    /** The counters, or null when the data plane has no counter map. */
    ProbeCounters counters() {
        return counters;
    }

    /** The mode map, or null when the data plane has none. */
    OperationModes modes() {
        return modes;
    }

    /** The sweeper of stale starts, or null. */
    StaleStarts staleStarts() {
        return staleStarts;
    }

    /** Whether the data plane's programs can keep histograms in the kernel. */
    boolean histogramCapable() {
        return histograms != null;
    }

    void mergeHistograms(OperationAggregator aggregator) {
        if (histograms != null) {
            histograms.mergeInto(aggregator);
        }
    }

    /** Notes that the last drain found records (for the grace period of a ring being retired). */
    void sawRecords(long nowNanos) {
        lastRecordNanos = nowNanos;
    }

    long lastRecordNanos() {
        return lastRecordNanos;
    }

    @Override
    public void close() {
        resources.close();
    }

    @Override
    public String toString() {
        return "Probe[" + maps + "]";
    }
}
