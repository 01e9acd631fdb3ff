package net.kmesh.perf.micrometer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.micrometer.KmeshPerfMetrics;
import net.kmesh.perf.spi.PerfMonitorProvider;
import net.kmesh.perf.testing.FakeMonitor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * When the auto-configuration applies, what it leaves to the application, how the monitor lives and
 * dies with the context, and what the {@code kmeshPerf} health component says. Runs on Spring Boot
 * 3.5 and on 4.0 (see the module's pom).
 */
class KmeshPerfAutoConfigurationTest {

    private static final String OPEN_FAILED_LINE = "kmesh-perf: the monitor could not open, so the application runs "
            + "without kmesh-perf metrics";

    private final FakeProvider provider = new FakeProvider();
    /** The application's registry; Spring Boot's metrics auto-configuration binds every MeterBinder to it. */
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private ApplicationContextRunner runner() throws Exception {
        return runner(provider);
    }

    private ApplicationContextRunner runner(PerfMonitorProvider provider) throws Exception {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SpringBoot.metricsAutoConfigurations()))
                .withConfiguration(AutoConfigurations.of(SpringBoot.kmeshPerfAutoConfigurations()))
                .withBean(MeterRegistry.class, () -> registry)
                .withBean(PerfMonitorProvider.class, () -> provider);
    }

    /** The names of the kmesh-perf meters in the application's registry now. */
    private List<String> kmeshMeters() {
        return registry.getMeters().stream().map(m -> m.getId().getName()).filter(n -> n.startsWith("kmesh")).toList();
    }

    @Test
    void theseTestsRunOnTheSpringBootTheBuildAskedFor() {
        String expected = System.getProperty("kmesh.perf.test.spring-boot");
        if (expected != null) {
            assertThat(SpringBoot.major()).isEqualTo(Integer.parseInt(expected));
        }
        assertThat(SpringBoot.major()).isIn(3, 4);
    }

    @Test
    void byDefaultItOpensBindsStartsAndReportsHealth() throws Exception {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            FakeMonitor monitor = provider.only();
            assertThat(context.getBean(PerfMonitor.class)).isSameAs(monitor);
            assertThat(context).hasSingleBean(KmeshPerfMetrics.class);
            assertThat(context).hasSingleBean(KmeshPerfLifecycle.class);
            assertThat(monitor.count("start")).isEqualTo(1);
            assertThat(kmeshMeters()).as("bound to the application's registry").isNotEmpty();
            assertThat(context.getBean("kmeshPerfHealthIndicator")).isInstanceOf(SpringBoot.healthIndicatorType());
        });
    }

    @Test
    void closingTheContextClosesTheBinderThenTheMonitor() throws Exception {
        AtomicReference<List<String>> metersAtClose = new AtomicReference<>();
        provider.onOpen = m -> m.onClose = () -> metersAtClose.set(kmeshMeters());
        runner().run(context -> assertThat(kmeshMeters()).isNotEmpty());
        FakeMonitor monitor = provider.only();
        assertThat(monitor.events.stream().filter(e -> e.equals("start") || e.equals("close")))
                .containsExactly("start", "close");
        assertThat(metersAtClose.get()).as("kmesh meters left when the monitor closed").isEmpty();
    }

    @Test
    void theMonitorStartsAfterSpringBootBoundTheMetrics() throws Exception {
        AtomicReference<List<String>> metersAtStart = new AtomicReference<>();
        provider.onOpen = m -> m.onStart = () -> metersAtStart.set(kmeshMeters());
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(provider.only().count("start")).isEqualTo(1);
            assertThat(metersAtStart.get()).as("kmesh meters when the monitor started").isNotEmpty();
        });
    }

    @Test
    void disabledItDoesNothing() throws Exception {
        runner().withPropertyValues("kmesh.perf.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(PerfMonitor.class);
            assertThat(context).doesNotHaveBean(KmeshPerfMetrics.class);
            assertThat(context).doesNotHaveBean(KmeshPerfProperties.class);
            assertThat(context).doesNotHaveBean("kmeshPerfHealthIndicator");
        });
        assertThat(provider.opened).isEmpty();
    }

    @Test
    void withoutAMeterRegistryItDoesNothing() throws Exception {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SpringBoot.kmeshPerfAutoConfigurations()))
                .withBean(PerfMonitorProvider.class, () -> provider)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(PerfMonitor.class);
                    assertThat(context).doesNotHaveBean(KmeshPerfMetrics.class);
                });
        assertThat(provider.opened).isEmpty();
    }

    @Test
    void anApplicationsOwnMonitorIsBoundStartedAndCheckedButNotReplaced() throws Exception {
        FakeMonitor own = new FakeMonitor(PerfMonitorConfig.builder().build());
        runner().withBean("myMonitor", PerfMonitor.class, () -> own)
                .withPropertyValues("kmesh.perf.daemon.pid=1", "kmesh.perf.daemon.process-name=ignored")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(PerfMonitor.class)).isSameAs(own);
                    assertThat(context).doesNotHaveBean(PerfMonitorConfig.class);
                    assertThat(context).hasSingleBean(KmeshPerfMetrics.class);
                    assertThat(kmeshMeters()).as("its metrics are bound").isNotEmpty();
                    assertThat(own.count("start")).isEqualTo(1);
                    assertThat(SpringBoot.health(context).status()).isEqualTo("WAITING");
                });
        assertThat(provider.opened).isEmpty();
        assertThat(own.count("close")).as("closed by its own bean definition").isEqualTo(1);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBinder {
        @Bean
        KmeshPerfMetrics myMetrics(PerfMonitor monitor) {
            return new KmeshPerfMetrics(monitor);
        }
    }

    @Test
    void anApplicationsOwnBinderReplacesOnlyTheBinder() throws Exception {
        runner().withUserConfiguration(OwnBinder.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(KmeshPerfMetrics.class);
            assertThat(context).hasBean("myMetrics").doesNotHaveBean("kmeshPerfMetrics");
            assertThat(kmeshMeters()).as("the application's binder is bound").isNotEmpty();
            assertThat(provider.only().count("start")).isEqualTo(1);
        });
    }

    @Test
    void twoMonitorsOfTheApplicationsAreLeftAlone() throws Exception {
        FakeMonitor a = new FakeMonitor(PerfMonitorConfig.builder().build());
        FakeMonitor b = new FakeMonitor(PerfMonitorConfig.builder().build());
        runner().withBean("a", PerfMonitor.class, () -> a).withBean("b", PerfMonitor.class, () -> b)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(KmeshPerfMetrics.class);
                    assertThat(context).doesNotHaveBean(KmeshPerfLifecycle.class);
                    assertThat(context).doesNotHaveBean("kmeshPerfHealthIndicator");
                });
        assertThat(a.count("start") + b.count("start")).isZero();
    }

    @Test
    void aMonitorThatCannotOpenLeavesTheApplicationRunningAndSaysWhyOnce() throws Exception {
        PerfMonitorException refused = new PerfMonitorException.PrivilegeException(
                "opening BPF objects needs root or CAP_BPF + CAP_PERFMON", 1, null);
        FakeProvider failing = new FakeProvider(config -> refused);
        String output;
        try (StderrCapture stderr = new StderrCapture()) {
            runner(failing).run(context -> {
                assertThat(context).hasNotFailed();
                PerfMonitor monitor = context.getBean(PerfMonitor.class);
                assertThat(monitor).isInstanceOf(UnavailablePerfMonitor.class);
                assertThat(((UnavailablePerfMonitor) monitor).failure()).isSameAs(refused);
                assertThat(monitor.snapshot().source().up()).isFalse();
                assertThat(monitor.snapshot().source().problem()).hasValueSatisfying(p -> assertThat(p).contains("CAP_BPF"));
                assertThat(context).hasSingleBean(KmeshPerfMetrics.class);
                SpringBoot.Reading health = SpringBoot.health(context);
                assertThat(health.status()).isEqualTo("UNAVAILABLE");
                assertThat(health.details()).containsEntry("error", refused.getMessage())
                        .containsEntry("source", "Kmesh under /sys/fs/bpf").containsEntry("features", List.of());
            });
            output = stderr.toString();
        }
        assertThat(output.split(OPEN_FAILED_LINE, -1)).as("the log line, once").hasSize(2);
        assertThat(output).contains("CAP_BPF + CAP_PERFMON").contains("kmesh.perf.enabled=false")
                .doesNotContain("at net.kmesh.perf");
    }

    @Test
    void aMissingLibraryIsLikeAMonitorThatCannotOpen() throws Exception {
        FakeProvider failing = new FakeProvider(config -> {
            throw new UnsatisfiedLinkError("Unable to load library 'bpf'");
        });
        runner(failing).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(SpringBoot.health(context).details().get("error").toString()).contains("Unable to load library");
        });
    }

    @Test
    void failFastMakesAMonitorThatCannotOpenStopTheStart() throws Exception {
        PerfMonitorException refused = new PerfMonitorException.LibbpfUnavailableException(
                "libbpf.so.1 not found: install libbpf 1.0 or later", null);
        FakeProvider failing = new FakeProvider(config -> refused);
        runner(failing).withPropertyValues("kmesh.perf.fail-fast=true")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable cause = context.getStartupFailure();
                    while (cause != refused && cause.getCause() != null) {
                        cause = cause.getCause();
                    }
                    assertThat(cause).isSameAs(refused);
                });
    }

    @Test
    void healthIsWaitingWhileTheDataPlaneIsAbsentAndUpWhenAttached() throws Exception {
        runner().withPropertyValues("kmesh.perf.source.pin=/sys/fs/bpf/test/km_perf_info").run(context -> {
            FakeMonitor monitor = provider.only();
            monitor.features = java.util.Set.of(Feature.MAP_STATISTICS, Feature.DAEMON);
            monitor.notes = List.of("program statistics are off");
            SpringBoot.Reading waiting = SpringBoot.health(context);
            assertThat(waiting.status()).isEqualTo("WAITING");
            assertThat(waiting.details()).containsEntry("source", "pinned /sys/fs/bpf/test/km_perf_info")
                    .containsEntry("state", "WAITING").containsEntry("mode", "CONSUME")
                    .containsEntry("problem", "no ring pinned at the path yet")
                    .containsEntry("reattachments", 0L)
                    .containsEntry("features", List.of("daemon", "map_statistics"))
                    .doesNotContainKey("ringMapId").doesNotContainKey("notes");

            monitor.features = java.util.Set.of(Feature.OPERATIONS, Feature.MAP_STATISTICS);
            monitor.attached(42, 3);
            SpringBoot.Reading up = SpringBoot.health(context);
            assertThat(up.status()).isEqualTo("UP");
            assertThat(up.details()).containsEntry("state", "ATTACHED").containsEntry("ringMapId", 42)
                    .containsEntry("reattachments", 3L)
                    .containsEntry("features", List.of("map_statistics", "operations"))
                    .doesNotContainKey("problem");

            monitor.waiting("the ring's map was replaced");
            assertThat(SpringBoot.health(context).status()).isEqualTo("WAITING");
        });
    }

    @Test
    void theHealthIndicatorCanBeTurnedOffAlone() throws Exception {
        runner().withPropertyValues("management.health.kmesh-perf.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("kmeshPerfHealthIndicator");
            assertThat(context).hasSingleBean(KmeshPerfMetrics.class);
        });
    }

    @Test
    void anApplicationsOwnHealthIndicatorOfThatNameWins() throws Exception {
        Object own = new Object();
        runner().withBean("kmeshPerfHealthIndicator", Object.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean("kmeshPerfHealthIndicator")).isSameAs(own);
        });
    }
}
