package net.kmesh.perf.bpf;

import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.spi.PerfMonitorProvider;

/** Registers {@link BpfPerfMonitor} with {@link java.util.ServiceLoader}. */
public final class BpfPerfMonitorProvider implements PerfMonitorProvider {
    @Override
    public String name() {
        return "libbpf";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public PerfMonitor open(PerfMonitorConfig config) {
        return BpfPerfMonitor.open(config);
    }
}
