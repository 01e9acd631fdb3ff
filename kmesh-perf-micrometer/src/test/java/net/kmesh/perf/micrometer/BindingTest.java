package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.testing.FakeMonitor;
import net.kmesh.perf.testing.PrometheusText;
import org.junit.jupiter.api.Test;

/** Binding to registries of every kind, and closing. */
class BindingTest {
    private static final PerfSnapshot SNAPSHOT = new FakeMonitor.Snap()
            .op(1, "SOCK_TRAFFIC_CONTROL", 1000, 3000, 70_000)
            .map(new MapStats(12, "km_backend", "hash", 4, 40, 1000, 250, 90112, CountMethod.ITERATOR)).build();

    private static PrometheusMeterRegistry prometheus() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    private static Set<String> kmeshFamilies(String text) {
        return PrometheusText.parse(text).sampleNames("kmesh_");
    }

    private static Set<String> meterIds(MeterRegistry registry) {
        Set<String> ids = new TreeSet<>();
        registry.getMeters().forEach(m -> ids.add(m.getId().toString()));
        return ids;
    }

    @Test
    void closeRemovesEverythingFromEveryRegistryAndTheyScrapeAsBefore() {
        PrometheusMeterRegistry prometheus = prometheus();
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmMemoryMetrics().bindTo(simple);
        Set<String> familiesBefore = PrometheusText.parse(prometheus.scrape()).types().keySet();
        Set<String> metersBefore = meterIds(simple);
        Set<String> prometheusMetersBefore = meterIds(prometheus);

        KmeshPerfMetrics metrics = new KmeshPerfMetrics(new FakeMonitor(SNAPSHOT));
        metrics.bindTo(prometheus);
        metrics.bindTo(simple);
        assertFalse(kmeshFamilies(prometheus.scrape()).isEmpty());
        assertTrue(simple.getMeters().size() > metersBefore.size());

        metrics.close();
        metrics.close();
        PrometheusText after = PrometheusText.parse(prometheus.scrape());
        assertEquals(Set.of(), after.sampleNames("kmesh_"), "the collector is gone");
        assertEquals(familiesBefore, after.types().keySet());
        assertEquals(prometheusMetersBefore, meterIds(prometheus), "no meter left behind, not even the probe");
        assertEquals(metersBefore, meterIds(simple));
        assertThrows(IllegalStateException.class, () -> metrics.bindTo(prometheus));

        // The registry takes a new binder as it took the first.
        try (KmeshPerfMetrics again = new KmeshPerfMetrics(new FakeMonitor(SNAPSHOT))) {
            again.bindTo(prometheus);
            assertTrue(prometheus.scrape().contains("kmesh_perf_source_up"));
        }
        assertFalse(prometheus.scrape().contains("kmesh_"));
    }

    @Test
    void bothOfTwoRegistriesPublishTheSnapshot() {
        PrometheusMeterRegistry prometheus = prometheus();
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        try (KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(new FakeMonitor(SNAPSHOT)).nodeName("n").build()) {
            metrics.bindTo(simple);
            metrics.bindTo(prometheus);
            OperationStats op = SNAPSHOT.operation(1).orElseThrow();
            PrometheusText text = PrometheusText.parse(prometheus.scrape());
            Map<String, String> labels = Map.of("node_name", "n", "operation_type", "SOCK_TRAFFIC_CONTROL");
            assertEquals(3, text.value("kmesh_bpf_prog_operation_duration_seconds_count", labels));
            FunctionTimer t = simple.get("kmesh.bpf.prog.operation.duration").tags(labels.entrySet().stream()
                    .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray(String[]::new)).functionTimer();
            assertEquals(op.count(), t.count());
            assertEquals(op.sumNanos(), t.totalTime(TimeUnit.NANOSECONDS), 1e-3);
            assertEquals(op.maxNanos() / 1e9, simple.get("kmesh.bpf.prog.operation.duration.max").gauge().value());
            assertEquals(250, simple.get("kmesh.map.entries").tag("map_name", "km_backend").gauge().value());
        }
    }

    @Test
    void bindingTheSameRegistryAgainRegistersNothingMore() throws Exception {
        PrometheusMeterRegistry prometheus = prometheus();
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(new FakeMonitor(SNAPSHOT))) {
            metrics.bindTo(prometheus);
            metrics.bindTo(simple);
            String once = prometheus.scrape();
            int meters = simple.getMeters().size();
            metrics.bindTo(prometheus);
            metrics.bindTo(simple);
            assertEquals(once, prometheus.scrape());
            assertEquals(meters, simple.getMeters().size());
        }
    }

    @Test
    void aCompositeIsBoundThroughItsRegistriesSoItsPrometheusRegistryGetsTheBuckets() {
        PrometheusMeterRegistry prometheus = prometheus();
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(prometheus);
        composite.add(simple);
        try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(new FakeMonitor(SNAPSHOT))) {
            metrics.bindTo(composite);
            PrometheusText text = PrometheusText.parse(prometheus.scrape());
            assertTrue(text.has("kmesh_bpf_prog_operation_duration_seconds_bucket"), "the collector, not a summary");
            assertEquals(1, text.named("kmesh_perf_source_up").size(), "written once");
            assertEquals(3, simple.get("kmesh.bpf.prog.operation.duration").functionTimer().count());
        }
        assertFalse(prometheus.scrape().contains("kmesh_"));
        assertEquals(0, simple.getMeters().size());
    }

    @Test
    void aCompositeWithoutRegistriesYetIsBoundAsAnyRegistryAndForwardsToThoseAddedLater() {
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(new FakeMonitor(SNAPSHOT))) {
            metrics.bindTo(composite);
            SimpleMeterRegistry simple = new SimpleMeterRegistry();
            composite.add(simple);
            assertEquals(3, simple.get("kmesh.bpf.prog.operation.duration").functionTimer().count());
        }
        assertEquals(0, composite.getMeters().size());
    }

    @Test
    @SuppressWarnings("try") // closes one binder early on purpose
    void twoBindersInOneRegistryShareItsFamiliesAndNeverWriteASeriesTwice() throws Exception {
        PrometheusMeterRegistry prometheus = prometheus();
        FakeMonitor monitor = new FakeMonitor(SNAPSHOT);
        try (KmeshPerfMetrics a = KmeshPerfMetrics.builder(monitor).tags(Tags.of("plane", "a")).build();
             KmeshPerfMetrics b = KmeshPerfMetrics.builder(monitor).tags(Tags.of("plane", "b")).build();
             KmeshPerfMetrics same = KmeshPerfMetrics.builder(monitor).tags(Tags.of("plane", "b")).build()) {
            a.bindTo(prometheus);
            b.bindTo(prometheus);
            same.bindTo(prometheus);
            String text = prometheus.scrape();
            PrometheusText parsed = PrometheusText.parse(text); // throws on a family written twice
            List<String> planes = new ArrayList<>();
            parsed.named("kmesh_perf_source_up").forEach(x -> planes.add(x.labels().get("plane")));
            assertEquals(List.of("a", "b"), planes.stream().sorted().toList());
            assertEquals(List.of(), Promtool.check(text), text);
            a.close();
            parsed = PrometheusText.parse(prometheus.scrape());
            assertEquals(1, parsed.named("kmesh_perf_source_up").size(), "the other binder's series stay");
        }
        assertFalse(prometheus.scrape().contains("kmesh_"));
    }

    @Test
    void aRegistryThatDeniesKmeshMetersGetsNone() {
        PrometheusMeterRegistry prometheus = prometheus();
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        for (MeterRegistry r : new MeterRegistry[] {prometheus, simple}) {
            r.config().meterFilter(MeterFilter.denyNameStartsWith("kmesh"));
        }
        try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(new FakeMonitor(SNAPSHOT))) {
            metrics.bindTo(prometheus);
            metrics.bindTo(simple);
            assertFalse(prometheus.scrape().contains("kmesh_"));
            ScrapeNeverThrowsTest.readAll(simple);
            assertEquals(List.of(), simple.getMeters().stream().map(Meter::getId).toList());
        }
    }

    @Test
    void everySeriesCarriesNodeNameAndTheBindersTagsAndTheRegistrysCommonTagsWithItsNodeNameWinning() {
        PrometheusMeterRegistry prometheus = prometheus();
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        PrometheusMeterRegistry plain = prometheus();
        for (MeterRegistry r : new MeterRegistry[] {prometheus, simple}) {
            r.config().commonTags("node_name", "from-registry", "cluster", "c1", "zone", "z1");
        }
        try (KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(new FakeMonitor(SNAPSHOT)).nodeName("from-binder")
                .tags(Tags.of("zone", "z2", "operation_type", "overridden by the series' own")).build()) {
            metrics.bindTo(prometheus);
            metrics.bindTo(simple);
            metrics.bindTo(plain);
            for (PrometheusText.Sample x : PrometheusText.parse(prometheus.scrape()).samples()) {
                if (x.name().startsWith("kmesh_")) {
                    assertEquals("from-registry", x.labels().get("node_name"), x.toString());
                    assertEquals("c1", x.labels().get("cluster"), x.toString());
                    assertEquals("z2", x.labels().get("zone"), "the binder's tags win over common tags, as a meter's own do");
                }
            }
            for (Meter m : simple.getMeters()) {
                assertEquals("from-registry", m.getId().getTag("node_name"), m.getId().toString());
                assertEquals("c1", m.getId().getTag("cluster"));
                assertEquals("z2", m.getId().getTag("zone"));
            }
            PrometheusText text = PrometheusText.parse(plain.scrape());
            for (PrometheusText.Sample x : text.samples()) {
                assertEquals("from-binder", x.labels().get("node_name"), x.toString());
                assertEquals("z2", x.labels().get("zone"));
            }
            assertEquals(Set.of("SOCK_TRAFFIC_CONTROL"), new TreeSet<>(text.named("kmesh_bpf_prog_operation_duration_seconds_count")
                    .stream().map(x -> x.labels().get("operation_type")).toList()));
        }
    }

    @Test
    void aMonitorReportingMoreTypesThanItsCapGetsSeriesForAtMostTheCapsTypes() {
        int cap = 16;
        DurationHistogram one = DurationHistogram.ofCounts(oneAt(DurationHistogram.bucketIndex(1000)));
        List<OperationStats> ops = new ArrayList<>(100_000);
        for (int code = 0; code < 100_000; code++) {
            ops.add(new OperationStats(OperationType.unnamed(code), 1, 1000, 1000, 1000, one));
        }
        FakeMonitor.Snap snap = new FakeMonitor.Snap();
        snap.operations = ops;
        FakeMonitor monitor = new FakeMonitor(PerfMonitorConfig.builder().maxOperationTypes(cap).build(), snap.build());
        PrometheusMeterRegistry prometheus = prometheus();
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        try (KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(monitor).snapshotTtl(Duration.ZERO).build()) {
            metrics.bindTo(prometheus);
            metrics.bindTo(simple);
            String text = prometheus.scrape();
            Set<String> types = new TreeSet<>();
            PrometheusText.parse(text).samples().stream().map(x -> x.labels().get("operation_type"))
                    .filter(java.util.Objects::nonNull).forEach(types::add);
            assertEquals(cap, types.size(), types.toString());
            assertTrue(text.length() < 100_000, "a small scrape: " + text.length() + " characters");
            Set<String> meterTypes = new TreeSet<>();
            ScrapeNeverThrowsTest.readAll(simple);
            simple.getMeters().forEach(m -> {
                String t = m.getId().getTag("operation_type");
                if (t != null) {
                    meterTypes.add(t);
                }
            });
            assertEquals(cap, meterTypes.size());
        }
    }

    private static long[] oneAt(int index) {
        long[] c = new long[DurationHistogram.BUCKET_COUNT];
        c[index] = 1;
        return c;
    }

    @Test
    void otherRegistriesGainAndLoseMetersAsMapsComeAndGo() {
        FakeMonitor monitor = new FakeMonitor(SNAPSHOT);
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        try (KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(monitor).snapshotTtl(Duration.ZERO).build()) {
            metrics.bindTo(simple);
            assertTrue(ScrapeNeverThrowsTest.readAll(simple).contains("km_backend"));
            monitor.snapshots = () -> new FakeMonitor.Snap().op(1, "SOCK_TRAFFIC_CONTROL", 1000, 3000, 70_000)
                    .map(new MapStats(13, "km_frontend", "hash", 4, 40, 1000, 5, 90112, CountMethod.ITERATOR)).build();
            ScrapeNeverThrowsTest.readAll(simple);
            String after = ScrapeNeverThrowsTest.readAll(simple);
            assertFalse(after.contains("km_backend"), after);
            assertTrue(after.contains("km_frontend"), after);
        }
    }

    /**
     * Each series' labels are kept between scrapes, so a map that comes and goes at every scrape is
     * written with its own labels each time, never a kept one of another, and what is kept stays
     * bounded whatever names a data plane makes.
     */
    @Test
    void labelsKeptBetweenScrapesFollowEverySeriesAndStayBounded() {
        FakeMonitor monitor = new FakeMonitor(SNAPSHOT);
        int[] scrape = {0};
        monitor.snapshots = () -> new FakeMonitor.Snap().op(1, "SOCK_TRAFFIC_CONTROL", 1000, 3000, 70_000)
                .map(new MapStats(13, "km_map_" + scrape[0], "hash", 4, 40, 1000, 5, 90112, CountMethod.ITERATOR)).build();
        PrometheusMeterRegistry registry = prometheus();
        try (KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(monitor).nodeName("n").build()) {
            metrics.bindTo(registry);
            int rounds = PrometheusBinding.MAX_CACHED_LABELS + 100;
            for (scrape[0] = 0; scrape[0] < rounds; scrape[0]++) {
                String text = registry.scrape();
                if (scrape[0] % 500 == 0 || scrape[0] == rounds - 1) {
                    assertTrue(text.contains("map_name=\"km_map_" + scrape[0] + "\""), text);
                    assertFalse(text.contains("map_name=\"km_map_" + (scrape[0] - 1) + "\""), text);
                    assertTrue(text.contains("node_name=\"n\""), text);
                }
                assertTrue(metrics.cachedLabels() <= PrometheusBinding.MAX_CACHED_LABELS, "kept: " + metrics.cachedLabels());
            }
            assertTrue(metrics.cachedLabels() > 0, "labels are kept between scrapes");
        }
    }

    @Test
    void theBinderNeverListensToRecords() {
        // FakeMonitor.addRecordListener throws: binding and scraping must not call it.
        try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(new FakeMonitor(SNAPSHOT))) {
            metrics.bindTo(prometheus());
            metrics.bindTo(new SimpleMeterRegistry());
        }
    }
}
