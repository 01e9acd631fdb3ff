package net.kmesh.perf.micrometer;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot.UnknownDataPointSnapshot;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.kmesh.perf.micrometer.Series.Point;

/**
 * The one collector kmesh-perf registers in a Prometheus registry, whatever the number of binders
 * bound to it: two collectors writing one family make the scrape throw (prometheus-metrics 1.3,
 * "duplicate metric name") or write the family twice (1.7, which Prometheus refuses), and the
 * registry cannot tell which families a collector writes before it scrapes it. So the hubs are
 * kept here by registry, and each merges its binders' series into one snapshot per family, a
 * series written twice (two binders with the same tags) written once. A hub holds its registry
 * weakly, so that a registry dropped with binders still bound to it is not kept.
 *
 * <p>{@link #collect()} never throws: a family that cannot be built is left out of that scrape.
 */
final class PrometheusHub implements MultiCollector {
    private static final Map<PrometheusRegistry, PrometheusHub> HUBS = new WeakHashMap<>();

    /** prometheus-metrics 1.6 and later accept a metric name ending in {@code _total}; 1.3 to 1.5 do not. */
    static final boolean GAUGE_MAY_END_IN_TOTAL = PrometheusNaming.isValidMetricName("kmesh_map_count_total");

    private static final double[] SECONDS_BOUNDS = bounds(1e9);
    private static final double[] NANOSECOND_BOUNDS = bounds(1);

    private final WeakReference<PrometheusRegistry> registry;
    private final List<PrometheusBinding> bindings = new CopyOnWriteArrayList<>();
    private final StateLog log = new StateLog();

    private PrometheusHub(PrometheusRegistry registry) {
        this.registry = new WeakReference<>(registry);
    }

    private static double[] bounds(double nanosPerUnit) {
        long[] nanos = DurationBuckets.BOUNDS_NANOS;
        double[] b = new double[nanos.length + 1];
        for (int i = 0; i < nanos.length; i++) {
            b[i] = nanos[i] / nanosPerUnit;
        }
        b[nanos.length] = Double.POSITIVE_INFINITY;
        return b;
    }

    /** Adds a binding to the registry's hub, registering the hub first if the registry has none. */
    static PrometheusHub attach(PrometheusRegistry registry, PrometheusBinding binding) {
        synchronized (HUBS) {
            PrometheusHub hub = HUBS.get(registry);
            if (hub == null) {
                hub = new PrometheusHub(registry);
                registry.register(hub);
                HUBS.put(registry, hub);
            }
            hub.bindings.add(binding);
            return hub;
        }
    }

    /** Removes a binding; the last one out unregisters the hub. */
    void detach(PrometheusBinding binding) {
        synchronized (HUBS) {
            if (bindings.remove(binding) && bindings.isEmpty()) {
                PrometheusRegistry r = registry.get();
                if (r != null) {
                    HUBS.remove(r);
                    r.unregister(this);
                }
            }
        }
    }

    @Override
    public MetricSnapshots collect() {
        try {
            Scrape scrape = new Scrape();
            for (PrometheusBinding b : bindings) {
                b.collectInto(scrape);
            }
            return scrape.build();
        } catch (RuntimeException | LinkageError e) {
            log.failed("every kmesh-perf family", e);
            return new MetricSnapshots(List.of());
        }
    }

    /** The series of one scrape, by family. */
    final class Scrape {
        private final Map<String, Accumulated> families = new LinkedHashMap<>();

        /** A series of {@code p}'s family could not be written: left out, logged when the family builds. */
        void failed(Point p, RuntimeException e) {
            Accumulated a = accumulated(p.family);
            if (a.failure == null) {
                a.failure = e;
            }
        }

        /** The family's series so far; a lookup by name, so that two families of one name are written as one. */
        private Accumulated accumulated(Family family) {
            Accumulated a = families.get(family.exposedName());
            if (a == null) {
                a = new Accumulated(family);
                families.put(family.exposedName(), a);
            }
            return a;
        }

        void add(Point p, Labels labels) {
            Accumulated a = accumulated(p.family);
            if (!a.seen.add(labels)) {
                log.problem("duplicate series of " + p.family.exposedName(), "duplicate", () -> "a series is written once though two"
                        + " sources give it (two binders with the same tags in one registry, or two operation types of"
                        + " one name): give each binder its own tags, each type its own name");
                return;
            }
            Family f = a.family;
            a.points.add(switch (f.exposition()) {
                case COUNTER -> new CounterDataPointSnapshot(p.value, labels, null, 0L);
                case GAUGE -> new GaugeDataPointSnapshot(p.value, labels, null);
                case UNTYPED -> new UnknownDataPointSnapshot(p.value, labels, null);
                case GAUGE_NAMED_TOTAL -> GAUGE_MAY_END_IN_TOTAL ? new GaugeDataPointSnapshot(p.value, labels, null)
                        : new CounterDataPointSnapshot(p.value, labels, null, 0L);
                case HISTOGRAM -> new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(
                        f.nanosPerUnit() == 1 ? NANOSECOND_BOUNDS : SECONDS_BOUNDS, p.buckets), p.value, labels,
                        Exemplars.EMPTY, 0L);
            });
        }

        MetricSnapshots build() {
            List<MetricSnapshot> out = new ArrayList<>(families.size());
            for (Accumulated a : families.values()) {
                String name = a.family.logSubject();
                try {
                    if (!a.points.isEmpty()) {
                        out.add(a.snapshot());
                    }
                    if (a.failure != null) {
                        log.failed(name, a.failure);
                    } else {
                        log.ok(name);
                    }
                } catch (RuntimeException e) {
                    log.failed(name, e);
                }
            }
            return new MetricSnapshots(out);
        }
    }

    /** One family's data points in one scrape. */
    private static final class Accumulated {
        final Family family;
        final List<Object> points = new ArrayList<>();
        final Set<Labels> seen = new HashSet<>();
        RuntimeException failure;

        Accumulated(Family family) {
            this.family = family;
        }

        @SuppressWarnings("unchecked")
        MetricSnapshot snapshot() {
            MetricMetadata m = metadata(family);
            return switch (family.exposition()) {
                case COUNTER -> new CounterSnapshot(m, (List<CounterDataPointSnapshot>) (List<?>) points);
                case GAUGE -> new GaugeSnapshot(m, (List<GaugeDataPointSnapshot>) (List<?>) points);
                case UNTYPED -> new UnknownSnapshot(m, (List<UnknownDataPointSnapshot>) (List<?>) points);
                case HISTOGRAM -> new HistogramSnapshot(m, (List<HistogramDataPointSnapshot>) (List<?>) points);
                case GAUGE_NAMED_TOTAL -> GAUGE_MAY_END_IN_TOTAL
                        ? new GaugeSnapshot(m, (List<GaugeDataPointSnapshot>) (List<?>) points)
                        : new CounterSnapshot(m, (List<CounterDataPointSnapshot>) (List<?>) points);
            };
        }
    }

    /**
     * Each family's metadata, made once: the client validates the name with a regular expression when
     * metadata is made. The families are the binder's fixed set, so the table cannot grow past it.
     */
    private static final Map<Family, MetricMetadata> METADATA = new ConcurrentHashMap<>();

    private static MetricMetadata metadata(Family family) {
        return METADATA.computeIfAbsent(family, f -> {
            String name = f.prometheusName();
            boolean counter = f.exposition() == Family.Exposition.GAUGE_NAMED_TOTAL && !GAUGE_MAY_END_IN_TOTAL;
            return new MetricMetadata(counter ? name.substring(0, name.length() - "_total".length()) : name, f.help());
        });
    }
}
