package net.kmesh.perf.examples.view;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import net.kmesh.perf.RecordCounters;
import net.kmesh.perf.RecordSource;

/**
 * What happened to the ring buffer's records: read per second, dropped in the kernel (unknown, not
 * 0, when the source has no counter map), missed by an observer, invalid; and records past the cap
 * on operation types, when there are any.
 */
public final class RecordsSection implements Section {

    @Override
    public List<String> lines(Interval interval) {
        RecordCounters now = interval.current().records();
        RecordCounters before = interval.previous().records();
        double read = (now.consumed() - before.consumed()) / interval.seconds();
        return List.of("RECORDS  read " + Format.rate(read) + "/s   " + String.join("   ", counters(interval, before, now)));
    }

    @Override
    public String summary(Interval interval) {
        return String.join(", ", counters(interval, interval.previous().records(), interval.current().records()));
    }

    private static List<String> counters(Interval interval, RecordCounters before, RecordCounters now) {
        List<String> parts = new ArrayList<>();
        parts.add("dropped " + dropped(before, now));
        if (interval.current().source().mode() == RecordSource.ReadMode.OBSERVE) {
            parts.add("missed " + total(now.missed(), before.missed()));
        }
        parts.add("invalid " + total(now.invalid(), before.invalid()));
        if (now.typeOverflow() > 0) {
            parts.add("over the type cap " + total(now.typeOverflow(), before.typeOverflow()));
        }
        return parts;
    }

    private static String total(long now, long before) {
        return now + " (+" + (now - before) + ")";
    }

    private static String dropped(RecordCounters before, RecordCounters now) {
        OptionalLong d = now.dropped();
        if (d.isEmpty()) {
            return "unknown (no counter map beside the ring)";
        }
        return total(d.getAsLong(), before.dropped().orElse(0));
    }
}
