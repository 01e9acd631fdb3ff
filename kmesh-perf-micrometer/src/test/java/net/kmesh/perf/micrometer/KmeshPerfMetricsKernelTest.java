package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.Await;
import net.kmesh.perf.bpf.RawRingWriter;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.PinDirectory;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import net.kmesh.perf.testing.PrometheusText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@KernelRequired
class KmeshPerfMetricsKernelTest {

    private static PerfSnapshot produce(PerfMonitor monitor, int perType) throws InterruptedException {
        var samples = monitor.unwrap(SampleWorkload.class).orElseThrow();
        long before = monitor.snapshot().records().consumed();
        samples.produce(1, perType, Mode.SYNTHETIC, 2_000);
        samples.produce(3, perType, Mode.SYNTHETIC, 40_000);
        return Await.snapshot(monitor, s -> s.records().consumed() >= before + 2L * perType, Duration.ofSeconds(10));
    }

    private static PrometheusMeterRegistry prometheus() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @Test
    void thePrometheusTextHasExactlyTheContractsNamesTypesAndTags() throws Exception {
        PrometheusMeterRegistry registry = prometheus();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .programs(ProgramSelector.namePrefix("kp_")).build());
             KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(monitor).nodeName("node-k").build()) {
            metrics.bindTo(registry);
            monitor.start();
            produce(monitor, 1000);
            PrometheusText text = PrometheusText.parse(registry.scrape());

            Map<String, String> expectedTypes = Map.ofEntries(
                    Map.entry("kmesh_bpf_prog_operation_duration_seconds", "histogram"),
                    Map.entry("kmesh_bpf_prog_operation_duration_seconds_max", "gauge"),
                    Map.entry("kmesh_perf_records_dropped_total", "counter"),
                    Map.entry("kmesh_perf_records_invalid_total", "counter"),
                    Map.entry("kmesh_perf_records_consumed_total", "counter"),
                    Map.entry("kmesh_perf_records_type_overflow_total", "counter"),
                    Map.entry("kmesh_perf_ends_without_start_total", "counter"),
                    Map.entry("kmesh_perf_listener_errors_total", "counter"),
                    Map.entry("kmesh_perf_stale_starts_reaped_total", "counter"),
                    Map.entry("kmesh_perf_source_up", "gauge"),
                    Map.entry("kmesh_perf_source_reattachments_total", "counter"),
                    Map.entry("kmesh_perf_rings_missed_total", "counter"),
                    Map.entry("kmesh_perf_feature_enabled", "gauge"),
                    Map.entry("kmesh_perf_operations_problem", "gauge"),
                    Map.entry("kmesh_perf_starts_pending", "gauge"),
                    Map.entry("kmesh_perf_starts_stale", "gauge"),
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
                assertEquals(e.getValue(), text.typeOf(e.getKey()), e.getKey() + " in " + text.types());
            }
            Set<String> ours = new TreeSet<>(text.types().keySet());
            ours.removeIf(n -> !n.startsWith("kmesh_"));
            Set<String> allowed = new TreeSet<>(expectedTypes.keySet());
            allowed.add("kmesh_daemon_memory_working_set_bytes");
            // prometheus-metrics 1.3 names a counter's TYPE without _total
            allowed.addAll(expectedTypes.keySet().stream().map(n -> n.replaceAll("_total$", "")).toList());
            assertTrue(allowed.containsAll(ours), "unexpected families: " + ours);

            for (PrometheusText.Sample s : text.samples()) {
                if (s.name().startsWith("kmesh_")) {
                    assertEquals("node-k", s.labels().get("node_name"), s.toString());
                }
            }
            Set<String> durationLabels = new TreeSet<>();
            text.named("kmesh_bpf_prog_operation_duration_seconds_bucket").forEach(s -> durationLabels.addAll(s.labels().keySet()));
            assertEquals(Set.of("le", "node_name", "operation_type"), durationLabels);
            assertEquals(KmeshPerfMetrics.DURATION_BUCKETS.size() + 1,
                    text.named("kmesh_bpf_prog_operation_duration_seconds_bucket").stream()
                            .filter(s -> s.labels().get("operation_type").equals("SOCK_TRAFFIC_CONTROL")).count(),
                    "one bucket per bound plus +Inf");
            text.named("kmesh_perf_records_dropped_total").forEach(s -> assertEquals(Set.of("node_name"), s.labels().keySet()));
            for (String family : new String[] {"kmesh_map_entries", "kmesh_map_max_entries", "kmesh_map_memlock_bytes",
                "kmesh_map_pressure"}) {
                text.named(family).forEach(s -> assertEquals(Set.of("map_name", "map_id", "map_type", "node_name"),
                        s.labels().keySet()));
            }
            for (String family : new String[] {"kmesh_bpf_prog_run_time_seconds_total", "kmesh_bpf_prog_runs_total"}) {
                text.named(family).forEach(s -> assertEquals(Set.of("prog_name", "prog_id", "prog_type", "node_name"),
                        s.labels().keySet()));
            }
            Map<String, String> node = Map.of("node_name", "node-k");
            // The default selection is every kmesh_* map of the host, whose number moves while other
            // maps are created or freed (the kernel frees a closed map a moment later): compare a
            // fresh scrape with the snapshot taken right after it, until the host holds still.
            PerfSnapshot s = monitor.snapshot();
            double scrapedMaps = -1;
            for (int attempt = 0; attempt < 20 && scrapedMaps != s.maps().size(); attempt++) {
                Thread.sleep(KmeshPerfMetrics.SNAPSHOT_TTL.toMillis() + 50);
                scrapedMaps = PrometheusText.parse(registry.scrape()).value("kmesh_maps", node);
                s = monitor.snapshot();
            }
            assertEquals(s.maps().size(), scrapedMaps);
            assertEquals(1, text.value("kmesh_perf_source_up", node));
            for (Feature f : Feature.values()) {
                assertEquals(s.features().contains(f) ? 1 : 0,
                        text.value("kmesh_perf_feature_enabled", Map.of("node_name", "node-k", "feature", f.tagValue())), f.name());
            }
            assertEquals(2000, text.value("kmesh_perf_records_consumed_total", node));
            var ring = s.maps().stream().filter(m -> m.name().equals("kmesh_perf_info")).findFirst().orElseThrow();
            Map<String, String> ringLabels = Map.of("map_name", "kmesh_perf_info", "map_id", Integer.toString(ring.id()),
                    "map_type", "ringbuf", "node_name", "node-k");
            assertEquals(ring.maxEntries(), text.value("kmesh_map_max_entries", ringLabels));
            assertEquals(ring.memlockBytes(), text.value("kmesh_map_memlock_bytes", ringLabels));
            assertTrue(text.named("kmesh_bpf_prog_runs_total").stream()
                    .anyMatch(x -> x.labels().get("prog_name").equals("kp_produce") && x.value() >= 2), "kp_produce ran");
        }
    }

    /** Every bucket, the count, the sum and the maximum are the monitor's own, exactly. */
    private static void assertExposes(PrometheusText text, OperationStats op) {
        Map<String, String> labels = new HashMap<>(text.named("kmesh_perf_source_up").get(0).labels());
        labels.put("operation_type", op.type().name());
        String family = "kmesh_bpf_prog_operation_duration_seconds";
        assertEquals(op.count(), text.value(family + "_count", labels));
        assertEquals(op.sumNanos() / 1e9, text.value(family + "_sum", labels));
        assertEquals(op.maxNanos() / 1e9, text.value(family + "_max", labels));
        for (long bound : DurationBuckets.BOUNDS_NANOS) {
            double le = bound / 1e9;
            double published = text.named(family + "_bucket").stream()
                    .filter(x -> x.labels().get("operation_type").equals(op.type().name())
                            && !x.labels().get("le").equals("+Inf") && Double.parseDouble(x.labels().get("le")) == le)
                    .findFirst().orElseThrow().value();
            assertEquals(op.histogram().countAtOrBelow(bound), (long) published, "le=" + le);
        }
        labels.put("le", "+Inf");
        assertEquals(op.count(), text.value(family + "_bucket", labels));
    }

    @Test
    void histogramsEqualTheMonitorsSnapshotExactly() throws Exception {
        PrometheusMeterRegistry registry = prometheus();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            monitor.start();
            PerfSnapshot s = produce(monitor, 2000);
            PrometheusText text = PrometheusText.parse(registry.scrape());
            assertEquals(2, s.operations().size());
            for (OperationStats op : s.operations()) {
                assertExposes(text, op);
            }
        }
    }

    @Test
    void typesInKernelHistogramModeAreExposedThroughTheSameMeter() throws Exception {
        PrometheusMeterRegistry registry = prometheus();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).histogramMode(2).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            monitor.start();
            monitor.unwrap(SampleWorkload.class).orElseThrow().produce(2, 3000, Mode.SYNTHETIC, 10_000);
            // Nothing goes through the ring: the scrape's own snapshot merges the kernel's counts.
            PrometheusText text = PrometheusText.parse(registry.scrape());
            OperationStats op = monitor.snapshot().operation(2).orElseThrow();
            assertEquals(3000, op.count());
            assertExposes(text, op);
            Map<String, String> labels = new HashMap<>(text.named("kmesh_perf_source_up").get(0).labels());
            labels.put("operation_type", "XDP_SHUTDOWN");
            labels.put("le", "8.192E-6");
            assertEquals(0, text.value("kmesh_bpf_prog_operation_duration_seconds_bucket", labels), "all 10 us or more");
            labels.put("le", "3.2768E-5");
            assertEquals(3000, text.value("kmesh_bpf_prog_operation_duration_seconds_bucket", labels), "all below 20 us");
        }
    }

    @Test
    @SuppressWarnings("try") // the map only needs to exist, then to be closed
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
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        PrometheusMeterRegistry prometheus = prometheus();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(simple);
            metrics.bindTo(prometheus);
            monitor.start();
            PerfSnapshot s = produce(monitor, 500);
            // Other registries' meters of a new operation type are registered by the first read that sees it.
            Thread.sleep(KmeshPerfMetrics.SNAPSHOT_TTL.toMillis() + 50);
            scrape(simple);
            FunctionTimer t = simple.get("kmesh.bpf.prog.operation.duration").tag("operation_type", "SOCK_TRAFFIC_CONTROL")
                    .functionTimer();
            assertEquals(500, t.count());
            assertEquals(s.operation(1).orElseThrow().sumNanos(), t.totalTime(TimeUnit.NANOSECONDS), 1e-3);
            assertTrue(simple.get("kmesh.bpf.prog.operation.duration.max").gauge().value() >= 2e-6);
            assertEquals(0, simple.get("kmesh.perf.records.invalid").functionCounter().count());
            assertExposes(PrometheusText.parse(prometheus.scrape()), s.operation(1).orElseThrow());
        }
    }

    @Test
    void closeRemovesEveryMeterAndTheCollector() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PrometheusMeterRegistry prometheus = prometheus();
        new JvmMemoryMetrics().bindTo(prometheus);
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build())) {
            KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor);
            metrics.bindTo(registry);
            metrics.bindTo(prometheus);
            monitor.start();
            produce(monitor, 100);
            assertTrue(registry.getMeters().size() >= 5, registry.getMetersAsString());
            assertTrue(prometheus.scrape().contains("kmesh_"));
            metrics.close();
            metrics.close();
            assertEquals("", registry.getMetersAsString());
            String text = prometheus.scrape();
            assertFalse(text.contains("kmesh_"), text);
            assertTrue(text.contains("jvm_memory_used_bytes"));
            long before = monitor.snapshot().records().consumed();
            monitor.unwrap(SampleWorkload.class).orElseThrow().produce(1, 100, Mode.SCOPED, 0);
            Await.snapshot(monitor, s -> s.records().consumed() >= before + 100, Duration.ofSeconds(10));
            assertEquals("", registry.getMetersAsString(), "nothing comes back after close");
            assertFalse(prometheus.scrape().contains("kmesh_"));
        }
    }

    /**
     * A data plane that goes away under a running monitor (its pinned maps removed): every scrape
     * succeeds and keeps the registry's own meters, and the source shows as down.
     */
    @Test
    void scrapesSucceedWhileTheDataPlaneVanishes() throws Exception {
        PrometheusMeterRegistry prometheus = prometheus();
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        for (MeterRegistry r : List.of(prometheus, simple)) {
            new JvmMemoryMetrics().bindTo(r);
        }
        try (PinDirectory pins = PinDirectory.create("kmesh-perf-binder-" + ProcessHandle.current().pid())) {
            Path ring = pins.resolve("kmesh_perf_info");
            RawRingWriter kmesh = new RawRingWriter();
            kmesh.pinRing(ring);
            try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.pinned(ring))
                    .maps(MapSelector.pinned(ring)).build()).start();
                 KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(monitor).snapshotTtl(Duration.ZERO).build()) {
                metrics.bindTo(prometheus);
                metrics.bindTo(simple);
                kmesh.emit(32, 100, 1, 1000, 50);
                Await.snapshot(monitor, s -> s.records().consumed() >= 100, Duration.ofSeconds(10));
                PrometheusText up = PrometheusText.parse(prometheus.scrape());
                assertEquals(1, up.named("kmesh_perf_source_up").get(0).value());

                kmesh.close();
                Files.delete(ring);
                // The source shows as down: kmesh_perf_source_up 0 where the snapshot can still be
                // taken, no kmesh-perf series at all where it throws (the selected map's pin is gone).
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                boolean down = false;
                for (int scrapes = 0; scrapes < 10 || !down && System.nanoTime() < deadline; scrapes++) {
                    PrometheusText text = PrometheusText.parse(prometheus.scrape());
                    assertTrue(text.has("jvm_memory_used_bytes"), "the registry's own meters stay in every scrape");
                    String other = ScrapeNeverThrowsTest.readAll(simple);
                    assertTrue(other.contains("jvm.memory.used"), other);
                    down = text.named("kmesh_perf_source_up").stream().allMatch(x -> x.value() == 0);
                    Thread.sleep(20);
                }
                assertTrue(down, "the source shows as down");
                assertTrue(simple.find("kmesh.perf.source.up").gauges().stream().allMatch(g -> g.value() == 0
                        || Double.isNaN(g.value())));
            } finally {
                kmesh.close();
            }
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
        return ScrapeNeverThrowsTest.readAll(registry);
    }

    @Test
    void theTextPassesPromtoolCheckMetrics() throws Exception {
        PrometheusMeterRegistry registry = prometheus();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .programs(ProgramSelector.namePrefix("kp_")).build());
             KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            monitor.start();
            produce(monitor, 100);
            String kmeshOnly = registry.scrape();
            assertEquals(List.of(), Promtool.check(kmeshOnly), kmeshOnly);
        }
    }
}
