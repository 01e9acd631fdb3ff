package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfDirect;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;

/**
 * {@link MapSelector#kmeshExporter()} against Kmesh's exporter's rules (kmesh-net/kmesh,
 * {@code pkg/controller/telemetry/map_metric.go}), applied here independently the way that exporter
 * does: walk every map id, open each, read its info; {@code kmesh_map_count_total} counts the maps
 * named {@code kmesh_*} or unnamed, {@code kmesh_map_entry_count} is the key count of each hash map
 * named {@code kmesh_*}. The maps are built as Kmesh builds its four {@code kmesh_map*} hash maps
 * (no preallocation, 4-byte keys, 64/192/296/1600-byte values), beside others it counts but does
 * not count entries of, and one {@code km_*} map it ignores.
 */
@KernelRequired
class KmeshExporterSelectionKernelTest {
    private static final Libbpf LIBBPF = LibbpfLoader.natives().libbpf();
    private static final int NO_PREALLOC = TestMaps.BPF_F_NO_PREALLOC;

    @Test
    void theSelectionGivesExactlyTheMapsAndEntryCountsKmeshsExporterWouldPublish() throws Exception {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open();
             Fd unnamed = Fd.own(Errno.check("creating an unnamed map", LIBBPF.bpf_map_create(MapType.HASH, null, 4, 8, 16, null)));
             Fd km = Fd.own(Errno.check("creating a km_ map", LIBBPF.bpf_map_create(MapType.HASH,
                     String.format("km_%06x", ThreadLocalRandom.current().nextInt(1 << 24)), 4, 8, 16, null)))) {
            Map<Integer, Integer> kmeshHashes = Map.of(
                    maps.create("m64", MapType.HASH, 4, 64, 1000, NO_PREALLOC), 3,
                    maps.create("m19", MapType.HASH, 4, 192, 1000, NO_PREALLOC), 0,
                    maps.create("m29", MapType.HASH, 4, 296, 1000, NO_PREALLOC), 7,
                    maps.create("m16", MapType.HASH, 4, 1600, 1000, NO_PREALLOC), 12);
            kmeshHashes.forEach(maps::fill);
            List<Integer> countedOnlyInTotal = List.of(
                    maps.create("a", MapType.ARRAY, 4, 8, 10, 0),
                    maps.create("ph", MapType.PERCPU_HASH, 4, 8, 10, 0),
                    maps.create("lh", MapType.LRU_HASH, 4, 8, 10, 0),
                    unnamed.get());
            maps.fill(countedOnlyInTotal.get(2), 2);
            maps.fill(unnamed.get(), 5);
            maps.fill(km.get(), 4);

            List<MapStats> stats = null;
            TreeSet<Integer> expected = null;
            // Other tests create and delete maps on this host meanwhile: compare with a walk that saw
            // the same maps just before and just after the scrape.
            for (int attempt = 0; attempt < 20; attempt++) {
                TreeSet<Integer> before = kmeshCountedIds();
                stats = collector.collect(MapSelector.kmeshExporter());
                if (before.equals(kmeshCountedIds())) {
                    expected = before;
                    break;
                }
            }
            assertNotEquals(null, expected, "the host's maps never stood still for one scrape");
            assertEquals(expected, stats.stream().map(MapStats::id).collect(Collectors.toCollection(TreeSet::new)),
                    "kmesh_map_count_total: every map named kmesh_* or unnamed on the host");
            Map<Integer, MapStats> byId = stats.stream().collect(Collectors.toMap(MapStats::id, Function.identity()));
            for (var e : kmeshHashes.entrySet()) {
                MapStats s = byId.get(TestMaps.id(e.getKey()));
                assertTrue(s.counted(), s.toString());
                assertEquals(keyWalk(e.getKey()), s.entries(), s.toString());
                assertEquals(e.getValue().longValue(), s.entries(), s.toString());
            }
            for (int fd : countedOnlyInTotal) {
                MapStats s = byId.get(TestMaps.id(fd));
                assertFalse(s.counted(), "Kmesh publishes no entry count for " + s);
                assertEquals(CountMethod.UNKNOWN, s.method());
            }
            assertFalse(byId.containsKey(TestMaps.id(km.get())), "a km_* map is not Kmesh's exporter's");
        }
    }

    /** The ids Kmesh's exporter counts in kmesh_map_count_total, found its way: every id opened and asked its name. */
    private static TreeSet<Integer> kmeshCountedIds() {
        TreeSet<Integer> ids = new TreeSet<>();
        for (int id : BpfIds.maps()) {
            int fd = LibbpfDirect.bpf_map_get_fd_by_id(id);
            if (fd < 0) {
                continue; // gone since listed
            }
            try (Fd map = Fd.own(fd)) {
                String name = MapInfo.of(map.get()).name();
                if (name.isEmpty() || name.startsWith("kmesh_")) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** Keys of a map with 4-byte keys, walked one by one as Kmesh's exporter walks them. */
    private static long keyWalk(int fd) {
        long n = 0;
        try (Memory key = new Memory(4); Memory next = new Memory(4)) {
            Memory previous = null;
            while (LIBBPF.bpf_map_get_next_key(fd, previous, next) == 0) {
                key.setInt(0, next.getInt(0));
                previous = key;
                n++;
            }
        }
        return n;
    }
}
