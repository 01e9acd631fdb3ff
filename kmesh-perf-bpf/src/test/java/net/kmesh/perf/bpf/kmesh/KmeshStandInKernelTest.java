package net.kmesh.perf.bpf.kmesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.bpf.KernelObjects;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.Syscalls;
import net.kmesh.perf.bpf.kmesh.KmeshStandIn.Call;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.Pins;
import net.kmesh.perf.bpf.probe.RawProbeMaps;
import net.kmesh.perf.bpf.probe.RawProbeMaps.Record;
import net.kmesh.perf.bpf.samples.SampleCgroup;
import net.kmesh.perf.bpf.sys.Mounts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@KernelRequired
class KmeshStandInKernelTest {
    private static final int PROG_ARRAY = 3;
    private static final int ARRAY_OF_MAPS = 12;
    private static final int HASH_OF_MAPS = 13;
    private static final int BPF_F_NO_PREALLOC = 1;
    private static final int TYPE = 9;

    private PrivateBpffs bpffs;

    @BeforeEach
    void mount() throws Exception {
        bpffs = PrivateBpffs.mount();
    }

    @AfterEach
    void unmount() throws Exception {
        bpffs.close();
    }

    /** type, key size, value size, max entries, flags (-1: any) of every pin, as Kmesh defines them. */
    private static final Map<String, int[]> KMESH_MAPS = Map.ofEntries(
            Map.entry("km_perf_info", new int[] {MapType.RINGBUF, 0, 0, KmeshStandIn.RING_BYTES, -1}),
            // Kmesh's key and value in the probe's LRU of 4,096 (upstream: a hash of 131,072, no prealloc).
            Map.entry("km_perf_map", new int[] {MapType.LRU_HASH, ProbeLayout.START_KEY_COOKIE_SIZE, 32, 4096, 0}),
            Map.entry("km_perf_cnt", new int[] {MapType.PERCPU_ARRAY, 4, 8, ProbeLayout.COUNTER_SLOTS, -1}),
            Map.entry("km_perf_mode", new int[] {MapType.ARRAY, 4, 4, ProbeLayout.MODE_TYPES, -1}),
            Map.entry("km_perf_hist", new int[] {MapType.PERCPU_ARRAY, 4, ProbeLayout.HIST_VALUE_SIZE,
                ProbeLayout.MODE_TYPES, -1}),
            Map.entry("km_perf_slot", new int[] {MapType.PERCPU_ARRAY, 4, ProbeLayout.SLOT_VALUE_SIZE,
                ProbeLayout.SLOT_TYPES, -1}),
            Map.entry("km_frontend", new int[] {MapType.HASH, 16, 4, 105000, BPF_F_NO_PREALLOC}),
            Map.entry("km_cgr_tailcall", new int[] {PROG_ARRAY, 4, 4, 8, -1}),
            Map.entry("km_outer", new int[] {ARRAY_OF_MAPS, 4, 4, 4, -1}),
            Map.entry("km_inner_a", new int[] {MapType.ARRAY, 4, 64, 16, -1}),
            Map.entry("km_maglev_outer", new int[] {HASH_OF_MAPS, 4, 4, 16, BPF_F_NO_PREALLOC}),
            Map.entry("km_inner_b", new int[] {MapType.ARRAY, 4, 64, 16, -1}));

    @Test
    void everyMapIsPinnedByNameWhereKmeshPinsItWithKmeshsTypesAndSizes() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            Path dir = bpffs.path().resolve("bpf_kmesh_workload").resolve("map");
            assertEquals(dir, kmesh.mapDirectory());
            assertEquals(KMESH_MAPS.keySet(), Set.copyOf(KmeshStandIn.MAPS));
            for (String name : KmeshStandIn.MAPS) {
                try (Fd fd = Pins.openMap(dir.resolve(name))) {
                    MapInfo info = MapInfo.of(fd.get());
                    int[] want = KMESH_MAPS.get(name);
                    assertEquals(name, info.name());
                    assertEquals(MapType.name(want[0]), info.typeName(), name);
                    assertEquals(want[1], info.keySize(), name + " key size");
                    assertEquals(want[2], info.valueSize(), name + " value size");
                    assertEquals(want[3], info.maxEntries(), name + " max entries");
                    if (want[4] >= 0) {
                        assertEquals(want[4], info.flags(), name + " flags");
                    }
                    assertEquals(kmesh.mapId(name), info.id(), "the pin is the stand-in's own map");
                }
            }
        }
    }

    @Test
    void adsModePinsUnderBpfKmesh() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path(), KmeshStandIn.Mode.ADS)) {
            assertTrue(Files.exists(bpffs.path().resolve("bpf_kmesh/map/km_perf_info")));
            assertFalse(Files.exists(bpffs.path().resolve("bpf_kmesh_workload")));
        }
    }

    @Test
    void theTailCallAndMapInMapSlotsAreFilledAtLoad() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            assertEquals(Set.of(KmeshStandIn.TAIL_SLOT), filledSlots(kmesh.mapFd(KmeshStandIn.TAIL_CALLS), 8));
            assertEquals(Set.of(KmeshStandIn.OUTER_SLOT), filledSlots(kmesh.mapFd(KmeshStandIn.ARRAY_OF_MAPS), 4));
            List<ByteBuffer> keys = RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.HASH_OF_MAPS));
            assertEquals(1, keys.size());
            assertEquals(KmeshStandIn.MAGLEV_KEY, keys.get(0).getInt(0));
        }
    }

    private static Set<Integer> filledSlots(int fd, int slots) {
        Set<Integer> filled = new HashSet<>();
        try (Memory key = new Memory(4); Memory value = new Memory(4)) {
            for (int i = 0; i < slots; i++) {
                key.setInt(0, i);
                int ret = LibbpfLoader.natives().libbpf().bpf_map_lookup_elem(fd, key, value);
                if (ret == 0) {
                    filled.add(i);
                } else if (-ret != Errno.ENOENT) {
                    throw Errno.failure("looking up slot " + i, -ret);
                }
            }
        }
        return filled;
    }

    /**
     * Both socket-keyed calls write one upstream record per operation and leave no start behind;
     * Kmesh's call sites ({@link Call#RUN}) keep the start in the CPU's slot, never in km_perf_map.
     */
    @ParameterizedTest
    @EnumSource(value = Call.class, names = {"SOCK", "RUN"})
    void produceWritesOneUpstreamRecordPerOperationIntoTheFourKibRingAndLeavesNoStart(Call call) {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            assertEquals(new KmeshStandIn.Result(50, 0, 0, 0), kmesh.produce(TYPE, 50, call, false));
            List<Record> records = RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING));
            assertEquals(50, records.size());
            for (Record r : records) {
                assertEquals(TYPE, r.operationType());
                assertTrue(r.endNs() > r.startNs());
                assertEquals(ProcessHandle.current().pid(), r.tgid());
            }
            assertEquals(List.of(), RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS)), "every start ended");
            assertEquals(List.of(), RawProbeMaps.slotStarts(kmesh.mapFd(KmeshStandIn.SLOTS)), "every end freed its slot");
        }
    }

    @Test
    void aFullRingDropsWhatDoesNotFitAndCountsIt() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            KmeshStandIn.Result r = kmesh.produce(TYPE, 500);
            // 32-byte records with an 8-byte header: 102 fit in 4 KiB.
            assertEquals(KmeshStandIn.RING_BYTES / (ProbeLayout.RECORD_SIZE + 8), r.recorded());
            assertEquals(500 - r.recorded(), r.dropped());
            assertEquals(r.dropped(), RawProbeMaps.perCpuSum(kmesh.mapFd(KmeshStandIn.COUNTERS), ProbeLayout.COUNTER_DROPPED));
            assertEquals(r.recorded(), RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING)).size());
        }
    }

    @Test
    void modesSwitchTheStandInsProbeAndTypesWithoutSlotAreAlwaysRecorded() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            int modes = kmesh.mapFd(KmeshStandIn.MODES);
            for (int t = 0; t < ProbeLayout.MODE_TYPES; t++) {
                RawProbeMaps.setMode(modes, t, OperationMode.OFF);
            }
            assertEquals(new KmeshStandIn.Result(0, 0, 0, 20), kmesh.produce(TYPE, 20));
            assertEquals(new KmeshStandIn.Result(0, 0, 0, 20), kmesh.produceStarts(TYPE, 20));
            assertEquals(List.of(), RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS)));
            assertEquals(List.of(), RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING)));
            assertEquals(new KmeshStandIn.Result(20, 0, 0, 0), kmesh.produce(ProbeLayout.MODE_TYPES, 20));

            assertEquals(new KmeshStandIn.Result(0, 0, 0, 20), kmesh.produce(TYPE, 20, Call.RUN, false));
            assertEquals(new KmeshStandIn.Result(0, 0, 0, 20), kmesh.produce(TYPE, 20, Call.RUN, true));
            assertEquals(List.of(), RawProbeMaps.slotStarts(kmesh.mapFd(KmeshStandIn.SLOTS)), "OFF stores no start");

            RawProbeMaps.setMode(modes, TYPE, OperationMode.HISTOGRAM);
            assertEquals(new KmeshStandIn.Result(0, 0, 30, 0), kmesh.produce(TYPE, 30));
            assertEquals(new KmeshStandIn.Result(0, 0, 30, 0), kmesh.produce(TYPE, 30, Call.RUN, false));
            assertEquals(60, RawProbeMaps.histogramCount(kmesh.mapFd(KmeshStandIn.HISTOGRAMS), TYPE));
        }
    }

    /**
     * A start whose end never comes (Kmesh's traffic control off a frontend) waits in the slot until
     * the next start of its type on that CPU moves it into km_perf_map, where the library sees and
     * sweeps it as it does the sock variants' starts. Without the move it would be overwritten and
     * never seen.
     */
    @Test
    void aStartWhoseEndNeverCameMovesIntoTheStartMapWhenTheNextStartNeedsItsSlot() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            int starts = kmesh.mapFd(KmeshStandIn.STARTS);
            int slots = kmesh.mapFd(KmeshStandIn.SLOTS);
            // One BPF_PROG_TEST_RUN runs on one CPU: 40 starts in one slot, one after the other.
            kmesh.produce(TYPE, 40, Call.RUN, true);
            List<ByteBuffer> keys = RawProbeMaps.keys(starts);
            List<long[]> waiting = RawProbeMaps.slotStarts(slots);
            assertEquals(39, keys.size(), "each start moved the one before it into the map");
            assertEquals(1, waiting.size());
            assertEquals(TYPE, waiting.get(0)[1]);
            Set<Long> cookies = new HashSet<>();
            for (ByteBuffer k : keys) {
                assertEquals(TYPE, k.getInt(ProbeLayout.START_KEY_COOKIE_TYPE_OFFSET));
                cookies.add(k.getLong(0));
            }
            assertEquals(39, cookies.size());
            assertFalse(cookies.contains(waiting.get(0)[0]), "the newest start waits in the slot, not in the map");

            assertEquals(new KmeshStandIn.Result(10, 0, 0, 0), kmesh.produce(TYPE, 10, Call.RUN, false));
            assertEquals(40, RawProbeMaps.keys(starts).size(), "the next start moved the last one too");
            assertEquals(List.of(), RawProbeMaps.slotStarts(slots));
            assertEquals(10, RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING)).size());
        }
    }

    /**
     * A program preempted while it writes the slot can leave fields of two operations there. The
     * end trusts the slot only when its check matches the fields: a torn start is counted as an end
     * without a start, never paired into a wrong duration, and never moved into km_perf_map as a
     * start. Without the check all 20 are recorded, each with a start 1 µs early.
     */
    @Test
    void aTornSlotIsCountedAsAnEndWithoutAStartNeverTakenForAStart() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            assertEquals(new KmeshStandIn.Result(0, 0, 0, 0), kmesh.produce(TYPE, 20, Call.TORN, false));
            assertEquals(List.of(), RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING)));
            assertEquals(20, RawProbeMaps.perCpuSum(kmesh.mapFd(KmeshStandIn.COUNTERS),
                    ProbeLayout.COUNTER_END_WITHOUT_START));
            // Each start found the slot the one before left torn: a start never moves that into the map.
            assertEquals(List.of(), RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS)), "a torn slot is not a start");
            assertEquals(new KmeshStandIn.Result(10, 0, 0, 0), kmesh.produce(TYPE, 10, Call.RUN, false),
                    "the next starts take the slot again");
            assertEquals(List.of(), RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS)));
        }
    }

    /**
     * A program preempted between its start and end by another of the same type on the same CPU:
     * the inner start moves the outer one into km_perf_map, and the outer end finds it there.
     */
    @Test
    void anOperationInterruptedByAnotherOfItsTypeOnTheSameCpuIsRecordedAsIsTheOther() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            assertEquals(new KmeshStandIn.Result(60, 0, 0, 0), kmesh.produce(TYPE, 30, Call.NESTED, false));
            List<Record> records = RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING));
            assertEquals(60, records.size());
            for (int i = 0; i < records.size(); i += 2) {
                Record inner = records.get(i);
                Record outer = records.get(i + 1);
                assertTrue(outer.startNs() <= inner.startNs() && outer.endNs() >= inner.endNs(),
                        "operation " + i / 2 + ": the outer record spans the inner one");
            }
            assertEquals(0, RawProbeMaps.perCpuSum(kmesh.mapFd(KmeshStandIn.COUNTERS),
                    ProbeLayout.COUNTER_END_WITHOUT_START), "no end went without its start");
            assertEquals(List.of(), RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS)));
            assertEquals(List.of(), RawProbeMaps.slotStarts(kmesh.mapFd(KmeshStandIn.SLOTS)));
        }
    }

    @Test
    void startsWhoseEndNeverComesStayInTheStartMapUnderSixteenByteKeys() {
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            kmesh.produceStarts(TYPE, 40);
            List<ByteBuffer> keys = RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS));
            assertEquals(40, keys.size());
            for (ByteBuffer k : keys) {
                assertEquals(ProbeLayout.START_KEY_COOKIE_SIZE, k.capacity());
                assertEquals(TYPE, k.getInt(ProbeLayout.START_KEY_COOKIE_TYPE_OFFSET));
            }
            assertEquals(40, keys.stream().map(k -> k.getLong(0)).distinct().count(), "one cookie per operation");
        }
    }

    /**
     * Kmesh's traffic control returns before its end probe on every connect to an address that is
     * not a frontend, and upstream's start map (a hash of 131,072 without prealloc) keeps each such
     * start for good: past 131,072 every start fails and no duration is recorded again. The
     * compat start map is an LRU, which evicts the oldest starts instead.
     */
    @Test
    void moreStartsWithoutEndThanUpstreamsMapHoldsAreEvictedAndDurationsGoOn() {
        int upstreamCapacity = 131_072;
        try (KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            int starts = kmesh.mapFd(KmeshStandIn.STARTS);
            int capacity = MapInfo.of(starts).maxEntries();
            kmesh.produceStarts(TYPE, upstreamCapacity + capacity);
            int left = RawProbeMaps.keys(starts).size();
            assertTrue(left <= capacity, left + " starts left in a map of " + capacity);

            assertEquals(new KmeshStandIn.Result(50, 0, 0, 0), kmesh.produce(TYPE, 50),
                    "operations after the leaked starts are recorded");
            assertEquals(50, RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING)).size());
        }
    }

    @Test
    void connectsToAFrontendAreTimedAsTrafficControlAndOthersLeaveTheirStart() throws Exception {
        int n = 30;
        try (SampleCgroup cgroup = SampleCgroup.enter("kmesh-standin-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
             KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            kmesh.attachConnect(cgroup.path());
            Inet4Address service = (Inet4Address) InetAddress.getByName("127.0.0.2");
            kmesh.addFrontend(service);
            Syscalls.udpConnects(new InetSocketAddress(service, 9), n);
            List<Record> records = RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING));
            assertEquals(n, records.size());
            int thisThread = Syscalls.gettid();
            for (Record r : records) {
                assertEquals(KmeshStandIn.SOCK_TRAFFIC_CONTROL, r.operationType());
                assertEquals(thisThread, r.tid(), "a connect4 program runs in the connecting task");
            }
            assertEquals(List.of(), RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS)));

            Syscalls.udpConnects(new InetSocketAddress("127.0.0.3", 9), 5);
            assertEquals(List.of(), RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING)));
            // As Kmesh, no end off a frontend: each start waits in its CPU's slot until the next moves it into the map.
            int inMap = RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS)).size();
            int inSlots = RawProbeMaps.slotStarts(kmesh.mapFd(KmeshStandIn.SLOTS)).size();
            int cpus = LibbpfLoader.natives().libbpf().libbpf_num_possible_cpus();
            assertTrue(inSlots >= 1 && inSlots <= cpus, inSlots + " starts in the slots of " + cpus + " CPUs");
            assertEquals(5, inMap + inSlots, "every start off a frontend is kept");
        }
    }

    @Test
    void restartPinsNewMapsAtTheSamePathsAndReattachesTheConnectProgram() throws Exception {
        try (SampleCgroup cgroup = SampleCgroup.enter("kmesh-standin-re-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
             KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path())) {
            kmesh.attachConnect(cgroup.path());
            Map<String, Integer> before = pinnedIds(kmesh);
            kmesh.produceStarts(TYPE, 3);
            kmesh.restart();
            Map<String, Integer> after = pinnedIds(kmesh);
            assertEquals(before.keySet(), after.keySet());
            for (String name : KmeshStandIn.MAPS) {
                assertTrue(!before.get(name).equals(after.get(name)), name + " kept id " + before.get(name));
                assertEquals(kmesh.mapId(name), after.get(name));
            }
            Set<Integer> stillThere = KernelObjects.stillLoaded(new KernelObjects(Set.copyOf(before.values()),
                    Set.of(), Set.of()), Duration.ofSeconds(5)).maps();
            assertEquals(Set.of(), stillThere, "the old maps were released");
            assertEquals(List.of(), RawProbeMaps.keys(kmesh.mapFd(KmeshStandIn.STARTS)), "a new, empty start map");
            assertEquals(new KmeshStandIn.Result(5, 0, 0, 0), kmesh.produce(TYPE, 5));
            assertEquals(5, RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING)).size());

            kmesh.addFrontend((Inet4Address) InetAddress.getByName("127.0.0.2"));
            Syscalls.udpConnects(new InetSocketAddress("127.0.0.2", 9), 4);
            assertEquals(4, RawProbeMaps.drain(kmesh.mapFd(KmeshStandIn.RING)).size(), "attached again after restart");
        }
    }

    private static Map<String, Integer> pinnedIds(KmeshStandIn kmesh) {
        Map<String, Integer> ids = new HashMap<>();
        for (String name : KmeshStandIn.MAPS) {
            try (Fd fd = Pins.openMap(kmesh.pinOf(name))) {
                ids.put(name, MapInfo.of(fd.get()).id());
            }
        }
        return ids;
    }

    @Test
    void closeLeavesNoPinNoDirectoryNoMapNoProgramNoLink() throws Exception {
        KernelObjects before = KernelObjects.heldByThisProcess();
        KmeshStandIn kmesh = KmeshStandIn.start(bpffs.path());
        KernelObjects ours;
        try (SampleCgroup cgroup = SampleCgroup.enter("kmesh-standin-close-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime())) {
            kmesh.attachConnect(cgroup.path());
            ours = KernelObjects.heldByThisProcess().since(before);
            assertEquals(KmeshStandIn.MAPS.size(), ours.maps().size(), ours.toString());
            assertFalse(ours.programs().isEmpty());
            assertEquals(1, ours.links().size());
            kmesh.close();
        }
        assertFalse(Files.exists(bpffs.path().resolve("bpf_kmesh_workload")));
        assertTrue(KernelObjects.stillLoaded(ours, Duration.ofSeconds(5)).isEmpty());
        assertThrows(IllegalStateException.class, () -> kmesh.produce(TYPE, 1));
    }

    @Test
    void aSecondStandInOnTheSamePinsIsRefused() {
        try (KmeshStandIn first = KmeshStandIn.start(bpffs.path())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> KmeshStandIn.start(bpffs.path()));
            assertTrue(e.getMessage().contains("exists already"), e.getMessage());
            assertTrue(Files.exists(first.pinOf(KmeshStandIn.RING)), "the refused one removed no pin of the first");
        }
    }

    @Test
    void thePrivateBpffsIsABpffsAndGoneAfterClose() throws Exception {
        PrivateBpffs own = PrivateBpffs.mount();
        Path path = own.path();
        assertTrue(Mounts.isOnFilesystem(path.toRealPath(), "bpf"));
        try (KmeshStandIn kmesh = KmeshStandIn.start(path)) {
            assertTrue(Files.exists(kmesh.pinOf(KmeshStandIn.RING)));
        }
        own.close();
        assertFalse(Files.exists(path));
        assertTrue(Mounts.all().stream().noneMatch(m -> m.mountPoint().equals(path)), "unmounted");
    }
}
