package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.bpf.Bpftool;
import net.kmesh.perf.bpf.KernelObjects;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.FdInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;

/**
 * The fds a collector keeps between scrapes: only for maps that need one at every scrape, from the
 * second scrape that reads them, within its limit, let go as soon as nothing but this process keeps
 * their map, and all closed by close().
 */
@KernelRequired
class HeldFdsKernelTest {
    private static final int NO_PREALLOC = TestMaps.BPF_F_NO_PREALLOC;

    @Test
    void onlyMapsReadAgainAtEveryScrapeAreHeldAndTheirFigureIsTheKernels() throws Exception {
        try (TestMaps maps = TestMaps.unselectedByKmesh(); MapStatsCollector collector = MapStatsCollector.open()) {
            int moving = maps.create("lp", MapType.LPM_TRIE, 8, 4, 100, NO_PREALLOC); // fd: keys are walked
            int prog = maps.create("pg", MapType.PROG_ARRAY, 4, 4, 8, 0);         // fd: slots are looked up
            maps.create("h", MapType.HASH, 4, 8, 100, 0);                        // counted by the iterator
            maps.create("hn", MapType.HASH, 4, 8, 100, NO_PREALLOC);             // memlock follows the count
            maps.create("a", MapType.ARRAY, 4, 8, 100, 0);                       // capacity
            List<MapStats> stats = collector.collect(MapSelector.namePrefix(maps.prefix()));
            assertEquals(5, stats.size());
            assertEquals(0, collector.heldFds(), "nothing is held for a map read once");
            collector.collect(MapSelector.namePrefix(maps.prefix()));
            assertEquals(2, collector.heldFds());
            Map<Integer, String> held = bpfFdsOfThisProcess();
            assertEquals(2, countMapFds(held, TestMaps.id(moving)), "the test's fd and the collector's: " + held);
            assertEquals(2, countMapFds(held, TestMaps.id(prog)), held.toString());
            for (int round = 0; round < 3; round++) {
                maps.fill(moving, 10 * (round + 1));
                for (MapStats s : collector.collect(MapSelector.namePrefix(maps.prefix()))) {
                    String json = Bpftool.json("map", "show", "id", Integer.toString(s.id()));
                    assertEquals(Bpftool.number(json, "bytes_memlock").orElseThrow(), s.memlockBytes(), s.toString());
                }
            }
            assertEquals(2, collector.heldFds(), "the same fds, not more");
        }
    }

    @Test
    void aHeldMapIsLetGoWhenNothingElseKeepsIt() throws Exception {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open()) {
            int kept = maps.create("k", MapType.LPM_TRIE, 8, 4, 100, NO_PREALLOC);
            int goes = maps.create("g", MapType.LPM_TRIE, 8, 4, 100, NO_PREALLOC);
            int goesId = TestMaps.id(goes);
            MapSelector mine = MapSelector.namePrefix(maps.prefix());
            collector.collect(mine);
            assertEquals(List.of(TestMaps.id(kept), goesId), SelectionFaultsKernelTest.ids(collector.collect(mine)));
            assertEquals(2, collector.heldFds());
            maps.delete(goes);
            assertTrue(KernelObjects.now().maps().contains(goesId), "only the collector keeps it now");
            assertEquals(List.of(TestMaps.id(kept)), SelectionFaultsKernelTest.ids(collector.collect(mine)));
            assertEquals(1, collector.heldFds());
            assertTrue(KernelObjects.stillLoaded(new KernelObjects(Set.of(goesId), Set.of(), Set.of()),
                    Duration.ofSeconds(5)).isEmpty(), "the map is freed");
        }
    }

    @Test
    void twoCollectorsInOneProcessDoNotKeepEachOthersMapsAlive() throws Exception {
        try (TestMaps maps = new TestMaps(); MapStatsCollector first = MapStatsCollector.open();
             MapStatsCollector second = MapStatsCollector.open()) {
            int goes = maps.create("g", MapType.LPM_TRIE, 8, 4, 100, NO_PREALLOC);
            int id = TestMaps.id(goes);
            MapSelector selector = MapSelector.ids(id);
            for (int i = 0; i < 2; i++) {
                assertEquals(1, first.collect(selector).size());
                assertEquals(1, second.collect(selector).size());
            }
            assertEquals(2, first.heldFds() + second.heldFds());
            maps.delete(goes);
            assertEquals(List.of(), first.collect(selector));
            assertEquals(List.of(), second.collect(selector));
            assertEquals(0, first.heldFds() + second.heldFds());
            assertTrue(KernelObjects.stillLoaded(new KernelObjects(Set.of(id), Set.of(), Set.of()),
                    Duration.ofSeconds(5)).isEmpty());
        }
    }

    @Test
    void heldFdsStayWithinTheLimitAndTheRestAreOpenedAtEachScrape() throws Exception {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open(MapStatsOptions.defaults().holding(7))) {
            for (int i = 0; i < 10; i++) {
                maps.fill(maps.create("n" + i, MapType.LPM_TRIE, 8, 4, 100, NO_PREALLOC), i);
            }
            for (int round = 0; round < 3; round++) {
                List<MapStats> stats = collector.collect(MapSelector.namePrefix(maps.prefix()));
                assertEquals(10, stats.size());
                assertEquals(round == 0 ? 0 : 7, collector.heldFds());
                for (MapStats s : stats) {
                    String json = Bpftool.json("map", "show", "id", Integer.toString(s.id()));
                    assertEquals(Bpftool.number(json, "bytes_memlock").orElseThrow(), s.memlockBytes(), s.toString());
                }
            }
            collector.collect(MapSelector.ids(Integer.MAX_VALUE));
            assertEquals(0, collector.heldFds(), "maps no longer selected are let go");
        }
    }

    @Test
    void closeReleasesEveryFdTheCollectorHeld() throws Exception {
        try (TestMaps maps = TestMaps.unselectedByKmesh()) {
            for (int i = 0; i < 10; i++) {
                maps.create("n" + i, MapType.LPM_TRIE, 8, 4, 100, NO_PREALLOC);
            }
            maps.create("pg", MapType.PROG_ARRAY, 4, 4, 8, 0);
            Map<Integer, String> before = bpfFdsOfThisProcess();
            MapStatsCollector collector = MapStatsCollector.open();
            collector.collect(MapSelector.namePrefix(maps.prefix()));
            collector.collect(MapSelector.namePrefix(maps.prefix()));
            assertEquals(11, collector.heldFds());
            Map<Integer, String> during = bpfFdsOfThisProcess();
            assertTrue(during.size() >= before.size() + 11, during.toString());
            collector.close();
            assertEquals(before, bpfFdsOfThisProcess());
        }
    }

    @Test
    void aProgramArrayThatNoFdOrPinHoldsIsLeftAloneAndFreed() throws Exception {
        try (MapStatsCollector collector = MapStatsCollector.open()) {
            for (int round = 0; round < 20; round++) {
                try (TestMaps maps = TestMaps.unselectedByKmesh()) {
                    int fd = maps.create("pg", MapType.PROG_ARRAY, 4, 4, 8, 0);
                    int id = TestMaps.id(fd);
                    MapSelector mine = MapSelector.namePrefix(maps.prefix());
                    collector.collect(mine);
                    assertEquals(1, collector.collect(mine).size());
                    assertEquals(1, collector.heldFds());
                    maps.delete(fd);
                    // The collector lets go of it, then finds it again while the kernel empties it.
                    for (int i = 0; i < 5; i++) {
                        assertEquals(List.of(), collector.collect(mine));
                    }
                    assertEquals(0, collector.heldFds());
                    assertTrue(KernelObjects.stillLoaded(new KernelObjects(Set.of(id), Set.of(), Set.of()),
                            Duration.ofSeconds(5)).isEmpty(), "round " + round + ": the program array is freed");
                }
            }
        }
    }

    /** This process's fds to BPF maps and to fdinfo files, by number, from /proc/self/fd. */
    private static Map<Integer, String> bpfFdsOfThisProcess() throws IOException {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // closed while listed (the listing's own fd, say)
                }
                if (target.startsWith("anon_inode:bpf-map") || target.contains("/fdinfo/")) {
                    int fd = Integer.parseInt(p.getFileName().toString());
                    String what = target.startsWith("anon_inode:bpf-map")
                            ? "map " + FdInfo.of(fd).get("map_id").orElse("?") : target;
                    fds.put(fd, what);
                }
            }
        }
        return fds;
    }

    private static long countMapFds(Map<Integer, String> fds, int id) {
        return fds.values().stream().filter(("map " + id)::equals).count();
    }
}
