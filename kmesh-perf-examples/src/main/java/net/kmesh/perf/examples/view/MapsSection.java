package net.kmesh.perf.examples.view;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import net.kmesh.perf.MapStats;

/** The selected maps, fullest first: entries over max entries, and the memory the kernel charges. */
public final class MapsSection implements Section {
    static final int SHOWN = 8;
    private static final String ROW = "%-18s %-16s %12s %12s %8s %10s";

    @Override
    public List<String> lines(Interval interval) {
        List<MapStats> maps = interval.current().maps();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, ROW, "MAP (" + maps.size() + ")", "TYPE", "ENTRIES", "MAX", "FULL", "MEMLOCK"));
        if (maps.isEmpty()) {
            lines.add("  (no map selected, or map statistics are off)");
        }
        for (MapStats m : byPressure(maps).subList(0, Math.min(SHOWN, maps.size()))) {
            lines.add(String.format(Locale.ROOT, ROW, m.name(), m.type(), m.counted() ? Long.toString(m.entries()) : "?",
                    m.maxEntries(), m.counted() ? Format.percent(m.pressure()) : "-", Format.bytes(m.memlockBytes())));
        }
        return lines;
    }

    @Override
    public String summary(Interval interval) {
        List<MapStats> maps = interval.current().maps();
        if (maps.isEmpty()) {
            return "maps 0";
        }
        MapStats fullest = byPressure(maps).get(0);
        return "maps " + maps.size() + ", fullest " + fullest.name() + " "
                + (fullest.counted() ? Format.percent(fullest.pressure()) : "?");
    }

    /** Counted maps by pressure, highest first (arrays, always full, after them), then uncounted ones. */
    static List<MapStats> byPressure(List<MapStats> maps) {
        List<MapStats> sorted = new ArrayList<>(maps);
        sorted.sort(Comparator.comparingInt(MapsSection::rank)
                .thenComparing(Comparator.comparingDouble((MapStats m) -> m.counted() ? m.pressure() : 0).reversed())
                .thenComparing(MapStats::name));
        return sorted;
    }

    private static int rank(MapStats m) {
        if (!m.counted()) {
            return 2;
        }
        return m.method() == MapStats.CountMethod.ARRAY_CAPACITY ? 1 : 0;
    }
}
