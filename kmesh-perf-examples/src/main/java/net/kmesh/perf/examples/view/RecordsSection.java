package net.kmesh.perf.examples.view;

import java.util.List;
import java.util.OptionalLong;
import net.kmesh.perf.RecordCounters;

/** What happened to the ring buffer's records: read per second, dropped in the kernel, invalid. */
public final class RecordsSection implements Section {

    @Override
    public List<String> lines(Interval interval) {
        RecordCounters now = interval.current().records();
        RecordCounters before = interval.previous().records();
        double read = (now.consumed() - before.consumed()) / interval.seconds();
        return List.of("RECORDS  read " + Format.rate(read) + "/s   dropped " + dropped(before, now)
                + "   invalid " + now.invalid() + " (+" + (now.invalid() - before.invalid()) + ")");
    }

    @Override
    public String summary(Interval interval) {
        RecordCounters now = interval.current().records();
        RecordCounters before = interval.previous().records();
        return "dropped " + dropped(before, now) + ", invalid " + now.invalid() + " (+"
                + (now.invalid() - before.invalid()) + ")";
    }

    private static String dropped(RecordCounters before, RecordCounters now) {
        OptionalLong d = now.dropped();
        if (d.isEmpty()) {
            return "n/a (the source has no kmesh_perf_cnt map)";
        }
        return d.getAsLong() + " (+" + (d.getAsLong() - before.dropped().orElse(0)) + ")";
    }
}
