package net.kmesh.perf.bpf.progs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.ProgramRates;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.bpf.Bpftool;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.ProgInfo;
import org.junit.jupiter.api.Test;

@KernelRequired
class ProgramStatsCollectorKernelTest {
    @Test
    void theRunCountRisesByExactlyTheNumberOfTestRuns() throws Exception {
        try (TickProgram tick = new TickProgram(); ProgramStatsCollector collector = ProgramStatsCollector.open()) {
            ProgramSelector mine = ProgramSelector.ids(tick.id());
            ProgramStats before = collector.collect(mine).get(0);
            tick.run(37);
            ProgramStats after = collector.collect(mine).get(0);

            assertEquals(37, after.runCount() - before.runCount(), after.toString());
            assertTrue(after.runTimeNanos() > before.runTimeNanos(), before + " then " + after);
            assertEquals(tick.id(), after.id());
            assertEquals(TickProgram.NAME, after.name());
            assertEquals("syscall", after.type());
            assertEquals(0, after.recursionMisses());

            String json = Bpftool.json("prog", "show", "id", Integer.toString(tick.id()));
            assertEquals(Bpftool.string(json, "type"), after.type());
            assertEquals(Bpftool.string(json, "name"), after.name());
            assertEquals(after.runCount(), Bpftool.number(json, "run_cnt").orElseThrow());
            assertEquals(after.runTimeNanos(), Bpftool.number(json, "run_time_ns").orElseThrow());
            assertEquals(after.recursionMisses(), Bpftool.number(json, "recursion_misses").orElse(0L));

            ProgramRates rates = ProgramRates.between(before, after, Duration.ofMillis(500));
            assertEquals(74.0, rates.runsPerSecond(), 1e-9);
            assertEquals((double) (after.runTimeNanos() - before.runTimeNanos()) / 37, rates.averageRunNanos(), 1e-9);
        }
    }

    @Test
    void runTimeIsCountedOnlyWhileACollectorIsOpen() throws Exception {
        try (TickProgram tick = new TickProgram()) {
            int heldBefore = StatsHolders.inThisProcess();
            try (ProgramStatsCollector collector = ProgramStatsCollector.open()) {
                assertEquals(heldBefore + 1, StatsHolders.inThisProcess(), "the collector holds a statistics fd");
                ProgInfo before = tick.info();
                tick.run(10);
                ProgInfo during = tick.info();
                assertEquals(10, during.runCount() - before.runCount());
                assertTrue(during.runTimeNanos() > before.runTimeNanos());
                assertEquals(during.runCount(), collector.collect(ProgramSelector.ids(tick.id())).get(0).runCount());
            }
            assertEquals(heldBefore, StatsHolders.inThisProcess(), "closing released the statistics fd");
            // Other processes on this machine may hold statistics on too: wait for them to let go.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (StatsHolders.anyOn() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assumeTrue(!StatsHolders.anyOn(), "another process keeps BPF statistics on, so the effect of closing "
                    + "cannot be seen");
            ProgInfo closed = tick.info();
            tick.run(10);
            ProgInfo after = tick.info();
            assertEquals(closed.runCount(), after.runCount(), "runs are not counted with statistics off");
            assertEquals(closed.runTimeNanos(), after.runTimeNanos(), "run time stays flat with statistics off");
        }
    }

    @Test
    void aNamePrefixSelectsProgramsByName() {
        try (TickProgram tick = new TickProgram(); ProgramStatsCollector collector = ProgramStatsCollector.open()) {
            List<ProgramStats> byName = collector.collect(ProgramSelector.namePrefix("kp_stats_ti"));
            assertTrue(byName.stream().anyMatch(p -> p.id() == tick.id()), byName.toString());
            assertTrue(byName.stream().allMatch(p -> p.name().startsWith("kp_stats_ti")), byName.toString());
            List<ProgramStats> all = collector.collect(ProgramSelector.all());
            assertTrue(all.stream().anyMatch(p -> p.id() == tick.id()));
            assertTrue(all.size() >= byName.size());
        }
    }

    @Test
    void aMissingProgramIdIsAClearError() {
        try (ProgramStatsCollector collector = ProgramStatsCollector.open()) {
            NotFoundException e = assertThrows(NotFoundException.class,
                    () -> collector.collect(ProgramSelector.ids(Integer.MAX_VALUE)));
            assertEquals("no BPF program has id 2147483647 (list programs with: bpftool prog show)", e.getMessage());
        }
    }

    @Test
    void aClosedCollectorRefusesToCollect() {
        ProgramStatsCollector collector = ProgramStatsCollector.open();
        collector.close();
        collector.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> collector.collect(ProgramSelector.all()));
        assertEquals("program statistics collector is closed", e.getMessage());
    }
}
