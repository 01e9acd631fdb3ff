package net.kmesh.perf.examples.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.SourceStatus;

/** Snapshots made up for the view's tests. */
final class Snapshots {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Snapshots() {
    }

    /** The statistics of these durations. */
    static OperationStats stats(OperationType type, long... nanos) {
        long[] buckets = new long[DurationHistogram.BUCKET_COUNT];
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long n : nanos) {
            buckets[DurationHistogram.bucketIndex(n)]++;
            sum += n;
            min = Math.min(min, n);
            max = Math.max(max, n);
        }
        return new OperationStats(type, nanos.length, sum, nanos.length == 0 ? 0 : min, max,
                DurationHistogram.ofCounts(buckets));
    }

    /** {@code n} copies of {@code nanos}, then {@code more}. */
    static long[] repeat(int n, long nanos, long... more) {
        long[] r = new long[n + more.length];
        java.util.Arrays.fill(r, 0, n, nanos);
        System.arraycopy(more, 0, r, n, more.length);
        return r;
    }

    static long[] concat(long[] a, long[] b) {
        long[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static RecordCounters records(long consumed, long invalid, Long dropped) {
        return new RecordCounters(consumed, invalid, 0, 0, dropped == null ? OptionalLong.empty() : OptionalLong.of(dropped),
                OptionalLong.empty(), 0, 0, 0);
    }

    static ResourceUsage usage(String target, long memoryBytes, Duration cpu) {
        return new ResourceUsage(target, Optional.of(new ResourceUsage.Bytes(memoryBytes, ResourceUsage.Basis.PROCESS, "test")),
                Optional.empty(), Optional.of(new ResourceUsage.CpuTime(cpu, ResourceUsage.Basis.PROCESS, "test")), List.of());
    }

    static final SourceStatus SOURCE = new SourceStatus("the bundled samples", SourceStatus.State.ATTACHED,
            net.kmesh.perf.RecordSource.ReadMode.CONSUME, java.util.OptionalInt.of(7), 0, Optional.empty());

    static PerfSnapshot snapshot(Duration at, RecordCounters records, ResourceUsage daemon, OperationStats... ops) {
        return snapshot(at, records, daemon, List.of(), List.of(), ops);
    }

    static PerfSnapshot snapshot(Duration at, RecordCounters records, ResourceUsage daemon, List<MapStats> maps,
                                 List<ProgramStats> programs, OperationStats... ops) {
        return new PerfSnapshot(T0.plus(at), new ArrayList<>(List.of(ops)), records, SOURCE, maps, programs,
                Optional.ofNullable(daemon), java.util.Set.of());
    }

    /** {@code s} with another source status. */
    static PerfSnapshot withSource(PerfSnapshot s, SourceStatus source) {
        return new PerfSnapshot(s.takenAt(), s.operations(), s.records(), source, s.maps(), s.programs(), s.daemon(),
                s.features());
    }

    /** Counters of an observer: {@code missed} records overwritten before it read them. */
    static RecordCounters observed(long consumed, long missed, Long dropped) {
        return new RecordCounters(consumed, 0, 0, missed, dropped == null ? OptionalLong.empty() : OptionalLong.of(dropped),
                OptionalLong.empty(), 0, 0, 0);
    }

    static MapStats map(int id, String name, String type, long entries, long max, MapStats.CountMethod method) {
        return new MapStats(id, name, type, 4, 8, max, entries, 4096, method);
    }
}
