package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.bpf.Bpftool;
import net.kmesh.perf.bpf.RawRingWriter;
import net.kmesh.perf.bpf.KernelObjects;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.PinDirectory;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@KernelRequired
class MapStatsCollectorKernelTest {
    private static final int LPM_TRIE = 11;
    private static final int QUEUE = 22;
    private static final int USER_RINGBUF = 31;

    /** One map of a test: what it was created as and what must be reported. */
    private record Expected(String tag, int type, String typeName, int keySize, int valueSize, int maxEntries,
                            int flags, int entries) {
    }

    private static final List<Expected> COMMON = List.of(
            new Expected("h", MapType.HASH, "hash", 4, 8, 1000, 0, 123),
            new Expected("hn", MapType.HASH, "hash", 8, 16, 500, TestMaps.BPF_F_NO_PREALLOC, 77),
            new Expected("lh", MapType.LRU_HASH, "lru_hash", 4, 8, 1000, 0, 321),
            new Expected("ph", MapType.PERCPU_HASH, "percpu_hash", 4, 12, 300, 0, 200),
            new Expected("lph", MapType.LRU_PERCPU_HASH, "lru_percpu_hash", 4, 8, 1000, 0, 64),
            new Expected("e", MapType.HASH, "hash", 4, 8, 10, 0, 0),
            new Expected("f", MapType.HASH, "hash", 4, 8, 10, 0, 10),
            new Expected("a", MapType.ARRAY, "array", 4, 8, 50, 0, 50),
            new Expected("pa", MapType.PERCPU_ARRAY, "percpu_array", 4, 8, 7, 0, 7));

    @Test
    void everyCommonTypeReportsItsEntriesCapacityAndBpftoolsMemlock() throws Exception {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open()) {
            Map<Integer, Expected> byId = new LinkedHashMap<>();
            for (Expected e : COMMON) {
                int fd = maps.create(e.tag(), e.type(), e.keySize(), e.valueSize(), e.maxEntries(), e.flags());
                if (e.type() != MapType.ARRAY && e.type() != MapType.PERCPU_ARRAY) {
                    maps.fill(fd, e.entries());
                }
                byId.put(TestMaps.id(fd), e);
            }
            int ringFd = maps.create("rb", MapType.RINGBUF, 0, 0, 64 * 1024, 0);
            int trieFd = maps.create("lpm", LPM_TRIE, 8, 4, 100, TestMaps.BPF_F_NO_PREALLOC);
            for (int i = 0; i < 9; i++) {
                maps.put(trieFd, 32); // prefixlen 32; the address part stays 0, so one entry
            }
            int queueFd = maps.create("q", QUEUE, 0, 4, 10, 0);
            int userRingFd = maps.create("ur", USER_RINGBUF, 0, 0, 16 * 1024, 0);

            List<MapStats> stats = collector.collect(MapSelector.namePrefix(maps.prefix()));

            assertEquals(COMMON.size() + 4, stats.size(), "every map created, and no other: " + stats);
            CountMethod counter = expectedCounterMethod(collector.capabilities());
            for (MapStats s : stats) {
                String json = Bpftool.json("map", "show", "id", Integer.toString(s.id()));
                assertEquals(Bpftool.number(json, "bytes_memlock").orElseThrow(), s.memlockBytes(), s.toString());
                assertEquals(Bpftool.string(json, "type"), s.type(), s.toString());
                assertEquals(Bpftool.string(json, "name"), s.name(), s.toString());
                assertEquals(Bpftool.number(json, "max_entries").orElseThrow(), s.maxEntries(), s.toString());
                Expected e = byId.get(s.id());
                if (e == null) {
                    continue;
                }
                assertEquals(maps.prefix() + e.tag(), s.name());
                assertEquals(e.typeName(), s.type());
                assertEquals(e.keySize(), s.keySize());
                assertEquals(e.valueSize(), s.valueSize());
                assertEquals(e.maxEntries(), s.maxEntries());
                assertEquals(e.entries(), s.entries(), s.toString());
                boolean array = e.type() == MapType.ARRAY || e.type() == MapType.PERCPU_ARRAY;
                assertEquals(array ? CountMethod.ARRAY_CAPACITY : counter, s.method(), s.toString());
                assertEquals((double) e.entries() / e.maxEntries(), s.pressure(), 1e-12);
            }
            MapStats ring = find(stats, TestMaps.id(ringFd));
            assertEquals(CountMethod.RING_FILL, ring.method());
            assertEquals(64 * 1024, ring.maxEntries());
            assertEquals(0, ring.entries());
            MapStats userRing = find(stats, TestMaps.id(userRingFd));
            assertEquals(CountMethod.RING_FILL, userRing.method());
            assertEquals(16 * 1024, userRing.maxEntries());
            assertEquals(0, userRing.entries());
            MapStats trie = find(stats, TestMaps.id(trieFd));
            assertEquals(1, trie.entries(), trie.toString());
            // Tries keep no counter; newer kernels give them the generic batch lookup.
            assertTrue(Set.of(CountMethod.BATCH, CountMethod.KEY_WALK).contains(trie.method()), trie.toString());
            MapStats queue = find(stats, TestMaps.id(queueFd));
            assertEquals(CountMethod.UNKNOWN, queue.method());
            assertEquals(-1, queue.entries());
            assertTrue(Double.isNaN(queue.pressure()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = CountMethod.class, names = {"BATCH", "KEY_WALK"})
    void eachFallbackAgreesWithTheIterator(CountMethod fallback) {
        try (TestMaps maps = new TestMaps();
             MapStatsCollector iterator = MapStatsCollector.open(MapStatsOptions.defaults().countingFrom(CountMethod.ITERATOR));
             MapStatsCollector forced = MapStatsCollector.open(MapStatsOptions.defaults().countingFrom(fallback))) {
            int[] types = {MapType.HASH, MapType.LRU_HASH, MapType.PERCPU_HASH, MapType.LRU_PERCPU_HASH};
            int[] counts = {0, 1, 999, 4096};
            for (int t = 0; t < types.length; t++) {
                for (int c = 0; c < counts.length; c++) {
                    // 48-byte keys and 24-byte values: batches are not sized for the common 4 + 8.
                    int fd = maps.create("" + t + c, types[t], 48, 24, 5000, 0);
                    maps.fill(fd, counts[c]);
                }
            }
            MapSelector mine = MapSelector.namePrefix(maps.prefix());
            List<MapStats> byIterator = iterator.collect(mine);
            List<MapStats> byFallback = forced.collect(mine);
            assertEquals(types.length * counts.length, byIterator.size());
            assertEquals(byIterator.stream().map(MapStats::id).toList(), byFallback.stream().map(MapStats::id).toList());
            for (int i = 0; i < byIterator.size(); i++) {
                MapStats a = byIterator.get(i);
                MapStats b = byFallback.get(i);
                assertEquals(CountMethod.ITERATOR, a.method(), a.toString());
                assertEquals(fallback, b.method(), b.toString());
                assertEquals(a.entries(), b.entries(), a + " vs " + b);
                assertEquals(a.memlockBytes(), b.memlockBytes());
            }
            Set<Long> seen = byIterator.stream().map(MapStats::entries).collect(Collectors.toSet());
            assertEquals(Set.of(0L, 1L, 999L, 4096L), seen);
        }
    }

    @Test
    void aRingBufferReportsTheBytesWrittenAndNotConsumed() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter(); MapStatsCollector collector = MapStatsCollector.open()) {
            int id = TestMaps.id(kmesh.ringFd());
            assertEquals(100, kmesh.emit(32, 100, 1, 0, 10));
            MapStats ring = collector.collect(MapSelector.ids(id)).get(0);
            // Each record is an 8-byte header plus its 32 bytes.
            assertEquals(100 * 40, ring.entries(), ring.toString());
            assertEquals(64 * 1024, ring.maxEntries());
            assertEquals(100 * 40 / (64.0 * 1024), ring.pressure(), 1e-12);
            assertEquals(CountMethod.RING_FILL, ring.method());
            String json = Bpftool.json("map", "show", "id", Integer.toString(id));
            assertEquals(Bpftool.number(json, "bytes_memlock").orElseThrow(), ring.memlockBytes());
        }
    }

    @Test
    void aMapDeletedBetweenSelectionAndReadingIsLeftOut() {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open()) {
            int kept = maps.create("k", MapType.HASH, 4, 8, 10, 0);
            int gone = maps.create("g", MapType.HASH, 4, 8, 10, 0);
            int keptId = TestMaps.id(kept);
            List<MapStats> stats = collector.collect(MapSelector.namePrefix(maps.prefix()), () -> maps.delete(gone));
            assertEquals(List.of(keptId), stats.stream().map(MapStats::id).toList());
        }
    }

    @Test
    void aScrapeGivesAgainTheFiguresOfMapsThatDidNotMoveAndFreshOnesForMapsThatDid() {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open()) {
            int idle = maps.create("i", MapType.HASH, 4, 8, 10, TestMaps.BPF_F_NO_PREALLOC);
            int busy = maps.create("b", MapType.HASH, 4, 8, 10, TestMaps.BPF_F_NO_PREALLOC);
            int array = maps.create("a", MapType.ARRAY, 4, 8, 10, 0);
            maps.fill(idle, 2);
            maps.fill(busy, 3);
            MapSelector selector = MapSelector.namePrefix(maps.prefix());
            List<MapStats> first = collector.collect(selector);

            maps.put(busy, 7);
            List<MapStats> second = collector.collect(selector);

            assertEquals(List.of(2L, 3L, 10L), first.stream().map(MapStats::entries).toList());
            assertEquals(List.of(2L, 4L, 10L), second.stream().map(MapStats::entries).toList());
            assertTrue(first.get(0) == second.get(0), "the idle map's figures are given again, not made anew");
            assertTrue(first.get(2) == second.get(2), "so are the array's");
            assertEquals(first.get(1).id(), second.get(1).id());
            assertEquals(TestMaps.id(array), second.get(2).id());
        }
    }

    @Test
    void mapsAreSelectedByIdAndByPinPath() throws Exception {
        try (TestMaps maps = new TestMaps(); PinDirectory pins = PinDirectory.create("kmesh-perf-mapstats");
             MapStatsCollector collector = MapStatsCollector.open()) {
            int a = maps.create("a", MapType.HASH, 4, 8, 10, 0);
            int b = maps.create("b", MapType.LRU_HASH, 4, 8, 10, 0);
            maps.fill(a, 3);
            maps.fill(b, 4);
            Path pin = pins.resolve("b");
            Errno.check("pinning", LibbpfLoader.natives().libbpf().bpf_obj_pin(b, pin.toString()));

            List<MapStats> byId = collector.collect(MapSelector.ids(TestMaps.id(b), TestMaps.id(a)));
            assertEquals(List.of(TestMaps.id(a), TestMaps.id(b)), byId.stream().map(MapStats::id).toList());
            assertEquals(List.of(3L, 4L), byId.stream().map(MapStats::entries).toList());

            List<MapStats> byPin = collector.collect(MapSelector.pinned(pin));
            assertEquals(1, byPin.size());
            assertEquals(byId.get(1), byPin.get(0));
        }
    }

    @Test
    void closingLeavesNothingBehind() throws Exception {
        MapStatsCollector collector = MapStatsCollector.open();
        int[] ids = collector.kernelObjectIds();
        KernelObjects held = KernelObjects.heldByThisProcess();
        assertTrue(held.programs().contains(ids[0]) && held.links().contains(ids[1]), held.toString());
        for (int map : held.maps()) {
            int fd = BpfIds.openMap(map);
            if (fd >= 0) {
                try (Fd owned = Fd.own(fd)) {
                    assertFalse(MapInfo.of(owned.get()).name().equals("kp_probe"), "the probe map is released at once");
                }
            }
        }
        collector.close();
        collector.close();
        KernelObjects left = KernelObjects.stillLoaded(new KernelObjects(Set.of(), Set.of(ids[0]), Set.of(ids[1])),
                Duration.ofSeconds(5));
        assertTrue(left.isEmpty(), "left behind: " + left);
        assertThrows(IllegalStateException.class, () -> collector.collect(MapSelector.kmesh()));
    }

    @Test
    void theDefaultSelectorPicksOnlyKmeshMaps() {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open()) {
            int fd = maps.create("x", MapType.HASH, 4, 8, 10, 0);
            List<MapStats> kmesh = collector.collect(MapSelector.kmesh());
            assertTrue(kmesh.stream().anyMatch(s -> s.id() == TestMaps.id(fd)));
            assertTrue(kmesh.stream().allMatch(s -> s.name().startsWith("kmesh_") || s.name().startsWith("km_")),
                    kmesh.toString());
            List<MapStats> all = collector.collect(MapSelector.all());
            assertTrue(all.size() >= kmesh.size());
            assertTrue(all.stream().map(MapStats::id).collect(Collectors.toSet())
                    .containsAll(kmesh.stream().map(MapStats::id).toList()));
        }
    }

    @Test
    void theProbeFindsWhatThisKernelOffers() {
        try (MapStatsCollector collector = MapStatsCollector.open()) {
            MapCapabilities caps = collector.capabilities();
            assertTrue(caps.iterator(), caps.toString());
            // Linux 6.6 has the kfunc, 5.6 batch lookup: the notes say why whatever is missing is.
            assertEquals(caps.elemCountKfunc() && caps.batchLookup(), caps.notes().isEmpty(), caps.toString());
            assertFalse(caps.notes().stream().anyMatch(String::isBlank));
        }
    }

    @Test
    void onlyWalkingMethodsCanBeForced() {
        for (CountMethod m : List.of(CountMethod.ARRAY_CAPACITY, CountMethod.RING_FILL, CountMethod.UNKNOWN)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MapStatsOptions.defaults().countingFrom(m));
            assertEquals("counting can start at ITERATOR, BATCH or KEY_WALK, not " + m, e.getMessage());
        }
    }

    private static CountMethod expectedCounterMethod(MapCapabilities caps) {
        return caps.elemCountKfunc() ? CountMethod.ITERATOR : caps.batchLookup() ? CountMethod.BATCH : CountMethod.KEY_WALK;
    }

    private static MapStats find(List<MapStats> stats, int id) {
        Map<Integer, MapStats> byId = stats.stream().collect(Collectors.toMap(MapStats::id, Function.identity()));
        MapStats s = byId.get(id);
        if (s == null) {
            throw new AssertionError("map id " + id + " not reported: " + new ArrayList<>(byId.keySet()));
        }
        return s;
    }
}
