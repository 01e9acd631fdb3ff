package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PacerTest {
    private static final long MS = 1_000_000;
    private static final Duration TEN_S = Duration.ofSeconds(10);

    @Test
    void aRateIsSpreadEvenlyOverTicks() {
        Pacer p = new Pacer(1000, TEN_S, 0, 1000); // 100/s
        int total = 0;
        for (long t = 20 * MS; t <= 1000 * MS; t += 20 * MS) {
            int due = p.due(t);
            assertEquals(2, due, "at " + t / MS + " ms");
            total += due;
        }
        assertEquals(100, total);
    }

    @Test
    void fractionsCarryOver() {
        Pacer p = new Pacer(5, TEN_S, 0, 10); // 0.5/s
        assertEquals(0, p.due(1_000 * MS));
        assertEquals(1, p.due(2_000 * MS));
        assertEquals(0, p.due(3_000 * MS));
        assertEquals(1, p.due(4_000 * MS));
        Pacer tenth = new Pacer(7, TEN_S, 0, 10); // 0.7/s, ticked every 20 ms
        int total = 0;
        for (long t = 20 * MS; t <= 30_000 * MS; t += 20 * MS) {
            total += tenth.due(t);
        }
        assertEquals(21, total);
    }

    @Test
    void itCountsFromItsStartNotFromZero() {
        long start = 123_456_789_000L;
        Pacer p = new Pacer(1000, TEN_S, start, 1000);
        assertEquals(0, p.due(start - 5 * MS), "a clock read before the start owes nothing");
        assertEquals(10, p.due(start + 100 * MS));
    }

    @Test
    void afterAStallOnlyOneBatchIsCaughtUpAndThePaceResumes() {
        Pacer p = new Pacer(1000, TEN_S, 0, 10);
        assertEquals(10, p.due(10_000 * MS), "1000 were due, one batch is done");
        assertEquals(2, p.due(10_020 * MS), "then the normal pace, not the deficit");
    }

    @Test
    void aZeroRateNeverAsks() {
        Pacer p = new Pacer(0, TEN_S, 0, 10);
        assertEquals(0, p.due(3_600_000 * MS));
    }

    @Test
    void aDayAtTheHighestRateStaysExact() {
        Pacer p = new Pacer(1_000_000, TEN_S, 0, 200_000); // 100,000/s
        long total = 0;
        for (long s = 1; s <= 86_400; s++) {
            int due = p.due(s * 1_000 * MS + 7);
            assertEquals(100_000, due, "second " + s);
            total += due;
        }
        assertEquals(8_640_000_000L, total);
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Pacer(-1, TEN_S, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(100_000_001, TEN_S, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(1, Duration.ZERO, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(1, Duration.ofSeconds(101), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(1, TEN_S, 0, 0));
    }
}
