package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.testing.FakeMonitor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Run by its own surefire execution, with micrometer-registry-prometheus and the Prometheus client
 * left off the class path: the binder works without them (its Prometheus classes are never loaded).
 */
class WithoutPrometheusTest {
    @Test
    void theBinderWorksWithoutThePrometheusRegistryOnTheClassPath() {
        // Its own surefire execution sets the property and leaves Prometheus off the class path. Run
        // any other way (-Dtest=... in the default execution), Prometheus is there: skipped. In its
        // own execution it never skips: a class path that kept Prometheus fails below.
        boolean ownExecution = Boolean.getBoolean("kmesh.perf.test.without-prometheus");
        Assumptions.assumeTrue(ownExecution || !present("io.micrometer.prometheusmetrics.PrometheusMeterRegistry"),
                "run by the surefire execution without-prometheus, whose class path lacks it");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.micrometer.prometheusmetrics.PrometheusMeterRegistry"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.prometheus.metrics.model.registry.MultiCollector"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FakeMonitor monitor = new FakeMonitor(new FakeMonitor.Snap().op(1, "SOCK_TRAFFIC_CONTROL", 1000, 3000).build());
        try (KmeshPerfMetrics metrics = new KmeshPerfMetrics(monitor)) {
            metrics.bindTo(registry);
            FunctionTimer t = registry.get("kmesh.bpf.prog.operation.duration").tag("operation_type", "SOCK_TRAFFIC_CONTROL")
                    .functionTimer();
            assertEquals(2, t.count());
            assertEquals(4000, t.totalTime(TimeUnit.NANOSECONDS), 1e-6);
        }
        assertEquals(0, registry.getMeters().size());
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, WithoutPrometheusTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
