package net.kmesh.perf.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.noop.NoopMeter;
import java.util.List;

/**
 * What a registry does to a kmesh-perf meter, learnt from one it registers and removes at once:
 * the tags its filters add (common tags, such as a {@code node_name} of the registry's own), and
 * whether it denies kmesh-perf's meters. A Prometheus collector needs both, since the registry's
 * filters never see the series a collector writes.
 *
 * @param commonTags the tags the registry's filters gave a meter that had none
 * @param denied     the registry's filters deny kmesh-perf's meters
 */
record RegistryProbe(List<Tag> commonTags, boolean denied) {
    static final String METER_NAME = "kmesh.perf.binder.probe";

    static RegistryProbe of(MeterRegistry registry) {
        Gauge probe = Gauge.builder(METER_NAME, () -> 0).register(registry);
        try {
            return new RegistryProbe(List.copyOf(probe.getId().getTags()), probe instanceof NoopMeter);
        } finally {
            registry.remove(probe);
        }
    }

    /** The registry's own value of {@code key}, or null. */
    String tag(String key) {
        for (Tag t : commonTags) {
            if (t.getKey().equals(key)) {
                return t.getValue();
            }
        }
        return null;
    }
}
