package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.testing.FakeMonitor;
import net.kmesh.perf.testing.PrometheusText;
import org.junit.jupiter.api.Test;

/** Whatever the monitor does, a scrape of the registry succeeds and keeps the registry's other meters. */
class ScrapeNeverThrowsTest {
    private static final PerfSnapshot GOOD = new FakeMonitor.Snap().op(1, "SOCK_TRAFFIC_CONTROL", 1000, 2000).build();

    /** A monitor whose snapshot throws on every second call, starting with the first. */
    private static FakeMonitor flaky() {
        FakeMonitor monitor = new FakeMonitor(GOOD);
        AtomicInteger calls = new AtomicInteger();
        monitor.snapshots = () -> {
            if (calls.getAndIncrement() % 2 == 0) {
                throw new PerfMonitorException.NotFoundException("pin /sys/fs/bpf/km_perf_info vanished");
            }
            return GOOD;
        };
        return monitor;
    }

    @Test
    void aSnapshotThatThrowsLeavesKmeshPerfOutOfThatPrometheusScrapeOnly() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        FakeMonitor monitor = flaky();
        try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            int with = 0;
            int without = 0;
            for (int i = 0; i < 8; i++) {
                PrometheusText text = PrometheusText.parse(registry.scrape());
                assertTrue(text.has("jvm_memory_used_bytes"), "the registry's own meters stay in every scrape");
                if (text.has("kmesh_perf_source_up")) {
                    with++;
                    assertEquals(2, text.value("kmesh_bpf_prog_operation_duration_seconds_count",
                            Map.of("node_name", text.named("kmesh_perf_source_up").get(0).labels().get("node_name"),
                                    "operation_type", "SOCK_TRAFFIC_CONTROL")));
                } else {
                    without++;
                    assertEquals(Map.of(), Map.copyOf(text.types()).entrySet().stream()
                            .filter(e -> e.getKey().startsWith("kmesh_"))
                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                            "no kmesh-perf family, not even an empty one");
                }
            }
            assertTrue(with >= 3 && without >= 3, with + " scrapes with, " + without + " without");
        }
    }

    @Test
    void aSnapshotThatThrowsLeavesOtherRegistriesMetersReadingNaNAndTheyRecover() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JvmMemoryMetrics().bindTo(registry);
        FakeMonitor monitor = new FakeMonitor(GOOD);
        try (KmeshPerfMetrics metrics = KmeshPerfMetrics.builder(monitor).snapshotTtl(Duration.ZERO).build()) {
            metrics.bindTo(registry);
            int before = registry.getMeters().size();
            monitor.snapshots = () -> {
                throw new IllegalStateException("EMFILE");
            };
            String text = readAll(registry);
            assertTrue(text.contains("jvm.memory.used"), text);
            assertEquals(Double.NaN, registry.get("kmesh.perf.records.consumed").functionCounter().count());
            assertEquals(before, registry.getMeters().size(), "no meter comes or goes while the snapshot fails");
            monitor.snapshots = () -> GOOD;
            assertEquals(2, registry.get("kmesh.bpf.prog.operation.duration").functionTimer().count());
        }
    }

    @Test
    void aSeriesThatCannotBeWrittenIsLeftOutAndTheOthersStay() {
        // A counter that went negative is refused by the Prometheus client: that series only is left out.
        PerfSnapshot bad = new FakeMonitor.Snap().op(1, "SOCK_TRAFFIC_CONTROL", 1000)
                .records(new RecordCounters(-1, 0, 0, 0, OptionalLong.of(0), OptionalLong.of(0), 0, 0, 0)).build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(new FakeMonitor(bad))) {
            metrics.bindTo(registry);
            for (int i = 0; i < 2; i++) {
                PrometheusText text = PrometheusText.parse(registry.scrape());
                assertFalse(text.has("kmesh_perf_records_consumed_total"));
                assertTrue(text.has("kmesh_perf_records_invalid_total"));
                assertTrue(text.has("kmesh_bpf_prog_operation_duration_seconds_bucket"));
                assertTrue(text.has("jvm_memory_used_bytes"));
            }
        }
    }

    @Test
    void aMonitorThatReturnsNoSnapshotIsAFailureLikeAnother() {
        for (MeterRegistry registry : new MeterRegistry[] {new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new SimpleMeterRegistry()}) {
            FakeMonitor monitor = new FakeMonitor((PerfSnapshot) null);
            try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
                metrics.bindTo(registry);
                if (registry instanceof PrometheusMeterRegistry p) {
                    assertFalse(p.scrape().contains("kmesh_"));
                } else {
                    assertEquals(0, registry.getMeters().size());
                }
            }
        }
    }

    /** Reads every meter, as a registry publishing them does. */
    static String readAll(SimpleMeterRegistry registry) {
        registry.getMeters().forEach(m -> m.measure().forEach(x -> x.getValue()));
        return registry.getMetersAsString();
    }
}
