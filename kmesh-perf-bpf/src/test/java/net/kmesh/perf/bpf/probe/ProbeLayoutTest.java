package net.kmesh.perf.bpf.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationMode;
import net.kmesh.perf.bpf.btf.BpfElf;
import net.kmesh.perf.bpf.btf.Btf;
import net.kmesh.perf.bpf.btf.Btf.MapDefinition;
import net.kmesh.perf.bpf.btf.Btf.Type;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;

/**
 * The C side of the probe ({@code bpf/include/kmesh_perf.h}, read from the BTF of the objects built
 * from it) and the Java side ({@link ProbeLayout}, {@link DurationHistogram}, {@link OperationMode})
 * describe the same layouts: a change on either side fails here. Reads only the objects' BTF, so it
 * runs on any machine; {@link ProbeLayoutKernelTest} checks what a kernel creates from them.
 */
class ProbeLayoutTest {
    static final String RESOURCES = "/net/kmesh/perf/bpf/";
    /** Every struct and enum of the header, as arguments of a program (probe_layout.bpf.c). */
    private static final Btf HEADER = BpfElf.resource(RESOURCES + "probe_layout.bpf.o").btf();
    /** The bundled samples: the probe keyed by thread, as kmesh-perf ships it. */
    private static final String SAMPLES = "kmesh_perf_samples.bpf.o";
    /** The stand-in Kmesh: the probe keyed by socket, its maps renamed as Kmesh renames them. */
    static final String STANDIN = "kmesh_standin.bpf.o";

    private static final List<String> PROBE_MAPS = List.of(ProbeLayout.RING, ProbeLayout.STARTS,
            ProbeLayout.COUNTERS, ProbeLayout.MODES, ProbeLayout.HISTOGRAMS);

    @Test
    void theRecordIsUpstreamKmeshsThirtyTwoBytes() {
        Type record = HEADER.struct("kmesh_perf_record");
        assertEquals(ProbeLayout.RECORD_SIZE, record.size());
        assertEquals(0, Btf.offsetOf(record, "start_ns"));
        assertEquals(8, Btf.offsetOf(record, "end_ns"));
        assertEquals(ProbeLayout.RECORD_PID_TGID_OFFSET, Btf.offsetOf(record, "pid_tgid"));
        assertEquals(ProbeLayout.RECORD_TYPE_OFFSET, Btf.offsetOf(record, "operation_type"));
        assertEquals(8, HEADER.sizeOf(record.member("pid_tgid").type()));
        assertEquals(4, HEADER.sizeOf(record.member("operation_type").type()));
    }

    @Test
    void theHistogramValueHasTheBucketsOfDurationHistogram() {
        Type hist = HEADER.struct("kmesh_perf_hist");
        assertEquals(ProbeLayout.HIST_VALUE_SIZE, hist.size());
        assertEquals(ProbeLayout.HIST_SUM_OFFSET, Btf.offsetOf(hist, "sum_ns"));
        assertEquals(ProbeLayout.HIST_MAX_OFFSET, Btf.offsetOf(hist, "max_ns"));
        assertEquals(ProbeLayout.HIST_BUCKETS_OFFSET, Btf.offsetOf(hist, "buckets"));
        Type buckets = HEADER.resolve(hist.member("buckets").type());
        assertEquals(Btf.ARRAY, buckets.kind());
        assertEquals(DurationHistogram.BUCKET_COUNT, buckets.arrayLength());
        assertEquals(ProbeLayout.HIST_BUCKETS, buckets.arrayLength());
        assertEquals(8, HEADER.sizeOf(buckets.type()));
    }

    @Test
    void bothStartKeysAndTheStartValueAreWhatTheSweepReads() {
        Type thread = HEADER.struct("kmesh_perf_key");
        assertEquals(ProbeLayout.START_KEY_TID_SIZE, thread.size());
        assertEquals(0, Btf.offsetOf(thread, "tid"));
        assertEquals(ProbeLayout.START_KEY_TID_TYPE_OFFSET, Btf.offsetOf(thread, "operation_type"));

        Type socket = HEADER.struct("kmesh_perf_sock_key");
        assertEquals(ProbeLayout.START_KEY_COOKIE_SIZE, socket.size());
        assertEquals(0, Btf.offsetOf(socket, "socket_cookie"));
        assertEquals(8, HEADER.sizeOf(socket.member("socket_cookie").type()));
        assertEquals(ProbeLayout.START_KEY_COOKIE_TYPE_OFFSET, Btf.offsetOf(socket, "operation_type"));

        Type value = HEADER.struct("kmesh_perf_value");
        assertEquals(ProbeLayout.START_VALUE_START_NS_OFFSET, Btf.offsetOf(value, "start_ns"));
        assertEquals(8, HEADER.sizeOf(value.member("start_ns").type()));
    }

    @Test
    void theSlotOfKmeshsCallSitesIsWhatUserSpaceReads() {
        Type slot = HEADER.struct("kmesh_perf_slot");
        assertEquals(ProbeLayout.SLOT_VALUE_SIZE, slot.size());
        assertEquals(0, Btf.offsetOf(slot, "start_ns"));
        assertEquals(ProbeLayout.SLOT_COOKIE_OFFSET, Btf.offsetOf(slot, "socket_cookie"));
        assertEquals(ProbeLayout.SLOT_TYPE_OFFSET, Btf.offsetOf(slot, "operation_type"));
        assertEquals(ProbeLayout.SLOT_CHECK_OFFSET, Btf.offsetOf(slot, "check"));

        MapDefinition slots = BpfElf.resource(RESOURCES + STANDIN).btf().maps().get(ProbeLayout.namesOf(ProbeLayout.SLOTS).get(1));
        assertEquals(MapType.PERCPU_ARRAY, slots.type());
        assertEquals(ProbeLayout.SLOT_TYPES, slots.maxEntries());
        assertEquals(ProbeLayout.SLOT_VALUE_SIZE, slots.valueSize());
        assertTrue(!BpfElf.resource(RESOURCES + SAMPLES).btf().maps().containsKey(ProbeLayout.SLOTS),
                "the probe keyed by thread has no slots");
    }

    @Test
    void theModeValuesAreOperationModesKernelValues() {
        Map<String, Long> modes = constants(HEADER.enumeration("kmesh_perf_mode"));
        assertEquals(Arrays.stream(OperationMode.values())
                        .collect(Collectors.toMap(m -> "KMESH_PERF_MODE_" + m.name(), m -> (long) m.kernelValue())),
                modes);
    }

    @Test
    void theCounterSlotsAreProbeLayouts() {
        Map<String, Long> slots = constants(HEADER.enumeration("kmesh_perf_counter"));
        assertEquals(Map.of("KMESH_PERF_CNT_DROPPED", (long) ProbeLayout.COUNTER_DROPPED,
                "KMESH_PERF_CNT_END_WITHOUT_START", (long) ProbeLayout.COUNTER_END_WITHOUT_START,
                "KMESH_PERF_CNT_SLOTS", (long) ProbeLayout.COUNTER_SLOTS), slots);
    }

    @Test
    void theShippedSamplesDefineTheProbeMapsUnderTheProbesNames() {
        Btf btf = BpfElf.resource(RESOURCES + SAMPLES).btf();
        Map<String, MapDefinition> maps = btf.maps();
        for (String name : PROBE_MAPS) {
            assertTrue(maps.containsKey(ProbeLayout.namesOf(name).get(0)), name + " is not a map of " + SAMPLES);
        }
        assertProbeMaps(btf, maps, 0, ProbeLayout.START_KEY_TID_SIZE, "kmesh_perf_key", "kmesh_perf_value");
    }

    @Test
    void kmeshsRenamingGivesTheStandInsMapsTheSecondNameAndTheSocketKey() {
        Btf btf = BpfElf.resource(RESOURCES + STANDIN).btf();
        Map<String, MapDefinition> maps = btf.maps();
        for (String name : PROBE_MAPS) {
            assertTrue(maps.containsKey(ProbeLayout.namesOf(name).get(1)), name + "'s Kmesh name is not a map of "
                    + STANDIN + ": " + maps.keySet());
        }
        // Upstream Kmesh's value is its 32-byte record: the map is the one Kmesh pins today.
        assertProbeMaps(btf, maps, 1, ProbeLayout.START_KEY_COOKIE_SIZE, "kmesh_perf_sock_key", "kmesh_perf_record");
        assertEquals(ProbeLayout.RECORD_SIZE, maps.get("km_perf_map").valueSize());
    }

    private static void assertProbeMaps(Btf btf, Map<String, MapDefinition> maps, int naming, int keySize,
                                        String keyStruct, String valueStruct) {
        MapDefinition ring = maps.get(ProbeLayout.namesOf(ProbeLayout.RING).get(naming));
        assertEquals(MapType.RINGBUF, ring.type());

        MapDefinition starts = maps.get(ProbeLayout.namesOf(ProbeLayout.STARTS).get(naming));
        assertEquals(keySize, starts.keySize());
        assertEquals(keyStruct, btf.resolve(starts.key()).name());
        assertEquals(valueStruct, btf.resolve(starts.value()).name());
        assertEquals(ProbeLayout.START_VALUE_START_NS_OFFSET, Btf.offsetOf(btf.resolve(starts.value()), "start_ns"));

        MapDefinition counters = maps.get(ProbeLayout.namesOf(ProbeLayout.COUNTERS).get(naming));
        assertEquals(MapType.PERCPU_ARRAY, counters.type());
        assertEquals(ProbeLayout.COUNTER_SLOTS, counters.maxEntries());
        assertEquals(8, counters.valueSize());

        MapDefinition modes = maps.get(ProbeLayout.namesOf(ProbeLayout.MODES).get(naming));
        assertEquals(MapType.ARRAY, modes.type());
        assertEquals(ProbeLayout.MODE_TYPES, modes.maxEntries());
        assertEquals(4, modes.valueSize());

        MapDefinition hist = maps.get(ProbeLayout.namesOf(ProbeLayout.HISTOGRAMS).get(naming));
        assertEquals(MapType.PERCPU_ARRAY, hist.type());
        assertEquals(ProbeLayout.MODE_TYPES, hist.maxEntries());
        assertEquals(ProbeLayout.HIST_VALUE_SIZE, hist.valueSize());
    }

    private static Map<String, Long> constants(Type enumeration) {
        return enumeration.members().stream().collect(Collectors.toMap(Btf.Member::name, Btf.Member::offset));
    }
}
