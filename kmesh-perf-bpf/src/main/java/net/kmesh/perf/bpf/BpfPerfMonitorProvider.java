package net.kmesh.perf.bpf;

import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.spi.PerfMonitorProvider;

/**
 * Registers {@link BpfPerfMonitor} with {@link java.util.ServiceLoader}: in
 * {@code META-INF/services} on the class path, and by the {@code provides} clause of the module
 * {@code net.kmesh.perf.bpf} on the module path.
 */
public final class BpfPerfMonitorProvider implements PerfMonitorProvider {
    /** Creates the provider; {@link java.util.ServiceLoader} does, which needs this public constructor. */
    public BpfPerfMonitorProvider() {
    }

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
