package net.kmesh.perf.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.micrometer.Series.Point;

/**
 * The binder in a registry other than Prometheus': one Micrometer meter per series, each reading
 * the monitor's snapshot when the registry reads it, so nothing is done per record. Durations are
 * {@link FunctionTimer}s (count and total time) with a gauge of the maximum beside them: a
 * Micrometer registry takes bucket counts only from timers it fills one value at a time.
 *
 * <p>The first read of a new snapshot brings the meters in line with it: series that appeared are
 * registered, those gone are removed. A snapshot that cannot be taken changes nothing: the meters
 * read NaN until one can.
 */
final class MeterBinding implements Binding {
    private final MeterRegistry registry;
    private final Publication publication;
    private final Tags tags;
    private final DynamicMeters meters;
    private PerfSnapshot synced;
    private volatile Map<String, Point> points = Map.of();

    MeterBinding(MeterRegistry registry, Publication publication, Tags tags) {
        this.registry = registry;
        this.publication = publication;
        this.tags = tags;
        this.meters = new DynamicMeters(registry);
        current();
    }

    /** The series of the current snapshot, by key; a new snapshot first brings the meters in line. */
    private Map<String, Point> current() {
        PerfSnapshot s = publication.snapshots().get();
        if (s == null) {
            return Map.of();
        }
        synchronized (this) {
            if (s != synced && !meters.closed()) {
                synced = s;
                sync(s);
            }
            return points;
        }
    }

    private void sync(PerfSnapshot s) {
        try {
            List<Point> list = Series.of(s, publication.settings(), publication.log());
            Map<String, Point> byKey = new HashMap<>(list.size() * 2);
            for (Point p : list) {
                byKey.putIfAbsent(p.key(), p);
            }
            points = byKey;
            DynamicMeters.Plan plan = meters.plan();
            for (Map.Entry<String, Point> e : byKey.entrySet()) {
                plan.want(e.getKey(), () -> register(e.getKey(), e.getValue()));
            }
            plan.apply();
            publication.log().ok("Micrometer meters");
        } catch (RuntimeException e) {
            publication.log().failed("Micrometer meters", e);
        }
    }

    private Meter register(String key, Point p) {
        Family f = p.family;
        Tags t = tags.and(p.labels);
        return switch (f.meter()) {
            case GAUGE -> Gauge.builder(f.meterName(), this, b -> b.value(key))
                    .description(f.help()).baseUnit(f.baseUnit()).tags(t).register(registry);
            case COUNTER -> FunctionCounter.builder(f.meterName(), this, b -> b.value(key))
                    .description(f.help()).baseUnit(f.baseUnit()).tags(t).register(registry);
            case TIMER -> FunctionTimer.builder(f.meterName(), this, b -> b.count(key), b -> b.value(key),
                            f.nanosPerUnit() == 1 ? TimeUnit.NANOSECONDS : TimeUnit.SECONDS)
                    .description(f.help()).tags(t).register(registry);
        };
    }

    private double value(String key) {
        Point p = current().get(key);
        return p == null ? Double.NaN : p.value;
    }

    private long count(String key) {
        Point p = current().get(key);
        return p == null ? 0 : p.count;
    }

    @Override
    public void close() {
        meters.removeAll();
    }
}
