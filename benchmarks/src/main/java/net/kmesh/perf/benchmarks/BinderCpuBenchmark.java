package net.kmesh.perf.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.RecordSource;
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
 * What the Prometheus binder costs, counted whole: the monitor's consumer thread plus the thread
 * that scrapes, with and without the binder, in turn within every invocation of one fork. Each
 * invocation runs two phases of {@link #SECONDS} s at {@code rate} records/s (100 bursts a
 * second), alternating which goes first: without a binder, the consumer thread's CPU; with a
 * {@link KmeshPerfMetrics} bound to a Prometheus registry and scraped once a second by a scraping
 * thread (as a Prometheus server's request thread would), the consumer's CPU plus the scraper's.
 * The binder is bound once for the trial, as a service binds it once at its start, and stays bound
 * through the phases without it, where nothing scrapes it: the Prometheus binding works only when
 * scraped (it starts no thread and adds nothing to the consumer's), so those phases are the
 * consumer alone. Until 2026-12-08 every phase bound a fresh one, so that one scrape in two was
 * a binder's first (its labels made and validated, about a tenth of a scrape's CPU), which no
 * service pays past its first scrape. Every scrape must hold the operation histogram, or the benchmark fails. The
 * auxiliary counters {@code binderCpuNanos} (scaled to the other phase's wall time) and
 * {@code noneCpuNanos} give the ratio side by side for each iteration.
 *
 * <p>{@code warmScrapes}: how many scrapes the process has served before the first iteration, so
 * that the figure is that of a service some time after its start. A scrape runs code that is
 * called once a scrape (the snapshot, the daemon's usage, the collector) and stays interpreted for
 * its first hundred calls or so: a scrape of a fresh JVM cost about 7 ms of CPU here and one after
 * 60 scrapes about 2 ms (a minute of scraping every second, a quarter of an hour at Prometheus'
 * 15 s). 60 is the service that has been up that long; 0 is the service just started, whose
 * measured scrapes follow the warm-up iterations (its 5th to its 14th in the full run: two scrapes a phase).
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class BinderCpuBenchmark {
    static final int SECONDS = 3;
    private static final int BURSTS = 100;
    /** A series every scrape must hold: the binder published the monitor's histogram. */
    static final String KMESH_SERIES = "kmesh_bpf_prog_operation_duration_seconds_count{";

    @Param({"1000000"})
    public int rate;

    @Param({"60"})
    public int warmScrapes;

    private PerfMonitor monitor;
    private PrometheusMeterRegistry registry;
    private KmeshPerfMetrics metrics;
    private SampleWorkload workload;
    private long consumerThreadId;
    private boolean binderFirst;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** CPU and wall time of each side, summed over an iteration. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Cpu {
        public long binderCpuNanos;
        public long noneCpuNanos;
        public long scrapes;
        public long records;
        /** The scraping thread's CPU alone, summed over the phases with the binder (not scaled). */
        public long scraperCpuNanos;
    }

    @Setup(Level.Trial)
    public void open() {
        monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples(16 << 20))
                .mapStatistics(false).build());
        monitor.start();
        workload = monitor.unwrap(SampleWorkload.class).orElseThrow();
        consumerThreadId = Pacing.consumerThreadId();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = new KmeshPerfMetrics(monitor);
        metrics.bindTo(registry);
        if (warmScrapes > 0) {
            warm();
        }
    }

    /**
     * Serves {@link #warmScrapes} scrapes of the registry, 50 ms apart, with records flowing: the
     * code a scrape runs is then as compiled, and the binder as used, as in a service that has
     * served that many. Every scrape is checked as the measured ones are.
     */
    private void warm() {
        Thread producer = new Thread(() -> {
            try {
                while (true) {
                    Pacing.produce(workload, rate, BURSTS, 1);
                }
            } catch (InterruptedException e) {
                // warm enough
            }
        }, "benchmark-warm-producer");
        producer.start();
        try {
            for (int i = 1; i <= warmScrapes; i++) {
                TimeUnit.MILLISECONDS.sleep(50);
                String text = registry.scrape();
                if (i > 1 && !text.contains(KMESH_SERIES)) {
                    throw new IllegalStateException("warm-up scrape " + i + " holds no " + KMESH_SERIES + ":\n" + text);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while warming the scrape", e);
        } finally {
            producer.interrupt();
            try {
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        metrics.close();
        registry.close();
        monitor.close();
    }

    @Benchmark
    public void binderVsNone(Cpu cpu) throws InterruptedException {
        binderFirst = !binderFirst;
        long[] none;
        long[] binder;
        if (binderFirst) {
            binder = withBinder(cpu);
            none = phase(cpu);
        } else {
            none = phase(cpu);
            binder = withBinder(cpu);
        }
        cpu.noneCpuNanos += none[0];
        cpu.binderCpuNanos += Math.round((double) binder[0] * none[1] / binder[1]);
    }

    /** One phase with the binder bound and scraped every second: {consumer + scraper CPU, wall}. */
    private long[] withBinder(Cpu cpu) throws InterruptedException {
        Scraper scraper = new Scraper(registry);
        scraper.start();
        long[] phase;
        try {
            phase = phase(cpu);
        } finally {
            scraper.interrupt();
            scraper.join();
        }
        if (scraper.failure != null) {
            throw new IllegalStateException(scraper.failure);
        }
        cpu.scrapes += scraper.scrapes;
        cpu.scraperCpuNanos += scraper.cpuNanos;
        phase[0] += scraper.cpuNanos;
        return phase;
    }

    /** Produces for {@link #SECONDS} s: {consumer thread CPU, wall}. */
    private long[] phase(Cpu cpu) throws InterruptedException {
        long cpuBefore = threads.getThreadCpuTime(consumerThreadId);
        long start = System.nanoTime();
        cpu.records += Pacing.produce(workload, rate, BURSTS, SECONDS);
        return new long[] {threads.getThreadCpuTime(consumerThreadId) - cpuBefore, System.nanoTime() - start};
    }

    /** Scrapes once a second until interrupted, then records its own CPU time. */
    private static final class Scraper extends Thread {
        private final PrometheusMeterRegistry registry;
        volatile long cpuNanos;
        volatile int scrapes;
        volatile String failure;

        Scraper(PrometheusMeterRegistry registry) {
            super("benchmark-scraper");
            this.registry = registry;
        }

        @Override
        public void run() {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long before = mx.getCurrentThreadCpuTime();
            try {
                while (true) {
                    TimeUnit.SECONDS.sleep(1);
                    String text = registry.scrape();
                    if (!text.contains(KMESH_SERIES)) {
                        failure = "scrape " + (scrapes + 1) + " holds no " + KMESH_SERIES + ":\n" + text;
                        return;
                    }
                    scrapes++;
                }
            } catch (InterruptedException e) {
                // the phase is over
            } finally {
                cpuNanos = mx.getCurrentThreadCpuTime() - before;
            }
        }
    }
}
