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
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordListener;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.bpf.libbpf.Capability;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.maps.MapCapabilities;
import net.kmesh.perf.bpf.maps.MapStatsCollector;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ops.RecordDecoder;
import net.kmesh.perf.bpf.probe.ProbeMaps;
import net.kmesh.perf.bpf.probe.SourceFollower;
import net.kmesh.perf.bpf.progs.ProgramStatsCollector;
import net.kmesh.perf.bpf.resources.DaemonUsageReader;
import net.kmesh.perf.bpf.resources.Mounts;
import net.kmesh.perf.bpf.ringbuf.RingConsumer;
import net.kmesh.perf.bpf.samples.BundledSamples;
import net.kmesh.perf.bpf.samples.SampleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libbpf-backed {@link PerfMonitor}. Opening acquires, in order: the bundled samples (when they
 * are the source), the source's probe (or a follower waiting for it), map and program statistics;
 * {@link #close()} stops the consumer and releases them in reverse. A snapshot reads each family
 * (operations, counters, maps, programs, daemon) on its own: one that fails is empty for that
 * snapshot, says why once in the log, and is missing from {@link PerfSnapshot#features()}.
 */
public final class BpfPerfMonitor implements PerfMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(BpfPerfMonitor.class);
    /** How soon, at most, a data plane's restart is noticed while its ring is idle. */
    private static final Duration EXTERNAL_IDLE_WAIT = Duration.ofMillis(100);
    private static final Duration SAMPLES_IDLE_WAIT = Duration.ofMillis(500);
    private static final long SCAN_MILLIS = 250;

    private final PerfMonitorConfig config;
    private final Capabilities capabilities;
    private final Resources resources;
    private final BundledSamples samples;
    private final SourceFollower source;
    private final OperationAggregator aggregator;
    private final RecordDecoder decoder;
    private final RingConsumer consumer;
    private final DaemonUsageReader daemon;
    private final MapStatsCollector mapStats;
    private final ProgramStatsCollector programStats;
    private final Family operationsFamily = new Family("operation durations");
    private final Family countersFamily = new Family("record counters");
    private final Family mapsFamily = new Family("map statistics");
    private final Family programsFamily = new Family("program statistics");
    private final Family daemonFamily = new Family("daemon usage");
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private ScheduledExecutorService scanner;

    private BpfPerfMonitor(PerfMonitorConfig config, Capabilities capabilities, Resources resources,
                           BundledSamples samples, SourceFollower source, MapStatsCollector mapStats,
                           ProgramStatsCollector programStats, DaemonUsageReader daemon) {
        this.config = config;
        this.capabilities = capabilities;
        this.resources = resources;
        this.samples = samples;
        this.source = source;
        this.aggregator = new OperationAggregator(config.maxOperationTypes());
        this.decoder = new RecordDecoder(aggregator);
        this.consumer = new RingConsumer(source, decoder, new RingConsumer.BatchListener() {
            @Override
            public void beginBatch() {
                aggregator.beginBatch();
            }

            @Override
            public void endBatch(long newCorruptions, long newMissed) {
                if (newCorruptions > 0) {
                    aggregator.recordCorruptions(newCorruptions);
                }
                if (newMissed > 0) {
                    aggregator.recordMissed(newMissed);
                }
                aggregator.endBatch();
            }
        }, config.batchDelay(), samples != null ? SAMPLES_IDLE_WAIT : EXTERNAL_IDLE_WAIT, "kmesh-perf-consumer");
        this.daemon = daemon;
        this.mapStats = mapStats;
        this.programStats = programStats;
    }

    /** Opens a monitor as {@code config} says; see {@link PerfMonitor#open(PerfMonitorConfig)}. */
    public static BpfPerfMonitor open(PerfMonitorConfig config) {
        return open(config, SampleOptions.none());
    }

    /**
     * Opens a monitor as {@code config} says, attaching the bundled samples {@code sampleOptions}
     * names when the source is {@link RecordSource.Samples} (ignored otherwise).
     *
     * @param config        what to monitor
     * @param sampleOptions which sample programs to attach
     * @return the open monitor, not started
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
            SourceFollower follower;
            if (config.source() instanceof RecordSource.Samples bundled) {
                samples = resources.add(BundledSamples.open(bundled, sampleOptions, notes, features));
                follower = resources.add(SourceFollower.of(ProbeMaps.of(samples.object()), config, notes));
            } else {
                follower = resources.add(SourceFollower.open(config.source(), config, notes));
            }
            if (follower.status().up()) {
                features.add(Feature.OPERATIONS);
                if (follower.countersKnown()) {
                    features.add(Feature.DROPPED_COUNTER);
                } else {
                    notes.add(config.source().describe() + " has no counter map (kmesh_perf_cnt or km_perf_cnt): "
                            + "dropped records are unknown");
                }
                if (follower.histogramCapable()) {
                    features.add(Feature.KERNEL_HISTOGRAM);
                }
                if (follower.hasModes()) {
                    features.add(Feature.OPERATION_MODES);
                }
            } else {
                notes.add(follower.status().problem().orElse("the source names no ring buffer yet")
                        + ": waiting for it");
            }
            MapStatsCollector mapStats = config.mapStatistics() ? openMapStats(config, resources, features, notes) : null;
            ProgramStatsCollector programStats = config.programStatistics()
                    ? openProgramStats(resources, features, notes) : null;
            DaemonUsageReader daemon = DaemonUsageReader.of(config.daemon());
            DaemonUsageReader.Reading first = daemon.reading();
            if (first.matched()) {
                features.add(Feature.DAEMON);
            } else {
                notes.add("daemon usage: " + first.problem().orElse(config.daemon().describe() + " matches nothing")
                        + "; its CPU and memory are reported once it matches");
            }
            Capabilities capabilities = new Capabilities(kernelRelease(), natives.version(), features, notes);
            return new BpfPerfMonitor(config, capabilities, resources, samples, follower, mapStats, programStats,
                    daemon);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
        }
    }

    /**
     * Opens map statistics and reads them once; without the privilege they need, or when the first
     * read fails, the monitor goes on without them and says why in the notes.
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
        } catch (PerfMonitorException e) {
            if (collector == null) {
                notes.add("map statistics are off: " + e.getMessage());
                return null;
            }
            // A passing condition (no fd left, no memory): snapshots try again.
            notes.add("map statistics could not be read at open, snapshots try again: " + e.getMessage());
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
    private static ProgramStatsCollector openProgramStats(Resources resources, Set<Feature> features,
                                                          List<String> notes) {
        try {
            ProgramStatsCollector collector = resources.add(ProgramStatsCollector.open());
            features.add(Feature.BPF_STATS);
            return collector;
        } catch (PrivilegeException e) {
            notes.add("program statistics are off: " + e.getMessage());
            return null;
        }
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
                    + (Capability.CAP_BPF.held() ? "" : "this process lacks CAP_BPF; ") + Errno.PRIVILEGE_HINT,
                    errno, null);
            case Errno.EINVAL -> new KernelFeatureException("the kernel " + release + " has no BPF ring buffers "
                    + "(BPF_MAP_TYPE_RINGBUF, Linux >= 5.8): kmesh-perf cannot read operation records on it", errno, null);
            case Errno.ENOSYS -> new KernelFeatureException("the kernel " + release
                    + " has no bpf() system call (CONFIG_BPF_SYSCALL is off)", errno, null);
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
        if (started.compareAndSet(false, true)) {
            if (source.scans()) {
                scanner = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "kmesh-perf-locator");
                    t.setDaemon(true);
                    return t;
                });
                scanner.scheduleWithFixedDelay(this::scan, SCAN_MILLIS, SCAN_MILLIS, TimeUnit.MILLISECONDS);
            }
            consumer.start();
        }
        return this;
    }

    private void scan() {
        try {
            source.scan();
        } catch (RuntimeException e) {
            LOG.debug("looking for the source's ring failed: {}", e.getMessage());
        }
    }

    @Override
    public PerfSnapshot snapshot() {
        Set<Feature> features = EnumSet.noneOf(Feature.class);
        features.addAll(capabilities.features());
        features.removeAll(EnumSet.of(Feature.OPERATIONS, Feature.DROPPED_COUNTER, Feature.KERNEL_HISTOGRAM,
                Feature.OPERATION_MODES, Feature.MAP_STATISTICS, Feature.BPF_STATS, Feature.DAEMON));
        boolean open = !closed.get();

        SourceStatus status = source.status();
        if (status.up()) {
            features.add(Feature.OPERATIONS);
            if (source.hasModes()) {
                features.add(Feature.OPERATION_MODES);
            }
        }
        if (open && operationsFamily.run(() -> {
            source.mergeHistograms(aggregator);
            return Boolean.TRUE;
        }).isPresent() && source.histogramCapable()) {
            features.add(Feature.KERNEL_HISTOGRAM);
        }
        OperationAggregator.Snapshot s = aggregator.snapshot(config::operationType);
        OptionalLong dropped = countersFamily.run(source::dropped).orElse(OptionalLong.empty());
        OptionalLong endsWithoutStart = countersFamily.run(source::endsWithoutStart).orElse(OptionalLong.empty());
        if (dropped.isPresent()) {
            features.add(Feature.DROPPED_COUNTER);
        }
        long reaped = countersFamily.run(source::staleStartsReaped).orElse(0L);

        List<MapStats> maps = List.of();
        if (mapStats != null && open) {
            Optional<List<MapStats>> m = mapsFamily.run(() -> mapStats.collect(config.maps()));
            if (m.isPresent()) {
                maps = m.get();
                features.add(Feature.MAP_STATISTICS);
            }
        }
        List<ProgramStats> programs = List.of();
        if (programStats != null && open) {
            Optional<List<ProgramStats>> p = programsFamily.run(() -> programStats.collect(config.programs()));
            if (p.isPresent()) {
                programs = p.get();
                features.add(Feature.BPF_STATS);
            }
        }
        Optional<ResourceUsage> usage = daemonFamily.run(daemon::reading).flatMap(DaemonUsageReader.Reading::usage);
        if (usage.isPresent()) {
            features.add(Feature.DAEMON);
        }
        RecordCounters records = new RecordCounters(s.consumed(), s.invalid(), s.typeOverflow(), s.missed(), dropped,
                endsWithoutStart, s.listenerErrors(), s.corruptions(), reaped);
        return new PerfSnapshot(Instant.now(), s.operations(), records, status, maps, programs, usage, features);
    }

    /**
     * One family of a snapshot: read on its own, so that its failure leaves the others intact. A
     * failure is logged when it starts or changes, and its recovery once.
     */
    private static final class Family {
        private final String name;
        /** What kind of failure is going on (exception class and errno), or null. */
        private String failing;

        Family(String name) {
            this.name = name;
        }

        <T> Optional<T> run(Supplier<T> read) {
            try {
                T value = read.get();
                recovered();
                return Optional.of(value);
            } catch (RuntimeException e) {
                failed(e);
                return Optional.empty();
            }
        }

        private synchronized void recovered() {
            if (failing != null) {
                LOG.info("{} can be read again", name);
                failing = null;
            }
        }

        private synchronized void failed(RuntimeException e) {
            // Keyed by kind, not text: messages that name a map or a pid would log every snapshot.
            String kind = e.getClass().getName() + (e instanceof PerfMonitorException p
                    ? p.errno().stream().mapToObj(n -> " errno " + n).findFirst().orElse("") : "");
            if (!kind.equals(failing)) {
                LOG.warn("{} are missing from snapshots until this is fixed: {}", name, e.getMessage());
                LOG.debug("{} failed", name, e);
            }
            failing = kind;
        }
    }

    @Override
    public ListenerRegistration addRecordListener(RecordListener listener) {
        decoder.addListener(listener);
        AtomicBoolean removed = new AtomicBoolean();
        // Once: the same listener may be registered twice, and each registration removes one.
        return () -> {
            if (removed.compareAndSet(false, true)) {
                decoder.removeListener(listener);
            }
        };
    }

    @Override
    public void setOperationMode(long operationType, OperationMode mode) {
        if (closed.get()) {
            throw new IllegalStateException("the monitor is closed");
        }
        source.setOperationMode(operationType, mode);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return type.isInstance(samples) ? Optional.of(type.cast(samples)) : Optional.empty();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ScheduledExecutorService s = scanner;
            if (s != null) {
                s.shutdownNow();
                try {
                    s.awaitTermination(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            consumer.close(resources::close);
        }
    }

    @Override
    public String toString() {
        return "BpfPerfMonitor[" + config.source().describe() + (closed.get() ? ", closed" : "") + "]";
    }
}
