package net.kmesh.perf.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

/**
 * The module's tests run twice: against the Micrometer it compiles with, and (surefire execution
 * micrometer-minimum) against the lowest it supports, the one Spring Boot 3.5 brings. This checks
 * that the second run really has the jars it claims.
 */
class MicrometerVersionTest {
    @Test
    void theTestsRunAgainstTheMicrometerTheBuildNames() {
        String expected = System.getProperty("kmesh.perf.test.micrometer.version");
        String core = MeterRegistry.class.getPackage().getImplementationVersion();
        String prometheus = PrometheusMeterRegistry.class.getPackage().getImplementationVersion();
        String client = PrometheusRegistry.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        System.out.println("micrometer-core " + core + ", micrometer-registry-prometheus " + prometheus + ", " + client);
        if (expected != null) {
            assertEquals(expected, core);
            assertEquals(expected, prometheus);
            assertTrue(client.endsWith("prometheus-metrics-model-1.3.10.jar"), client);
            assertEquals(false, PrometheusHub.GAUGE_MAY_END_IN_TOTAL, "prometheus-metrics 1.3 refuses a gauge named ..._total");
        }
    }
}
