package net.kmesh.perf.micrometer.spring;

import java.util.Objects;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the application's {@link PerfMonitor} with the application. Lifecycle beans start after
 * Spring Boot has bound every {@code MeterBinder} to the registries, so the binder sees every
 * record. Stopping leaves the monitor running: its bean's {@code close()} releases it when the
 * context closes, after the web server has stopped, so that scrapes served while the server drains
 * still read it.
 */
final class KmeshPerfLifecycle implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(KmeshPerfLifecycle.class);

    private final PerfMonitor monitor;
    private volatile boolean running;

    KmeshPerfLifecycle(PerfMonitor monitor) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
    }

    @Override
    public void start() {
        try {
            monitor.start();
        } catch (PerfMonitorException e) {
            LOG.warn("kmesh-perf: the monitor did not start, the application runs without operation records: {}",
                    e.getMessage());
            LOG.debug("kmesh-perf: starting the monitor failed", e);
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
