package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.bpf.KernelObjects;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.PinDirectory;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.sys.Mounts;
import org.junit.jupiter.api.Test;

/**
 * What the field does to a selection while a service scrapes it: ids that go, pins that are
 * removed or replaced, directories that do not exist yet. None of it throws; each is left out,
 * said in {@link MapStatsCollector#omissions()} and logged once per change.
 */
@KernelRequired
class SelectionFaultsKernelTest {
    private static final int NO_PREALLOC = TestMaps.BPF_F_NO_PREALLOC;

    @Test
    void anIdNoMapHasIsLeftOutAndLoggedOnce() {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open();
             LogCapture log = new LogCapture()) {
            int a = TestMaps.id(maps.create("a", MapType.HASH, 4, 8, 10, 0));
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of(a), ids(collector.collect(MapSelector.ids(a, Integer.MAX_VALUE))));
            }
            assertEquals(List.of("map id 2147483647: no BPF map has that id now (list maps with: bpftool map show)"),
                    collector.omissions());
            assertEquals(1, log.lines("map id 2147483647").size(), log.lines("map id").toString());
            collector.collect(MapSelector.ids(a));
            assertEquals(List.of(), collector.omissions());
            assertEquals(1, log.lines("no longer left out: missing id 2147483647").size());
        }
    }

    @Test
    void anIdDeletedBeforeOrDuringAScrapeIsLeftOut() {
        for (int heldFds : new int[] {MapStatsCollector.DEFAULT_HELD_FDS, 0}) {
            try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open(MapStatsOptions.defaults().holding(heldFds))) {
                int a = TestMaps.id(maps.create("a", MapType.HASH, 4, 8, 10, 0));
                int bFd = maps.create("b", MapType.LPM_TRIE, 8, 4, 10, NO_PREALLOC);
                int cFd = maps.create("c", MapType.HASH, 4, 8, 10, 0);
                int b = TestMaps.id(bFd);
                int c = TestMaps.id(cFd);
                MapSelector selector = MapSelector.ids(a, b, c);
                // c is new to the collector when it goes: deleted between selection and reading.
                assertEquals(List.of(a, b), ids(collector.collect(selector, () -> maps.delete(cFd))));
                assertEquals(List.of(a, b), ids(collector.collect(selector)));
                assertEquals(heldFds == 0 ? 0 : 1, collector.heldFds());
                // b is known (and its fd held, by default) when it goes.
                maps.delete(bFd);
                assertEquals(List.of(a), ids(collector.collect(selector)));
                assertEquals(List.of("map id " + b + ": no BPF map has that id now (list maps with: bpftool map show)",
                        "map id " + c + ": no BPF map has that id now (list maps with: bpftool map show)"),
                        collector.omissions().stream().sorted().toList());
                assertEquals(0, collector.heldFds());
            }
        }
    }

    @Test
    void aRemovedPinIsLeftOutAndSaidOnceUntilAMapIsPinnedThereAgain() throws Exception {
        try (TestMaps maps = new TestMaps(); PinDirectory pins = PinDirectory.create("kmesh-perf-mapfaults");
             MapStatsCollector collector = MapStatsCollector.open(); LogCapture log = new LogCapture()) {
            int fd = maps.create("p", MapType.LPM_TRIE, 8, 4, 100, NO_PREALLOC);
            int id = TestMaps.id(fd);
            Path pin = pins.resolve("p");
            pin(fd, pin);
            MapSelector selector = MapSelector.pinned(pin);
            collector.collect(selector);
            assertEquals(List.of(id), ids(collector.collect(selector)));
            assertEquals(1, collector.heldFds());

            Files.delete(pin);
            for (int i = 0; i < 3; i++) {
                assertEquals(List.of(), collector.collect(selector));
            }
            String expected = "no pinned BPF object at " + pin + ": list what is pinned with: ls -R "
                    + Mounts.bpffs().orElseThrow();
            assertEquals(List.of(expected), collector.omissions());
            assertEquals(1, log.lines(expected).size(), log.lines(pin.toString()).toString());
            assertEquals(0, collector.heldFds(), "a map no longer selected is let go");

            pin(fd, pin);
            assertEquals(List.of(id), ids(collector.collect(selector)));
            assertEquals(List.of(), collector.omissions());
            assertEquals(1, log.lines("no longer left out").size());
        }
    }

    @Test
    void aPinRemovedWithItsMapDuringAScrapeIsLeftOutAndTheMapIsFreed() throws Exception {
        for (int heldFds : new int[] {MapStatsCollector.DEFAULT_HELD_FDS, 0}) {
            try (TestMaps maps = new TestMaps(); PinDirectory pins = PinDirectory.create("kmesh-perf-mapfaults");
                 MapStatsCollector collector = MapStatsCollector.open(MapStatsOptions.defaults().holding(heldFds))) {
                int fd = maps.create("p", MapType.LPM_TRIE, 8, 4, 100, NO_PREALLOC);
                int id = TestMaps.id(fd);
                Path pin = pins.resolve("p");
                pin(fd, pin);
                MapSelector selector = MapSelector.pinned(pin);
                collector.collect(selector);
                assertEquals(List.of(id), ids(collector.collect(selector)));
                assertEquals(heldFds == 0 ? 0 : 1, collector.heldFds());
                Runnable removeBoth = () -> {
                    try {
                        Files.delete(pin);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    maps.delete(fd);
                };
                // A held fd keeps the map readable to the end of the scrape that saw it pinned.
                List<MapStats> during = collector.collect(selector, removeBoth);
                assertEquals(heldFds == 0 ? List.of() : List.of(id), ids(during));
                assertEquals(List.of(), collector.collect(selector));
                assertEquals(0, collector.heldFds());
                assertTrue(KernelObjects.stillLoaded(new KernelObjects(Set.of(id), Set.of(), Set.of()),
                        Duration.ofSeconds(5)).isEmpty(), "the collector let the map go");
            }
        }
    }

    @Test
    void pinPathsThatAreNotMapsAreLeftOutWithTheReason() throws Exception {
        try (TestMaps maps = new TestMaps(); PinDirectory pins = PinDirectory.create("kmesh-perf-mapfaults");
             BpfObject tick = BpfObject.openResource(getClass(), "/net/kmesh/perf/bpf/kp_stats_tick.bpf.o", "kp_tick");
             MapStatsCollector collector = MapStatsCollector.open()) {
            tick.load();
            int fd = maps.create("m", MapType.HASH, 4, 8, 10, 0);
            Path map = pins.resolve("m");
            pin(fd, map);
            Path program = pins.resolve("prog");
            pin(tick.programFd("kp_stats_tick"), program);
            Path missing = pins.resolve("missing");
            Path directory = Files.createDirectory(pins.resolve("dir"));
            Path file = Files.createTempFile("kmesh-perf-not-a-pin", ".txt");
            try {
                List<MapStats> stats = collector.collect(MapSelector.pinned(program, map, missing, file, directory));
                assertEquals(List.of(TestMaps.id(fd)), ids(stats));
                List<String> omissions = collector.omissions();
                assertEquals(4, omissions.size(), omissions.toString());
                assertEquals(program + " is a pinned BPF program, not a map", omissions.get(0));
                assertTrue(omissions.get(1).startsWith("no pinned BPF object at " + missing
                        + ": list what is pinned with: ls -R "), omissions.get(1));
                assertTrue(omissions.get(2).startsWith(file + " is not in a bpffs ("), omissions.get(2));
                assertTrue(omissions.get(2).endsWith("), so it is not a pinned BPF object"), omissions.get(2));
                assertEquals(directory + " is a directory, not a pinned object: select the maps pinned in it with "
                        + "MapSelector.pinnedIn", omissions.get(3));
            } finally {
                Files.delete(file);
            }
        }
    }

    @Test
    void aPinDirectorySelectsNothingUntilItExistsThenTheMapsPinnedDirectlyInItByName() throws Exception {
        try (TestMaps maps = new TestMaps(); PinDirectory root = PinDirectory.create("kmesh-perf-mapfaults");
             BpfObject tick = BpfObject.openResource(getClass(), "/net/kmesh/perf/bpf/kp_stats_tick.bpf.o", "kp_tick");
             MapStatsCollector collector = MapStatsCollector.open()) {
            tick.load();
            Path dir = root.resolve("map");
            MapSelector selector = MapSelector.pinnedIn(List.of(dir), maps.prefix() + "k");
            assertEquals(List.of(), collector.collect(selector));
            String noDirectory = "the maps pinned in " + dir + ": no such directory (yet)";
            assertEquals(List.of(noDirectory), collector.omissions());

            Files.createDirectory(dir);
            int k1 = maps.create("k1", MapType.HASH, 4, 8, 10, 0);
            int k2 = maps.create("k2", MapType.LPM_TRIE, 8, 4, 10, NO_PREALLOC);
            int other = maps.create("x", MapType.HASH, 4, 8, 10, 0);
            int deeper = maps.create("k3", MapType.HASH, 4, 8, 10, 0);
            // Selection is by the map's name, whatever the pin is called.
            pin(k1, dir.resolve("first"));
            pin(k2, dir.resolve("second"));
            pin(other, dir.resolve("other"));
            pin(tick.programFd("kp_stats_tick"), dir.resolve("prog"));
            pin(deeper, Files.createDirectory(dir.resolve("sub")).resolve("k3"));
            assertEquals(List.of(TestMaps.id(k1), TestMaps.id(k2)), ids(collector.collect(selector)));
            assertEquals(List.of(dir.resolve("prog") + " is a pinned BPF program, not a map"), collector.omissions());

            for (Path p : List.of(dir.resolve("sub/k3"), dir.resolve("sub"), dir.resolve("first"), dir.resolve("second"),
                    dir.resolve("other"), dir.resolve("prog"), dir)) {
                Files.delete(p);
            }
            assertEquals(List.of(), collector.collect(selector));
            assertEquals(List.of(noDirectory), collector.omissions());
            assertEquals(0, collector.heldFds());
        }
    }

    @Test
    void kmeshsSelectorReadsTheMapsWhereKmeshPinsThemAndSaysWhichModeIsAbsent() throws Exception {
        try (TestMaps maps = new TestMaps(); PinDirectory bpffs = PinDirectory.create("kmesh-perf-mapfaults");
             MapStatsCollector collector = MapStatsCollector.open()) {
            Path workload = Files.createDirectories(bpffs.resolve("bpf_kmesh_workload/map"));
            int mine = maps.create("w", MapType.HASH, 4, 8, 10, 0);
            pin(mine, workload.resolve("km_whatever"));
            int ret = LibbpfLoader.natives().libbpf().bpf_map_create(MapType.HASH, "xk_foreign", 4, 8, 10, null);
            try (Fd foreign = Fd.own(Errno.check("creating a map", ret))) {
                pin(foreign.get(), workload.resolve("xk_foreign"));
                List<MapStats> stats = collector.collect(MapSelector.kmesh(bpffs.path()));
                assertEquals(List.of(TestMaps.id(mine)), ids(stats));
                assertEquals(List.of("the maps pinned in " + bpffs.resolve("bpf_kmesh/map") + ": no such directory (yet)"),
                        collector.omissions());
            }
        }
    }

    private static void pin(int fd, Path path) {
        Errno.check("pinning " + path, LibbpfLoader.natives().libbpf().bpf_obj_pin(fd, path.toString()));
    }

    static List<Integer> ids(List<MapStats> stats) {
        return stats.stream().map(MapStats::id).toList();
    }
}
