package net.kmesh.perf.micrometer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.kmesh.perf.micrometer.MetricNaming;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.configurationmetadata.ValueHint;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The configuration metadata in the jar (what IDEs complete and document) lists every property with
 * a description and the default the binding really has.
 */
class KmeshPerfMetadataTest {

    private static Map<String, ConfigurationMetadataProperty> metadata() throws Exception {
        try (InputStream in = KmeshPerfMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json, generated at compile time").isNotNull();
            ConfigurationMetadataRepository repo = ConfigurationMetadataRepositoryJsonBuilder.create(in).build();
            return new TreeMap<>(repo.getAllProperties());
        }
    }

    @Test
    void everyPropertyIsDescribed() throws Exception {
        Map<String, ConfigurationMetadataProperty> all = metadata();
        assertThat(all.keySet()).containsExactlyInAnyOrder(
                "kmesh.perf.enabled", "kmesh.perf.fail-fast", "kmesh.perf.node-name", "kmesh.perf.histogram-types",
                "kmesh.perf.operation-names", "kmesh.perf.max-operation-types",
                "kmesh.perf.source.pin", "kmesh.perf.source.map-name", "kmesh.perf.source.kmesh",
                "kmesh.perf.source.observe", "kmesh.perf.source.wait",
                "kmesh.perf.maps.enabled", "kmesh.perf.maps.prefix", "kmesh.perf.maps.selection",
                "kmesh.perf.programs.enabled", "kmesh.perf.programs.prefix",
                "kmesh.perf.daemon.pid", "kmesh.perf.daemon.process-name", "kmesh.perf.daemon.cgroup",
                "kmesh.perf.metrics.naming", "management.health.kmesh-perf.enabled");
        all.values().forEach(p -> assertThat(p.getDescription()).as(p.getId()).isNotBlank().doesNotContain("{@"));
    }

    @Test
    void theDocumentedDefaultsAreTheBoundOnes() throws Exception {
        Map<String, Object> defaults = metadata().values().stream().filter(p -> p.getDefaultValue() != null)
                .collect(Collectors.toMap(ConfigurationMetadataProperty::getId, p -> p.getDefaultValue()));
        assertThat(defaults).containsEntry("kmesh.perf.enabled", true).containsEntry("kmesh.perf.fail-fast", false)
                .containsEntry("kmesh.perf.source.kmesh", "/sys/fs/bpf").containsEntry("kmesh.perf.source.wait", true)
                .containsEntry("kmesh.perf.source.observe", false).containsEntry("kmesh.perf.maps.enabled", true)
                .containsEntry("kmesh.perf.programs.enabled", false).containsEntry("kmesh.perf.max-operation-types", 1024)
                .containsEntry("kmesh.perf.metrics.naming", "kmesh-perf")
                .containsEntry("management.health.kmesh-perf.enabled", true);
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
                .withUserConfiguration(Bound.class).run(context -> {
                    KmeshPerfProperties p = context.getBean(KmeshPerfProperties.class);
                    assertThat(p.enabled()).isTrue();
                    assertThat(p.failFast()).isFalse();
                    assertThat(p.source().waitForSource()).isTrue();
                    assertThat(p.source().observe()).isFalse();
                    assertThat(p.source().kmesh()).as("unset: the library's own default, /sys/fs/bpf").isNull();
                    assertThat(p.toMonitorConfig().source().describe()).isEqualTo("Kmesh under /sys/fs/bpf");
                    assertThat(p.maps().enabled()).isTrue();
                    assertThat(p.programs().enabled()).isFalse();
                    assertThat(p.maxOperationTypes()).isEqualTo(1024);
                    assertThat(p.metrics().naming()).isEqualTo(MetricNaming.KMESH_PERF);
                });
    }

    @Test
    void everyHintedNamingBinds() throws Exception {
        ConfigurationMetadataProperty naming = metadata().get("kmesh.perf.metrics.naming");
        assertThat(naming.getHints().getValueHints()).extracting(ValueHint::getValue)
                .containsExactly("kmesh-perf", "upstream");
        for (ValueHint hint : naming.getHints().getValueHints()) {
            new ApplicationContextRunner().withUserConfiguration(Bound.class)
                    .withPropertyValues("kmesh.perf.metrics.naming=" + hint.getValue())
                    .run(context -> assertThat(context.getBean(KmeshPerfProperties.class).metrics().naming())
                            .isEqualTo(hint.getValue().equals("upstream") ? MetricNaming.UPSTREAM : MetricNaming.KMESH_PERF));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(KmeshPerfProperties.class)
    static class Bound {
    }
}
