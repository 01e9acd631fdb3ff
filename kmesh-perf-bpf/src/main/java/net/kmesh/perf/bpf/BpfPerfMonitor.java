package net.kmesh.perf.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordListener;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.libbpf.Capability;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.maps.MapCapabilities;
import net.kmesh.perf.bpf.maps.MapStatsCollector;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ops.ProbeCounters;
import net.kmesh.perf.bpf.ops.RecordDecoder;
import net.kmesh.perf.bpf.progs.ProgramStatsCollector;
import net.kmesh.perf.bpf.resources.DaemonUsageReader;
import net.kmesh.perf.bpf.resources.Mounts;
import net.kmesh.perf.bpf.ringbuf.RingConsumer;
import net.kmesh.perf.bpf.ringbuf.RingSources;
import net.kmesh.perf.bpf.samples.BundledSamples;

/**
 * The libbpf-backed {@link PerfMonitor}. Opening acquires, in order: the bundled BPF object or the
 * external source's map fds, the ring mappings, the consumer's epoll set; {@link #close()} stops
 * the consumer and releases them in reverse.
 */
public final class BpfPerfMonitor implements PerfMonitor {
    private static final Duration HOUSEKEEPING = Duration.ofSeconds(1);

    private final PerfMonitorConfig config;
    private final Capabilities capabilities;
    private final Resources resources;
    private final BundledSamples samples;
    private final SourceTracker source;
    private final OperationAggregator aggregator;
    private final RecordDecoder decoder;
    private final RingConsumer consumer;
    private final DaemonUsageReader daemon;
    private final MapStatsCollector mapStats;
    private final ProgramStatsCollector programStats;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BpfPerfMonitor(PerfMonitorConfig config, Capabilities capabilities, Resources resources,
                           BundledSamples samples, SourceTracker source, MapStatsCollector mapStats,
                           ProgramStatsCollector programStats) {
        this.config = config;
        this.capabilities = capabilities;
        this.resources = resources;
        this.samples = samples;
        this.source = source;
        this.aggregator = new OperationAggregator(config.maxOperationTypes());
        this.decoder = new RecordDecoder(aggregator);
        this.consumer = new RingConsumer(source.current().ring, decoder, new RingConsumer.BatchListener() {
            @Override
            public void beginBatch() {
                aggregator.beginBatch();
            }

            @Override
            public void endBatch(long newCorruptions) {
                if (newCorruptions > 0) {
                    aggregator.recordCorruptions(newCorruptions);
                }
                aggregator.endBatch();
            }
        }, config.batchDelay(), this::housekeeping, HOUSEKEEPING, "kmesh-perf-consumer");
        this.daemon = DaemonUsageReader.of(config.daemon());
        this.mapStats = mapStats;
        this.programStats = programStats;
    }

    /** Opens a monitor as {@code config} says; see {@link PerfMonitor#open(PerfMonitorConfig)}. */
    public static BpfPerfMonitor open(PerfMonitorConfig config) {
        return open(config, SampleOptions.none());
    }

    /**
     * Opens a monitor as {@code config} says, attaching the bundled samples {@code samples} names when
     * the source is {@link RecordSource.Samples}.
     */
    public static BpfPerfMonitor open(PerfMonitorConfig config, SampleOptions sampleOptions) {
        LibbpfLoader.Natives natives = LibbpfLoader.natives();
        List<String> notes = new ArrayList<>();
        Set<Feature> features = EnumSet.noneOf(Feature.class);
        requireRingBuffers(natives);
        features.add(Feature.RING_BUFFER);
        if (Mounts.bpffs().isPresent()) {
            features.add(Feature.BPFFS);
        } else {
            notes.add("no bpffs mounted: maps cannot be pinned or opened by path (mount -t bpf bpf /sys/fs/bpf)");
        }

        Resources resources = new Resources();
        try {
            BundledSamples samples = null;
            SourceTracker tracker;
            RecordSource source = config.source();
            if (source instanceof RecordSource.Samples bundled) {
                samples = resources.add(BundledSamples.open(bundled, sampleOptions, notes, features));
                var o = samples.object();
                AttachedSource attached = AttachedSource.attach(new AttachedSource.MapFds(
                        o.mapFd(BundledSamples.RING_MAP), Optional.of(o.mapFd(BundledSamples.COUNTER_MAP)),
                        Optional.of(o.mapFd(BundledSamples.MODE_MAP)), Optional.of(o.mapFd(BundledSamples.HISTOGRAM_MAP)),
                        Optional.of(o.mapFd(BundledSamples.START_MAP))), null, config);
                tracker = new SourceTracker("the bundled samples", attached, null, null, null);
            } else {
                Path pin = source instanceof RecordSource.Pinned p ? p.path()
                        : source instanceof RecordSource.Kmesh k ? kmeshRing(k) : null;
                String name = source instanceof RecordSource.Named n ? n.mapName() : null;
                String description = pin != null ? "pinned " + pin : "map named '" + name + "'";
                AttachedSource attached = attachExternal(pin, name, config);
                tracker = new SourceTracker(description, attached, pin, name, () -> attachExternal(pin, name, config));
            }
            resources.add(tracker);
            AttachedSource first = tracker.current();
            if (first.counters != null) {
                features.add(Feature.DROPPED_COUNTER);
            } else {
                notes.add("the source has no " + RingSources.COUNTER_MAP + " map: dropped records are not counted");
            }
            if (first.histogramCapable) {
                features.add(Feature.KERNEL_HISTOGRAM);
            }
            if (!config.histogramTypes().isEmpty() && first.histograms == null) {
                throw new KernelFeatureException("histogram mode was asked for operation types "
                        + config.histogramTypes() + " but the source has no " + RingSources.MODE_MAP + " and "
                        + RingSources.HISTOGRAM_MAP + " maps: its programs were built without kmesh_perf.h's "
                        + "histogram mode");
            }
            if (!config.staleStartAge().isZero() && first.staleStarts == null) {
                notes.add("the source has no " + RingSources.START_MAP + " map: stale starts are not swept");
            }
            MapStatsCollector mapStats = config.mapStatistics() ? openMapStats(config, resources, features, notes) : null;
            ProgramStatsCollector programStats = config.programStatistics()
                    ? openProgramStats(config, resources, features, notes) : null;
            Capabilities capabilities = new Capabilities(kernelRelease(), natives.version(), features, notes);
            return new BpfPerfMonitor(config, capabilities, resources, samples, tracker, mapStats, programStats);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * Opens map statistics and reads them once; without the privilege they need, the monitor goes
     * on without them and says why in the notes.
     */
    private static MapStatsCollector openMapStats(PerfMonitorConfig config, Resources resources, Set<Feature> features,
                                                  List<String> notes) {
        MapStatsCollector collector = null;
        try {
            collector = MapStatsCollector.open();
            collector.collect(config.maps());
        } catch (PrivilegeException e) {
            if (collector != null) {
                collector.close();
            }
            notes.add("map statistics are off: " + e.getMessage());
            return null;
        } catch (RuntimeException e) {
            if (collector != null) {
                collector.close();
            }
            throw e;
        }
        resources.add(collector);
        features.add(Feature.MAP_STATISTICS);
        MapCapabilities c = collector.capabilities();
        if (c.iterator()) {
            features.add(Feature.MAP_ITERATOR);
        }
        if (c.elemCountKfunc()) {
            features.add(Feature.MAP_ELEM_COUNT_KFUNC);
        }
        if (c.batchLookup()) {
            features.add(Feature.MAP_BATCH_LOOKUP);
        }
        notes.addAll(c.notes());
        return collector;
    }

    /** Opens program statistics; without CAP_SYS_ADMIN the monitor goes on without them. */
    private static ProgramStatsCollector openProgramStats(PerfMonitorConfig config, Resources resources,
                                                          Set<Feature> features, List<String> notes) {
        try {
            ProgramStatsCollector collector = resources.add(ProgramStatsCollector.open());
            features.add(Feature.BPF_STATS);
            return collector;
        } catch (PrivilegeException e) {
            notes.add("program statistics are off: " + e.getMessage());
            return null;
        }
    }

    private static AttachedSource attachExternal(Path pin, String name, PerfMonitorConfig config) {
        RingSources.Opened opened = pin != null ? RingSources.pinned(pin) : RingSources.named(name);
        return AttachedSource.attach(new AttachedSource.MapFds(opened.ring().get(),
                opened.counters().map(f -> f.get()), opened.modes().map(f -> f.get()),
                opened.histograms().map(f -> f.get()), opened.starts().map(f -> f.get())), opened, config);
    }

    private static Path kmeshRing(RecordSource.Kmesh k) {
        for (Path dir : k.mapDirectories()) {
            for (String name : new String[] {"km_perf_info", "kmesh_perf_info"}) {
                if (Files.exists(dir.resolve(name))) {
                    return dir.resolve(name);
                }
            }
        }
        return k.mapDirectories().get(0).resolve("km_perf_info");
    }

    private void housekeeping() {
        source.housekeeping(consumer, aggregator);
    }

    /**
     * Creates and closes a one-page ring buffer: the probe that tells a kernel without ring
     * buffers (EINVAL, an unknown map type) from a caller without privilege (EPERM). libbpf's own
     * probe answers "unsupported" for both.
     */
    private static void requireRingBuffers(LibbpfLoader.Natives natives) {
        int fd = natives.libbpf().bpf_map_create(MapType.RINGBUF, "kp_probe", 0, 0, natives.pageSize(), null);
        if (fd >= 0) {
            natives.libc().close(fd);
            return;
        }
        throw ringBufferProbeFailure(-fd, kernelRelease());
    }

    /** The exception for a failed ring-buffer probe with {@code errno} on kernel {@code release}. */
    static RuntimeException ringBufferProbeFailure(int errno, String release) {
        return switch (errno) {
            case Errno.EPERM -> new PrivilegeException("creating a BPF map was refused (EPERM): "
                    + (Capability.CAP_BPF.held() ? "" : "this process lacks CAP_BPF; ") + Errno.PRIVILEGE_HINT);
            case Errno.EINVAL -> new KernelFeatureException("the kernel " + release + " has no BPF ring buffers "
                    + "(BPF_MAP_TYPE_RINGBUF, Linux >= 5.8): kmesh-perf cannot read operation records on it");
            case Errno.ENOSYS -> new KernelFeatureException("the kernel " + release
                    + " has no bpf() system call (CONFIG_BPF_SYSCALL is off)");
            default -> Errno.failure("creating a BPF ring buffer", errno);
        };
    }

    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public PerfMonitorConfig config() {
        return config;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public PerfMonitor start() {
        if (closed.get()) {
            throw new IllegalStateException("the monitor is closed");
        }
        consumer.start();
        return this;
    }

    @Override
    public PerfSnapshot snapshot() {
        source.mergeHistograms(aggregator);
        OperationAggregator.Snapshot s = aggregator.snapshot(config::operationType);
        Optional<long[]> counters = source.counters();
        List<MapStats> maps = mapStats != null && !closed.get() ? collectQuietly(() -> mapStats.collect(config.maps()))
                : List.of();
        List<ProgramStats> programs = programStats != null && !closed.get()
                ? collectQuietly(() -> programStats.collect(config.programs())) : List.of();
        return new PerfSnapshot(Instant.now(), s.operations(), new RecordCounters(s.consumed(), s.invalid(), 0, 0,
                SourceTracker.slot(counters, ProbeCounters.DROPPED), SourceTracker.slot(counters, ProbeCounters.END_WITHOUT_START),
                s.listenerErrors(), s.corruptions(), source.staleStartsReaped()), source.status(), maps, programs,
                daemon.read(), capabilities.features());
    }

    /** A collection racing close() reads nothing rather than failing. */
    private <T> List<T> collectQuietly(java.util.function.Supplier<List<T>> collect) {
        try {
            return collect.get();
        } catch (IllegalStateException e) {
            if (closed.get()) {
                return List.of();
            }
            throw e;
        }
    }

    @Override
    public ListenerRegistration addRecordListener(RecordListener listener) {
        decoder.addListener(listener);
        return () -> decoder.removeListener(listener);
    }

    @Override
    public void setOperationMode(long operationType, OperationMode mode) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(samples) ? Optional.of(type.cast(samples)) : Optional.empty();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            consumer.close(resources::close);
        }
    }

    @Override
    public String toString() {
        return "BpfPerfMonitor[" + config.source() + (closed.get() ? ", closed" : "") + "]";
    }
}
