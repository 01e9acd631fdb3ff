package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.DurationHistogram;
import net.kmesh.perf.OperationStats;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.samples.BundledSamples;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import org.junit.jupiter.api.Test;

/** Hot operation types counted in the kernel's histograms instead of one record each. */
@KernelRequired
class HistogramModeKernelTest {

    @Test
    void typesInHistogramModeWriteNoRecordsAndStillCountExactly() throws Exception {
        int n = 20_000;
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).histogramMode(2).build()).start()) {
            assertTrue(monitor.capabilities().has(Feature.KERNEL_HISTOGRAM));
            SampleWorkload w = monitor.unwrap(SampleWorkload.class).orElseThrow();
            assertEquals(new SampleWorkload.Result(0, 0, n), w.produce(2, n, Mode.SCOPED, 0));
            assertEquals(new SampleWorkload.Result(0, 0, n), w.produce(2, n, Mode.SEED_MAP, 0));
            assertEquals(new SampleWorkload.Result(100, 0, 0), w.produce(1, 100, Mode.SCOPED, 0));
            PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= 100, Duration.ofSeconds(10));
            assertEquals(100, s.records().consumed(), "only the record-mode type used the ring");
            assertEquals(2L * n, s.operation(2).orElseThrow().count());
            assertEquals(100, s.operation(1).orElseThrow().count());
            assertEquals(2L * n, monitor.snapshot().operation(2).orElseThrow().count(), "merging twice adds nothing");
        }
    }

    @Test
    void syntheticDurationsLandInTheRightBuckets() {
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).histogramMode(3).build())) {
            monitor.unwrap(SampleWorkload.class).orElseThrow().produce(3, 5000, Mode.SYNTHETIC, 20_000);
            OperationStats op = monitor.snapshot().operation(3).orElseThrow();
            assertEquals(5000, op.count());
            DurationHistogram h = op.histogram();
            assertEquals(0, h.countAtOrBelow(DurationHistogram.bucketMin(DurationHistogram.bucketIndex(20_000)) - 1));
            assertEquals(5000, h.countAtOrBelow(DurationHistogram.bucketMax(DurationHistogram.bucketIndex(39_999))));
            assertTrue(op.maxNanos() >= 20_000 && op.maxNanos() < 40_000, op.toString());
            assertTrue(op.sumNanos() >= 5000L * 20_000 && op.sumNanos() < 5000L * 40_000, op.toString());
            long p50 = op.quantileNanos(0.5);
            assertTrue(p50 > 25_000 && p50 < 35_000, "uniform over [20, 40) us: p50 " + p50);
        }
    }

    @Test
    void closingPutsAnExternalSourcesTypesBackInRecordMode() throws Exception {
        try (PerfMonitor owner = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build());
             PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            BundledSamples samples = (BundledSamples) owner.unwrap(SampleWorkload.class).orElseThrow();
            for (String map : new String[] {ProbeLayout.RING, ProbeLayout.MODES,
                ProbeLayout.HISTOGRAMS, ProbeLayout.COUNTERS}) {
                pins.pin(samples.object().mapFd(map), map);
            }
            Path ring = pins.resolve(ProbeLayout.RING);
            int modeFd = samples.object().mapFd(ProbeLayout.MODES);
            try (PerfMonitor watcher = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                    .source(RecordSource.pinned(ring)).histogramMode(3).build())) {
                assertEquals(1, mode(modeFd, 3), "histogram mode set in the running source");
                assertEquals(0, mode(modeFd, 2));
                samples.produce(3, 1000, Mode.SCOPED, 0);
                assertEquals(1000, watcher.snapshot().operation(3).orElseThrow().count());
            }
            assertEquals(0, mode(modeFd, 3), "left as it was found");
        }
    }

    @Test
    void aSourceWithoutHistogramsRefusesHistogramMode() throws Exception {
        try (RawRingWriter kmesh = new RawRingWriter(); PinDirectory pins = PinDirectory.create("kmesh-perf-test")) {
            Path pin = pins.resolve("kmesh_perf_info");
            kmesh.pinRing(pin);
            KernelFeatureException e = assertThrows(KernelFeatureException.class, () -> PerfMonitor.open(
                    PerfMonitorConfig.builder().source(RecordSource.samples()).source(RecordSource.pinned(pin)).histogramMode(1).build()));
            assertTrue(e.getMessage().contains("built without kmesh_perf.h's histogram mode"), e.getMessage());
        }
    }

    private static int mode(int fd, int type) {
        try (Memory key = new Memory(4); Memory value = new Memory(4)) {
            key.setInt(0, type);
            Errno.check("lookup", LibbpfLoader.natives().libbpf().bpf_map_lookup_elem(fd, key, value));
            return value.getInt(0);
        }
    }
}
