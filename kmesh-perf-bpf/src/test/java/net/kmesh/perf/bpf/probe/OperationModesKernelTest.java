package net.kmesh.perf.bpf.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.kmesh.perf.OperationMode;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.maps.TestMaps;
import org.junit.jupiter.api.Test;

/** The mode map read whole, as a snapshot reads it, against the same map read type by type. */
class OperationModesKernelTest {

    @Test
    void readingEveryTypeAtOnceGivesWhatEachTypeHolds() {
        try (TestMaps maps = new TestMaps()) {
            int fd = maps.create("md", MapType.ARRAY, 4, 4, ProbeLayout.MODE_TYPES, 0);
            try (OperationModes modes = new OperationModes(fd)) {
                modes.set(3, OperationMode.HISTOGRAM);
                modes.set(17, OperationMode.OFF);
                modes.set(ProbeLayout.MODE_TYPES - 1, OperationMode.HISTOGRAM);
                int[] one = new int[ProbeLayout.MODE_TYPES];
                for (int type = 0; type < one.length; type++) {
                    one[type] = modes.read(type);
                }
                assertArrayEquals(one, modes.readAll());
                assertEquals(OperationMode.HISTOGRAM.kernelValue(), modes.readAll()[3]);
                assertEquals(OperationMode.OFF.kernelValue(), modes.readAll()[17]);
                assertEquals(OperationMode.RECORD.kernelValue(), modes.readAll()[4]);
            }
        }
    }

    @Test
    void aModeMapShorterThanTheLayoutNamesTheTypeItLacks() {
        try (TestMaps maps = new TestMaps()) {
            int fd = maps.create("md", MapType.ARRAY, 4, 4, 8, 0);
            OperationModes modes = new OperationModes(fd);
            PerfMonitorException e = assertThrows(PerfMonitorException.class, modes::readAll);
            assertTrue(e.getMessage().contains("kmesh_perf_mode[8]"), e.getMessage());
        }
    }
}
