package net.kmesh.perf.examples;

import io.micrometer.core.instrument.MeterRegistry;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.micrometer.KmeshPerfMetrics;

/**
 * How a service embeds kmesh-perf: open a monitor on the running Kmesh, register
 * {@link KmeshPerfMetrics} with the service's {@link MeterRegistry}, start it, close both on the
 * way out. The registry then exports the metrics however the service already does (Prometheus
 * endpoint, OTLP push, ...).
 *
 * <p>Dependencies: {@code net.kmesh.perf:kmesh-perf-micrometer}, and
 * {@code net.kmesh.perf:kmesh-perf-bpf} at runtime.
 *
 * <p>In Spring Boot, declare the two as beans; Boot binds every {@code MeterBinder} bean to its
 * registry, and closes both on shutdown:
 * <pre>{@code
 * @Bean(destroyMethod = "close")
 * PerfMonitor perfMonitor() {
 *     return PerfMonitor.open(EmbeddingExample.kmeshConfig());
 * }
 *
 * @Bean
 * KmeshPerfMetrics kmeshPerfMetrics(PerfMonitor monitor) {
 *     return new KmeshPerfMetrics(monitor);
 * }
 * }</pre>
 * and start the monitor once the registry is bound (for instance from an
 * {@code ApplicationReadyEvent} listener calling {@code monitor.start()}), so that the duration
 * histograms see every record.
 */
public final class EmbeddingExample implements AutoCloseable {
    private final PerfMonitor monitor;
    private final KmeshPerfMetrics metrics;

    /** Monitors the running Kmesh (see {@link #kmeshConfig()}) into {@code registry}. */
    public EmbeddingExample(MeterRegistry registry) {
        this(registry, kmeshConfig());
    }

    /** Monitors as {@code config} says into {@code registry}. */
    public EmbeddingExample(MeterRegistry registry, PerfMonitorConfig config) {
        monitor = PerfMonitor.open(config);
        try {
            metrics = new KmeshPerfMetrics(monitor);
            metrics.bindTo(registry);
            // After binding, so that the histograms hold every record.
            monitor.start();
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
    }

    /**
     * A running Kmesh found where it pins its ring and maps under {@code /sys/fs/bpf}, and Kmesh's
     * daemon by its process name. Nothing is loaded into the kernel; while Kmesh is not running the
     * monitor waits for it (its source is {@code WAITING}) instead of failing the service's start.
     */
    public static PerfMonitorConfig kmeshConfig() {
        return PerfMonitorConfig.builder()
                .source(RecordSource.kmesh())
                .daemon(DaemonTarget.processName("kmesh-daemon"))
                .build();
    }

    /** The monitor, e.g. for {@link PerfMonitor#snapshot()} in a health check. */
    public PerfMonitor monitor() {
        return monitor;
    }

    /** Removes the meters from the registry, then releases the monitor. */
    @Override
    public void close() {
        try {
            metrics.close();
        } finally {
            monitor.close();
        }
    }
}
