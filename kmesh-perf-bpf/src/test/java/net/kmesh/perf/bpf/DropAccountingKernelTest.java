package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A ring too small for what is produced: every lost record is counted, none twice. */
@KernelRequired
class DropAccountingKernelTest {

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"SEED_MAP", "SCOPED"})
    void producedEqualsConsumedPlusDropped(Mode mode) throws Exception {
        int produced = 5_000;
        // One page holds about a hundred 40-byte records (32 bytes plus the 8-byte header).
        RecordSource tiny = RecordSource.samples(4096);
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).source(tiny).build())) {
            SampleWorkload.Result r = monitor.unwrap(SampleWorkload.class).orElseThrow().produce(1, produced, mode, 0);
            assertEquals(produced, r.emitted() + r.dropped());
            assertTrue(r.dropped() > 0 && r.emitted() > 0, r.toString());
            monitor.start();
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= r.emitted(), Duration.ofSeconds(10));
            assertEquals(r.emitted(), s.records().consumed());
            assertEquals(r.dropped(), s.records().dropped().orElseThrow(), "the kernel's per-CPU counter");
            assertEquals(produced, s.records().consumed() + s.records().dropped().orElseThrow());
            assertEquals(r.emitted(), s.operation(1).orElseThrow().count());

            // Now that the ring has room again, nothing more is lost.
            SampleWorkload.Result again = monitor.unwrap(SampleWorkload.class).orElseThrow().produce(1, 50, mode, 0);
            assertEquals(new SampleWorkload.Result(50, 0, 0), again);
            s = Await.snapshot(monitor, x -> x.records().consumed() >= r.emitted() + 50, Duration.ofSeconds(10));
            assertEquals(produced + 50, s.records().consumed() + s.records().dropped().orElseThrow());
        }
    }
}
