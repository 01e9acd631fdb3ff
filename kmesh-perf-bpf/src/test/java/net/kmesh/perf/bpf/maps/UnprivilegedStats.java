package net.kmesh.perf.bpf.maps;

import net.kmesh.perf.MapSelector;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.bpf.progs.ProgramStatsCollector;

/**
 * Opens a statistics collector and prints what happened, for tests that run it in a child JVM
 * with fewer capabilities: {@code maps} opens a map collector, {@code maps-by-id ID} also reads
 * one map by id, {@code maps-pinned PATH} one map by pin path, {@code programs} opens a program collector. Exits 3 on a PerfMonitorException.
 */
public final class UnprivilegedStats {
    private UnprivilegedStats() {
    }

    public static void main(String[] args) {
        try {
            switch (args[0]) {
                case "maps" -> {
                    try (MapStatsCollector c = MapStatsCollector.open()) {
                        System.out.println("opened " + c.capabilities());
                    }
                }
                case "maps-by-id" -> {
                    try (MapStatsCollector c = MapStatsCollector.open()) {
                        System.out.println("read " + c.collect(MapSelector.ids(Integer.parseInt(args[1]))));
                    }
                }
                case "maps-pinned" -> {
                    try (MapStatsCollector c = MapStatsCollector.open()) {
                        System.out.println("read " + c.collect(MapSelector.pinned(java.nio.file.Path.of(args[1]))));
                    }
                }
                case "programs" -> {
                    try (ProgramStatsCollector c = ProgramStatsCollector.open()) {
                        System.out.println("opened " + c);
                    }
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (PerfMonitorException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(3);
        }
    }
}
