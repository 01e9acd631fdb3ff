package net.kmesh.perf.bpf;

import java.util.Optional;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.ops.KernelHistograms;
import net.kmesh.perf.bpf.ops.ProbeCounters;
import net.kmesh.perf.bpf.ops.StaleStarts;
import net.kmesh.perf.bpf.ringbuf.RingBuffer;

/**
 * Everything the monitor holds of one incarnation of its source: the ring mapping and, where the
 * source has them, the probe's counters, histograms and start map. Built from map fds (owned by
 * {@code fds}, or borrowed from the bundled object); {@link #close()} releases it in reverse.
 */
final class AttachedSource implements AutoCloseable {
    final RingBuffer ring;
    final int ringId;
    final ProbeCounters counters;
    final KernelHistograms histograms;
    final StaleStarts staleStarts;
    /** The source has the probe's histogram maps, whether or not a type is in histogram mode. */
    final boolean histogramCapable;
    private final Resources resources;

    private AttachedSource(RingBuffer ring, ProbeCounters counters, KernelHistograms histograms,
                           StaleStarts staleStarts, boolean histogramCapable, Resources resources) {
        this.ring = ring;
        this.ringId = MapInfo.of(ring.mapFd()).id();
        this.counters = counters;
        this.histograms = histograms;
        this.staleStarts = staleStarts;
        this.histogramCapable = histogramCapable;
        this.resources = resources;
    }

    /** The map fds of a source; absent ones are maps the source does not have. */
    record MapFds(int ring, Optional<Integer> counters, Optional<Integer> modes, Optional<Integer> histograms,
                  Optional<Integer> starts) {
    }

    /**
     * Attaches to the maps in {@code maps}; {@code owner}, if not null, owns their fds and is closed
     * last. On failure everything acquired is released.
     */
    static AttachedSource attach(MapFds maps, AutoCloseable owner, PerfMonitorConfig config) {
        Resources resources = new Resources();
        if (owner != null) {
            resources.add(owner);
        }
        try {
            ProbeCounters counters = maps.counters().map(fd -> resources.add(new ProbeCounters(fd))).orElse(null);
            KernelHistograms histograms = null;
            if (!config.histogramTypes().isEmpty() && maps.modes().isPresent() && maps.histograms().isPresent()) {
                histograms = resources.add(new KernelHistograms(maps.modes().get(), maps.histograms().get(),
                        config.histogramTypes()));
            }
            StaleStarts stale = null;
            if (!config.staleStartAge().isZero() && maps.starts().isPresent()) {
                stale = new StaleStarts(maps.starts().get(), config.staleStartAge().toNanos());
            }
            RingBuffer ring = resources.add(RingBuffer.map(maps.ring()));
            return new AttachedSource(ring, counters, histograms, stale,
                    maps.modes().isPresent() && maps.histograms().isPresent(), resources);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    @Override
    public void close() {
        resources.close();
    }
}
