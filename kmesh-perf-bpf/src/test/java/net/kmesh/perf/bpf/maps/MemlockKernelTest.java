package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.bpf.Bpftool;
import net.kmesh.perf.bpf.RawRingWriter;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.FdInfo;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which map types' fdinfo memlock moves with their entries on this kernel, against the rule the
 * collector follows ({@link Memlock#followsEntries}): a map whose figure is taken as fixed must not
 * move when it is filled, and one read afresh must really move (else the rule costs for nothing).
 */
@KernelRequired
class MemlockKernelTest {
    private static final Libbpf LIBBPF = LibbpfLoader.natives().libbpf();
    private static final int NO_PREALLOC = TestMaps.BPF_F_NO_PREALLOC;

    @Test
    void theMemlockOfEachTypeMovesWithItsEntriesExactlyWhenTheCollectorRereadsIt() throws Exception {
        try (TestMaps maps = TestMaps.unselectedByKmesh(); RawRingWriter kmesh = new RawRingWriter();
             BpfObject tick = BpfObject.openResource(getClass(), "/net/kmesh/perf/bpf/kp_stats_tick.bpf.o", "kp_tick")) {
            tick.load();
            int program = tick.programFd("kp_stats_tick");
            int inner = maps.create("in", MapType.HASH, 4, 4, 4, 0);
            List<String> wrong = new ArrayList<>();
            record Case(String tag, int type, int key, int value, int max, int flags, int inner, IntConsumer fill) {
            }
            IntConsumer hashFill = fd -> maps.fill(fd, 200);
            IntConsumer slotsOfInner = fd -> {
                for (int i = 0; i < 5; i++) {
                    maps.put(fd, i, inner);
                }
            };
            List<Case> cases = List.of(
                    new Case("h", MapType.HASH, 4, 8, 1000, 0, 0, hashFill),
                    new Case("hn", MapType.HASH, 4, 8, 1000, NO_PREALLOC, 0, hashFill),
                    new Case("ph", MapType.PERCPU_HASH, 4, 8, 1000, 0, 0, hashFill),
                    new Case("phn", MapType.PERCPU_HASH, 4, 8, 1000, NO_PREALLOC, 0, hashFill),
                    new Case("lh", MapType.LRU_HASH, 4, 8, 1000, 0, 0, hashFill),
                    new Case("lph", MapType.LRU_PERCPU_HASH, 4, 8, 1000, 0, 0, hashFill),
                    new Case("a", MapType.ARRAY, 4, 8, 1000, 0, 0, fd -> maps.put(fd, 3, 7)),
                    new Case("pa", MapType.PERCPU_ARRAY, 4, 8, 1000, 0, 0, fd -> maps.put(fd, 3, 7)),
                    new Case("lpm", MapType.LPM_TRIE, 8, 4, 1000, NO_PREALLOC, 0, MemlockKernelTest::fillTrie),
                    new Case("pga", MapType.PROG_ARRAY, 4, 4, 64, 0, 0, fd -> {
                        for (int i = 0; i < 5; i++) {
                            maps.put(fd, i, program);
                        }
                    }),
                    new Case("aom", MapType.ARRAY_OF_MAPS, 4, 4, 64, 0, inner, slotsOfInner),
                    new Case("hom", MapType.HASH_OF_MAPS, 4, 4, 64, 0, inner, slotsOfInner),
                    new Case("hmn", MapType.HASH_OF_MAPS, 4, 4, 64, NO_PREALLOC, inner, slotsOfInner),
                    new Case("q", MapType.QUEUE, 0, 8, 100, 0, 0, MemlockKernelTest::push),
                    new Case("s", MapType.STACK, 0, 8, 100, 0, 0, MemlockKernelTest::push),
                    new Case("bf", MapType.BLOOM_FILTER, 0, 8, 100, 0, 0, MemlockKernelTest::push));
            for (Case c : cases) {
                int fd = maps.create(c.tag(), c.type(), c.key(), c.value(), c.max(), c.flags(), c.inner());
                long before = memlock(fd);
                c.fill().accept(fd);
                long after = memlock(fd);
                check(wrong, c.tag() + " (" + MapType.name(c.type()) + ", flags " + c.flags() + ")", c.type(), c.flags(),
                        before, after);
            }
            int ring = kmesh.ringFd();
            long before = memlock(ring);
            assertEquals(100, kmesh.emit(32, 100, 1, 0, 10));
            check(wrong, "ringbuf", MapType.RINGBUF, 0, before, memlock(ring));
            assertEquals(List.of(), wrong);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {MapStatsCollector.DEFAULT_HELD_FDS, 0})
    void aGrowingMapsMemlockIsReadAfreshAtEveryScrapeWhetherItsFdIsHeldOrNot(int heldFds) throws Exception {
        try (TestMaps maps = new TestMaps(); MapStatsCollector collector = MapStatsCollector.open(MapStatsOptions.defaults().holding(heldFds))) {
            int hash = maps.create("hn", MapType.HASH, 4, 8, 10_000, NO_PREALLOC);
            int trie = maps.create("lpm", MapType.LPM_TRIE, 8, 4, 1000, NO_PREALLOC);
            int fixed = maps.create("h", MapType.HASH, 4, 8, 10_000, 0);
            MapSelector mine = MapSelector.namePrefix(maps.prefix());
            List<Long> hashMemlock = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (MapStats s : collector.collect(mine)) {
                    String json = Bpftool.json("map", "show", "id", Integer.toString(s.id()));
                    assertEquals(Bpftool.number(json, "bytes_memlock").orElseThrow(), s.memlockBytes(), s.toString());
                    if (s.id() == TestMaps.id(hash)) {
                        hashMemlock.add(s.memlockBytes());
                    }
                }
                assertEquals(heldFds == 0 || round == 0 ? 0 : 1, collector.heldFds(),
                        "the trie, whose keys are walked, from its second scrape; the hash map's memlock follows its count");
                TestMaps.fill(LIBBPF, hash, 1000 * (round + 1));
                TestMaps.fill(LIBBPF, fixed, 1000 * (round + 1));
                fillTrie(trie);
            }
            assertTrue(hashMemlock.get(0) < hashMemlock.get(1) && hashMemlock.get(1) < hashMemlock.get(2),
                    hashMemlock.toString());
        }
    }

    @Test
    void aHashMapsMemlockFollowsItsCountWithoutFdinfoOnceTwoChangesAgreeAndEqualsTheKernelsAtEveryScrape()
            throws Exception {
        try (TestMaps maps = TestMaps.unselectedByKmesh(); MapStatsCollector collector = MapStatsCollector.open()) {
            int inner = maps.create("in", MapType.ARRAY, 4, 4, 1, 0);
            int hash = maps.create("hn", MapType.HASH, 4, 8, 4096, NO_PREALLOC);
            int wide = maps.create("hw", MapType.HASH, 20, 100, 4096, NO_PREALLOC);
            int percpu = maps.create("ph", MapType.PERCPU_HASH, 4, 24, 4096, NO_PREALLOC);
            int ofMaps = maps.create("hm", MapType.HASH_OF_MAPS, 4, 4, 64, NO_PREALLOC, inner);
            int fixed = maps.create("h", MapType.HASH, 4, 8, 4096, 0);
            int lru = maps.create("lh", MapType.LRU_HASH, 4, 8, 4096, 0);
            int trie = maps.create("lpm", MapType.LPM_TRIE, 8, 4, 1000, NO_PREALLOC);
            List<Integer> all = List.of(inner, hash, wide, percpu, ofMaps, fixed, lru, trie);
            MapSelector mine = MapSelector.namePrefix(maps.prefix());
            long openedWhenLearnt = -1;
            int[] counts = {5, 40, 17, 300, 2, 1200, 0, 64, 999};
            for (int round = 0; round < counts.length; round++) {
                int n = counts[round];
                for (int fd : List.of(hash, wide, percpu, fixed, lru)) {
                    resize(maps, fd, n);
                }
                for (int i = 0; i < 64; i++) {
                    if (i < n) {
                        maps.put(ofMaps, i, inner);
                    } else {
                        remove(ofMaps, i);
                    }
                }
                fillTrie(trie);
                List<MapStats> stats = collector.collect(mine);
                assertEquals(all.size(), stats.size());
                for (int fd : all) {
                    MapStats s = stats.stream().filter(m -> m.id() == TestMaps.id(fd)).findFirst().orElseThrow();
                    assertEquals(memlock(fd), s.memlockBytes(), "round " + round + ": " + s);
                }
                if (round == 3) {
                    openedWhenLearnt = collector.mapsOpened();
                }
            }
            assertEquals(1, collector.heldFds(), "the trie's fd alone: the hash maps' memlock follows their count");
            assertEquals(openedWhenLearnt, collector.mapsOpened(),
                    "after two changes that agree, no map is opened for its memlock, however its entries move");
        }
    }

    /** Leaves keys 0..n-1 in a map of int keys (at most 4096 keys were ever inserted). */
    private static void resize(TestMaps maps, int fd, int n) {
        TestMaps.fill(LIBBPF, fd, n);
        for (int i = n; i < 1200; i++) {
            remove(fd, i);
        }
    }

    private static void remove(int fd, int key) {
        try (Memory k = new Memory(32)) {
            k.clear();
            k.setInt(0, key);
            LIBBPF.bpf_map_delete_elem(fd, k);
        }
    }

    private static void check(List<String> wrong, String what, int type, int flags, long before, long after) {
        boolean moved = before != after;
        if (moved != Memlock.followsEntries(type, flags)) {
            wrong.add(what + ": memlock " + before + " -> " + after + " but the collector "
                    + (moved ? "takes it as fixed" : "reads it again at every scrape"));
        }
    }

    private static long memlock(int fd) {
        return FdInfo.of(fd).getLong("memlock").orElseThrow();
    }

    /** Ten more /32 prefixes. */
    private static void fillTrie(int fd) {
        try (Memory key = new Memory(8); Memory value = new Memory(4)) {
            value.clear();
            for (int i = 0; i < 10; i++) {
                key.setInt(0, 32);
                key.setInt(4, (int) (System.nanoTime() & 0x7fffffff) + i);
                Errno.check("updating a trie", LIBBPF.bpf_map_update_elem(fd, key, value, 0));
            }
        }
    }

    /** Ten values into a queue, stack or bloom filter (no key). */
    private static void push(int fd) {
        try (Memory value = new Memory(8)) {
            for (int i = 0; i < 10; i++) {
                value.setLong(0, i);
                Errno.check("pushing", LIBBPF.bpf_map_update_elem(fd, null, value, 0));
            }
        }
    }
}
