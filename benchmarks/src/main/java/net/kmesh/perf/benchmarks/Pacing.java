package net.kmesh.perf.benchmarks;

import java.util.concurrent.TimeUnit;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;

/** Produces records at a steady rate through the bundled samples, for the consumer CPU benchmarks. */
final class Pacing {
    private Pacing() {
    }

    /**
     * Produces {@code rate} records a second for {@code seconds} s in {@code bursts} bursts a
     * second, sleeping between them.
     *
     * @return the records the ring took
     */
    static long produce(SampleWorkload workload, int rate, int bursts, int seconds) throws InterruptedException {
        int batch = rate / bursts;
        long period = TimeUnit.SECONDS.toNanos(1) / bursts;
        long records = 0;
        long next = System.nanoTime();
        for (int i = 0; i < seconds * bursts; i++) {
            records += workload.produce(1, batch, Mode.SCOPED, 0).emitted();
            next += period;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        return records;
    }

    /** The id of the monitor's consumer thread, whose CPU time the benchmarks read. */
    static long consumerThreadId() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("kmesh-perf-consumer")).findFirst().orElseThrow().getId();
    }
}
