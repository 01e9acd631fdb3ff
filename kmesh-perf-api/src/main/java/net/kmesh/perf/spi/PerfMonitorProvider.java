package net.kmesh.perf.spi;

import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;

/**
 * Implements {@link PerfMonitor}; found by {@link PerfMonitor#open(PerfMonitorConfig)} with
 * {@link java.util.ServiceLoader}: on the class path under
 * {@code META-INF/services/net.kmesh.perf.spi.PerfMonitorProvider}, on the module path by a
 * {@code provides net.kmesh.perf.spi.PerfMonitorProvider with ...} in the provider's module.
 * {@code kmesh-perf-bpf} is the one implementation. A provider needs a public no-argument
 * constructor and must be cheap to create: every {@code open} instantiates every provider present.
 */
public interface PerfMonitorProvider {
    /**
     * A short name for logs.
     *
     * @return e.g. {@code "libbpf"}
     */
    String name();

    /**
     * Which provider {@link PerfMonitor#open(PerfMonitorConfig)} uses when several are present.
     *
     * @return the priority; higher wins (default 0)
     */
    default int priority() {
        return 0;
    }

    /**
     * Opens a monitor; see {@link PerfMonitor#open(PerfMonitorConfig)}.
     *
     * @param config what to monitor
     * @return the open monitor, not started
     * @throws net.kmesh.perf.PerfMonitorException when it cannot open
     */
    PerfMonitor open(PerfMonitorConfig config);
}
