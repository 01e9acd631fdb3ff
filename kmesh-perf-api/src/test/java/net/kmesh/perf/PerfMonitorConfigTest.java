package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PerfMonitorConfigTest {

    @Test
    void defaultsWaitForARunningKmeshAndLoadNothing() {
        PerfMonitorConfig c = PerfMonitorConfig.builder().build();
        assertEquals(RecordSource.kmesh(), c.source());
        assertEquals(RecordSource.ReadMode.CONSUME, c.source().mode());
        assertTrue(c.waitForSource());
        assertEquals(MapSelector.kmesh(Path.of("/sys/fs/bpf")), c.maps(), "Kmesh's pinned maps");
        assertEquals(Duration.ZERO, c.staleStartAge(), "a running Kmesh's start map is only read");
        assertEquals(1024, c.maxOperationTypes());
        assertTrue(c.operationModes().isEmpty());
        assertEquals("SOCK_TRAFFIC_CONTROL", c.operationType(1).name());
        assertEquals("XDP_SHUTDOWN", c.operationType(2).name());
        assertEquals("ENABLE_ENCODING_METADATA", c.operationType(3).name());
        assertEquals("77", c.operationType(77).name(), "unknown codes are labelled by number");
        assertEquals(Duration.ofMillis(25), c.batchDelay());
    }

    @Test
    void otherSourcesSelectKmeshMapsByNameAndSamplesSweepStaleStarts() {
        PerfMonitorConfig pinned = PerfMonitorConfig.builder().source(RecordSource.pinned(Path.of("/p/x"))).build();
        assertEquals(MapSelector.kmesh(), pinned.maps());
        PerfMonitorConfig samples = PerfMonitorConfig.builder().source(RecordSource.samples()).build();
        assertEquals(Duration.ofSeconds(10), samples.staleStartAge());
        PerfMonitorConfig chosen = PerfMonitorConfig.builder().maps(MapSelector.all()).source(RecordSource.kmesh())
                .build();
        assertEquals(MapSelector.all(), chosen.maps(), "an explicit selection wins");
    }

    @Test
    void toBuilderLetsSourceDependentDefaultsFollowANewSource() {
        PerfMonitorConfig kmesh = PerfMonitorConfig.builder().build();
        PerfMonitorConfig samples = kmesh.toBuilder().source(RecordSource.samples()).build();
        assertEquals(MapSelector.kmesh(), samples.maps(), "not Kmesh's pin directories any more");
        assertEquals(Duration.ofSeconds(10), samples.staleStartAge());
        PerfMonitorConfig chosen = PerfMonitorConfig.builder().maps(MapSelector.all()).staleStartAge(Duration.ofSeconds(3))
                .build().toBuilder().source(RecordSource.samples()).build();
        assertEquals(MapSelector.all(), chosen.maps(), "what was chosen stays");
        assertEquals(Duration.ofSeconds(3), chosen.staleStartAge());
    }

    @Test
    void observingKeepsTheSourceAndChangesTheMode() {
        RecordSource k = RecordSource.kmesh(Path.of("/mnt/bpf")).observing();
        assertEquals(new RecordSource.Kmesh(Path.of("/mnt/bpf"), RecordSource.ReadMode.OBSERVE), k);
        assertEquals(RecordSource.ReadMode.OBSERVE, RecordSource.pinned(Path.of("/x")).observing().mode());
        assertEquals(RecordSource.ReadMode.OBSERVE, RecordSource.named("km_perf_info").observing().mode());
        assertMessage("no other reader", () -> RecordSource.samples().observing());
        assertEquals(java.util.List.of(Path.of("/mnt/bpf/bpf_kmesh_workload/map"), Path.of("/mnt/bpf/bpf_kmesh/map")),
                ((RecordSource.Kmesh) k).mapDirectories());
    }

    @Test
    void operationModesAndHistogramTypes() {
        PerfMonitorConfig c = PerfMonitorConfig.builder().histogramMode(1, 3).operationMode(2, OperationMode.OFF)
                .build();
        assertEquals(java.util.Set.of(1L, 3L), c.histogramTypes());
        assertEquals(OperationMode.OFF, c.operationModes().get(2L));
        assertEquals(c.operationModes(), c.toBuilder().build().operationModes());
        assertMessage("0 to 31", () -> PerfMonitorConfig.builder().operationMode(32, OperationMode.OFF));
        assertMessage("0 to 31", () -> PerfMonitorConfig.builder().histogramMode(-1));
        assertEquals(OperationMode.OFF, OperationMode.ofKernelValue(2));
        assertMessage("no mode", () -> OperationMode.ofKernelValue(3));
    }

    @Test
    void registeredNamesReplaceNumbers() {
        PerfMonitorConfig c = PerfMonitorConfig.builder().operationName(77, "ROUTE_LOOKUP").build();
        assertEquals("ROUTE_LOOKUP", c.operationType(77).name());
        assertEquals(c.operationTypes(), c.toBuilder().build().operationTypes());
    }

    @Test
    void invalidValuesAreRejectedNamingTheField() {
        assertMessage("batchDelay", () -> PerfMonitorConfig.builder().batchDelay(Duration.ofMillis(-1)).build());
        assertMessage("batchDelay", () -> PerfMonitorConfig.builder().batchDelay(null).build());
        assertMessage("maxOperationTypes", () -> PerfMonitorConfig.builder().maxOperationTypes(0).build());
        assertMessage("source", () -> PerfMonitorConfig.builder().source(null).build());
        assertMessage("unsigned 32-bit", () -> PerfMonitorConfig.builder().operationName(1L << 32, "X"));
        assertMessage("blank name", () -> PerfMonitorConfig.builder().operationName(5, " "));
        assertMessage("ringBufferBytes", () -> RecordSource.samples(3000));
        assertMessage("1 to 15 characters", () -> RecordSource.named("a_name_longer_than_15"));
        assertMessage("pin path is empty", () -> RecordSource.pinned(Path.of("")));
        assertMessage("bpffs path is empty", () -> RecordSource.kmesh(Path.of("")));
        assertMessage("maps must not be null", () -> PerfMonitorConfig.builder().maps(null));
        assertEquals(Path.of("/x"), ((RecordSource.Pinned) RecordSource.pinned(Path.of("/x"))).path());
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
