package net.kmesh.perf.micrometer.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.micrometer.KmeshPerfMetrics;
import net.kmesh.perf.spi.PerfMonitorProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Monitors the data plane in a Spring Boot application that has a {@link MeterRegistry} (the
 * actuator brings one): opens a {@link PerfMonitor} from the {@code kmesh.perf.*} properties
 * ({@link KmeshPerfProperties}), binds {@link KmeshPerfMetrics} to the registries, starts the monitor
 * with the application and closes it with the context.
 *
 * <p>The application's start never depends on the data plane: a source that is not there yet is
 * waited for, and a monitor that cannot open at all (no privilege, no libbpf) is logged in one line
 * and replaced by one that reports the failure ({@code kmesh_perf_source_up 0}, health
 * {@code UNAVAILABLE}), unless {@code kmesh.perf.fail-fast} is true. Invalid properties do stop the
 * start, with a message that names them.
 *
 * <p>Backs off when {@code kmesh.perf.enabled} is false. A {@link PerfMonitor} bean of the
 * application's own replaces the one opened here (and is still started, bound and checked); a
 * {@link PerfMonitorConfig} bean replaces the properties' configuration; a {@link KmeshPerfMetrics}
 * bean replaces the binder; a {@link PerfMonitorProvider} bean, if there is one, opens the monitor
 * instead of the provider found on the class path.
 */
@AutoConfiguration(afterName = {
        // Spring Boot 3.5
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        // Spring Boot 4.0
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({MeterBinder.class, PerfMonitor.class})
@ConditionalOnProperty(prefix = "kmesh.perf", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnBean(MeterRegistry.class)
@EnableConfigurationProperties(KmeshPerfProperties.class)
public final class KmeshPerfAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(KmeshPerfAutoConfiguration.class);

    /** Creates the auto-configuration; Spring does. */
    public KmeshPerfAutoConfiguration() {
    }

    /**
     * The binder of the application's monitor, bound by Spring Boot to every registry.
     *
     * @param monitor    the application's monitor
     * @param properties the {@code kmesh.perf.*} properties
     * @return the binder, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(PerfMonitor.class)
    public KmeshPerfMetrics kmeshPerfMetrics(PerfMonitor monitor, KmeshPerfProperties properties) {
        KmeshPerfMetrics.Builder builder = KmeshPerfMetrics.builder(monitor).naming(properties.metrics().naming());
        if (KmeshPerfProperties.isSet(properties.nodeName())) {
            builder.nodeName(properties.nodeName().strip());
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnSingleCandidate(PerfMonitor.class)
    KmeshPerfLifecycle kmeshPerfLifecycle(PerfMonitor monitor) {
        return new KmeshPerfLifecycle(monitor);
    }

    /** The monitor, unless the application has its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(PerfMonitor.class)
    static class MonitorConfiguration {

        @Bean
        @ConditionalOnMissingBean
        PerfMonitorConfig kmeshPerfMonitorConfig(KmeshPerfProperties properties) {
            return properties.toMonitorConfig();
        }

        @Bean(destroyMethod = "close")
        PerfMonitor kmeshPerfMonitor(PerfMonitorConfig config, KmeshPerfProperties properties,
                                     ObjectProvider<PerfMonitorProvider> providers) {
            PerfMonitorProvider provider = providers.getIfUnique();
            try {
                return provider != null ? provider.open(config) : PerfMonitor.open(config);
            } catch (PerfMonitorException | LinkageError e) {
                if (properties.failFast()) {
                    throw e;
                }
                LOG.warn("kmesh-perf: the monitor could not open, so the application runs without kmesh-perf "
                        + "metrics (kmesh_perf_source_up 0, health kmeshPerf UNAVAILABLE): {} "
                        + "[kmesh.perf.enabled=false turns kmesh-perf off; kmesh.perf.fail-fast=true stops the start "
                        + "instead]", e.getMessage());
                LOG.debug("kmesh-perf: opening the monitor failed", e);
                return new UnavailablePerfMonitor(config, e instanceof RuntimeException r ? r
                        : new PerfMonitorException(e.toString(), e));
            }
        }
    }
}
