package net.kmesh.perf.bpf.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.BpfObject;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import org.junit.jupiter.api.Test;

/**
 * What a kernel creates from the probe's objects has the layouts {@link ProbeLayout} reads; the
 * layouts themselves are compared with the C side, without a kernel, in {@link ProbeLayoutTest}.
 */
@KernelRequired
class ProbeLayoutKernelTest {
    private static final String RESOURCES = ProbeLayoutTest.RESOURCES;
    private static final String STANDIN = ProbeLayoutTest.STANDIN;

    @Test
    void theKernelCreatesTheStartMapsWithBothKeySizesAndTheValuesJavaReads() {
        assertLoadedMaps("probe_thread.bpf.o", 0, ProbeLayout.START_KEY_TID_SIZE);
        assertLoadedMaps(STANDIN, 1, ProbeLayout.START_KEY_COOKIE_SIZE);
    }

    private static void assertLoadedMaps(String object, int naming, int keySize) {
        try (BpfObject o = BpfObject.openResource(ProbeLayoutKernelTest.class, RESOURCES + object, "layout")) {
            o.load();
            MapInfo starts = MapInfo.of(o.mapFd(ProbeLayout.namesOf(ProbeLayout.STARTS).get(naming)));
            assertEquals(keySize, starts.keySize(), object);
            assertTrue(starts.valueSize() >= ProbeLayout.START_VALUE_START_NS_OFFSET + 8, object);
            MapInfo modes = MapInfo.of(o.mapFd(ProbeLayout.namesOf(ProbeLayout.MODES).get(naming)));
            assertEquals(ProbeLayout.MODE_TYPES, modes.maxEntries(), object);
            MapInfo hist = MapInfo.of(o.mapFd(ProbeLayout.namesOf(ProbeLayout.HISTOGRAMS).get(naming)));
            assertEquals(ProbeLayout.HIST_VALUE_SIZE, hist.valueSize(), object);
            assertEquals(ProbeLayout.MODE_TYPES, hist.maxEntries(), object);
            MapInfo counters = MapInfo.of(o.mapFd(ProbeLayout.namesOf(ProbeLayout.COUNTERS).get(naming)));
            assertEquals(ProbeLayout.COUNTER_SLOTS, counters.maxEntries(), object);
        }
    }
}
