package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProgramStatsTest {

    @Test
    void theAverageRunIsTheRunTimeOverTheRuns() {
        assertEquals(62.5, new ProgramStats(1, "p", "xdp", 8, 500, 0).averageRunNanos());
        assertEquals(0, new ProgramStats(1, "p", "xdp", 0, 0, 0).averageRunNanos(), "never ran");
    }

    @Test
    void countersAndIdsAreValidated() {
        assertEquals("counters must not be negative: runs -1, run time 0 ns, recursion misses 0",
                assertThrows(IllegalArgumentException.class, () -> new ProgramStats(1, "p", "xdp", -1, 0, 0))
                        .getMessage());
        assertEquals("program id must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> new ProgramStats(0, "p", "xdp", 0, 0, 0))
                        .getMessage());
    }
}
