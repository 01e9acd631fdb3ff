package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.samples.BundledSamples;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import org.junit.jupiter.api.Test;

/** A running Kmesh restarts, and starts whose end never came pile up: the monitor copes. */
@KernelRequired
class SourceFaultsKernelTest {

    @Test
    void aRestartedDataPlaneIsFollowedByPinPath() throws Exception {
        try (PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            Path pin = pins.resolve("kmesh_perf_info");
            RawRingWriter first = new RawRingWriter();
            first.pinRing(pin);
            int firstId = MapInfo.of(first.ringFd()).id();
            try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).source(RecordSource.pinned(pin)).build())
                    .start()) {
                first.emit(32, 100, 1, 1000, 50);
                Await.snapshot(monitor, s -> s.records().consumed() >= 100, Duration.ofSeconds(10));

                // The data plane stops: its pin goes away.
                first.close();
                Files.delete(pin);
                PerfSnapshot gone = Await.snapshot(monitor, s -> !s.source().up(), Duration.ofSeconds(10));
                assertTrue(!gone.source().up(), gone.source().toString());
                assertTrue(gone.source().problem().orElseThrow().contains("no ring buffer is pinned at " + pin),
                        gone.source().toString());

                // It comes back with new maps at the same path.
                try (RawRingWriter second = new RawRingWriter()) {
                    second.pinRing(pin);
                    int secondId = MapInfo.of(second.ringFd()).id();
                    assertNotEquals(firstId, secondId);
                    PerfSnapshot back = Await.snapshot(monitor, s -> s.source().ringMapId().equals(java.util.OptionalInt.of(secondId)), Duration.ofSeconds(10));
                    assertEquals(1, back.source().reattachments());
                    assertTrue(back.source().up());
                    second.emit(32, 200, 1, 1000, 50);
                    PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= 300, Duration.ofSeconds(10));
                    assertEquals(300, s.records().consumed(), "counts go on across the restart");
                    assertEquals(300, s.operation(1).orElseThrow().count());
                }
            }
        }
    }

    @Test
    void aRestartedDataPlaneIsFollowedByMapName() throws Exception {
        RawRingWriter first = new RawRingWriter();
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .source(RecordSource.named("kmesh_perf_info")).build()).start()) {
            first.emit(32, 10, 2, 1000, 50);
            Await.snapshot(monitor, s -> s.records().consumed() >= 10, Duration.ofSeconds(10));
            first.close();
            try (RawRingWriter second = new RawRingWriter()) {
                int secondId = MapInfo.of(second.ringFd()).id();
                Await.snapshot(monitor, s -> s.source().ringMapId().equals(java.util.OptionalInt.of(secondId)), Duration.ofSeconds(10));
                second.emit(32, 20, 2, 1000, 50);
                PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= 30, Duration.ofSeconds(10));
                assertEquals(30, s.operation(2).orElseThrow().count());
                assertEquals(1, s.source().reattachments());
            }
        }
    }

    @Test
    void startsThatNeverEndAreReapedAndCounted() throws Exception {
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .staleStartAge(Duration.ofSeconds(1)).build()).start()) {
            int fd = ((BundledSamples) monitor.unwrap(SampleWorkload.class).orElseThrow()).object().mapFd(ProbeLayout.STARTS);
            long now = System.nanoTime();
            for (int tid = 1; tid <= 50; tid++) {
                putStart(fd, tid, 7, now - Duration.ofSeconds(30).toNanos());
            }
            putStart(fd, 999, 7, now + Duration.ofSeconds(60).toNanos());
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().staleStartsReaped() >= 50, Duration.ofSeconds(10));
            assertEquals(50, s.records().staleStartsReaped());
            assertEquals(0, lookup(fd, 1, 7), "a stale start is gone");
            assertEquals(1, lookup(fd, 999, 7), "a young one stays");
        }
    }

    /** Writes kmesh_perf_map[{tid, op}] = {start_ns, 0, op}; returns nothing. */
    private static void putStart(int fd, int tid, int op, long startNs) {
        try (Memory key = new Memory(8); Memory value = new Memory(24)) {
            key.setInt(0, tid);
            key.setInt(4, op);
            value.clear();
            value.setLong(0, startNs);
            value.setInt(16, op);
            Errno.check("put", LibbpfLoader.natives().libbpf().bpf_map_update_elem(fd, key, value, 0));
        }
    }

    /** 1 when kmesh_perf_map has {tid, op}, 0 otherwise. */
    private static int lookup(int fd, int tid, int op) {
        try (Memory key = new Memory(8); Memory value = new Memory(24)) {
            key.setInt(0, tid);
            key.setInt(4, op);
            return LibbpfLoader.natives().libbpf().bpf_map_lookup_elem(fd, key, value) == 0 ? 1 : 0;
        }
    }
}
