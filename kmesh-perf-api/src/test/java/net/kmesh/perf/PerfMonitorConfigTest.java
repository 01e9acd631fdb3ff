package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PerfMonitorConfigTest {

    @Test
    void defaultsReadTheBundledSamplesWithKmeshNames() {
        PerfMonitorConfig c = PerfMonitorConfig.builder().build();
        assertTrue(c.source() instanceof RecordSource.Bundled);
        assertEquals("SOCK_TRAFFIC_CONTROL", c.operationType(1).name());
        assertEquals("XDP_SHUTDOWN", c.operationType(2).name());
        assertEquals("ENABLE_ENCODING_METADATA", c.operationType(3).name());
        assertEquals("77", c.operationType(77).name(), "unknown codes are labelled by number");
        assertEquals(Duration.ofMillis(10), c.batchDelay());
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
        assertMessage("ringBufferBytes", () -> new RecordSource.Bundled(3000, SampleOptions.none()));
        assertMessage("1 to 15 characters", () -> RecordSource.named("a_name_longer_than_15"));
        assertMessage("spanSyscall", () -> SampleOptions.none().withSpanSyscall(-2));
        assertEquals(Path.of("/x"), ((RecordSource.Pinned) RecordSource.pinned(Path.of("/x"))).path());
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
