package net.kmesh.perf.micrometer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
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
import net.kmesh.perf.OperationsProblem;
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

/** A monitor without BPF: its snapshot is whatever the test sets, and may throw. */
final class FakeMonitor implements PerfMonitor {
    private final PerfMonitorConfig config;
    volatile Supplier<PerfSnapshot> snapshots;
    final AtomicInteger snapshotCalls = new AtomicInteger();

    FakeMonitor(PerfMonitorConfig config, PerfSnapshot snapshot) {
        this.config = config;
        this.snapshots = () -> snapshot;
    }

    FakeMonitor(PerfSnapshot snapshot) {
        this(PerfMonitorConfig.builder().build(), snapshot);
    }

    @Override
    public PerfMonitorConfig config() {
        return config;
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities("6.18.0", "1.5.0", EnumSet.allOf(Feature.class), List.of());
    }

    @Override
    public PerfMonitor start() {
        return this;
    }

    @Override
    public PerfSnapshot snapshot() {
        snapshotCalls.incrementAndGet();
        return snapshots.get();
    }

    @Override
    public ListenerRegistration addRecordListener(RecordListener listener) {
        throw new AssertionError("the binder must not listen to records");
    }

    @Override
    public void setOperationMode(long operationType, OperationMode mode) {
    }

    @Override
    public <T> Optional<T> unwrap(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public void close() {
    }

    /** Builds snapshots for tests. */
    static final class Snap {
        List<OperationStats> operations = new ArrayList<>();
        RecordCounters records = new RecordCounters(0, 0, 0, 0, OptionalLong.of(0), OptionalLong.of(0), 0, 0, 0);
        SourceStatus source = new SourceStatus("fake", SourceStatus.State.ATTACHED, RecordSource.ReadMode.CONSUME,
                OptionalInt.of(7), 0, Optional.empty());
        List<MapStats> maps = new ArrayList<>();
        List<ProgramStats> programs = new ArrayList<>();
        Optional<ResourceUsage> daemon = Optional.empty();
        Set<Feature> features = EnumSet.of(Feature.OPERATIONS, Feature.RING_BUFFER, Feature.MAP_STATISTICS);
        Optional<OperationsProblem> problem = Optional.empty();
        Optional<PendingStarts> starts = Optional.empty();

        Snap problem(OperationsProblem p) {
            problem = Optional.of(p);
            return this;
        }

        Snap starts(PendingStarts p) {
            starts = Optional.ofNullable(p);
            return this;
        }

        /** Adds an operation type whose durations are {@code nanos}. */
        Snap op(long code, String name, long... nanos) {
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
            operations.add(new OperationStats(new OperationType(code, name), nanos.length, sum, min, max,
                    DurationHistogram.ofCounts(counts)));
            return this;
        }

        Snap records(RecordCounters r) {
            records = r;
            return this;
        }

        Snap source(SourceStatus s) {
            source = s;
            return this;
        }

        Snap map(MapStats m) {
            maps.add(m);
            return this;
        }

        Snap program(ProgramStats p) {
            programs.add(p);
            return this;
        }

        Snap daemon(ResourceUsage u) {
            daemon = Optional.of(u);
            return this;
        }

        Snap features(Set<Feature> f) {
            features = f;
            return this;
        }

        PerfSnapshot build() {
            return new PerfSnapshot(Instant.EPOCH, operations, records, source, maps, programs, daemon, features, problem,
                    starts);
        }
    }
}
