package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@KernelRequired
class BundledSamplesKernelTest {

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"SEED_MAP", "SCOPED", "SYNTHETIC"})
    void everyProducedOperationYieldsExactlyOneRecord(Mode mode) throws Exception {
        int n = 10_000;
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build())) {
            List<long[]> seen = new ArrayList<>();
            monitor.addRecordListener((type, start, end, pidTgid) -> seen.add(new long[] {type, start, end, pidTgid}));
            monitor.start();
            SampleWorkload.Result r = monitor.unwrap(SampleWorkload.class).orElseThrow().produce(2, n, mode, 5_000);
            assertEquals(new SampleWorkload.Result(n, 0, 0), r);
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= n, Duration.ofSeconds(10));
            assertEquals(n, s.records().consumed());
            assertEquals(0, s.records().invalid());
            OperationStats op = s.operation(2).orElseThrow();
            assertEquals("XDP_SHUTDOWN", op.type().name());
            assertEquals(n, op.count());
            assertEquals(n, seen.size());
            long pid = ProcessHandle.current().pid();
            for (long[] rec : seen) {
                assertEquals(2, rec[0]);
                assertTrue(rec[2] >= rec[1], "end >= start");
                assertEquals(pid, rec[3] >>> 32, "the producer ran in this process");
            }
            if (mode == Mode.SYNTHETIC) {
                assertTrue(op.minNanos() >= 5_000 && op.maxNanos() < 10_000, op.toString());
            }
        }
    }

    @Test
    void closeLeavesNothingOfOursInTheKernel() throws InterruptedException {
        KernelObjects heldBefore = KernelObjects.heldByThisProcess();
        PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .maps(net.kmesh.perf.MapSelector.namePrefix("kp_own_only")).build()).start();
        KernelObjects ours = KernelObjects.heldByThisProcess().since(heldBefore);
        assertEquals(7, ours.maps().size(), "probe and sample maps: " + ours);
        assertEquals(2, ours.programs().size(), "the producer and the map iterator (connect4 and the span pair are off): "
                + ours);
        assertEquals(1, ours.links().size(), "the map iterator's link: " + ours);
        monitor.close();
        assertTrue(KernelObjects.heldByThisProcess().since(heldBefore).isEmpty(), "no fd left open");
        KernelObjects left = KernelObjects.stillLoaded(ours, Duration.ofSeconds(5));
        assertTrue(left.isEmpty(), "left in the kernel: " + left);
    }
}
