package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class ProgramRatesProperties {

    @Property
    void ratesAreTheDeltasOverTheWallTime(@ForAll @LongRange(max = 1L << 40) long runs0,
                                          @ForAll @LongRange(max = 1L << 40) long runs,
                                          @ForAll @LongRange(max = 1L << 50) long time0,
                                          @ForAll @LongRange(max = 1L << 50) long time,
                                          @ForAll @LongRange(min = 1, max = 1L << 40) long elapsedNanos) {
        ProgramStats before = prog(1, runs0, time0, 0);
        ProgramStats after = prog(1, runs0 + runs, time0 + time, 0);
        ProgramRates r = ProgramRates.between(before, after, Duration.ofNanos(elapsedNanos));
        assertEquals(runs, r.runs());
        assertEquals(time, r.runTimeNanos());
        double seconds = elapsedNanos / 1e9;
        assertEquals(runs / seconds, r.runsPerSecond(), Math.ulp(runs / seconds) * 8);
        assertEquals(time / (double) elapsedNanos, r.cpuShare(), Math.ulp(time / (double) elapsedNanos) * 8);
        assertEquals(runs == 0 ? 0 : (double) time / runs, r.averageRunNanos());
    }

    @Property
    void aProgramWithoutAnEarlierSnapshotIsRatedFromZero(@ForAll @LongRange(max = 1L << 40) long runs,
                                                         @ForAll @LongRange(max = 1L << 50) long time) {
        ProgramStats after = prog(3, runs, time, 2);
        ProgramRates r = ProgramRates.between(null, after, Duration.ofSeconds(2));
        assertEquals(runs, r.runs());
        assertEquals(time, r.runTimeNanos());
        assertEquals(2, r.recursionMisses());
        assertEquals(runs / 2.0, r.runsPerSecond());
    }

    @Property
    void countersThatWentBackwardsMeanANewProgram(@ForAll @IntRange(min = 1, max = 1000) int drop) {
        ProgramStats before = prog(4, 5000, 9000, 0);
        ProgramStats after = prog(4, 5000 - drop, 9000, 0);
        assertEquals(5000 - drop, ProgramRates.between(before, after, Duration.ofSeconds(1)).runs());
    }

    @Example
    void snapshotsAreMatchedByIdAndUnloadedProgramsLeftOut() {
        List<ProgramStats> before = List.of(prog(1, 10, 100, 0), prog(2, 20, 200, 0));
        List<ProgramStats> after = List.of(prog(3, 5, 50, 0), prog(1, 14, 180, 0));
        List<ProgramRates> rates = ProgramRates.between(before, after, Duration.ofMillis(250));
        assertEquals(List.of(3, 1), rates.stream().map(r -> r.program().id()).toList());
        assertEquals(List.of(5L, 4L), rates.stream().map(ProgramRates::runs).toList());
        assertEquals(16.0, rates.get(1).runsPerSecond());
        assertEquals(20.0, rates.get(1).averageRunNanos());
        assertEquals(80 / 250e6, rates.get(1).cpuShare(), 1e-18);
    }

    @Example
    void invalidIntervalsAndMismatchedProgramsAreRejected() {
        ProgramStats p = prog(1, 1, 1, 0);
        assertEquals("elapsed must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> ProgramRates.between(p, p, Duration.ZERO)).getMessage());
        assertEquals("snapshots of different programs: ids 1 and 2", assertThrows(IllegalArgumentException.class,
                () -> ProgramRates.between(p, prog(2, 1, 1, 0), Duration.ofSeconds(1))).getMessage());
    }

    private static ProgramStats prog(int id, long runs, long time, long misses) {
        return new ProgramStats(id, "prog" + id, "xdp", runs, time, misses);
    }
}
