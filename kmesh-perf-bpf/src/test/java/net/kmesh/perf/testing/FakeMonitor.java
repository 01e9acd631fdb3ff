package net.kmesh.perf.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordListener;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.SourceStatus;

/**
 * The one monitor without BPF that tests and benchmarks use: its snapshot is whatever the test
 * sets (and may throw), and it records what was done to it, in order, in {@link #events}. The
 * binder's tests build it from a snapshot, which makes adding a record listener an error (the
 * binder must not listen to records); Spring's tests build it from a configuration, with a source
 * that waits until {@link #attached} says otherwise.
 */
public final class FakeMonitor implements PerfMonitor {
    private final PerfMonitorConfig config;
    private final boolean refuseListeners;
    /** What was done to the monitor: {@code start}, {@code close}, listeners, modes. */
    public final List<String> events = new CopyOnWriteArrayList<>();
    /** How often {@link #snapshot()} was called. */
    public final AtomicInteger snapshotCalls = new AtomicInteger();
    /** What {@link #snapshot()} returns (or throws). */
    public volatile Supplier<PerfSnapshot> snapshots;
    /** The source status of the snapshots built from the configuration. */
    public volatile SourceStatus source;
    /** What {@link #capabilities()} says works, and what the snapshots built from the configuration say. */
    public volatile Set<Feature> features;
    /** What {@link #capabilities()} notes. */
    public volatile List<String> notes = List.of();
    /** Runs in {@link #start()} before it is recorded; may throw. */
    public volatile Runnable onStart = () -> { };
    /** Runs in {@link #close()} before it is recorded; may throw. */
    public volatile Runnable onClose = () -> { };

    /** A monitor whose every snapshot is {@code snapshot}; it refuses record listeners. */
    public FakeMonitor(PerfSnapshot snapshot) {
        this(PerfMonitorConfig.builder().build(), snapshot);
    }

    /** A monitor of {@code config} whose every snapshot is {@code snapshot}; it refuses record listeners. */
    public FakeMonitor(PerfMonitorConfig config, PerfSnapshot snapshot) {
        this.config = config;
        this.refuseListeners = true;
        this.features = EnumSet.allOf(Feature.class);
        this.snapshots = () -> snapshot;
    }

    /** A monitor of {@code config} waiting for its source, with no features, until the test says otherwise. */
    public FakeMonitor(PerfMonitorConfig config) {
        this.config = config;
        this.refuseListeners = false;
        this.features = Set.of();
        waiting("no ring pinned at the path yet");
        this.snapshots = () -> new PerfSnapshot(Instant.now(), List.of(), Snap.noRecords(), source, List.of(),
                List.of(), Optional.empty(), features);
    }

    /** The source waits, for {@code problem}. */
    public FakeMonitor waiting(String problem) {
        source = new SourceStatus(config.source().describe(), SourceStatus.State.WAITING, config.source().mode(),
                OptionalInt.empty(), 0, Optional.of(problem));
        return this;
    }

    /** The source is attached to ring {@code ringMapId}. */
    public FakeMonitor attached(int ringMapId, long reattachments) {
        source = new SourceStatus(config.source().describe(), SourceStatus.State.ATTACHED, config.source().mode(),
                OptionalInt.of(ringMapId), reattachments, Optional.empty());
        return this;
    }

    /** How often {@code event} happened. */
    public long count(String event) {
        return events.stream().filter(event::equals).count();
    }

    @Override
    public PerfMonitorConfig config() {
        return config;
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities("6.18.0-fake", "1.5.0", features, notes);
    }

    @Override
    public PerfMonitor start() {
        onStart.run();
        events.add("start");
        return this;
    }

    @Override
    public PerfSnapshot snapshot() {
        snapshotCalls.incrementAndGet();
        return snapshots.get();
    }

    @Override
    public ListenerRegistration addRecordListener(RecordListener listener) {
        if (refuseListeners) {
            throw new AssertionError("the binder must not listen to records");
        }
        events.add("listener added");
        return () -> events.add("listener removed");
    }

    @Override
    public void setOperationMode(long operationType, OperationMode mode) {
        events.add("mode " + operationType + " " + mode);
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public void close() {
        onClose.run();
        events.add("close");
    }

    /** Builds snapshots for tests. */
    public static final class Snap {
        public List<OperationStats> operations = new ArrayList<>();
        public RecordCounters records = noRecords();
        public SourceStatus source = new SourceStatus("fake", SourceStatus.State.ATTACHED,
                RecordSource.ReadMode.CONSUME, OptionalInt.of(7), 0, Optional.empty());
        public List<MapStats> maps = new ArrayList<>();
        public List<ProgramStats> programs = new ArrayList<>();
        public Optional<ResourceUsage> daemon = Optional.empty();
        public Set<Feature> features = EnumSet.of(Feature.OPERATIONS, Feature.RING_BUFFER, Feature.MAP_STATISTICS);

        static RecordCounters noRecords() {
            return new RecordCounters(0, 0, 0, 0, OptionalLong.of(0), OptionalLong.of(0), 0, 0, 0);
        }

        /** Adds an operation type whose durations are {@code nanos}. */
        public Snap op(long code, String name, long... nanos) {
            long[] counts = new long[DurationHistogram.BUCKET_COUNT];
            long sum = 0;
            long min = nanos.length == 0 ? 0 : Long.MAX_VALUE;
            long max = 0;
            for (long n : nanos) {
                counts[DurationHistogram.bucketIndex(n)]++;
                sum += n;
                min = Math.min(min, n);
                max = Math.max(max, n);
            }
            return op(new OperationStats(new OperationType(code, name), nanos.length, sum, min, max,
                    DurationHistogram.ofCounts(counts)));
        }

        /** Adds an operation type's statistics as they are. */
        public Snap op(OperationStats stats) {
            operations.add(stats);
            return this;
        }

        public Snap records(RecordCounters r) {
            records = r;
            return this;
        }

        public Snap source(SourceStatus s) {
            source = s;
            return this;
        }

        public Snap map(MapStats m) {
            maps.add(m);
            return this;
        }

        public Snap program(ProgramStats p) {
            programs.add(p);
            return this;
        }

        public Snap daemon(ResourceUsage u) {
            daemon = Optional.of(u);
            return this;
        }

        public Snap features(Set<Feature> f) {
            features = f;
            return this;
        }

        public PerfSnapshot build() {
            return new PerfSnapshot(Instant.EPOCH, operations, records, source, maps, programs, daemon, features);
        }
    }
}
