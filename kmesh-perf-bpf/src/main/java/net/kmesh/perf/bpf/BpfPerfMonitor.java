package net.kmesh.perf.bpf;

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
import java.util.function.LongFunction;
import java.util.function.Supplier;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.PendingStarts;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordListener;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.Resources;
import net.kmesh.perf.bpf.maps.MapStatsCollector;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ops.RecordDecoder;
import net.kmesh.perf.bpf.probe.Incarnations;
import net.kmesh.perf.bpf.probe.LogRingDrops;
import net.kmesh.perf.bpf.probe.OperationsCheck;
import net.kmesh.perf.bpf.probe.ProbeMaps;
import net.kmesh.perf.bpf.probe.SourceFollower;
import net.kmesh.perf.bpf.probe.StartMapReader;
import net.kmesh.perf.bpf.progs.ProgramStatsCollector;
import net.kmesh.perf.bpf.resources.DaemonUsageReader;
import net.kmesh.perf.bpf.ringbuf.RingConsumer;
import net.kmesh.perf.bpf.samples.BundledSamples;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.sys.Mounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libbpf-backed {@link PerfMonitor}: coordinates the parts that do the work. {@link MonitorParts}
 * probes the kernel and opens map, program and daemon statistics; a {@link SourceFollower} follows
 * the source's ring across the data plane's restarts; a {@link RingConsumer} drains it through a
 * {@link RecordDecoder} into an {@link OperationAggregator}; {@link FeatureDetection} says which
 * features work, at open and at every snapshot; one {@link Family} per kind of figure keeps a failed
 * read from spoiling the others. {@link #close()} stops the consumer and releases the parts in reverse.
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
    private final FeatureDetection detection;
    private final StartMapReader startMap;
    /** Drops read from the data plane's log ring, or null when its source has no place for one. */
    private final LogRingDrops logDrops;
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
    private final Family startsFamily = new Family("pending starts");
    // What a snapshot reads, each part on its own (Family.run): made once, not as lambdas at every
    // snapshot, whose code runs interpreted for its first couple of hundred scrapes and pays for
    // each lambda it makes.
    private final Supplier<Boolean> mergeHistograms;
    private final Supplier<Incarnations.Counters> readCounters;
    private final Supplier<Long> readReaped;
    private final Supplier<Optional<PendingStarts>> readStarts;
    private final Supplier<List<MapStats>> readMaps;
    private final Supplier<List<ProgramStats>> readPrograms;
    private final Supplier<DaemonUsageReader.Reading> readDaemon;
    private final LongFunction<OperationType> naming;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private ScheduledExecutorService scanner;

    private BpfPerfMonitor(PerfMonitorConfig config, Capabilities capabilities, Resources resources,
                           BundledSamples samples, SourceFollower source, FeatureDetection detection,
                           LogRingDrops logDrops, MapStatsCollector mapStats, ProgramStatsCollector programStats,
                           DaemonUsageReader daemon) {
        this.config = config;
        this.capabilities = capabilities;
        this.resources = resources;
        this.samples = samples;
        this.source = source;
        this.detection = detection;
        this.logDrops = logDrops;
        this.startMap = new StartMapReader(config.staleCountAge());
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
        this.mergeHistograms = () -> {
            source.incarnations().mergeHistograms(aggregator);
            return Boolean.TRUE;
        };
        this.readCounters = () -> source.incarnations().counters();
        this.readReaped = () -> source.incarnations().staleStartsReaped();
        this.readStarts = () -> startMap.read(source);
        this.readMaps = () -> mapStats.collect(config.maps());
        this.readPrograms = () -> programStats.collect(config.programs());
        this.readDaemon = () -> daemon.reading();
        this.naming = code -> config.operationType(code);
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
        MonitorParts.requireRingBuffers(natives);
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
            FeatureDetection detection;
            LogRingDrops logDrops = null;
            if (config.source() instanceof RecordSource.Samples bundled) {
                samples = resources.add(BundledSamples.open(bundled, sampleOptions, notes, features));
                follower = resources.add(SourceFollower.of(ProbeMaps.of(samples.object()), config, notes));
                detection = new FeatureDetection(null);
            } else {
                follower = resources.add(SourceFollower.open(config.source(), config, notes));
                detection = new FeatureDetection(OperationsCheck.of(config.source()));
                logDrops = LogRingDrops.of(config.source()).map(resources::add).orElse(null);
                if (logDrops != null) {
                    logDrops.poll();
                }
            }
            detection.atOpen(follower, logDrops != null && logDrops.seen(), features, notes);
            MapStatsCollector mapStats = MonitorParts.mapStats(config, resources, features, notes);
            ProgramStatsCollector programStats = MonitorParts.programStats(config, resources, features, notes);
            DaemonUsageReader daemon = MonitorParts.daemon(config, resources, features, notes);
            Capabilities capabilities = new Capabilities(MonitorParts.kernelRelease(), natives.version(), features,
                    notes);
            return new BpfPerfMonitor(config, capabilities, resources, samples, follower, detection, logDrops,
                    mapStats, programStats, daemon);
        } catch (RuntimeException e) {
            resources.close();
            throw e;
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
            if (source.scans() || logDrops != null) {
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
            if (source.scans()) {
                source.scan();
            }
            if (logDrops != null) {
                logDrops.poll();
            }
        } catch (RuntimeException e) {
            LOG.debug("looking for the source's ring failed: {}", e.getMessage());
        }
    }

    /** The source's drops: {@code counted} from its counter map, else from the failed reserves it logs; empty when neither. */
    private OptionalLong dropped(OptionalLong counted) {
        if (counted.isPresent() || logDrops == null || source.incarnations().countersKnown()) {
            return counted;
        }
        return countersFamily.run(this::loggedDrops).orElse(OptionalLong.empty());
    }

    private OptionalLong loggedDrops() {
        logDrops.poll();
        return logDrops.seen() ? OptionalLong.of(logDrops.dropped()) : OptionalLong.empty();
    }

    @Override
    public PerfSnapshot snapshot() {
        boolean open = !closed.get();
        SourceStatus status = source.status();
        FeatureDetection.SourceFeatures sourceFeatures = detection.source(source, status);
        boolean histograms = open && operationsFamily.run(mergeHistograms).isPresent()
                && source.incarnations().histogramCapable();
        OperationAggregator.Snapshot s = aggregator.snapshot(naming);
        Incarnations.Counters counted = countersFamily.run(readCounters).orElse(Incarnations.Counters.UNKNOWN);
        OptionalLong dropped = dropped(counted.dropped());
        long reaped = countersFamily.run(readReaped).orElse(0L);
        Optional<PendingStarts> starts = Optional.empty();
        if (open) {
            Optional<Optional<PendingStarts>> read = startsFamily.run(readStarts);
            starts = read.isPresent() ? read.get() : Optional.empty();
        }
        Optional<List<MapStats>> maps = mapStats != null && open ? mapsFamily.run(readMaps) : Optional.empty();
        Optional<List<ProgramStats>> programs = programStats != null && open ? programsFamily.run(readPrograms)
                : Optional.empty();
        Optional<DaemonUsageReader.Reading> reading = daemonFamily.run(readDaemon);
        Optional<ResourceUsage> usage = reading.isPresent() ? reading.get().usage() : Optional.empty();
        Set<Feature> features = detection.atSnapshot(capabilities, sourceFeatures, new FeatureDetection.Reads(
                histograms, dropped.isPresent(), maps.isPresent(), programs.isPresent(), usage.isPresent()));
        RecordCounters records = new RecordCounters(s.consumed(), s.invalid(), s.typeOverflow(), s.missed(), dropped,
                counted.endsWithoutStart(), s.listenerErrors(), s.corruptions(), reaped);
        return new PerfSnapshot(Instant.now(), s.operations(), records, status, maps.orElse(List.of()),
                programs.orElse(List.of()), usage, features, sourceFeatures.problem(), starts);
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
