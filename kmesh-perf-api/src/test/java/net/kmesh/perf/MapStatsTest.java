package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.kmesh.perf.MapStats.CountMethod;
import org.junit.jupiter.api.Test;

class MapStatsTest {

    @Test
    void pressureIsTheShareOfTheCapacityInUse() {
        assertEquals(0.25, stats(1000, 250, CountMethod.ITERATOR).pressure());
        assertEquals(1.0, stats(64, 64, CountMethod.ARRAY_CAPACITY).pressure());
        assertEquals(0.0, stats(10, 0, CountMethod.KEY_WALK).pressure());
        assertTrue(stats(10, 3, CountMethod.BATCH).counted());
    }

    @Test
    void everyMethodButUnknownCounts() {
        for (CountMethod m : CountMethod.values()) {
            assertEquals(m != CountMethod.UNKNOWN, stats(32, m == CountMethod.UNKNOWN ? -1 : 2, m).counted(), m.name());
        }
        MapStats slots = new MapStats(7, "km_tail_call", "prog_array", 4, 4, 32, 3, 376, CountMethod.SLOT_LOOKUP);
        assertEquals(3.0 / 32, slots.pressure());
        assertThrows(IllegalArgumentException.class, () -> stats(32, 33, CountMethod.SLOT_LOOKUP));
    }

    @Test
    void anUncountedMapHasNoPressure() {
        MapStats s = stats(10, -1, CountMethod.UNKNOWN);
        assertFalse(s.counted());
        assertTrue(Double.isNaN(s.pressure()));
        assertTrue(Double.isNaN(stats(0, 0, CountMethod.KEY_WALK).pressure()), "a map without capacity");
    }

    @Test
    void entriesMustFitTheMethodAndTheCapacity() {
        assertEquals("entries must be -1 when uncounted and within 0..10 otherwise, got 11 by ITERATOR",
                assertThrows(IllegalArgumentException.class, () -> stats(10, 11, CountMethod.ITERATOR)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> stats(10, -1, CountMethod.BATCH));
        assertThrows(IllegalArgumentException.class, () -> stats(10, 0, CountMethod.UNKNOWN));
        assertThrows(IllegalArgumentException.class,
                () -> new MapStats(0, "m", "hash", 4, 8, 10, 1, 100, CountMethod.ITERATOR));
        assertThrows(IllegalArgumentException.class,
                () -> new MapStats(1, "m", "hash", 4, 8, 10, 1, -1, CountMethod.ITERATOR));
    }

    private static MapStats stats(long max, long entries, CountMethod method) {
        return new MapStats(7, "kmesh_map", "hash", 4, 8, max, entries, 4096, method);
    }
}
