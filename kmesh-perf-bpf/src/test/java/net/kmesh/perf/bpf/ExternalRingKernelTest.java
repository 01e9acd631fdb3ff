package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.maps.TestMaps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running Kmesh's ring buffer, read by pin path or by name; nothing of ours is loaded then. */
@KernelRequired
class ExternalRingKernelTest {

    @Test
    void readsUpstreamAndSeedRecordsFromAPinnedRing() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter(); PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            Path pin = pins.resolve("kmesh_perf_info");
            kmesh.pinRing(pin);
            try (PerfMonitor monitor = PerfMonitor.open(config(RecordSource.pinned(pin)))) {
                assertTrue(!monitor.capabilities().has(Feature.DROPPED_COUNTER), "upstream Kmesh has no counter map");
                assertTrue(monitor.unwrap(SampleWorkload.class).isEmpty());
                monitor.start();
                assertEquals(1000, kmesh.emit(32, 1000, 1, 1_000_000, 2_500));
                assertEquals(500, kmesh.emit(24, 500, 3, 2_000_000, 40_000));
                PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= 1500, Duration.ofSeconds(10));
                OperationStats upstream = s.operation(1).orElseThrow();
                assertEquals(1000, upstream.count());
                assertEquals(1000L * 2_500, upstream.sumNanos());
                assertEquals(2_500, upstream.maxNanos());
                OperationStats seed = s.operation(3).orElseThrow();
                assertEquals("ENABLE_ENCODING_METADATA", seed.type().name());
                assertEquals(500, seed.count());
                assertEquals(40_000, seed.minNanos());
                assertEquals(0, s.records().invalid());
                assertTrue(s.records().dropped().isEmpty());
            }
        }
    }

    @Test
    void recordsOfUnknownSizesAreCountedInvalidAndReadingGoesOn() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter(); PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            Path pin = pins.resolve("kmesh_perf_info");
            kmesh.pinRing(pin);
            try (PerfMonitor monitor = PerfMonitor.open(config(RecordSource.pinned(pin))).start()) {
                kmesh.emit(16, 10, 1, 1000, 10);
                kmesh.emit(40, 10, 1, 1000, 10);
                kmesh.emit(8, 10, 1, 1000, 10);
                kmesh.emit(32, 10, 2, 1000, 10);
                PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= 40, Duration.ofSeconds(10));
                assertEquals(40, s.records().consumed());
                assertEquals(30, s.records().invalid());
                assertEquals(10, s.operation(2).orElseThrow().count());
            }
        }
    }

    @Test
    void findsTheRingByItsMapName() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter();
             PerfMonitor monitor = PerfMonitor.open(config(RecordSource.named("kmesh_perf_info"))).start()) {
            kmesh.emit(32, 100, 2, 5_000, 700);
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= 100, Duration.ofSeconds(10));
            assertEquals(100, s.operation(2).orElseThrow().count());
        }
    }

    @Test
    void readingAnExistingRingLoadsNothingIntoTheKernel() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter(); PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            Path pin = pins.resolve("kmesh_perf_info");
            kmesh.pinRing(pin);
            int ringId = MapInfo.of(kmesh.ringFd()).id();
            KernelObjects before = KernelObjects.heldByThisProcess();
            // Map statistics load their own iterator program; reading the ring loads nothing.
            try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).source(RecordSource.pinned(pin))
                    .mapStatistics(false).build()).start()) {
                KernelObjects held = KernelObjects.heldByThisProcess().since(before);
                assertEquals(Set.of(), held.programs(), "no program loaded");
                assertEquals(Set.of(), held.links(), "nothing attached");
                assertEquals(Set.of(), held.maps(), "no map created: the ring, already held by the fake, is reopened");
                assertTrue(KernelObjects.heldByThisProcess().maps().contains(ringId));
            }
            assertTrue(KernelObjects.heldByThisProcess().since(before).isEmpty(), "its fd is closed again");
        }
    }

    @Test
    void unknownPinPathsAndNamesAreClearErrorsWhenNotWaitedFor() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> PerfMonitor.open(
                failFast(RecordSource.pinned(Path.of("/sys/fs/bpf/no-such-dir/kmesh_perf_info")))));
        assertTrue(e.getMessage().startsWith("no ring buffer is pinned at /sys/fs/bpf/no-such-dir/kmesh_perf_info"),
                e.getMessage());
        e = assertThrows(NotFoundException.class, () -> PerfMonitor.open(failFast(RecordSource.named("kp_nothing_here"))));
        assertTrue(e.getMessage().contains("no ring buffer map named 'kp_nothing_here'"), e.getMessage());
        assertTrue(e.getMessage().contains("bpftool map show"), e.getMessage());
    }

    @Test
    void aPinnedMapOfAnotherTypeOrAProgramIsNotTakenForARing() throws Exception {
        try (PinDirectory pins = PinDirectory.create("kmesh-perf-test"); TestMaps maps = new TestMaps();
             RawRingWriter kmesh = new RawRingWriter()) {
            Path hashPin = pins.pin(maps.create("h", MapType.HASH, 4, 4, 8, 0), "a_hash");
            NotFoundException e = assertThrows(NotFoundException.class,
                    () -> PerfMonitor.open(config(RecordSource.pinned(hashPin))));
            assertEquals(hashPin + " is a hash map ('" + maps.prefix() + "h'), not a ringbuf map", e.getMessage());

            Path progPin = pins.pin(kmesh.programFd(), "a_program");
            e = assertThrows(NotFoundException.class, () -> PerfMonitor.open(config(RecordSource.pinned(progPin))));
            assertEquals(progPin + " is a pinned BPF program, not a map", e.getMessage());
        }
    }

    @Test
    void aFileOutsideTheBpffsIsNotAPinnedObject(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("kmesh_perf_info"), "not a map");
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> PerfMonitor.open(config(RecordSource.pinned(file))));
        assertTrue(e.getMessage().startsWith(file + " is not in a bpffs ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("), so it is not a pinned BPF object"), e.getMessage());
    }

    private static PerfMonitorConfig failFast(RecordSource source) {
        return config(source).toBuilder().waitForSource(false).build();
    }

    private static PerfMonitorConfig config(RecordSource source) {
        return PerfMonitorConfig.builder().source(RecordSource.samples()).source(source).build();
    }
}
