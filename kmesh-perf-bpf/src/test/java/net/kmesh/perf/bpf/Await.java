package net.kmesh.perf.bpf;

import java.time.Duration;
import java.util.function.Predicate;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfSnapshot;

/** Polls a monitor until its snapshot satisfies a condition (records arrive asynchronously). */
public final class Await {
    private Await() {
    }

    public static PerfSnapshot snapshot(PerfMonitor monitor, Predicate<PerfSnapshot> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        PerfSnapshot s = monitor.snapshot();
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            s = monitor.snapshot();
        }
        return s;
    }
}
