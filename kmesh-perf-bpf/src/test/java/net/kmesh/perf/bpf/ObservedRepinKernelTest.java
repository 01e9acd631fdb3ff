package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.ringbuf.LibbpfReader;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 17.3 for an observer: a data plane re-pinning a new 4 KiB ring at a fast pace, each with a
 * reader of its own that reads it from its first record (as a restarted Kmesh daemon does). What
 * that reader took before the monitor attached is still in the ring: the monitor reads each ring
 * made while it watched from its first record, so observed + missed = committed; and a ring pinned
 * and replaced before the monitor could open it is counted, not unseen.
 */
@KernelRequired
class ObservedRepinKernelTest {
    private static final int RING = 4096;

    @ParameterizedTest(name = "every {0} ms")
    @ValueSource(ints = {50, 200})
    void observingADataPlaneThatRepinsBesideItsOwnReaderAccountsForEveryRecord(int paceMillis) throws Exception {
        int rounds = paceMillis == 50 ? 20 : 10;
        int perRing = 150;
        long emitted = 0;
        long dropped = 0;
        try (PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            Deque<AutoCloseable> alive = new ArrayDeque<>();
            try {
                // Loaded ahead (a load takes longer than the pace), each with its reader already polling,
                // pinned one by one at the pace.
                List<SamplesPlane> planes = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    planes.add(SamplesPlane.load(RING));
                    alive.add(planes.get(i));
                    alive.add(reading(planes.get(i)));
                }
                planes.get(0).pinIn(pins.path());
                try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                        .source(RecordSource.pinned(pins.resolve(ProbeLayout.RING)).observing())
                        .mapStatistics(false).build()).start()) {
                    long started = System.nanoTime();
                    for (int round = 0; round < rounds; round++) {
                        SamplesPlane plane = planes.get(round);
                        if (round > 0) {
                            plane.pinIn(pins.path());
                        }
                        // At once, as a restarted Kmesh takes traffic: more than the ring holds, while its
                        // own reader empties it.
                        SampleWorkload.Result r = plane.produce(7, perRing);
                        emitted += r.emitted();
                        dropped += r.dropped();
                        LockSupport.parkNanos(started + (round + 1) * paceMillis * 1_000_000L - System.nanoTime());
                    }
                    double pace = (System.nanoTime() - started) / 1e6 / rounds;
                    long expect = emitted;
                    PerfSnapshot s = Await.snapshot(monitor,
                            x -> x.records().consumed() + x.records().missed() >= expect, Duration.ofSeconds(20));
                    System.out.printf("observing re-pins every %.1f ms: %d committed, observed %d, missed %d, "
                                    + "dropped %d, reattachments %d, rings missed %d%n", pace, emitted,
                            s.records().consumed(), s.records().missed(), dropped, s.source().reattachments(),
                            s.source().ringsMissed());
                    assertTrue(pace < paceMillis * 1.2, "re-pinned every " + pace + " ms, not every " + paceMillis);
                    assertEquals((long) rounds * perRing, emitted + dropped, "every operation ran once");
                    assertEquals(emitted, s.records().consumed() + s.records().missed(), "observed + missed = committed");
                    assertEquals(rounds - 1, s.source().reattachments() + s.source().ringsMissed(),
                            "every ring pinned after the first was read or counted as missed");
                    assertEquals(dropped, s.records().dropped().orElseThrow(), "dropped = reserves that failed");
                }
            } finally {
                while (!alive.isEmpty()) {
                    alive.removeLast().close();
                }
            }
        }
    }

    @Test
    void aRingPinnedAndReplacedBeforeTheMonitorCouldOpenItIsCounted() throws Exception {
        try (PinDirectory pins = PinDirectory.create("kmesh-perf-test");
             SamplesPlane first = SamplesPlane.load(RING).pinIn(pins.path());
             SamplesPlane unseen = SamplesPlane.load(RING);
             SamplesPlane last = SamplesPlane.load(RING);
             PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                     .source(RecordSource.pinned(pins.resolve(ProbeLayout.RING)))
                     .mapStatistics(false).build()).start()) {
            // Holds the consumer thread inside a drain while the data plane re-pins twice.
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean held = new AtomicBoolean();
            try (ListenerRegistration blocker = monitor.addRecordListener((type, start, end, pid) -> {
                if (type == 9 && held.compareAndSet(false, true)) {
                    holding.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            })) {
                first.produce(9, 1);
                assertTrue(holding.await(5, TimeUnit.SECONDS), "the consumer took the record");
                unseen.pinIn(pins.path());
                assertEquals(1, unseen.produce(7, 1).emitted());
                for (String map : SamplesPlane.PINNED) {
                    Files.delete(pins.resolve(map));
                }
                last.pinIn(pins.path());
                release.countDown();
                PerfSnapshot s = Await.snapshot(monitor, x -> x.source().ringMapId().orElse(-1) == last.ringId(),
                        Duration.ofSeconds(5));
                assertEquals(1, s.source().ringsMissed(), "the ring that came and went unopened: " + s.source());
                assertEquals(1, s.source().reattachments());
                // A ring pinned again at the same path, the same map, is no new ring.
                last.pinIn(pins.path());
                assertEquals(1, last.produce(7, 1).emitted());
                PerfSnapshot after = Await.snapshot(monitor, x -> x.records().consumed() >= 2, Duration.ofSeconds(5));
                Thread.sleep(200);
                assertEquals(1, monitor.snapshot().source().ringsMissed(), "a re-pin of the same ring: " + after.source());
            }
        }
    }

    /** The data plane's own reader of {@code plane}'s ring, reading it from its first record. */
    private static LibbpfReader reading(SamplesPlane plane) {
        LibbpfReader reader = new LibbpfReader(plane.mapFd(ProbeLayout.RING), 10_000);
        reader.startPolling();
        return reader;
    }
}
