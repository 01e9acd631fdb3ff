package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.kmesh.perf.bpf.RawRingWriter;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.PinDirectory;
import org.junit.jupiter.api.Test;

/**
 * The demo stopped by SIGTERM while records flow into the ring it consumes: its final
 * {@code --print-metrics} text counts every record it took off the ring (the ring's consumer
 * position says how many), none read after the last metrics.
 */
@KernelRequired
class DemoShutdownIT {
    private static final Pattern CONSUMED = Pattern.compile("(?m)^kmesh_perf_records_consumed_total\\{[^}]*} (\\S+)$");
    /** A 32-byte record and the ring's 8-byte header. */
    private static final int RECORD_BYTES = 40;

    @Test
    void sigtermMidFlowReportsEveryRecordTaken() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter(); PinDirectory pins = PinDirectory.create("kmesh-perf-demo-it")) {
            Path pin = pins.resolve("kmesh_perf_info");
            kmesh.pinRing(pin);
            int port = DemoProcess.freePort();
            AtomicBoolean flowing = new AtomicBoolean(true);
            AtomicLong emitted = new AtomicLong();
            Thread producer = new Thread(() -> {
                while (flowing.get()) {
                    emitted.addAndGet(kmesh.emit(32, 200, 2, 1_000_000, 25_000));
                }
            }, "producer");
            try (DemoProcess p = DemoProcess.start("--ringbuf-pin", pin.toString(), "--port", Integer.toString(port),
                    "--print-metrics")) {
                p.awaitBody(DemoProcess.metricsUrl(port), b -> CONSUMED.matcher(b).find(), Duration.ofSeconds(30));
                producer.start();
                Thread.sleep(1_000);
                new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor();
                DemoProcess.Result r = p.await(Duration.ofSeconds(60));
                flowing.set(false);
                producer.join();
                assertEquals(0, r.exitCode(), r.toString());
                long taken;
                try (RingPeek ring = RingPeek.open(kmesh.ringFd())) {
                    taken = ring.consumerPosition() / RECORD_BYTES;
                }
                Matcher m = CONSUMED.matcher(r.stdout());
                assertTrue(m.find(), "the final metrics hold the records consumed: " + r.stdout());
                long reported = (long) Double.parseDouble(m.group(1));
                System.out.printf("SIGTERM mid-flow: %d emitted, %d taken off the ring, %d reported%n", emitted.get(),
                        taken, reported);
                assertTrue(taken > 10_000, "records were flowing: " + taken);
                assertEquals(taken, reported, "records taken off the ring = records in the final metrics");
            } finally {
                flowing.set(false);
                if (producer.isAlive()) {
                    producer.join();
                }
            }
        }
    }
}
