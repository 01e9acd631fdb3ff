package net.kmesh.perf.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.Capabilities;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.micrometer.KmeshPerfMetrics;
import net.kmesh.perf.testing.FakeMonitor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One {@code PrometheusMeterRegistry.scrape()} of a registry that {@link KmeshPerfMetrics} is bound
 * to, over a monitor whose snapshot holds {@code types} operation types of {@code records} records
 * each, spread over the buckets from 200 ns to 20 ms. The monitor is a stand-in returning that
 * snapshot (no BPF), so the score is the binder's and the registry's work: it should grow with
 * types, not with records. Scores are microseconds per scrape.
 *
 * <p>{@code scrapeBeside} scrapes a registry over {@value #FEW} records a type and one over
 * {@value #MANY} in turn in every invocation, the order alternating, and counts each one's
 * nanoseconds ({@link Beside}): the ratio of the two is taken per iteration, both under the same
 * host, JIT state and heap. Scraped in separate runs, a scrape of one type (about 70 µs) moved
 * between 0.8 and 2.5 times itself between runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ScrapeBenchmark {
    @Param({"1", "64"})
    public int types;

    @Param({"1000", "1000000"})
    public long records;

    static final long FEW = 1_000;
    static final long MANY = 1_000_000;

    private PrometheusMeterRegistry registry;
    private KmeshPerfMetrics metrics;
    private PrometheusMeterRegistry fewRegistry;
    private KmeshPerfMetrics fewMetrics;
    private PrometheusMeterRegistry manyRegistry;
    private KmeshPerfMetrics manyMetrics;
    private long invocations;

    /** Nanoseconds of the scrapes after {@value #FEW} and after {@value #MANY} records, summed over an iteration. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Beside {
        public long fewNanos;
        public long manyNanos;
    }

    @Setup(Level.Trial)
    public void bind() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = bound(registry, records);
        fewRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        fewMetrics = bound(fewRegistry, FEW);
        manyRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        manyMetrics = bound(manyRegistry, MANY);
    }

    private KmeshPerfMetrics bound(PrometheusMeterRegistry to, long recordsPerType) {
        KmeshPerfMetrics m = KmeshPerfMetrics.builder(new FakeMonitor(snapshot(types, recordsPerType)))
                .nodeName("bench").build();
        m.bindTo(to);
        return m;
    }

    @TearDown(Level.Trial)
    public void close() {
        metrics.close();
        fewMetrics.close();
        manyMetrics.close();
    }

    @Benchmark
    public String scrape() {
        return registry.scrape();
    }

    @Benchmark
    public void scrapeBeside(Beside b, Blackhole bh) {
        if ((invocations++ & 1) == 0) {
            b.fewNanos += timed(fewRegistry, bh);
            b.manyNanos += timed(manyRegistry, bh);
        } else {
            b.manyNanos += timed(manyRegistry, bh);
            b.fewNanos += timed(fewRegistry, bh);
        }
    }

    private static long timed(PrometheusMeterRegistry r, Blackhole bh) {
        long start = System.nanoTime();
        bh.consume(r.scrape());
        return System.nanoTime() - start;
    }

    /** {@code types} operation types, each of {@code records} records spread evenly over the buckets from 200 ns to 20 ms. */
    static PerfSnapshot snapshot(int types, long records) {
        int first = DurationHistogram.bucketIndex(200);
        int last = DurationHistogram.bucketIndex(20_000_000);
        int spread = last - first + 1;
        List<OperationStats> ops = new ArrayList<>(types);
        for (int t = 0; t < types; t++) {
            long[] counts = new long[DurationHistogram.BUCKET_COUNT];
            long sum = 0;
            for (int i = 0; i < spread; i++) {
                long c = records / spread + (i < records % spread ? 1 : 0);
                counts[first + i] = c;
                sum += c * DurationHistogram.bucketMax(first + i);
            }
            ops.add(new OperationStats(new OperationType(t + 1, "OP_" + (t + 1)), records, sum,
                    DurationHistogram.bucketMin(first), DurationHistogram.bucketMax(last), DurationHistogram.ofCounts(counts)));
        }
        return new PerfSnapshot(Instant.EPOCH, ops,
                new RecordCounters(records * types, 0, 0, 0, OptionalLong.of(0), OptionalLong.of(0), 0, 0, 0),
                new SourceStatus("benchmark", SourceStatus.State.ATTACHED, RecordSource.ReadMode.CONSUME, OptionalInt.of(1), 0,
                        Optional.empty()),
                List.of(), List.of(), Optional.empty(), Set.of(Feature.OPERATIONS, Feature.RING_BUFFER));
    }
}
