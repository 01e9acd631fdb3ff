package net.kmesh.perf.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Collectors;
import net.kmesh.perf.Capabilities.Feature;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.MapStats;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.ProgramStats;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;
import net.kmesh.perf.bpf.libbpf.FdInfo;
import net.kmesh.perf.bpf.samples.BundledSamples;
import org.junit.jupiter.api.Test;

/** The monitor's snapshot carries the map and program statistics of its own samples. */
@KernelRequired
class MonitorStatisticsKernelTest {

    @Test
    void theSamplesMapsAreCountedEachTheCheapestWayItsTypeAllows() {
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples()).build())) {
            assertTrue(monitor.capabilities().has(Feature.MAP_STATISTICS));
            assertTrue(monitor.capabilities().has(Feature.MAP_ELEM_COUNT_KFUNC), monitor.capabilities().toString());
            monitor.unwrap(SampleWorkload.class).orElseThrow().produce(1, 10, Mode.SCOPED, 0);
            PerfSnapshot s = monitor.snapshot();
            Map<String, MapStats> byName = s.maps().stream()
                    .filter(m -> m.name().startsWith("kmesh_perf_") || m.name().equals("kmesh_demo_svc"))
                    .collect(Collectors.toMap(MapStats::name, m -> m, (a, b) -> a.id() > b.id() ? a : b));
            assertEquals(CountMethod.ITERATOR, byName.get("kmesh_perf_map").method());
            assertEquals(CountMethod.ITERATOR, byName.get("kmesh_demo_svc").method());
            assertEquals(0, byName.get("kmesh_demo_svc").entries());
            assertEquals(CountMethod.RING_FILL, byName.get("kmesh_perf_info").method());
            assertEquals(10 * 40, byName.get("kmesh_perf_info").entries(), "ten unread 32-byte records and headers");
            assertEquals(CountMethod.ARRAY_CAPACITY, byName.get("kmesh_perf_hist").method());
            // km_* maps are Kmesh's too: other tests' stand-in Kmesh creates them on this host meanwhile.
            assertTrue(s.maps().stream().allMatch(m -> MapSelector.KMESH_PREFIXES.stream().anyMatch(m.name()::startsWith)),
                    "the default selector");
            assertTrue(byName.get("kmesh_perf_info").memlockBytes() > 1 << 20, "a 1 MiB ring charges at least that");
        }
    }

    @Test
    void programStatisticsCountEveryRunWhileTheMonitorHoldsThemOn() {
        try (PerfMonitor monitor = PerfMonitor.open(PerfMonitorConfig.builder().source(RecordSource.samples())
                .programs(ProgramSelector.namePrefix("kp_produce")).build())) {
            assertTrue(monitor.capabilities().has(Feature.BPF_STATS));
            int id = FdInfo.of(((BundledSamples) monitor.unwrap(SampleWorkload.class).orElseThrow()).produceProgramFd())
                    .getLong("prog_id").orElseThrow().intValue();
            ProgramStats before = ours(monitor.snapshot(), id);
            for (int i = 0; i < 25; i++) {
                monitor.unwrap(SampleWorkload.class).orElseThrow().produce(1, 1, Mode.BASELINE, 0);
            }
            ProgramStats after = ours(monitor.snapshot(), id);
            assertEquals("kp_produce", after.name());
            assertEquals("syscall", after.type());
            assertEquals(before.runCount() + 25, after.runCount());
            assertTrue(after.runTimeNanos() > before.runTimeNanos());
        }
    }

    /** This monitor's producer among every kp_produce* program (other monitors may run at once). */
    private static ProgramStats ours(PerfSnapshot s, int id) {
        return s.programs().stream().filter(p -> p.id() == id).findFirst().orElseThrow();
    }
}
