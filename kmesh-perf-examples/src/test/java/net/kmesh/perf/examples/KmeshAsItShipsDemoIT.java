package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.kmesh.KmeshShipped;
import net.kmesh.perf.bpf.kmesh.KmeshStandIn;
import net.kmesh.perf.bpf.kmesh.PrivateBpffs;
import org.junit.jupiter.api.Test;

/** The demo beside Kmesh as it ships: it tells the operator why there are no durations, once. */
@KernelRequired
class KmeshAsItShipsDemoIT {
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @Test
    void withKmeshsProbeCompiledOutTheDemoNamesPerfMonitorOnceAndOperationsAreOff() throws Exception {
        try (PrivateBpffs bpffs = PrivateBpffs.mount();
             KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, false)) {
            int port = DemoProcess.freePort();
            try (DemoProcess demo = DemoProcess.start("--kmesh=" + bpffs.path(), "--port", Integer.toString(port),
                    "--duration", "4")) {
                URI metrics = DemoProcess.metricsUrl(port);
                String body = demo.awaitBody(metrics, b -> b.contains("kmesh_perf_operations_problem"), WITHIN);
                assertTrue(body.matches("(?s).*kmesh_perf_feature_enabled\\{feature=\"operations\",node_name=\"[^\"]+\"} 0\\.0.*"),
                        body);
                assertTrue(body.matches("(?s).*kmesh_perf_operations_problem\\{node_name=\"[^\"]+\",reason=\"not_written\"} 1\\.0.*"),
                        body);
                DemoProcess.Result r = demo.await(WITHIN);
                assertEquals(0, r.exitCode(), r.toString());
                long lines = r.stdout().lines().filter(l -> l.contains("PERF_MONITOR")).count();
                assertEquals(1, lines, "said once on stdout, where the operator looks: " + r.stdout());
                assertTrue(r.stdout().contains("performance_probe.h"), r.stdout());
            }
        }
    }

    @Test
    void besideKmeshInAdsModeTheDemoNamesAdsModeAndReportsItsMaps() throws Exception {
        try (PrivateBpffs bpffs = PrivateBpffs.mount();
             KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.ADS, false)) {
            int port = DemoProcess.freePort();
            try (DemoProcess demo = DemoProcess.start("--kmesh=" + bpffs.path(), "--port", Integer.toString(port),
                    "--duration", "4")) {
                String body = demo.awaitBody(DemoProcess.metricsUrl(port), b -> b.contains("map_name=\"km_frontend\""),
                        WITHIN);
                assertTrue(body.matches("(?s).*kmesh_perf_operations_problem\\{node_name=\"[^\"]+\",reason=\"ads_mode\"} 1\\.0.*"),
                        body);
                DemoProcess.Result r = demo.await(WITHIN);
                assertEquals(0, r.exitCode(), r.toString());
                assertTrue(r.stdout().contains("ads mode"), r.stdout());
            }
        }
    }
}
