package net.kmesh.perf.micrometer.spring;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContext;

/**
 * What differs between the Spring Boot 3.5 and 4.0 test runs (the same tests run on each, see the
 * module's pom), reached by name so that these tests load on either.
 */
final class SpringBoot {
    static final String BOOT3_HEALTH_INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
    static final String BOOT4_HEALTH_INDICATOR = "org.springframework.boot.health.contributor.HealthIndicator";

    private SpringBoot() {
    }

    /** The major version of the Spring Boot on the class path. */
    static int major() {
        return Integer.parseInt(SpringBootVersion.getVersion().split("\\.")[0]);
    }

    /** The kmesh-perf auto-configurations, as the imports file registers them. */
    static Class<?>[] kmeshPerfAutoConfigurations() throws IOException, ClassNotFoundException {
        List<Class<?>> classes = new ArrayList<>();
        ClassLoader loader = SpringBoot.class.getClassLoader();
        Enumeration<URL> files = loader.getResources(
                "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports");
        while (files.hasMoreElements()) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(files.nextElement().openStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.strip().startsWith("net.kmesh.perf.")) {
                        classes.add(Class.forName(line.strip(), false, loader));
                    }
                }
            }
        }
        return classes.toArray(new Class<?>[0]);
    }

    /** Spring Boot's own metrics auto-configurations of this version, which bind every MeterBinder. */
    static Class<?>[] metricsAutoConfigurations() throws ClassNotFoundException {
        String pkg = major() >= 4 ? "org.springframework.boot.micrometer.metrics.autoconfigure."
                : "org.springframework.boot.actuate.autoconfigure.metrics.";
        return new Class<?>[] {Class.forName(pkg + "MetricsAutoConfiguration"),
                Class.forName(pkg + "CompositeMeterRegistryAutoConfiguration")};
    }

    /** The health indicator interface of this version. */
    static Class<?> healthIndicatorType() throws ClassNotFoundException {
        return Class.forName(major() >= 4 ? BOOT4_HEALTH_INDICATOR : BOOT3_HEALTH_INDICATOR);
    }

    /** A health reading of either version. */
    record Reading(String status, Map<String, Object> details) {
    }

    /** Calls the bean {@code kmeshPerfHealthIndicator}. */
    @SuppressWarnings("unchecked")
    static Reading health(ApplicationContext context) throws ReflectiveOperationException {
        Object indicator = context.getBean("kmeshPerfHealthIndicator");
        Object health;
        try {
            health = healthIndicatorType().getMethod("health").invoke(indicator);
        } catch (InvocationTargetException e) {
            throw new AssertionError("the health indicator threw", e.getCause());
        }
        Object status = health.getClass().getMethod("getStatus").invoke(health);
        String code = (String) status.getClass().getMethod("getCode").invoke(status);
        return new Reading(code, (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health));
    }
}
