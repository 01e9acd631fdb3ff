package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;

/**
 * What older kernels get, shown on this one: the iterator built against a kfunc no kernel has
 * (as before Linux 6.6), and no iterator at all (as before 5.8).
 */
@KernelRequired
class OlderKernelsKernelTest {
    private static final String WITHOUT_KFUNC = "/net/kmesh/perf/bpf/kmesh_perf_maps_nokfunc.bpf.o";
    private static final String ABSENT = "/net/kmesh/perf/bpf/kmesh_perf_maps_absent.bpf.o";

    @Test
    void withoutTheKfuncTheIteratorStillLoadsAndSaysSoInEveryRecord() {
        try (TestMaps maps = new TestMaps(); MapIterator iterator = MapIterator.open(WITHOUT_KFUNC)) {
            int fd = maps.create("h", MapType.HASH, 4, 8, 10, 0);
            maps.fill(fd, 4);
            List<MapRecord> records = iterator.read();
            MapRecord mine = records.stream().filter(r -> r.id() == TestMaps.id(fd)).findFirst().orElseThrow();
            assertTrue(mine.counter(), "the map still keeps its counter: " + mine);
            assertFalse(mine.kfunc());
            assertEquals(-1, mine.entries());
            assertTrue(records.stream().noneMatch(MapRecord::kfunc), records.toString());
        }
    }

    @Test
    void withoutTheKfuncHashMapsAreCountedByBatchLookup() {
        try (TestMaps maps = new TestMaps();
             MapStatsCollector collector = MapStatsCollector.open(MapStatsOptions.defaults(), WITHOUT_KFUNC)) {
            MapCapabilities caps = collector.capabilities();
            assertTrue(caps.iterator());
            assertFalse(caps.elemCountKfunc());
            assertTrue(caps.batchLookup());
            assertEquals(List.of("this kernel lacks the kfunc bpf_map_sum_elem_count (Linux 6.6): hash maps are "
                    + "counted by batch lookup or key walk"), caps.notes());
            int hash = maps.create("h", MapType.LRU_PERCPU_HASH, 4, 8, 100, 0);
            int array = maps.create("a", MapType.ARRAY, 4, 8, 5, 0);
            maps.fill(hash, 42);
            List<MapStats> stats = collector.collect(MapSelector.namePrefix(maps.prefix()));
            assertEquals(List.of(TestMaps.id(hash), TestMaps.id(array)), stats.stream().map(MapStats::id).toList());
            assertEquals(42, stats.get(0).entries());
            assertEquals(CountMethod.BATCH, stats.get(0).method());
            assertEquals(CountMethod.ARRAY_CAPACITY, stats.get(1).method());
        }
    }

    @Test
    void forcingTheIteratorWithoutTheKfuncIsAClearError() {
        KernelFeatureException e = assertThrows(KernelFeatureException.class,
                () -> MapStatsCollector.open(MapStatsOptions.defaults().countingFrom(CountMethod.ITERATOR), WITHOUT_KFUNC));
        assertEquals("counting map entries by ITERATOR is unavailable on this kernel: this kernel lacks the kfunc "
                + "bpf_map_sum_elem_count (Linux 6.6): hash maps are counted by batch lookup or key walk", e.getMessage());
    }

    @Test
    void withoutAnIteratorMapsAreListedByIdAndStillCounted() {
        try (TestMaps maps = new TestMaps();
             MapStatsCollector collector = MapStatsCollector.open(MapStatsOptions.defaults(), ABSENT)) {
            MapCapabilities caps = collector.capabilities();
            assertFalse(caps.iterator());
            assertFalse(caps.elemCountKfunc());
            assertTrue(caps.notes().get(0).startsWith("the map iterator cannot be loaded (BPF object " + ABSENT
                    + " is missing from the class path"), caps.notes().toString());
            int hash = maps.create("h", MapType.HASH, 4, 8, 100, 0);
            int other = maps.create("o", MapType.PERCPU_HASH, 4, 8, 100, 0);
            maps.fill(hash, 17);
            maps.fill(other, 3);
            List<MapStats> stats = collector.collect(MapSelector.namePrefix(maps.prefix()));
            assertEquals(List.of(17L, 3L), stats.stream().map(MapStats::entries).toList());
            assertEquals(List.of(CountMethod.BATCH, CountMethod.BATCH), stats.stream().map(MapStats::method).toList());
            assertEquals(List.of(maps.prefix() + "h", maps.prefix() + "o"), stats.stream().map(MapStats::name).toList());
            assertEquals(0, collector.kernelObjectIds().length, "nothing loaded into the kernel");
        }
    }
}
