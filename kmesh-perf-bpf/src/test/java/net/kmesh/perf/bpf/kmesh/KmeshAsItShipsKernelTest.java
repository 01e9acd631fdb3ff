package net.kmesh.perf.bpf.kmesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.ListenerRegistration;
import net.kmesh.perf.OperationsProblem;
import net.kmesh.perf.PendingStarts;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.Await;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.probe.LogRingDrops;
import net.kmesh.perf.bpf.ringbuf.RingBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The monitor beside Kmesh as it ships: its probe compiled out, then on after a restart; ads mode. */
@KernelRequired
class KmeshAsItShipsKernelTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private PrivateBpffs bpffs;

    @BeforeEach
    void mount() throws Exception {
        bpffs = PrivateBpffs.mount();
    }

    @AfterEach
    void unmount() throws Exception {
        bpffs.close();
    }

    private PerfMonitor monitor() {
        return PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.kmesh(bpffs.path()))
                .mapStatistics(false).build()).start();
    }

    @Test
    void aRingNoProgramWritesIsNoOperationsSourceAndTheSnapshotNamesPerfMonitor() {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, false);
             PerfMonitor monitor = monitor()) {
            kmesh.connects(10);
            PerfSnapshot s = monitor.snapshot();
            assertTrue(s.source().up(), "the ring is pinned and attached");
            assertFalse(s.features().contains(Feature.OPERATIONS), s.features().toString());
            OperationsProblem p = s.operationsProblem().orElseThrow();
            assertEquals(OperationsProblem.Reason.NOT_WRITTEN, p.reason());
            assertTrue(p.message().contains("do not write"), p.message());
            assertTrue(p.message().contains("PERF_MONITOR"), p.message());
            assertTrue(p.message().contains("performance_probe.h"), p.message());
            assertTrue(p.message().contains("--profiling"), p.message());
            assertFalse(monitor.capabilities().has(Feature.OPERATIONS));
            assertTrue(monitor.capabilities().notes().stream().anyMatch(n -> n.contains("PERF_MONITOR")),
                    monitor.capabilities().notes().toString());
        }
    }

    @Test
    void kmeshRestartedWithItsProbeOnGivesDurationsWithoutRestartingTheMonitor() throws Exception {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, false);
             PerfMonitor monitor = monitor()) {
            assertEquals(OperationsProblem.Reason.NOT_WRITTEN,
                    monitor.snapshot().operationsProblem().orElseThrow().reason());
            int before = monitor.snapshot().source().ringMapId().orElseThrow();
            kmesh.restart(true);
            int ring = kmesh.mapId(KmeshShipped.RING);
            Await.snapshot(monitor, s -> s.source().ringMapId().orElse(-1) == ring, WAIT);
            assertEquals(50, kmesh.connects(50).recorded());
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() == 50, WAIT);
            assertTrue(ring != before);
            assertEquals(50, s.records().consumed());
            assertEquals(50, s.operation(1).orElseThrow().count());
            assertTrue(s.features().contains(Feature.OPERATIONS), s.features().toString());
            assertTrue(s.operationsProblem().isEmpty(), s.operationsProblem().toString());
        }
    }

    @Test
    void adsModeIsNamedAsTheReasonAndMapsAreReportedAsUsual() {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.ADS, false);
             PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                     .source(RecordSource.kmesh(bpffs.path())).build()).start()) {
            PerfSnapshot s = monitor.snapshot();
            assertFalse(s.source().up());
            assertFalse(s.features().contains(Feature.OPERATIONS));
            OperationsProblem p = s.operationsProblem().orElseThrow();
            assertEquals(OperationsProblem.Reason.ADS_MODE, p.reason());
            assertTrue(p.message().contains("ads mode"), p.message());
            assertTrue(p.message().contains(kmesh.mapDirectory().toString()), p.message());
            int frontend = kmesh.mapId(KmeshShipped.FRONTEND);
            assertTrue(s.map(frontend).isPresent(), "Kmesh's maps are reported in ads mode: " + s.maps());
        }
    }

    @Test
    void startsThatNeverEndAreCountedPendingAndStaleAndLeftInKmeshsMap() throws Exception {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, true)) {
            kmesh.startsOnly(300, System.nanoTime() - Duration.ofMinutes(1).toNanos());
            kmesh.startsOnly(200, 0);
            try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                    .source(RecordSource.kmesh(bpffs.path())).build()).start()) {
                PerfSnapshot s = monitor.snapshot();
                PendingStarts starts = s.starts().orElseThrow();
                assertEquals(500, starts.pending());
                assertEquals(300, starts.stale(), "starts older than the default 10 s");
                assertEquals(131072, starts.capacity());
                assertEquals(Duration.ofSeconds(10), starts.staleAge());
                Thread.sleep(2500); // beyond a sweep interval: a sweep would have run
                int id = kmesh.mapId(KmeshShipped.STARTS);
                assertEquals(500, monitor.snapshot().map(id).orElseThrow().entries(),
                        "a data plane's start map is only read");
            }
        }
    }

    @Test
    void aSourceWithoutAStartMapHasNoPendingStarts() {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.ADS, false);
             PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder()
                     .source(RecordSource.kmesh(bpffs.path())).mapStatistics(false).build()).start()) {
            assertTrue(monitor.snapshot().starts().isEmpty());
        }
    }

    @Test
    void failedReservesKmeshLogsAreCountedAsDroppedWithoutConsumingItsLogRing() throws Exception {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, true);
             PerfMonitor monitor = monitor()) {
            assertEquals(OptionalLong.of(0), monitor.snapshot().records().dropped(), "a log ring: drops are known");
            assertTrue(monitor.capabilities().has(Feature.DROPPED_COUNTER));
            // The consumer is held at the first record, freeing nothing, while 400 records of 40 bytes
            // are written: a 4 KiB ring holds about 100 (a consumer woken at once kept up with them all).
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            KmeshShipped.Result r;
            try (ListenerRegistration hold = monitor.addRecordListener((type, start, end, pid) -> {
                if (first.compareAndSet(true, false)) {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            })) {
                r = kmesh.connects(400);
            } finally {
                release.countDown();
            }
            assertTrue(r.logged() > 0, r.toString());
            assertEquals(0, r.unlogged(), r.toString());
            assertEquals(400, r.recorded() + r.logged());
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().dropped().orElse(0) == r.logged()
                    && x.records().consumed() == r.recorded(), WAIT);
            assertEquals(OptionalLong.of(r.logged()), s.records().dropped());
            assertEquals(r.recorded(), s.records().consumed());
            try (RingBuffer log = RingBuffer.map(kmesh.mapFd(KmeshShipped.LOG), true)) {
                assertEquals(0, log.reader().consumerPosition(), "Kmesh's log ring is observed, never consumed");
                // An 8-byte header and the 259-byte event, rounded up to 8 bytes.
                assertEquals(r.logged() * 272, log.reader().producerPosition(), "every event still there for Kmesh");
            }
        }
    }

    /**
     * Kmesh's daemon reads its log ring as events come. A log ring pinned after the monitor first
     * looked (Kmesh restarted) is read from its first event: the events the daemon consumed before
     * the monitor found the pin (it looks once a second while none is pinned) are counted too.
     */
    @Test
    void aLogRingPinnedLaterIsCountedFromItsFirstEventThoughKmeshsReaderTookThem() throws Exception {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, true);
             LogRingDrops drops = LogRingDrops.of(RecordSource.kmesh(bpffs.path())).orElseThrow()) {
            Files.delete(kmesh.pinOf(KmeshShipped.LOG));
            drops.poll();
            assertFalse(drops.seen(), "no log ring pinned");
            kmesh.pinAgain(KmeshShipped.LOG);
            // Nobody reads the 4 KiB probe ring: past its ~100 records every connect logs a failed reserve.
            KmeshShipped.Result r = kmesh.connects(110);
            assertTrue(r.logged() > 0, r.toString());
            assertEquals(0, r.unlogged(), r.toString());
            try (RingBuffer log = RingBuffer.map(kmesh.mapFd(KmeshShipped.LOG), false)) {
                int read = log.reader().drain((data, position, length, mask) -> { });
                assertEquals(r.logged(), read, "Kmesh's daemon read every event");
                assertEquals(log.reader().producerPosition(), log.reader().consumerPosition());
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!drops.seen() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                drops.poll();
            }
            assertTrue(drops.seen(), "the new log ring found");
            assertEquals(r.logged(), drops.dropped(), "every failed reserve logged since the pin");
            assertEquals(0, drops.missed());
        }
    }

    @Test
    void withNeitherACounterMapNorALogRingDropsStayUnknown() throws Exception {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, true)) {
            Files.delete(kmesh.pinOf(KmeshShipped.LOG));
            try (PerfMonitor monitor = monitor()) {
                kmesh.connects(400);
                assertTrue(monitor.snapshot().records().dropped().isEmpty());
                assertFalse(monitor.capabilities().has(Feature.DROPPED_COUNTER));
            }
        }
    }

    @Test
    void withoutThePrivilegeToListProgramsTheWriterIsSaidToBeUncheckedAndOperationsStayOn() throws Exception {
        try (KmeshShipped kmesh = KmeshShipped.start(bpffs.path(), KmeshStandIn.Mode.WORKLOAD, false)) {
            List<String> command = List.of("setpriv", "--bounding-set=-all,+bpf,+perfmon", "--inh-caps=-all", "--",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=off", "-cp", System.getProperty("java.class.path"),
                    WriterCheckChild.class.getName(), bpffs.path().toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertEquals(0, p.waitFor(), lines.toString());
            assertTrue(lines.contains("up true"), lines.toString());
            assertTrue(lines.contains("operations true"), lines.toString());
            assertTrue(lines.contains("reason writer_unknown"), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("message ") && l.contains("cannot be checked")
                    && l.contains("CAP_SYS_ADMIN") && l.contains("PERF_MONITOR")), lines.toString());
        }
    }
}
