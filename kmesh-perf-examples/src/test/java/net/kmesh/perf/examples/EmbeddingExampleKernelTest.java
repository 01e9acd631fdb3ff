package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.SourceStatus;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import net.kmesh.perf.bpf.Await;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Test;

@KernelRequired
class EmbeddingExampleKernelTest {

    @Test
    void theServicesRegistryGetsTheMetricsUntilItCloses() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EmbeddingExample service = new EmbeddingExample(registry, PerfMonitorConfig.builder().source(net.kmesh.perf.RecordSource.samples()).build())) {
            service.monitor().unwrap(SampleWorkload.class).orElseThrow().produce(3, 250, Mode.SYNTHETIC, 5_000);
            Await.snapshot(service.monitor(), s -> s.records().consumed() >= 250, Duration.ofSeconds(10));
            // As a registry that publishes: each read of the meters sees the monitor's latest snapshot.
            FunctionTimer t = awaitTimer(registry, "ENABLE_ENCODING_METADATA", 250);
            assertEquals(250 * 5_000 * 1.5, t.totalTime(TimeUnit.NANOSECONDS), 250 * 5_000 * 0.5,
                    "synthetic durations of 5 to 10 us");
            assertEquals(0, registry.get("kmesh.perf.records.invalid").functionCounter().count());
        }
        assertEquals("", registry.getMetersAsString(), "closing removes the meters");
    }

    /** Reads every meter until the timer of {@code type} counts {@code count}; fails after 10 s. */
    private static FunctionTimer awaitTimer(SimpleMeterRegistry registry, String type, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            registry.getMeters().forEach(m -> m.measure().forEach(Measurement::getValue));
            FunctionTimer t = registry.find("kmesh.bpf.prog.operation.duration").tag("operation_type", type).functionTimer();
            if (t != null && t.count() == count) {
                return t;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no timer of " + type + " counting " + count + ":\n" + registry.getMetersAsString());
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aMonitorThatCannotOpenRegistersNothing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PerfMonitorConfig missing = PerfMonitorConfig.builder().waitForSource(false)
                .source(RecordSource.pinned(Path.of("/sys/fs/bpf/kmesh-perf-examples-test-absent"))).build();
        assertThrows(NotFoundException.class, () -> new EmbeddingExample(registry, missing));
        assertTrue(registry.getMeters().isEmpty());
    }

    @Test
    void aServiceStartsBeforeItsDataPlaneAndWaitsForIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PerfMonitorConfig later = PerfMonitorConfig.builder()
                .source(RecordSource.pinned(Path.of("/sys/fs/bpf/kmesh-perf-examples-test-absent-" + ProcessHandle.current().pid())))
                .build();
        try (EmbeddingExample service = new EmbeddingExample(registry, later)) {
            assertEquals(SourceStatus.State.WAITING, service.monitor().snapshot().source().state());
            assertFalse(registry.getMeters().isEmpty(), "the meters are there from the start");
        }
        assertEquals("", registry.getMetersAsString(), "closing removes the meters");
    }

    @Test
    void byDefaultItWatchesTheRunningKmesh() {
        PerfMonitorConfig config = EmbeddingExample.kmeshConfig();
        assertEquals(RecordSource.kmesh(), config.source());
        assertTrue(config.waitForSource(), "a service starts before Kmesh does");
        assertEquals(DaemonTarget.processName("kmesh-daemon"), config.daemon());
    }
}
