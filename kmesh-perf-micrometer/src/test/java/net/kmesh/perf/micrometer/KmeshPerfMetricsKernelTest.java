package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import net.kmesh.perf.bpf.Await;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@KernelRequired
class KmeshPerfMetricsKernelTest {

    private static PerfSnapshot produce(PerfMonitor monitor, int perType) throws InterruptedException {
        var samples = monitor.unwrap(SampleWorkload.class).orElseThrow();
        samples.produce(1, perType, Mode.SYNTHETIC, 2_000);
        samples.produce(3, perType, Mode.SYNTHETIC, 40_000);
        return Await.snapshot(monitor, s -> s.records().consumed() >= 2L * perType, Duration.ofSeconds(10));
    }

    @Test
    void thePrometheusTextHasExactlyTheContractsNamesTypesAndTags() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .programs(ProgramSelector.namePrefix("kp_")).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            monitor.start();
            produce(monitor, 1000);
            Thread.sleep(KmeshPerfMetrics.SNAPSHOT_TTL.toMillis() + 50);
            registry.scrape();
            PrometheusText text = PrometheusText.parse(registry.scrape());

            Map<String, String> expectedTypes = Map.ofEntries(
                    Map.entry("kmesh_bpf_prog_operation_duration_seconds", "histogram"),
                    Map.entry("kmesh_bpf_prog_operation_duration_seconds_max", "gauge"),
                    Map.entry("kmesh_perf_records_dropped_total", "counter"),
                    Map.entry("kmesh_perf_records_invalid_total", "counter"),
                    Map.entry("kmesh_perf_stale_starts_reaped_total", "counter"),
                    Map.entry("kmesh_daemon_memory_usage_bytes", "gauge"),
                    Map.entry("kmesh_daemon_cpu_usage_seconds_total", "counter"),
                    Map.entry("kmesh_maps", "gauge"),
                    Map.entry("kmesh_map_entries", "gauge"),
                    Map.entry("kmesh_map_max_entries", "gauge"),
                    Map.entry("kmesh_map_memlock_bytes", "gauge"),
                    Map.entry("kmesh_map_pressure", "gauge"),
                    Map.entry("kmesh_bpf_prog_run_time_seconds_total", "counter"),
                    Map.entry("kmesh_bpf_prog_runs_total", "counter"));
            for (var e : expectedTypes.entrySet()) {
                assertEquals(e.getValue(), text.types().get(e.getKey()), e.getKey() + " in " + text.types());
            }
            Set<String> ours = new TreeSet<>(text.types().keySet());
            ours.removeIf(n -> !n.startsWith("kmesh_"));
            Set<String> allowed = new TreeSet<>(expectedTypes.keySet());
            allowed.add("kmesh_daemon_memory_working_set_bytes");
            assertTrue(allowed.containsAll(ours), "unexpected families: " + ours);

            Set<String> durationLabels = new TreeSet<>();
            text.named("kmesh_bpf_prog_operation_duration_seconds_bucket").forEach(s -> durationLabels.addAll(s.labels().keySet()));
            assertEquals(Set.of("le", "operation_type"), durationLabels);
            assertEquals(KmeshPerfMetrics.DURATION_BUCKETS.size() + 1,
                    text.named("kmesh_bpf_prog_operation_duration_seconds_bucket").stream()
                            .filter(s -> s.labels().get("operation_type").equals("SOCK_TRAFFIC_CONTROL")).count(),
                    "one bucket per bound plus +Inf");
            text.named("kmesh_perf_records_dropped_total").forEach(s -> assertEquals(Map.of(), s.labels()));
            for (String family : new String[] {"kmesh_map_entries", "kmesh_map_max_entries", "kmesh_map_memlock_bytes",
                "kmesh_map_pressure"}) {
                text.named(family).forEach(s -> assertEquals(Set.of("map_name", "map_id", "map_type"), s.labels().keySet()));
            }
            for (String family : new String[] {"kmesh_bpf_prog_run_time_seconds_total", "kmesh_bpf_prog_runs_total"}) {
                text.named(family).forEach(s -> assertEquals(Set.of("prog_name", "prog_id", "prog_type"), s.labels().keySet()));
            }
            PerfSnapshot s = monitor.snapshot();
            assertEquals(s.maps().size(), text.value("kmesh_maps", Map.of()));
            var ring = s.maps().stream().filter(m -> m.name().equals("kmesh_perf_info")).findFirst().orElseThrow();
            Map<String, String> ringLabels = Map.of("map_name", "kmesh_perf_info", "map_id", Integer.toString(ring.id()),
                    "map_type", "ringbuf");
            assertEquals(ring.maxEntries(), text.value("kmesh_map_max_entries", ringLabels));
            assertEquals(ring.memlockBytes(), text.value("kmesh_map_memlock_bytes", ringLabels));
            assertTrue(text.named("kmesh_bpf_prog_runs_total").stream()
                    .anyMatch(x -> x.labels().get("prog_name").equals("kp_produce") && x.value() >= 2), "kp_produce ran");
        }
    }

    @Test
    void histogramCountsAndSumsEqualTheMonitorsSnapshot() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            monitor.start();
            PerfSnapshot s = produce(monitor, 2000);
            PrometheusText text = PrometheusText.parse(registry.scrape());
            for (OperationStats op : s.operations()) {
                Map<String, String> labels = Map.of("operation_type", op.type().name());
                assertEquals(op.count(), text.value("kmesh_bpf_prog_operation_duration_seconds_count", labels));
                assertEquals(op.sumNanos() / 1e9, text.value("kmesh_bpf_prog_operation_duration_seconds_sum", labels),
                        1e-9 * op.count());
                assertEquals(op.maxNanos() / 1e9, text.value("kmesh_bpf_prog_operation_duration_seconds_max", labels), 1e-12);
                assertEquals(op.count(), text.value("kmesh_bpf_prog_operation_duration_seconds_bucket",
                        Map.of("operation_type", op.type().name(), "le", "+Inf")));
                long atOrBelow50us = op.histogram().countAtOrBelow(50_000 - 1);
                assertTrue(text.value("kmesh_bpf_prog_operation_duration_seconds_bucket",
                        Map.of("operation_type", op.type().name(), "le", "5.0E-5")) >= atOrBelow50us);
            }
            assertEquals(2, s.operations().size());
        }
    }

    @Test
    @org.junit.jupiter.api.Disabled("the binder is being rewritten to publish the monitor's histograms, kernel counts included")
    void typesInKernelHistogramModeAreExposedThroughTheSameMeter() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).histogramMode(2).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            monitor.start();
            monitor.unwrap(SampleWorkload.class).orElseThrow().produce(2, 3000, Mode.SYNTHETIC, 10_000);
            Thread.sleep(KmeshPerfMetrics.SNAPSHOT_TTL.toMillis() + 50);
            // The scrape that merges the kernel's counts may already have read the timer: the
            // next one shows them.
            registry.scrape();
            PrometheusText text = PrometheusText.parse(registry.scrape());
            OperationStats op = monitor.snapshot().operation(2).orElseThrow();
            assertEquals(3000, op.count());
            Map<String, String> labels = Map.of("operation_type", "XDP_SHUTDOWN");
            assertEquals(3000, text.value("kmesh_bpf_prog_operation_duration_seconds_count", labels));
            // All durations are 10 us or more, but the kernel's bucket [9216, 10240) ns straddles the
            // 10 us bound: its counts, replayed at its middle, fall below it; nothing else may.
            long straddling = op.histogram().bucketCount(DurationHistogram.bucketIndex(10_000));
            assertTrue(text.value("kmesh_bpf_prog_operation_duration_seconds_bucket",
                    Map.of("operation_type", "XDP_SHUTDOWN", "le", "1.0E-5")) <= straddling);
            assertEquals(3000, text.value("kmesh_bpf_prog_operation_duration_seconds_bucket",
                    Map.of("operation_type", "XDP_SHUTDOWN", "le", "2.5E-5")), "all below 20 us");
            double sum = text.value("kmesh_bpf_prog_operation_duration_seconds_sum", labels);
            assertEquals(op.sumNanos() / 1e9, sum, op.sumNanos() / 1e9 * 0.07, "within a bucket's width");
        }
    }

    @Test
    void aMapThatVanishesLosesItsMetersAndANewOneGetsThem() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            String name = "kmesh_t" + Long.toHexString(System.nanoTime() & 0xffffffL);
            int fd = Errno.check("map", LibbpfLoader.natives().libbpf().bpf_map_create(MapType.HASH, name, 4, 4, 64, null));
            try (Fd map = Fd.own(fd)) {
                Thread.sleep(KmeshPerfMetrics.SNAPSHOT_TTL.toMillis() + 50);
                assertTrue(scrape(registry).contains(name), "a new map gets its meters on the next scrape");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String after;
            do {
                Thread.sleep(KmeshPerfMetrics.SNAPSHOT_TTL.toMillis() + 50);
                after = scrape(registry);
            } while (after.contains(name) && System.nanoTime() < deadline);
            assertTrue(!after.contains(name), "a vanished map's meters are gone: " + after);
            assertTrue(after.contains("kmesh_perf_info"), "the others stay");
        }
    }

    @Test
    void bindsToTwoRegistriesAtOnce() throws Exception {
        MeterRegistry simple = new SimpleMeterRegistry();
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(simple);
            metrics.bindTo(prometheus);
            monitor.start();
            produce(monitor, 500);
            for (MeterRegistry r : new MeterRegistry[] {simple, prometheus}) {
                Timer t = r.get("kmesh.bpf.prog.operation.duration").tag("operation_type", "SOCK_TRAFFIC_CONTROL").timer();
                assertEquals(500, t.count());
                assertTrue(t.max(TimeUnit.NANOSECONDS) >= 2_000);
                assertEquals(0, r.get("kmesh.perf.records.invalid").functionCounter().count());
            }
        }
    }

    @Test
    void closeRemovesEveryMeterAndStopsRecording() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build())) {
            KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor);
            metrics.bindTo(registry);
            monitor.start();
            produce(monitor, 100);
            assertTrue(registry.getMeters().size() >= 5, registry.getMetersAsString());
            metrics.close();
            metrics.close();
            assertEquals("", registry.getMetersAsString());
            long before = monitor.snapshot().records().consumed();
            monitor.unwrap(SampleWorkload.class).orElseThrow().produce(1, 100, Mode.SCOPED, 0);
            Await.snapshot(monitor, s -> s.records().consumed() >= before + 100, Duration.ofSeconds(10));
            assertEquals("", registry.getMetersAsString(), "nothing comes back after close");
        }
    }

    @Test
    void theDaemonsMetersGoWhenItExitsAndComeBackWhenItIsFoundAgain(@TempDir Path tmp) throws Exception {
        Path name = tmp.resolve("kp-test-daemon");
        Files.createSymbolicLink(name, Path.of("/bin/sleep"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Process daemon = new ProcessBuilder(name.toString(), "30").start();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .daemon(DaemonTarget.processName("kp-test-daemon")).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            assertTrue(scrape(registry).contains("kmesh.daemon.memory.usage"));
            daemon.destroyForcibly().waitFor();
            Thread.sleep(KmeshPerfMetrics.SNAPSHOT_TTL.toMillis() + 50);
            scrape(registry);
            String after = scrape(registry);
            assertTrue(!after.contains("kmesh.daemon"), after);
            daemon = new ProcessBuilder(name.toString(), "30").start();
            Thread.sleep(KmeshPerfMetrics.SNAPSHOT_TTL.toMillis() + 50);
            scrape(registry);
            assertTrue(scrape(registry).contains("kmesh.daemon.cpu.usage"));
        } finally {
            daemon.destroyForcibly().waitFor();
        }
    }

    /** What a registry publishes: reading every meter, as a scrape does. */
    private static String scrape(SimpleMeterRegistry registry) {
        registry.getMeters().forEach(m -> m.measure().forEach(x -> x.getValue()));
        return registry.getMetersAsString();
    }

    @Test
    void theTextPassesPromtoolCheckMetrics() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but promtool is missing (Debian package prometheus; .ci/setup installs it)");
            }
            org.junit.jupiter.api.Assumptions.abort("promtool is not installed");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            monitor.start();
            produce(monitor, 100);
            String kmeshOnly = registry.scrape();
            String problems = promtoolCheck(promtool, kmeshOnly);
            assertEquals("", problems, kmeshOnly);
        }
    }

    static String promtoolCheck(Path promtool, String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out;
    }
}
