package net.kmesh.perf.examples.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.kmesh.perf.OperationStats;

/**
 * Per operation type, in the interval: operations per second, p50, p99 and maximum duration; and
 * the total since the start.
 */
public final class OperationsSection implements Section {
    private static final String ROW = "%-26s %10s %10s %10s %10s %12s";

    @Override
    public List<String> lines(Interval interval) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, ROW, "OPERATION", "OPS/S", "P50", "P99", "MAX", "TOTAL"));
        List<Interval.Operation> ops = interval.operations();
        if (ops.isEmpty()) {
            lines.add("  (no operation records yet)");
        }
        for (Interval.Operation op : ops) {
            OperationStats in = op.interval();
            lines.add(String.format(Locale.ROOT, ROW, in.type().name(), Format.rate(in.count() / interval.seconds()),
                    quantile(in, 0.5), quantile(in, 0.99), in.count() == 0 ? "-" : Format.nanos(in.maxNanos()),
                    op.total().count()));
        }
        return lines;
    }

    @Override
    public String summary(Interval interval) {
        List<String> parts = new ArrayList<>();
        for (Interval.Operation op : interval.operations()) {
            OperationStats in = op.interval();
            parts.add(in.type().name() + " " + Format.rate(in.count() / interval.seconds()) + "/s p50 "
                    + quantile(in, 0.5) + " p99 " + quantile(in, 0.99));
        }
        return parts.isEmpty() ? "no operation records yet" : String.join(", ", parts);
    }

    private static String quantile(OperationStats stats, double q) {
        return stats.count() == 0 ? "-" : Format.nanos(stats.quantileNanos(q));
    }
}
