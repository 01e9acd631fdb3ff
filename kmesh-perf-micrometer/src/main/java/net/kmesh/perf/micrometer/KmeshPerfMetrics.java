package net.kmesh.perf.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.ResourceUsage;

/**
 * Exposes a {@link PerfMonitor} through Micrometer, with the names, units and tags of kmesh-perf's
 * metric contract (see the README): operation durations as a histogram per operation type,
 * record losses, eBPF map and program statistics, and the daemon's CPU and memory.
 *
 * <p>Durations go into a {@link Timer} per operation type as the monitor's consumer thread reads
 * each record: a Micrometer histogram can only be fed one observation at a time (the benchmarks'
 * README gives the cost). Operation types in the kernel's histogram mode have no records: what
 * the kernel counted is replayed into their timers when a snapshot merges it, one observation
 * per count at the middle of its bucket: their counts are exact, their sums within a bucket's
 * width (12.5%), and a Prometheus bucket bound that cuts through a kernel bucket may see that
 * bucket's counts on its other side. A scrape may read their timer before it merges new counts:
 * those then show in the next scrape. Everything else is read from a snapshot of the monitor, taken at most
 * once per {@link #SNAPSHOT_TTL} while a registry reads the meters, so nothing polls in the
 * background. Meters whose source comes and goes (a map, a program, the daemon) are registered by
 * the scrape that first sees it and removed by the scrape after it is gone.
 *
 * <p>Bind it before {@link PerfMonitor#start()} for the histograms to hold every record. It may
 * be bound to several registries; {@link #close()} removes its meters from all of them.
 */
public final class KmeshPerfMetrics implements MeterBinder, AutoCloseable {
    /** Upper bounds of the duration histogram's buckets: kernel operations take hundreds of ns to ms. */
    public static final List<Duration> DURATION_BUCKETS = List.of(
            Duration.ofNanos(100), Duration.ofNanos(250), Duration.ofNanos(500),
            Duration.ofNanos(1_000), Duration.ofNanos(2_500), Duration.ofNanos(5_000),
            Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000),
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1));

    /** How long one snapshot serves meter reads, so that one scrape reads one consistent snapshot. */
    public static final Duration SNAPSHOT_TTL = Duration.ofMillis(500);

    private final PerfMonitor monitor;
    private final Tags tags;
    private final SnapshotCache snapshots;
    private final List<Bound> bound = new CopyOnWriteArrayList<>();
    private volatile Bound[] recording = new Bound[0];
    private final ListenerRegistration listener;
    private boolean closed;

    public KmeshPerfMetrics(PerfMonitor monitor) {
        this(monitor, Tags.empty());
    }

    /** @param tags added to every meter; common tags such as {@code node_name} belong on the registry */
    public KmeshPerfMetrics(PerfMonitor monitor, Iterable<Tag> tags) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.tags = Tags.of(tags);
        this.snapshots = new SnapshotCache(monitor::snapshot, SNAPSHOT_TTL);
        this.listener = monitor.addRecordListener(this::onRecord);
    }

    // STAND-IN (helper-spring): the binder helper's builder replaces this; the lead drops it when merging.
    public static Builder builder(PerfMonitor monitor) {
        return new Builder(monitor);
    }

    // STAND-IN (helper-spring): naming and nodeName are recorded and ignored until the binder's rewrite lands.
    public static final class Builder {
        private final PerfMonitor monitor;
        private Iterable<Tag> tags = Tags.empty();

        private Builder(PerfMonitor monitor) {
            this.monitor = monitor;
        }

        public Builder naming(MetricNaming naming) {
            return this;
        }

        public Builder tags(Iterable<Tag> tags) {
            this.tags = tags;
            return this;
        }

        public Builder nodeName(String nodeName) {
            return this;
        }

        public KmeshPerfMetrics build() {
            return new KmeshPerfMetrics(monitor, tags);
        }
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        if (closed) {
            throw new IllegalStateException("KmeshPerfMetrics is closed");
        }
        Bound b = new Bound(registry);
        bound.add(b);
        recording = bound.toArray(new Bound[0]);
        b.current();
    }

    private void onRecord(long type, long startNanos, long endNanos, long pidTgid) {
        for (Bound b : recording) {
            b.timers.get(type).record(endNanos - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops recording and removes this binder's meters from every registry it was bound to. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        recording = new Bound[0];
        try {
            listener.close();
        } finally {
            bound.forEach(Bound::removeAll);
            bound.clear();
        }
    }

    /** The meters of one registry. */
    private final class Bound {
        final MeterRegistry registry;
        final TimerTable timers;
        final List<Meter> fixed = new ArrayList<>();
        final DynamicMeters dynamic;
        private PerfSnapshot synced;
        private Map<Integer, MapStats> mapsById = Map.of();
        private Map<Integer, ProgramStats> programsById = Map.of();

        Bound(MeterRegistry registry) {
            this.registry = registry;
            this.dynamic = new DynamicMeters(registry);
            this.timers = new TimerTable(code -> Timer.builder("kmesh.bpf.prog.operation.duration")
                    .description("Duration of an operation, measured in the kernel by the kmesh-perf probe")
                    .tags(tags)
                    .tag("operation_type", monitor.config().operationType(code).name())
                    .serviceLevelObjectives(DURATION_BUCKETS.toArray(new Duration[0]))
                    .register(registry));
            if (monitor.capabilities().has(Feature.DROPPED_COUNTER)) {
                fixed.add(FunctionCounter.builder("kmesh.perf.records.dropped", this,
                                b -> b.current().records().dropped().orElse(0))
                        .description("Records lost in the kernel because the ring buffer was full")
                        .tags(tags).register(registry));
            }
            if (!monitor.config().staleStartAge().isZero()) {
                fixed.add(FunctionCounter.builder("kmesh.perf.stale.starts.reaped", this,
                                b -> b.current().records().staleStartsReaped())
                        .description("Operation starts deleted from kmesh_perf_map because their end never came")
                        .tags(tags).register(registry));
            }
            fixed.add(FunctionCounter.builder("kmesh.perf.records.invalid", this,
                            b -> b.current().records().invalid())
                    .description("Records read from the ring buffer that are not a known layout")
                    .tags(tags).register(registry));
            if (monitor.capabilities().has(Feature.MAP_STATISTICS)) {
                fixed.add(Gauge.builder("kmesh.maps", this, b -> b.current().maps().size())
                        .description("Number of eBPF maps selected for statistics")
                        .tags(tags).register(registry));
            }
        }

        /** The current snapshot; the first read of a new one brings the coming-and-going meters in line. */
        PerfSnapshot current() {
            PerfSnapshot s = snapshots.get();
            synchronized (this) {
                if (s != synced) {
                    synced = s;
                    sync(s);
                }
            }
            return s;
        }

        private void sync(PerfSnapshot s) {
            for (OperationStats op : s.operations()) {
                timers.get(op.type().code());
            }
            DynamicMeters.Plan plan = dynamic.plan();
            Map<Integer, MapStats> maps = new HashMap<>();
            for (MapStats m : s.maps()) {
                maps.put(m.id(), m);
                planMap(plan, m);
            }
            mapsById = maps;
            Map<Integer, ProgramStats> programs = new HashMap<>();
            for (ProgramStats p : s.programs()) {
                programs.put(p.id(), p);
                planProgram(plan, p);
            }
            programsById = programs;
            ResourceUsage usage = s.daemon().orElse(null);
            if (usage != null) {
                if (usage.memoryUsage().isPresent()) {
                    plan.want("daemon.memory", () -> gauge("kmesh.daemon.memory.usage",
                            "Memory of the monitored daemon, as cAdvisor's container_memory_usage_bytes",
                            b -> b.current().daemon().flatMap(ResourceUsage::memoryUsage)
                                    .map(m -> (double) m.bytes()).orElse(Double.NaN)));
                }
                if (usage.workingSet().isPresent()) {
                    plan.want("daemon.working.set", () -> gauge("kmesh.daemon.memory.working.set",
                            "Memory of the monitored daemon less inactive file pages, as cAdvisor's "
                                    + "container_memory_working_set_bytes",
                            b -> b.current().daemon().flatMap(ResourceUsage::workingSet)
                                    .map(m -> (double) m.bytes()).orElse(Double.NaN)));
                }
                if (usage.cpuTime().isPresent()) {
                    plan.want("daemon.cpu", () -> FunctionCounter.builder("kmesh.daemon.cpu.usage", this,
                                    b -> b.current().daemon().flatMap(ResourceUsage::cpuTime)
                                            .map(ResourceUsage.CpuTime::seconds).orElse(Double.NaN))
                            .description("CPU time of the monitored daemon, as cAdvisor's "
                                    + "container_cpu_usage_seconds_total")
                            .baseUnit("seconds").tags(tags).register(registry));
                }
            }
            plan.apply();
        }

        private void planMap(DynamicMeters.Plan plan, MapStats m) {
            int id = m.id();
            Tags mapTags = tags.and("map_name", m.name(), "map_id", Integer.toString(id), "map_type", m.type());
            if (m.counted()) {
                plan.want("map.entries." + id, () -> Gauge.builder("kmesh.map.entries", this,
                                b -> b.map(id).map(x -> (double) x.entries()).orElse(Double.NaN))
                        .description("Entries in an eBPF map (counted without walking it where the kernel allows)")
                        .tags(mapTags).register(registry));
                if (m.method() != MapStats.CountMethod.ARRAY_CAPACITY) {
                    plan.want("map.pressure." + id, () -> Gauge.builder("kmesh.map.pressure", this,
                                    b -> b.map(id).map(MapStats::pressure).orElse(Double.NaN))
                            .description("Entries of an eBPF map over its max entries, 0 to 1")
                            .tags(mapTags).register(registry));
                }
            }
            plan.want("map.max." + id, () -> Gauge.builder("kmesh.map.max.entries", this,
                            b -> b.map(id).map(x -> (double) x.maxEntries()).orElse(Double.NaN))
                    .description("Capacity of an eBPF map (for a ring buffer, its size in bytes)")
                    .tags(mapTags).register(registry));
            plan.want("map.memlock." + id, () -> Gauge.builder("kmesh.map.memlock", this,
                            b -> b.map(id).map(x -> (double) x.memlockBytes()).orElse(Double.NaN))
                    .description("Memory the kernel charges for an eBPF map, as bpftool's memlock")
                    .baseUnit(BaseUnits.BYTES).tags(mapTags).register(registry));
        }

        private void planProgram(DynamicMeters.Plan plan, ProgramStats p) {
            int id = p.id();
            Tags progTags = tags.and("prog_name", p.name(), "prog_id", Integer.toString(id), "prog_type", p.type());
            plan.want("prog.time." + id, () -> FunctionCounter.builder("kmesh.bpf.prog.run.time", this,
                            b -> b.program(id).map(x -> x.runTimeNanos() / 1e9).orElse(Double.NaN))
                    .description("Time an eBPF program ran, from the kernel's run-time statistics")
                    .baseUnit("seconds").tags(progTags).register(registry));
            plan.want("prog.runs." + id, () -> FunctionCounter.builder("kmesh.bpf.prog.runs", this,
                            b -> b.program(id).map(x -> (double) x.runCount()).orElse(Double.NaN))
                    .description("Times an eBPF program ran")
                    .tags(progTags).register(registry));
        }

        Optional<MapStats> map(int id) {
            current();
            return Optional.ofNullable(mapsById.get(id));
        }

        Optional<ProgramStats> program(int id) {
            current();
            return Optional.ofNullable(programsById.get(id));
        }

        private Meter gauge(String name, String description, ToDoubleFunction<Bound> value) {
            return Gauge.builder(name, this, value).description(description).baseUnit(BaseUnits.BYTES)
                    .tags(tags).register(registry);
        }

        void removeAll() {
            fixed.forEach(registry::remove);
            timers.forEach(registry::remove);
            dynamic.removeAll();
        }
    }
}
