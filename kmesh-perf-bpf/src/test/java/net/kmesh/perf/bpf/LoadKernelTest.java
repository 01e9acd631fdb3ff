package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import org.junit.jupiter.api.Test;

/**
 * A million records a second for a minute: every record is accounted for (the kernel's counts
 * against the reader's), at most 0.1 % dropped on a 16 MiB ring, the rate held within 10 %, the heap
 * does not grow and no thread is left behind. It asserts
 * accounting, not speed: how fast is measured in benchmarks/.
 */
@KernelRequired
class LoadKernelTest {
    private static final int RATE = 1_000_000;
    private static final Duration LENGTH = Duration.ofSeconds(60);
    private static final int BATCH = 10_000;

    @Test
    void aMillionRecordsPerSecondForAMinuteAreAllAccountedFor() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        int threadsBefore = Thread.activeCount();
        long produced = 0;
        long dropped = 0;
        long heapAtStart;
        long heapAtEnd;
        RecordSource ring = RecordSource.samples(16 << 20);
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).source(ring).build()).start()) {
            SampleWorkload w = monitor.unwrap(SampleWorkload.class).orElseThrow();
            // Warm up the reader before measuring the heap.
            w.produce(1, BATCH, Mode.SCOPED, 0);
            Await.snapshot(monitor, s -> s.records().consumed() >= BATCH, Duration.ofSeconds(10));
            heapAtStart = usedHeapAfterGc(memory);
            long start = System.nanoTime();
            long end = start + LENGTH.toNanos();
            long next = start;
            long period = Duration.ofSeconds(1).toNanos() * BATCH / RATE;
            while (next < end) {
                SampleWorkload.Result r = w.produce(1 + (produced / BATCH) % 3, BATCH, Mode.SCOPED, 0);
                produced += r.emitted() + r.dropped();
                dropped += r.dropped();
                next += period;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
            long elapsed = System.nanoTime() - start;
            long total = produced + BATCH;
            long producedDropped = dropped;
            PerfSnapshot s = Await.snapshot(monitor,
                    x -> x.records().consumed() + x.records().dropped().orElseThrow() >= total, Duration.ofSeconds(30));
            assertTrue(elapsed < LENGTH.toNanos() * 11 / 10, "the producer kept up with the rate: "
                    + produced * 1e9 / elapsed + " records/s");
            assertTrue(producedDropped <= total / 1000, "at most 0.1 % dropped on a 16 MiB ring: " + producedDropped
                    + " of " + total);
            assertEquals(total, s.records().consumed() + s.records().dropped().orElseThrow(),
                    "produced = consumed + dropped");
            assertEquals(producedDropped, s.records().dropped().orElseThrow(),
                    "the kernel's dropped counter agrees with what the producer was told");
            assertEquals(0, s.records().invalid());
            long perTypeTotal = s.operations().stream().mapToLong(o -> o.count()).sum();
            assertEquals(s.records().consumed(), perTypeTotal, "every consumed record is in a histogram");
            heapAtEnd = usedHeapAfterGc(memory);
        }
        assertTrue(heapAtEnd - heapAtStart < 32L << 20,
                "the heap stays flat: " + (heapAtStart >> 20) + " MiB before, " + (heapAtEnd >> 20) + " MiB after "
                        + produced + " records");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Thread.activeCount() > threadsBefore && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(Thread.activeCount() <= threadsBefore, "no thread left behind");
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
