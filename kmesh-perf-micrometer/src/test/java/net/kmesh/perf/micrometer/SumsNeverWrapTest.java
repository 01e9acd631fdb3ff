package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationType;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.bpf.ops.OperationAggregator;
import net.kmesh.perf.bpf.ops.RecordDecoder;
import net.kmesh.perf.testing.FakeMonitor;
import net.kmesh.perf.testing.PrometheusText;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The records that used to wrap a published {@code _sum} (issue 17.4), through the real decoder and
 * aggregator and out of both registries, in both namings: no sum is negative, and the records too
 * long to be real are counted as invalid.
 */
class SumsNeverWrapTest {
    private static final long DAY_NANOS = 86_400_000_000_000L;

    /** What the decoder and aggregator make of {@code times} copies of one 32-byte record. */
    private static void decode(OperationAggregator aggregator, long start, long end, long times) {
        ByteBuffer data = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
        data.putLong(0, start).putLong(8, end).putLong(16, 42).putInt(24, 1);
        RecordDecoder decoder = new RecordDecoder(aggregator);
        aggregator.beginBatch();
        for (long i = 0; i < times; i++) {
            decoder.onRecord(data, 0, 32, 31);
        }
        aggregator.endBatch();
    }

    private static FakeMonitor monitorOf(OperationAggregator aggregator) {
        OperationAggregator.Snapshot s = aggregator.snapshot(c -> new OperationType(c, "SOCK_TRAFFIC_CONTROL"));
        FakeMonitor.Snap snap = new FakeMonitor.Snap()
                .records(new RecordCounters(s.consumed(), s.invalid(), s.typeOverflow(), 0, OptionalLong.of(0),
                        OptionalLong.of(0), 0, 0, 0));
        snap.operations.addAll(s.operations());
        return new FakeMonitor(snap.build());
    }

    /** The three inputs of the issue, each alone and all together. */
    private static List<OperationAggregator> overflowInputs() {
        OperationAggregator twoLongest = new OperationAggregator(4);
        decode(twoLongest, 1, Long.MAX_VALUE, 2);
        decode(twoLongest, 0, Long.MAX_VALUE, 2);
        OperationAggregator lostStarts = new OperationAggregator(4);
        decode(lostStarts, 0, DAY_NANOS, 110_000);
        decode(lostStarts, 1000, 1500, 1);
        OperationAggregator longestValid = new OperationAggregator(4);
        decode(longestValid, 1, 1 + DurationHistogram.MAX_NANOS, Long.MAX_VALUE / DurationHistogram.MAX_NANOS + 10);
        OperationAggregator all = new OperationAggregator(4);
        decode(all, 1, Long.MAX_VALUE, 2);
        decode(all, 0, DAY_NANOS, 110_000);
        decode(all, 1, 1 + DurationHistogram.MAX_NANOS, Long.MAX_VALUE / DurationHistogram.MAX_NANOS + 10);
        return List.of(twoLongest, lostStarts, longestValid, all);
    }

    @ParameterizedTest
    @EnumSource(MetricNaming.class)
    void prometheusExpositionHasNoNegativeSumAndCountsTheInvalid(MetricNaming naming) {
        String family = naming == MetricNaming.UPSTREAM ? "kmesh_bpf_prog_operation_duration"
                : "kmesh_bpf_prog_operation_duration_seconds";
        for (OperationAggregator aggregator : overflowInputs()) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            KmeshPerfMetrics.builder(monitorOf(aggregator)).naming(naming).nodeName("n").build().bindTo(registry);
            PrometheusText text = PrometheusText.parse(registry.scrape());
            long invalid = aggregator.snapshot(OperationType::unnamed).invalid();
            List<PrometheusText.Sample> sums = text.named(family + "_sum");
            for (PrometheusText.Sample s : sums) {
                assertTrue(s.value() >= 0, "a negative sum in\n" + text.text());
            }
            if (naming == MetricNaming.KMESH_PERF) {
                assertEquals(invalid, text.value("kmesh_perf_records_invalid_total", java.util.Map.of("node_name", "n")));
            }
            assertTrue(invalid > 0 || !sums.isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(MetricNaming.class)
    void functionTimersHaveNoNegativeTotal(MetricNaming naming) {
        for (OperationAggregator aggregator : overflowInputs()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            KmeshPerfMetrics.builder(monitorOf(aggregator)).naming(naming).nodeName("n").build().bindTo(registry);
            List<FunctionTimer> timers = registry.getMeters().stream()
                    .filter(m -> m instanceof FunctionTimer).map(m -> (FunctionTimer) m).toList();
            boolean operations = !aggregator.snapshot(OperationType::unnamed).operations().isEmpty();
            assertEquals(operations, !timers.isEmpty(), "FunctionTimers in " + registry.getMetersAsString());
            for (FunctionTimer t : timers) {
                assertTrue(t.totalTime(TimeUnit.SECONDS) >= 0, t.getId() + " totals " + t.totalTime(TimeUnit.SECONDS));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theLongestValidDurationsPublishASaturatedSum() {
        OperationAggregator aggregator = overflowInputs().get(2);
        assertEquals(0, aggregator.snapshot(OperationType::unnamed).invalid());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KmeshPerfMetrics.builder(monitorOf(aggregator)).naming(MetricNaming.UPSTREAM).nodeName("n").build()
                .bindTo(registry);
        PrometheusText text = PrometheusText.parse(registry.scrape());
        List<PrometheusText.Sample> sums = text.named("kmesh_bpf_prog_operation_duration_sum");
        assertFalse(sums.isEmpty(), text.text());
        assertEquals((double) Long.MAX_VALUE, sums.get(0).value());
    }
}
