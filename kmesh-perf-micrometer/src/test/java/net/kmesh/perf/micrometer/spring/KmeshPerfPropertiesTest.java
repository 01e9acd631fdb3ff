package net.kmesh.perf.micrometer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.spi.PerfMonitorProvider;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The {@code kmesh.perf.*} properties become exactly the {@link PerfMonitorConfig} the monitor opens
 * with; contradictions and invalid values stop the start naming the property.
 */
class KmeshPerfPropertiesTest {

    private ApplicationContextRunner runner(FakeProvider provider) throws Exception {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SpringBoot.kmeshPerfAutoConfigurations()))
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(PerfMonitorProvider.class, () -> provider);
    }

    /** The configuration the monitor was opened with, under {@code properties}. */
    private PerfMonitorConfig opened(String... properties) throws Exception {
        PerfMonitorConfig[] config = new PerfMonitorConfig[1];
        FakeProvider provider = new FakeProvider();
        runner(provider).withPropertyValues(properties).run(context -> {
            assertThat(context).hasNotFailed();
            config[0] = provider.only().config();
            assertThat(context.getBean(PerfMonitorConfig.class)).isSameAs(config[0]);
        });
        return config[0];
    }

    /** The reason the start failed, which must name {@code property}. */
    private String rejected(String property, String... properties) throws Exception {
        String[] reason = new String[1];
        FakeProvider provider = new FakeProvider();
        runner(provider).withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            Throwable root = context.getStartupFailure();
            while (!(root instanceof InvalidConfigurationPropertyValueException) && root.getCause() != null) {
                root = root.getCause();
            }
            assertThat(root).isInstanceOf(InvalidConfigurationPropertyValueException.class);
            assertThat(((InvalidConfigurationPropertyValueException) root).getName()).isEqualTo(property);
            reason[0] = ((InvalidConfigurationPropertyValueException) root).getReason();
        });
        assertThat(provider.opened).isEmpty();
        return reason[0];
    }

    static void assertSameConfig(PerfMonitorConfig actual, PerfMonitorConfig expected) {
        Map<String, Function<PerfMonitorConfig, Object>> fields = new LinkedHashMap<>();
        fields.put("source", PerfMonitorConfig::source);
        fields.put("waitForSource", PerfMonitorConfig::waitForSource);
        fields.put("operationTypes", PerfMonitorConfig::operationTypes);
        fields.put("batchDelay", PerfMonitorConfig::batchDelay);
        fields.put("maxOperationTypes", PerfMonitorConfig::maxOperationTypes);
        fields.put("daemon", PerfMonitorConfig::daemon);
        fields.put("operationModes", PerfMonitorConfig::operationModes);
        fields.put("staleStartAge", PerfMonitorConfig::staleStartAge);
        fields.put("mapStatistics", PerfMonitorConfig::mapStatistics);
        fields.put("maps", PerfMonitorConfig::maps);
        fields.put("programStatistics", PerfMonitorConfig::programStatistics);
        fields.put("programs", PerfMonitorConfig::programs);
        fields.forEach((name, field) -> assertThat(field.apply(actual)).as(name).isEqualTo(field.apply(expected)));
        // Catches a field added to the configuration after this list was written.
        assertThat(actual.toString()).isEqualTo(expected.toString());
    }

    @Test
    void noPropertiesAreTheLibraryDefaultsARunningKmeshWaitedFor() throws Exception {
        PerfMonitorConfig config = opened();
        assertSameConfig(config, PerfMonitorConfig.builder().build());
        assertThat(config.source()).isEqualTo(RecordSource.kmesh());
        assertThat(config.waitForSource()).isTrue();
    }

    @Test
    void everyPropertyReachesTheConfiguration() throws Exception {
        PerfMonitorConfig config = opened(
                "kmesh.perf.source.pin=/sys/fs/bpf/bpf_kmesh_workload/map/km_perf_info",
                "kmesh.perf.source.observe=true",
                "kmesh.perf.source.wait=false",
                "kmesh.perf.maps.prefix=km_,tc_",
                "kmesh.perf.programs.enabled=true",
                "kmesh.perf.programs.prefix=kmesh",
                "kmesh.perf.daemon.process-name=kmesh-daemon",
                "kmesh.perf.histogram-types=1,3",
                "kmesh.perf.operation-names.7=MY_OPERATION",
                "kmesh.perf.max-operation-types=256");
        assertSameConfig(config, PerfMonitorConfig.builder()
                .source(RecordSource.pinned(Path.of("/sys/fs/bpf/bpf_kmesh_workload/map/km_perf_info")).observing())
                .waitForSource(false)
                .maps(MapSelector.namePrefix("km_", "tc_"))
                .programs(ProgramSelector.namePrefix("kmesh"))
                .daemon(DaemonTarget.processName("kmesh-daemon"))
                .histogramMode(1, 3)
                .operationName(7, "MY_OPERATION")
                .maxOperationTypes(256)
                .build());
        assertThat(config.operationModes()).containsEntry(1L, OperationMode.HISTOGRAM)
                .containsEntry(3L, OperationMode.HISTOGRAM);
    }

    @Test
    void aMapNameIsANamedSource() throws Exception {
        assertSameConfig(opened("kmesh.perf.source.map-name=km_perf_info", "kmesh.perf.daemon.pid=4711"),
                PerfMonitorConfig.builder().source(RecordSource.named("km_perf_info"))
                        .daemon(DaemonTarget.pid(4711)).build());
    }

    @Test
    void aKmeshBpffsIsDiscoveredThereWithItsMaps() throws Exception {
        PerfMonitorConfig config = opened("kmesh.perf.source.kmesh=/run/kmesh/bpf", "kmesh.perf.source.observe=true",
                "kmesh.perf.daemon.cgroup=/sys/fs/cgroup/system.slice/kmesh.service");
        assertSameConfig(config, PerfMonitorConfig.builder()
                .source(RecordSource.kmesh(Path.of("/run/kmesh/bpf")).observing())
                .daemon(DaemonTarget.cgroup(Path.of("/sys/fs/cgroup/system.slice/kmesh.service"))).build());
        assertThat(config.maps()).isEqualTo(MapSelector.kmesh(Path.of("/run/kmesh/bpf")));
    }

    @Test
    void emptySourceAndDaemonValuesAreUnset() throws Exception {
        // As a template or an environment variable left empty gives them.
        assertSameConfig(opened("kmesh.perf.source.pin=", "kmesh.perf.source.map-name= ", "kmesh.perf.daemon.cgroup="),
                PerfMonitorConfig.builder().build());
    }

    @Test
    void anEmptyMapPrefixSelectsEveryMapAndMapsCanBeTurnedOff() throws Exception {
        assertThat(opened("kmesh.perf.maps.prefix=").maps()).isEqualTo(MapSelector.all());
        assertThat(opened("kmesh.perf.maps.selection=kmesh-exporter").maps()).isEqualTo(MapSelector.kmeshExporter());
        assertSameConfig(opened("kmesh.perf.maps.selection=kmesh"), PerfMonitorConfig.builder().build());
        assertThat(rejected("kmesh.perf.maps.selection", "kmesh.perf.maps.selection=kmesh-exporter",
                "kmesh.perf.maps.prefix=km_")).contains("remove kmesh.perf.maps.prefix");
        assertThat(rejected("kmesh.perf.maps.selection", "kmesh.perf.maps.selection=all")).contains("not one of");
        PerfMonitorConfig off = opened("kmesh.perf.maps.enabled=false");
        assertThat(off.mapStatistics()).isFalse();
        assertSameConfig(off, PerfMonitorConfig.builder().mapStatistics(false).build());
    }

    @Test
    void programsAreOffByDefaultAndAllWhenOnWithoutAPrefix() throws Exception {
        assertThat(opened().programStatistics()).isFalse();
        PerfMonitorConfig on = opened("kmesh.perf.programs.enabled=true");
        assertThat(on.programStatistics()).isTrue();
        assertThat(on.programs()).isEqualTo(ProgramSelector.all());
    }

    @Test
    void twoSourcesStopTheStart() throws Exception {
        assertThat(rejected("kmesh.perf.source.map-name", "kmesh.perf.source.pin=/sys/fs/bpf/x/km_perf_info",
                "kmesh.perf.source.map-name=km_perf_info"))
                .contains("kmesh.perf.source.pin is set too").contains("set only one of");
        assertThat(rejected("kmesh.perf.source.kmesh", "kmesh.perf.source.pin=/sys/fs/bpf/x/km_perf_info",
                "kmesh.perf.source.kmesh=/sys/fs/bpf")).contains("kmesh.perf.source.pin is set too");
        assertThat(rejected("kmesh.perf.source.kmesh", "kmesh.perf.source.map-name=km_perf_info",
                "kmesh.perf.source.kmesh=/sys/fs/bpf")).contains("kmesh.perf.source.map-name is set too");
    }

    @Test
    void twoDaemonTargetsStopTheStart() throws Exception {
        assertThat(rejected("kmesh.perf.daemon.process-name", "kmesh.perf.daemon.pid=1",
                "kmesh.perf.daemon.process-name=kmesh-daemon"))
                .contains("kmesh.perf.daemon.pid is set too").contains("the daemon is one target");
        assertThat(rejected("kmesh.perf.daemon.cgroup", "kmesh.perf.daemon.process-name=kmesh-daemon",
                "kmesh.perf.daemon.cgroup=/sys/fs/cgroup/kmesh")).contains("kmesh.perf.daemon.process-name is set too");
    }

    @Test
    void invalidValuesStopTheStartWithTheLibrarysReason() throws Exception {
        assertThat(rejected("kmesh.perf.daemon.process-name", "kmesh.perf.daemon.process-name=kmesh-daemon-proc"))
                .contains("use 'kmesh-daemon-pr'");
        assertThat(rejected("kmesh.perf.daemon.cgroup", "kmesh.perf.daemon.cgroup=system.slice/kmesh.service"))
                .contains("absolute path");
        assertThat(rejected("kmesh.perf.daemon.pid", "kmesh.perf.daemon.pid=0")).contains("a pid is between 1");
        assertThat(rejected("kmesh.perf.histogram-types", "kmesh.perf.histogram-types=32"))
                .contains("0 to 31");
        assertThat(rejected("kmesh.perf.source.map-name", "kmesh.perf.source.map-name=a_name_of_16_chars"))
                .contains("1 to 15 characters");
        assertThat(rejected("kmesh.perf.maps.prefix", "kmesh.perf.maps.prefix=km-")).isNotBlank();
        assertThat(rejected("kmesh.perf.max-operation-types", "kmesh.perf.max-operation-types=0"))
                .contains("between 1 and 65536");
        assertThat(rejected("kmesh.perf.operation-names.7", "kmesh.perf.operation-names.7= ")).contains("empty");
    }

    @Test
    void anApplicationsOwnConfigurationWinsOverTheProperties() throws Exception {
        PerfMonitorConfig own = PerfMonitorConfig.builder().source(RecordSource.named("my_ring"))
                .batchDelay(Duration.ofMillis(50)).build();
        FakeProvider provider = new FakeProvider();
        runner(provider).withBean(PerfMonitorConfig.class, () -> own)
                .withPropertyValues("kmesh.perf.source.pin=/sys/fs/bpf/x/km_perf_info")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(provider.only().config()).isSameAs(own);
                });
    }
}
