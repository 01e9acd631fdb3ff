package net.kmesh.perf.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.micrometer.Series.Point;

/**
 * The binder in a {@link PrometheusMeterRegistry}: the monitor's own histograms and counters
 * written straight into the registry's Prometheus registry by a collector (see
 * {@link PrometheusHub}) at each scrape, from one snapshot taken for that scrape. Loaded only when
 * Micrometer's Prometheus registry is on the class path.
 */
final class PrometheusBinding implements Binding {
    private final Publication publication;
    private final String[] constantNames;
    private final String[] constantValues;
    /**
     * Each series' {@link Labels} by its own labels, kept between scrapes: the client validates every
     * label name when a {@code Labels} is made, and a scrape, whose code runs interpreted for its first
     * hundred calls or so, made one per series. Series are few and stable (types, maps, programs);
     * emptied when it holds more than {@link #MAX_CACHED_LABELS}, so names that come and go cannot grow it.
     */
    private final Map<List<String>, Labels> labelsCache = new ConcurrentHashMap<>();
    static final int MAX_CACHED_LABELS = 4096;
    private PrometheusHub hub;

    private PrometheusBinding(Publication publication, Map<String, String> constant) {
        this.publication = publication;
        this.constantNames = constant.keySet().toArray(new String[0]);
        this.constantValues = constant.values().toArray(new String[0]);
    }

    static boolean accepts(MeterRegistry registry) {
        return registry instanceof PrometheusMeterRegistry;
    }

    /**
     * Binds to a {@link PrometheusMeterRegistry}.
     *
     * @param tags  the binder's tags with {@code node_name} unless the registry has its own
     * @param probe what the registry's filters add; its common tags go on every series
     */
    static Binding bind(MeterRegistry meterRegistry, Publication publication, List<Tag> tags, RegistryProbe probe) {
        PrometheusMeterRegistry prometheus = (PrometheusMeterRegistry) meterRegistry;
        var convention = prometheus.config().namingConvention();
        Map<String, String> constant = new LinkedHashMap<>();
        // The binder's tags win over the registry's common tags, as a meter's own tags do in Micrometer;
        // only the registry's node_name is kept, which the caller has left out of tags.
        for (Tag t : probe.commonTags()) {
            constant.put(convention.tagKey(t.getKey()), t.getValue());
        }
        for (Tag t : tags) {
            constant.put(convention.tagKey(t.getKey()), t.getValue());
        }
        PrometheusBinding b = new PrometheusBinding(publication, constant);
        b.hub = PrometheusHub.attach(prometheus.getPrometheusRegistry(), b);
        return b;
    }

    /** Adds this binder's series from a new snapshot; adds none when the snapshot cannot be taken. Never throws. */
    void collectInto(PrometheusHub.Scrape scrape) {
        PerfSnapshot s = publication.snapshots().fresh();
        if (s == null) {
            return;
        }
        for (Point p : Series.of(s, publication.settings(), publication.log())) {
            try {
                scrape.add(p, labels(p));
            } catch (RuntimeException e) {
                scrape.failed(p, e);
            }
        }
    }

    private Labels labels(Point p) {
        List<String> key = Arrays.asList(p.labels);
        Labels cached = labelsCache.get(key);
        if (cached != null) {
            return cached;
        }
        Labels made = makeLabels(p);
        if (labelsCache.size() >= MAX_CACHED_LABELS) {
            labelsCache.clear();
        }
        labelsCache.put(key, made);
        return made;
    }

    private Labels makeLabels(Point p) {
        int own = p.labels.length / 2;
        List<String> names = new ArrayList<>(own + constantNames.length);
        List<String> values = new ArrayList<>(own + constantNames.length);
        for (int i = 0; i < p.labels.length; i += 2) {
            names.add(p.labels[i]);
            values.add(p.labels[i + 1]);
        }
        for (int i = 0; i < constantNames.length; i++) {
            if (!names.subList(0, own).contains(constantNames[i])) {
                names.add(constantNames[i]);
                values.add(constantValues[i]);
            }
        }
        return Labels.of(names, values);
    }

    /** How many series' labels are kept between scrapes now. */
    int cachedLabels() {
        return labelsCache.size();
    }

    @Override
    public synchronized void close() {
        if (hub != null) {
            hub.detach(this);
            hub = null;
        }
    }
}
