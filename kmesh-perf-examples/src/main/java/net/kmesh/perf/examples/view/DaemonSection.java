package net.kmesh.perf.examples.view;

import java.util.List;
import java.util.Optional;
import net.kmesh.perf.ResourceUsage;

/** The monitored daemon's CPU (share of one core over the interval) and memory. */
public final class DaemonSection implements Section {

    @Override
    public List<String> lines(Interval interval) {
        return List.of("DAEMON   " + describe(interval, "   "));
    }

    @Override
    public String summary(Interval interval) {
        return "daemon " + describe(interval, ", ");
    }

    private static String describe(Interval interval, String separator) {
        Optional<ResourceUsage> now = interval.current().daemon();
        if (now.isEmpty()) {
            return "not found";
        }
        ResourceUsage usage = now.get();
        String cpu = "cpu n/a";
        Optional<ResourceUsage> before = interval.previous().daemon();
        if (usage.cpuSeconds().isPresent() && before.isPresent() && before.get().cpuSeconds().isPresent()
                && before.get().target().equals(usage.target())) {
            double used = usage.cpuSeconds().getAsDouble() - before.get().cpuSeconds().getAsDouble();
            cpu = "cpu " + Format.percent(Math.max(0, used) / interval.seconds());
        }
        String memory = usage.memoryUsageBytes().isPresent()
                ? "memory " + Format.bytes(usage.memoryUsageBytes().getAsLong()) : "memory n/a";
        return usage.target() + separator + cpu + separator + memory;
    }
}
