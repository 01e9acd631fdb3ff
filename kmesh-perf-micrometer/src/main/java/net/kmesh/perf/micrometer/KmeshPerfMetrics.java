package net.kmesh.perf.micrometer;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a {@link PerfMonitor} through Micrometer: operation durations per operation type,
 * the monitor's own status and record counters, eBPF map and program statistics, and the daemon's
 * CPU and memory, in kmesh-perf's names or Kmesh's own ({@link MetricNaming}). Every series
 * carries {@code node_name}.
 *
 * <p>Nothing is done per record: every value is read from the monitor's snapshot, whose
 * histograms are the monitor's own aggregation (kernel histogram-mode counts merged per bucket).
 * How that reaches a registry depends on the registry:
 * <ul>
 *   <li>a Prometheus registry ({@code micrometer-registry-prometheus}, used only when it is on the
 *       class path) gets a collector that writes, at each scrape and from one snapshot taken for it,
 *       each operation type's histogram with exact counts at the {@link #DURATION_BUCKETS} bounds,
 *       its exact sum, and a {@code _max};</li>
 *   <li>any other registry gets Micrometer meters that read the snapshot when the registry reads
 *       them: a {@link FunctionTimer} (count and total time) and a maximum gauge per operation type,
 *       gauges and function counters for the rest; no bucket counts, since Micrometer fills those
 *       only one value at a time;</li>
 *   <li>a {@link CompositeMeterRegistry} (Spring Boot hands one over when it has several
 *       registries) is bound through each of its registries, so that its Prometheus registry gets
 *       the collector; one that has none yet is bound as any other registry.</li>
 * </ul>
 *
 * <p>A scrape never throws because of this binder: a snapshot that cannot be taken leaves
 * kmesh-perf's series out of that scrape (the registry's other meters stay), a part that fails
 * (maps, programs...) leaves that part out, and each failure is logged once per change of state.
 * Series exist only for what the snapshot holds: at most {@link PerfMonitorConfig#maxOperationTypes()}
 * operation types, the selected maps and programs; a meter whose map or program is gone is removed.
 *
 * <p>It may be bound to several registries; {@link #close()} removes everything it registered in
 * all of them. It does not own the monitor: closing the binder leaves the monitor open. To shut down
 * with every record in the last scrape, close the monitor first (its consumer drains the ring once
 * more and its snapshot keeps every total), take the last scrape, then close the binder; a binder
 * closed first takes its series out of any later scrape. Thread-safe: {@code bindTo} and {@code close} may be
 * called from any thread, and registries read the meters on their own threads while the monitor's
 * consumer thread writes.
 */
public final class KmeshPerfMetrics implements MeterBinder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KmeshPerfMetrics.class);
    private static final boolean PROMETHEUS_ON_CLASS_PATH = onClassPath("io.micrometer.prometheusmetrics.PrometheusMeterRegistry");

    /**
     * Upper bounds of the published duration buckets (then {@code +Inf}): every power of two from
     * 128 ns to 2<sup>30</sup> ns (1.07 s). Each is a bucket bound of the monitor's
     * {@link DurationHistogram}, so the count published at each bound is exact.
     */
    public static final List<Duration> DURATION_BUCKETS = durationBuckets();

    /**
     * How long one snapshot serves the meters of registries other than Prometheus', so that one
     * read of every meter sees one snapshot. A Prometheus scrape takes a snapshot of its own.
     */
    public static final Duration SNAPSHOT_TTL = Duration.ofMillis(500);

    private final Publication publication;
    private final Tags tags;
    private final String nodeName;
    private final Map<MeterRegistry, Binding> bindings = new IdentityHashMap<>();
    private boolean closed;

    /**
     * A binder with kmesh-perf's names and no tags but {@code node_name} ({@code NODE_NAME} from the
     * environment, else the host name).
     *
     * @param monitor the monitor to publish
     */
    public KmeshPerfMetrics(PerfMonitor monitor) {
        this(builder(monitor));
    }

    private KmeshPerfMetrics(Builder b) {
        PerfMonitor monitor = b.monitor;
        StateLog log = new StateLog();
        PerfMonitorConfig config = monitor.config();
        this.publication = new Publication(new SnapshotCache(monitor::snapshot, b.snapshotTtl, log),
                new Series.Settings(b.naming, config.maxOperationTypes(), !config.staleStartAge().isZero()), log);
        this.tags = b.tags;
        this.nodeName = b.nodeName != null ? b.nodeName : NodeName.ofThisHost();
    }

    /**
     * A builder of a binder for {@code monitor}.
     *
     * @param monitor the monitor to publish
     * @return a builder with kmesh-perf's names, no tags and the default {@code node_name}
     */
    public static Builder builder(PerfMonitor monitor) {
        return new Builder(monitor);
    }

    /** Chooses a binder's names and tags. */
    public static final class Builder {
        private final PerfMonitor monitor;
        private MetricNaming naming = MetricNaming.KMESH_PERF;
        private Tags tags = Tags.empty();
        private String nodeName;
        private Duration snapshotTtl = SNAPSHOT_TTL;

        private Builder(PerfMonitor monitor) {
            this.monitor = Objects.requireNonNull(monitor, "monitor");
        }

        /**
         * The metric names (default {@link MetricNaming#KMESH_PERF}).
         *
         * @param naming kmesh-perf's names or Kmesh's own
         * @return this builder
         */
        public Builder naming(MetricNaming naming) {
            this.naming = Objects.requireNonNull(naming, "naming");
            return this;
        }

        /**
         * Tags added to every series. A series' own labels ({@code operation_type}, {@code map_name}...)
         * win over a tag of the same name.
         *
         * @param tags the tags
         * @return this builder
         */
        public Builder tags(Iterable<Tag> tags) {
            this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
            return this;
        }

        /**
         * The value of {@code node_name} on every series (default: {@code NODE_NAME} from the
         * environment, else the host name). A {@code node_name} common tag of the registry wins.
         *
         * @param nodeName the node's name, not blank
         * @return this builder
         */
        public Builder nodeName(String nodeName) {
            if (Objects.requireNonNull(nodeName, "nodeName").isBlank()) {
                throw new IllegalArgumentException("nodeName must not be blank");
            }
            this.nodeName = nodeName;
            return this;
        }

        /** For tests: how long a snapshot serves other registries' meters. */
        Builder snapshotTtl(Duration ttl) {
            this.snapshotTtl = Objects.requireNonNull(ttl, "ttl");
            return this;
        }

        /**
         * Builds the binder; nothing is registered until {@link KmeshPerfMetrics#bindTo(MeterRegistry)}.
         *
         * @return the binder
         */
        public KmeshPerfMetrics build() {
            return new KmeshPerfMetrics(this);
        }
    }

    /**
     * Publishes the monitor in {@code registry}; binding again to the same registry does nothing.
     *
     * @throws IllegalStateException when the binder is closed
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (closed) {
            throw new IllegalStateException("KmeshPerfMetrics is closed");
        }
        if (registry instanceof CompositeMeterRegistry composite && !composite.getRegistries().isEmpty()) {
            for (MeterRegistry r : composite.getRegistries()) {
                bindTo(r);
            }
            return;
        }
        if (bindings.containsKey(registry)) {
            return;
        }
        RegistryProbe probe = RegistryProbe.of(registry);
        Tags own = tagsFor(probe);
        Binding b = null;
        if (PROMETHEUS_ON_CLASS_PATH) {
            b = prometheus(registry, own, probe);
        }
        if (b == null) {
            b = new MeterBinding(registry, publication, own);
        }
        bindings.put(registry, b);
    }

    /** The collector binding for a Prometheus registry; null for another registry. */
    private Binding prometheus(MeterRegistry registry, Tags own, RegistryProbe probe) {
        try {
            if (!PrometheusBinding.accepts(registry)) {
                return null;
            }
            if (probe.denied()) {
                return () -> { };
            }
            return PrometheusBinding.bind(registry, publication, own.stream().toList(), probe);
        } catch (LinkageError e) {
            LOG.warn("kmesh-perf metrics: the Prometheus client on the class path cannot be used ({}); "
                    + "publishing through Micrometer meters instead, without bucket counts", e.toString());
            return null;
        }
    }

    /** The binder's tags and {@code node_name}, unless the registry sets a {@code node_name} of its own. */
    private Tags tagsFor(RegistryProbe probe) {
        List<Tag> own = new ArrayList<>();
        String node = nodeName;
        for (Tag t : tags) {
            if (t.getKey().equals(NodeName.LABEL)) {
                node = t.getValue();
            } else {
                own.add(t);
            }
        }
        if (probe.tag(NodeName.LABEL) == null) {
            own.add(Tag.of(NodeName.LABEL, node));
        }
        return Tags.of(own);
    }

    /**
     * Removes everything the binder registered from every registry it was bound to (meters and
     * collectors); the registries scrape as before it was bound. Idempotent; never throws.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Binding b : bindings.values()) {
            try {
                b.close();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("kmesh-perf metrics: removing the binder's meters from a registry failed", e);
            }
        }
        bindings.clear();
    }

    /** For tests: how many series' labels the Prometheus bindings keep between scrapes. */
    synchronized int cachedLabels() {
        int n = 0;
        for (Binding b : bindings.values()) {
            if (b instanceof PrometheusBinding p) {
                n += p.cachedLabels();
            }
        }
        return n;
    }

    private static List<Duration> durationBuckets() {
        List<Duration> d = new ArrayList<>();
        for (long nanos : DurationBuckets.BOUNDS_NANOS) {
            d.add(Duration.ofNanos(nanos));
        }
        return List.copyOf(d);
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, KmeshPerfMetrics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
