package net.kmesh.perf.bpf.kmesh;

import java.nio.file.Path;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;

/** Run in a child JVM with limited capabilities: opens a monitor on the Kmesh at args[0] and prints its operations' state. */
public final class WriterCheckChild {
    private WriterCheckChild() {
    }

    public static void main(String[] args) {
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                .source(RecordSource.kmesh(Path.of(args[0]))).mapStatistics(false).build())) {
            PerfSnapshot s = monitor.snapshot();
            System.out.println("up " + s.source().up());
            System.out.println("operations " + s.features().contains(Feature.OPERATIONS));
            s.operationsProblem().ifPresent(p -> {
                System.out.println("reason " + p.reason().tagValue());
                System.out.println("message " + p.message());
            });
        }
    }
}
