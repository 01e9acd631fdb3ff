package net.kmesh.perf.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.micrometer.KmeshPerfMetrics;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU of the monitor's consumer thread at a given record rate: each invocation produces records
 * at {@code rate} per second for {@link #SECONDS} s through the bundled producer, in
 * {@code batchesPerSecond} bursts (100: a burst every 10 ms; 1000: every millisecond, close to a
 * steady stream for a consumer that waits {@code batchDelayMillis}, the monitor's batch delay,
 * 25 ms by default ({@code PerfMonitorConfig}), after each read), and adds the consumer thread's CPU time and the wall time to
 * the auxiliary counters {@code consumerCpuNanos} and {@code wallNanos}: consumer CPU share =
 * their ratio. With {@code binder=prometheus} a {@link KmeshPerfMetrics} is bound to a Prometheus
 * registry, which is scraped once at the end of each invocation (on the benchmark's thread, as a
 * Prometheus server's request would be), which counts only the consumer thread: the binder's
 * whole cost, scraper included, is {@link BinderCpuBenchmark}'s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class ConsumerCpuBenchmark {
    static final int SECONDS = 3;

    @Param({"100000", "1000000"})
    public int rate;

    @Param({"none", "prometheus"})
    public String binder;

    @Param({"100"})
    public int batchesPerSecond;

    /** The monitor's batch delay; the library's default (PerfMonitorConfig) unless a run names another. */
    @Param({"25"})
    public int batchDelayMillis;

    private PerfMonitor monitor;
    private KmeshPerfMetrics metrics;
    private PrometheusMeterRegistry registry;
    private SampleWorkload workload;
    private long consumerThreadId;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** CPU and wall time, summed over an iteration. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Cpu {
        public long consumerCpuNanos;
        public long wallNanos;
        public long records;
        public long scrapeBytes;
    }

    @Setup(Level.Trial)
    public void open() {
        monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                .source(RecordSource.samples(16 << 20))
                .batchDelay(Duration.ofMillis(batchDelayMillis)).mapStatistics(false).build());
        if (binder.equals("prometheus")) {
            metrics = new KmeshPerfMetrics(monitor);
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            metrics.bindTo(registry);
        }
        monitor.start();
        workload = monitor.unwrap(SampleWorkload.class).orElseThrow();
        consumerThreadId = Pacing.consumerThreadId();
    }

    @TearDown(Level.Trial)
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        monitor.close();
    }

    @Benchmark
    public void paced(Cpu cpu) throws InterruptedException {
        long cpuBefore = threads.getThreadCpuTime(consumerThreadId);
        long start = System.nanoTime();
        cpu.records += Pacing.produce(workload, rate, batchesPerSecond, SECONDS);
        if (registry != null) {
            cpu.scrapeBytes += registry.scrape().length();
        }
        cpu.wallNanos += System.nanoTime() - start;
        cpu.consumerCpuNanos += threads.getThreadCpuTime(consumerThreadId) - cpuBefore;
    }
}
