package net.kmesh.perf.benchmarks;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.micrometer.KmeshPerfMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per record of recording a duration: into the monitor's own aggregator (what it does for
 * every record anyway), against a Micrometer timer per record (Prometheus and simple registries,
 * with the bucket bounds the binder publishes). Informational: the binder once fed such a timer on
 * the consumer thread; it now publishes the aggregator's histograms, and does nothing per record.
 * Scores are nanoseconds per record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(RecordingBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RecordingBenchmark {
    static final int BATCH = 4096;
    private final long[] durations = new long[BATCH];
    private OperationAggregator aggregator;
    private Timer prometheusTimer;
    private Timer simpleTimer;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < BATCH; i++) {
            durations[i] = 200 + r.nextLong(20_000);
        }
        aggregator = new OperationAggregator(64);
        Duration[] slos = KmeshPerfMetrics.DURATION_BUCKETS.toArray(new Duration[0]);
        prometheusTimer = Timer.builder("kmesh.bpf.prog.operation.duration").serviceLevelObjectives(slos)
                .register(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        simpleTimer = Timer.builder("kmesh.bpf.prog.operation.duration").serviceLevelObjectives(slos)
                .register(new SimpleMeterRegistry());
    }

    @Benchmark
    public void ownAggregator() {
        aggregator.beginBatch();
        for (long d : durations) {
            aggregator.recordValid(1, d);
        }
        aggregator.endBatch();
    }

    @Benchmark
    public void micrometerPrometheusTimer() {
        for (long d : durations) {
            prometheusTimer.record(d, TimeUnit.NANOSECONDS);
        }
    }

    @Benchmark
    public void micrometerSimpleTimer() {
        for (long d : durations) {
            simpleTimer.record(d, TimeUnit.NANOSECONDS);
        }
    }
}
