package net.kmesh.perf.examples.view;

import static net.kmesh.perf.examples.view.Snapshots.map;
import static net.kmesh.perf.examples.view.Snapshots.records;
import static net.kmesh.perf.examples.view.Snapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.ProgramStats;
import org.junit.jupiter.api.Test;

class StatisticsSectionsTest {

    private static Interval withMaps(List<MapStats> maps) {
        return new Interval(snapshot(Duration.ZERO, records(0, 0, 0L), null, maps, List.of()),
                snapshot(Duration.ofSeconds(1), records(0, 0, 0L), null, maps, List.of()));
    }

    @Test
    void mapsAreShownFullestFirstWithArraysAfterAndUncountedLast() {
        List<MapStats> maps = List.of(
                map(1, "kmesh_cnt", "percpu_array", 4, 4, CountMethod.ARRAY_CAPACITY),
                map(2, "kmesh_svc", "hash", 10, 1000, CountMethod.ITERATOR),
                map(3, "kmesh_backend", "hash", 900, 1000, CountMethod.ITERATOR),
                map(4, "kmesh_prog", "prog_array", -1, 8, CountMethod.UNKNOWN));
        List<String> lines = new MapsSection().lines(withMaps(maps));
        assertTrue(lines.get(0).startsWith("MAP (4)"), lines.get(0));
        assertEquals(List.of("kmesh_backend", "kmesh_svc", "kmesh_cnt", "kmesh_prog"),
                lines.subList(1, 5).stream().map(l -> l.split("\\s+")[0]).toList());
        assertTrue(lines.get(1).contains("900") && lines.get(1).contains("90.0%"), lines.get(1));
        assertTrue(lines.get(4).contains("?"), "an uncounted map has no entries to show: " + lines.get(4));
        assertEquals("maps 4, fullest kmesh_backend 90.0%", new MapsSection().summary(withMaps(maps)));
        assertEquals("maps 0", new MapsSection().summary(withMaps(List.of())));
    }

    @Test
    void programsAreShownBusiestFirstWithRatesOverTheInterval() {
        List<ProgramStats> before = List.of(new ProgramStats(10, "kp_produce", "syscall", 100, 1_000_000, 0),
                new ProgramStats(11, "kp_connect4", "cgroup_sock_addr", 50, 100_000, 0));
        List<ProgramStats> after = List.of(new ProgramStats(10, "kp_produce", "syscall", 300, 51_000_000, 0),
                new ProgramStats(11, "kp_connect4", "cgroup_sock_addr", 1050, 1_100_000, 0));
        Interval interval = new Interval(snapshot(Duration.ZERO, records(0, 0, 0L), null, List.of(), before),
                snapshot(Duration.ofSeconds(2), records(0, 0, 0L), null, List.of(), after));
        List<String> lines = new ProgramsSection().lines(interval);
        assertTrue(lines.get(0).startsWith("PROGRAM (2)"), lines.get(0));
        // kp_produce: 200 runs and 50 ms of CPU in 2 s; kp_connect4: 1000 runs and 1 ms.
        assertTrue(lines.get(1).startsWith("kp_produce") && lines.get(1).contains("100.0")
                && lines.get(1).contains("250 us") && lines.get(1).contains("2.5%"), lines.get(1));
        assertTrue(lines.get(2).startsWith("kp_connect4") && lines.get(2).contains("500.0")
                && lines.get(2).contains("0.1%"), lines.get(2));
        assertEquals("programs 2, busiest kp_produce 2.5%", new ProgramsSection().summary(interval));
    }
}
