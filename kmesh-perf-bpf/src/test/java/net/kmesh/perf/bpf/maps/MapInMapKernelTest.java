package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Program arrays, arrays of maps and hashes of maps, as Kmesh uses them (tail calls, per-cluster
 * inner maps): their entries are the slots filled, counted whatever the method, never UNKNOWN.
 */
@KernelRequired
class MapInMapKernelTest {

    @ParameterizedTest
    @EnumSource(value = CountMethod.class, names = {"ITERATOR", "BATCH", "KEY_WALK"})
    void filledSlotsAreCountedAndFollowInsertsAndDeletes(CountMethod start) {
        try (TestMaps maps = TestMaps.unselectedByKmesh(); MapStatsCollector collector = MapStatsCollector.open(MapStatsOptions.defaults().countingFrom(start));
             BpfObject tick = BpfObject.openResource(getClass(), "/net/kmesh/perf/bpf/kp_stats_tick.bpf.o", "kp_tick")) {
            tick.load();
            int program = tick.programFd("kp_stats_tick");
            int inner = maps.create("in", MapType.HASH, 4, 4, 4, 0);
            int progs = maps.create("pg", MapType.PROG_ARRAY, 4, 4, 32, 0);
            int arrayOfMaps = maps.create("aom", MapType.ARRAY_OF_MAPS, 4, 4, 64, 0, inner);
            int hashOfMaps = maps.create("hom", MapType.HASH_OF_MAPS, 4, 4, 64, 0, inner);
            int hashOfMapsNoPrealloc = maps.create("hmn", MapType.HASH_OF_MAPS, 4, 4, 64, TestMaps.BPF_F_NO_PREALLOC, inner);
            for (int slot : new int[] {0, 5, 31}) {
                maps.put(progs, slot, program);
            }
            for (int slot : new int[] {1, 2, 40, 63}) {
                maps.put(arrayOfMaps, slot, inner);
            }
            for (int key = 0; key < 6; key++) {
                maps.put(hashOfMaps, key * 1000, inner);
                maps.put(hashOfMapsNoPrealloc, key * 7, inner);
            }
            MapSelector mine = MapSelector.namePrefix(maps.prefix());
            CountMethod slots = start == CountMethod.KEY_WALK ? CountMethod.SLOT_LOOKUP : CountMethod.BATCH;
            CountMethod hashes = start;
            Map<Integer, MapStats> first = byId(collector.collect(mine));
            assertEquals(3, first.get(TestMaps.id(progs)).entries(), first.toString());
            assertEquals(CountMethod.SLOT_LOOKUP, first.get(TestMaps.id(progs)).method());
            assertEquals(4, first.get(TestMaps.id(arrayOfMaps)).entries());
            assertEquals(slots, first.get(TestMaps.id(arrayOfMaps)).method());
            assertEquals(6, first.get(TestMaps.id(hashOfMaps)).entries());
            assertEquals(hashes, first.get(TestMaps.id(hashOfMaps)).method());
            assertEquals(6, first.get(TestMaps.id(hashOfMapsNoPrealloc)).entries());
            assertEquals(hashes, first.get(TestMaps.id(hashOfMapsNoPrealloc)).method());

            maps.remove(progs, 5);
            maps.put(progs, 6, program);
            maps.put(progs, 7, program);
            maps.remove(arrayOfMaps, 40);
            maps.remove(hashOfMaps, 0);
            maps.put(hashOfMapsNoPrealloc, 9999, inner);
            Map<Integer, MapStats> second = byId(collector.collect(mine));
            assertEquals(4, second.get(TestMaps.id(progs)).entries(), second.toString());
            assertEquals(3, second.get(TestMaps.id(arrayOfMaps)).entries());
            assertEquals(5, second.get(TestMaps.id(hashOfMaps)).entries());
            assertEquals(7, second.get(TestMaps.id(hashOfMapsNoPrealloc)).entries());
            assertEquals(List.of(), second.values().stream().filter(s -> !s.counted()).toList());
        }
    }

    @Test
    void emptyMapsOfMapsAndProgramArraysCountZero() {
        try (TestMaps maps = TestMaps.unselectedByKmesh(); MapStatsCollector collector = MapStatsCollector.open()) {
            int inner = maps.create("in", MapType.ARRAY, 4, 4, 1, 0);
            maps.create("pg", MapType.PROG_ARRAY, 4, 4, 8, 0);
            maps.create("aom", MapType.ARRAY_OF_MAPS, 4, 4, 8, 0, inner);
            maps.create("hom", MapType.HASH_OF_MAPS, 4, 4, 8, 0, inner);
            List<MapStats> stats = collector.collect(MapSelector.namePrefix(maps.prefix()));
            assertEquals(4, stats.size());
            for (MapStats s : stats) {
                assertEquals(s.type().equals("array") ? 1 : 0, s.entries(), s.toString());
            }
        }
    }

    private static Map<Integer, MapStats> byId(List<MapStats> stats) {
        return stats.stream().collect(Collectors.toMap(MapStats::id, Function.identity()));
    }
}
