package net.kmesh.perf.spi;

import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;

/**
 * Implements {@link PerfMonitor}; found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/net.kmesh.perf.spi.PerfMonitorProvider}.
 */
public interface PerfMonitorProvider {
    /** A short name for logs, e.g. {@code "libbpf"}. */
    String name();

    /** Higher wins when several providers are present. */
    default int priority() {
        return 0;
    }

    /** Opens a monitor; see {@link PerfMonitor#open(PerfMonitorConfig)}. */
    PerfMonitor open(PerfMonitorConfig config);
}
