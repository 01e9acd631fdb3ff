package net.kmesh.perf.micrometer.spring;

import net.kmesh.perf.PerfMonitor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * The {@code kmeshPerf} health component on Spring Boot 4.0, whose health API is in
 * {@code spring-boot-health} ({@code org.springframework.boot.health.contributor}). Spring Boot 3.5 had
 * it elsewhere; {@link KmeshPerfBoot3HealthAutoConfiguration} serves that. Turned off with
 * {@code management.health.kmesh-perf.enabled=false}.
 */
@AutoConfiguration(after = KmeshPerfAutoConfiguration.class)
@ConditionalOnClass(name = {"net.kmesh.perf.PerfMonitor", "org.springframework.boot.health.contributor.HealthIndicator"})
@ConditionalOnProperty(prefix = "kmesh.perf", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnEnabledHealthIndicator("kmesh-perf")
@ConditionalOnSingleCandidate(PerfMonitor.class)
public final class KmeshPerfBoot4HealthAutoConfiguration {

    /** Creates the auto-configuration; Spring does. */
    public KmeshPerfBoot4HealthAutoConfiguration() {
    }

    /**
     * The indicator; its bean name makes the component {@code kmeshPerf}.
     *
     * @param monitor the application's monitor
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "kmeshPerfHealthIndicator")
    public HealthIndicator kmeshPerfHealthIndicator(PerfMonitor monitor) {
        return () -> {
            KmeshPerfHealth h = KmeshPerfHealth.of(monitor);
            return Health.status(new Status(h.status())).withDetails(h.details()).build();
        };
    }
}
