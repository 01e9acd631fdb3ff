package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import org.junit.jupiter.api.Test;

/**
 * How often an idle consumer thread wakes: once a second while every pin directory is watched,
 * itself or, once removed, through its parent (a pin or directory made or removed wakes it at
 * once). Before, a removed directory made it wake ten times a second, and so did Kmesh's ads-mode
 * directory, which workload mode never makes. Counted as the thread's voluntary context switches.
 */
@KernelRequired
class IdleWakeKernelTest {
    private static final Duration SPAN = Duration.ofSeconds(3);

    @Test
    void anIdleConsumerWakesOnceASecondWhetherThePinDirectoryIsThereOrGone() throws Exception {
        try (PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            Path dir = pins.resolve("map");
            Files.createDirectory(dir);
            SamplesPlane plane = SamplesPlane.load(4096).pinIn(dir);
            try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                    .source(RecordSource.pinned(dir.resolve(ProbeLayout.RING))).mapStatistics(false).build())
                    .start()) {
                Await.snapshot(monitor, s -> s.source().up(), Duration.ofSeconds(5));
                int tid = ThreadWakes.thread("kmesh-perf-cons");
                Thread.sleep(1_500);
                long watched = wakesOver(tid);
                plane.endRemoving(dir);
                plane = null;
                Await.snapshot(monitor, s -> !s.source().up(), Duration.ofSeconds(5));
                Thread.sleep(500);
                long gone = wakesOver(tid);
                System.out.printf("idle consumer over %d s: %d wakes with the directory watched, %d with it gone%n",
                        SPAN.toSeconds(), watched, gone);
                assertTrue(watched <= 2 * SPAN.toSeconds() + 2, watched + " wakes in " + SPAN + " while watched");
                assertTrue(gone <= 2 * SPAN.toSeconds() + 2, gone + " wakes in " + SPAN + " with the directory gone");
            } finally {
                if (plane != null) {
                    plane.close();
                }
            }
        }
    }

    /** The consumer thread's voluntary context switches over {@link #SPAN}: its wakes from sleep. */
    private static long wakesOver(int tid) throws Exception {
        long before = ThreadWakes.voluntarySwitches(tid);
        Thread.sleep(SPAN.toMillis());
        return ThreadWakes.voluntarySwitches(tid) - before;
    }
}
