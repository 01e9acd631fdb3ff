package net.kmesh.perf.bpf;

import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;

/** Opens a monitor and prints what happened: run in a child JVM without capabilities by tests. */
public final class UnprivilegedOpen {
    private UnprivilegedOpen() {
    }

    public static void main(String[] args) {
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build())) {
            System.out.println("opened " + monitor);
        } catch (PerfMonitorException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(3);
        }
    }
}
