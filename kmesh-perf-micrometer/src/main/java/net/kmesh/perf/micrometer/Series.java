package net.kmesh.perf.micrometer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.kmesh.perf.BpfMapType;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.OperationsProblem;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.ResourceUsage;

/**
 * The series one snapshot gives, in one naming, without the labels every series shares
 * ({@code node_name}, the binder's and the registry's tags). Each part of the snapshot (operations,
 * record counters, features, maps, programs, daemon) is turned into series on its own: a part
 * that fails is left out, logged once per change of state, and the others are kept.
 */
final class Series {
    /** One series: a value, or a histogram collapsed to {@link DurationBuckets}. */
    static final class Point {
        final Family family;
        /** Label names and values, alternating. */
        final String[] labels;
        /** The value; for a histogram, the sum of its values in the family's unit. */
        final double value;
        /** A histogram's count; 0 otherwise. */
        final long count;
        /** A histogram's counts per {@link DurationBuckets} bucket, not cumulative, +Inf last; null otherwise. */
        final long[] buckets;

        Point(Family family, String[] labels, double value, long count, long[] buckets) {
            this.family = family;
            this.labels = labels;
            this.value = value;
            this.count = count;
            this.buckets = buckets;
        }

        /** Identifies the series within the binder's: family and label values. */
        String key() {
            StringBuilder b = new StringBuilder(family.prometheusName());
            for (int i = 1; i < labels.length; i += 2) {
                b.append('\u0000').append(labels[i]);
            }
            return b.toString();
        }
    }

    /** What decides which series exist, fixed when the binder is built. */
    record Settings(MetricNaming naming, int maxOperationTypes, boolean staleStartReaping) {
    }

    private static final String[] NONE = new String[0];
    /** Copied once: {@code values()} copies its array at every call. */
    private static final OperationsProblem.Reason[] REASONS = OperationsProblem.Reason.values();
    private static final Feature[] FEATURES = Feature.values();

    private Series() {
    }

    /** The parts of a snapshot, each turned into series on its own, in this order. */
    private static final String[] PARTS = {"operation durations", "record counters", "features", "map statistics",
        "program statistics", "daemon usage"};
    /** Parts past the maps have no series in Kmesh's names. */
    private static final int UPSTREAM_PARTS = 4;

    /** The series of {@code s}; never throws. */
    static List<Point> of(PerfSnapshot s, Settings settings, StateLog log) {
        List<Point> out = new ArrayList<>(64);
        boolean upstream = settings.naming() == MetricNaming.UPSTREAM;
        // A loop and a switch rather than a lambda per part: this runs at every scrape, interpreted
        // for its first couple of hundred, where making a lambda costs more than the part's series.
        for (int part = 0, n = upstream ? UPSTREAM_PARTS : PARTS.length; part < n; part++) {
            int before = out.size();
            try {
                switch (part) {
                    case 0 -> operations(out, s, settings, log);
                    case 1 -> records(out, s, settings);
                    case 2 -> features(out, s);
                    case 3 -> {
                        if (upstream) {
                            upstreamMaps(out, s);
                        } else {
                            maps(out, s);
                        }
                    }
                    case 4 -> programs(out, s);
                    default -> daemon(out, s);
                }
                log.ok(PARTS[part]);
            } catch (RuntimeException e) {
                out.subList(before, out.size()).clear();
                log.failed(PARTS[part], e);
            }
        }
        return out;
    }

    private static void operations(List<Point> out, PerfSnapshot s, Settings settings, StateLog log) {
        List<OperationStats> ops = s.operations();
        int cap = settings.maxOperationTypes();
        if (ops.size() > cap) {
            log.problem("operation types", "over the cap", () -> "the snapshot holds " + ops.size()
                    + " operation types, more than the cap of " + cap + " (PerfMonitorConfig.maxOperationTypes): the first " + cap + " are published");
        } else {
            log.ok("operation types");
        }
        boolean upstream = settings.naming() == MetricNaming.UPSTREAM;
        Family duration = upstream ? Families.UPSTREAM_DURATION : Families.DURATION;
        for (int i = 0, n = Math.min(cap, ops.size()); i < n; i++) {
            OperationStats op = ops.get(i);
            String[] labels = {"operation_type", op.type().name()};
            out.add(new Point(duration, labels, op.sumNanos() / duration.nanosPerUnit(), op.count(),
                    DurationBuckets.collapse(op.histogram())));
            if (upstream) {
                out.add(new Point(Families.UPSTREAM_COUNT, labels, op.count(), 0, null));
            } else {
                out.add(new Point(Families.DURATION_MAX, labels, op.maxNanos() / 1e9, 0, null));
            }
        }
    }

    private static void records(List<Point> out, PerfSnapshot s, Settings settings) {
        RecordCounters r = s.records();
        scalar(out, Families.SOURCE_UP, s.source().up() ? 1 : 0);
        scalar(out, Families.SOURCE_REATTACHMENTS, s.source().reattachments());
        scalar(out, Families.RINGS_MISSED, s.source().ringsMissed());
        scalar(out, Families.RECORDS_CONSUMED, r.consumed());
        if (s.source().mode() == RecordSource.ReadMode.OBSERVE) {
            scalar(out, Families.RECORDS_MISSED, r.missed());
        }
        if (r.dropped().isPresent()) {
            scalar(out, Families.RECORDS_DROPPED, r.dropped().getAsLong());
        }
        scalar(out, Families.RECORDS_INVALID, r.invalid());
        scalar(out, Families.RECORDS_TYPE_OVERFLOW, r.typeOverflow());
        if (r.endsWithoutStart().isPresent()) {
            scalar(out, Families.ENDS_WITHOUT_START, r.endsWithoutStart().getAsLong());
        }
        scalar(out, Families.LISTENER_ERRORS, r.listenerErrors());
        if (settings.staleStartReaping()) {
            scalar(out, Families.STALE_STARTS_REAPED, r.staleStartsReaped());
        }
        if (s.starts().isPresent()) {
            scalar(out, Families.STARTS_PENDING, s.starts().get().pending());
            scalar(out, Families.STARTS_STALE, s.starts().get().stale());
        }
        OperationsProblem.Reason now = s.operationsProblem().isPresent() ? s.operationsProblem().get().reason() : null;
        for (OperationsProblem.Reason reason : REASONS) {
            out.add(new Point(Families.OPERATIONS_PROBLEM, new String[] {"reason", reason.tagValue()},
                    reason == now ? 1 : 0, 0, null));
        }
    }

    private static void features(List<Point> out, PerfSnapshot s) {
        for (Feature f : FEATURES) {
            out.add(new Point(Families.FEATURE_ENABLED, new String[] {"feature", f.tagValue()},
                    s.features().contains(f) ? 1 : 0, 0, null));
        }
    }

    private static void maps(List<Point> out, PerfSnapshot s) {
        if (!s.features().contains(Feature.MAP_STATISTICS)) {
            return;
        }
        scalar(out, Families.MAPS, s.maps().size());
        for (MapStats m : s.maps()) {
            String[] labels = {"map_name", m.name(), "map_id", Integer.toString(m.id()), "map_type", m.type()};
            if (m.counted()) {
                out.add(new Point(Families.MAP_ENTRIES, labels, m.entries(), 0, null));
                if (m.method() != MapStats.CountMethod.ARRAY_CAPACITY && m.maxEntries() > 0) {
                    out.add(new Point(Families.MAP_PRESSURE, labels, m.pressure(), 0, null));
                }
            }
            out.add(new Point(Families.MAP_MAX_ENTRIES, labels, m.maxEntries(), 0, null));
            out.add(new Point(Families.MAP_MEMLOCK, labels, m.memlockBytes(), 0, null));
        }
    }

    /**
     * Kmesh labels its maps by name (and type) only. Maps that share a name and type are one series
     * there, set by the last map Kmesh reads in id order; here too: the highest id wins. Entries are
     * left out for a ring buffer, whose count is bytes.
     */
    private static void upstreamMaps(List<Point> out, PerfSnapshot s) {
        if (!s.features().contains(Feature.MAP_STATISTICS)) {
            return;
        }
        scalar(out, Families.UPSTREAM_MAP_COUNT, s.maps().size());
        List<MapStats> byId = new ArrayList<>(s.maps());
        byId.sort(Comparator.comparingInt(MapStats::id));
        Map<String, Point> points = new LinkedHashMap<>();
        for (MapStats m : byId) {
            String[] byName = {"map_name", m.name()};
            String[] detail = {"map_name", m.name(), "map_type", kmeshMapType(m.type())};
            if (m.counted() && m.method() != MapStats.CountMethod.RING_FILL) {
                put(points, new Point(Families.UPSTREAM_MAP_ENTRY_COUNT, byName, m.entries(), 0, null));
                if (m.maxEntries() > 0) {
                    put(points, new Point(Families.UPSTREAM_MAP_UTILIZATION, detail, m.pressure(), 0, null));
                }
            }
            put(points, new Point(Families.UPSTREAM_MAP_MAX_ENTRIES, detail, m.maxEntries(), 0, null));
            put(points, new Point(Families.UPSTREAM_MAP_MEMLOCK, detail, m.memlockBytes(), 0, null));
        }
        out.addAll(points.values());
    }

    private static void put(Map<String, Point> points, Point p) {
        points.put(p.key(), p);
    }

    private static void programs(List<Point> out, PerfSnapshot s) {
        for (ProgramStats p : s.programs()) {
            String[] labels = {"prog_name", p.name(), "prog_id", Integer.toString(p.id()), "prog_type", p.type()};
            out.add(new Point(Families.PROG_RUN_TIME, labels, p.runTimeNanos() / 1e9, 0, null));
            out.add(new Point(Families.PROG_RUNS, labels, p.runCount(), 0, null));
        }
    }

    private static void daemon(List<Point> out, PerfSnapshot s) {
        ResourceUsage u = s.daemon().orElse(null);
        if (u == null) {
            return;
        }
        if (u.memoryUsage().isPresent()) {
            scalar(out, Families.DAEMON_MEMORY, u.memoryUsage().get().bytes());
        }
        if (u.workingSet().isPresent()) {
            scalar(out, Families.DAEMON_WORKING_SET, u.workingSet().get().bytes());
        }
        if (u.cpuTime().isPresent()) {
            scalar(out, Families.DAEMON_CPU, u.cpuTime().get().seconds());
        }
    }

    private static void scalar(List<Point> out, Family family, double value) {
        out.add(new Point(family, NONE, value, 0, null));
    }

    /** Kmesh's {@code map_type} value for a map type named as bpftool names it ({@code type_N} for unknown ones). */
    static String kmeshMapType(String bpftoolType) {
        return BpfMapType.ciliumName(bpftoolType);
    }
}
