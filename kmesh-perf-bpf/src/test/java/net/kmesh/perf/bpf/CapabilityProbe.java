package net.kmesh.perf.bpf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.PerfMonitor;
import net.kmesh.perf.PerfMonitorConfig;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfSnapshot;
import net.kmesh.perf.ProgramSelector;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.samples.SampleWorkload;
import net.kmesh.perf.bpf.samples.SampleOptions;
import net.kmesh.perf.bpf.samples.SampleWorkload.Mode;

/**
 * Run by tests in a child JVM with a chosen set of capabilities: opens a monitor as its
 * arguments say and prints one line per fact (features, notes, what worked) for the test to read.
 * Arguments: {@code bundled|pinned=PATH|named=NAME}, then options {@code maps=pinned:PATH|maps=kmesh},
 * {@code programs}, {@code cgroup=PATH}, {@code span}.
 */
public final class CapabilityProbe {
    private CapabilityProbe() {
    }

    public static void main(String[] args) throws Exception {
        PerfMonitorConfig.Builder b = PerfMonitorConfig.builder().source(RecordSource.samples()).mapStatistics(false);
        SampleOptions samples = SampleOptions.none();
        RecordSource source = null;
        for (String a : args) {
            if (a.startsWith("pinned=")) {
                source = RecordSource.pinned(Path.of(a.substring(7)));
            } else if (a.startsWith("named=")) {
                source = RecordSource.named(a.substring(6));
            } else if (a.equals("maps=kmesh")) {
                b.maps(MapSelector.kmesh());
            } else if (a.startsWith("maps=pinned:")) {
                b.maps(MapSelector.pinned(Path.of(a.substring(12))));
            } else if (a.equals("programs")) {
                b.programs(ProgramSelector.namePrefix("kp_"));
            } else if (a.startsWith("cgroup=")) {
                samples = samples.withConnectCgroup(Path.of(a.substring(7)));
            } else if (a.equals("span")) {
                samples = samples.withSpanSyscall(Syscalls.CONNECT);
            }
        }
        b.source(source != null ? source : RecordSource.samples());
        try (PerfMonitor monitor = BpfPerfMonitor.open(b.build(), samples).start()) {
            System.out.println("features " + new TreeSet<>(monitor.capabilities().features()));
            monitor.capabilities().notes().forEach(n -> System.out.println("note " + n));
            if (monitor.unwrap(SampleWorkload.class).isPresent()) {
                monitor.unwrap(SampleWorkload.class).get().produce(1, 100, Mode.SCOPED, 0);
                PerfSnapshot s = Await.snapshot(monitor, x -> x.records().consumed() >= 100, Duration.ofSeconds(10));
                System.out.println("records " + s.records().consumed());
            }
            PerfSnapshot s = monitor.snapshot();
            System.out.println("maps " + s.maps().size());
            System.out.println("programs " + s.programs().size());
        } catch (PerfMonitorException e) {
            System.out.println("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(3);
        }
    }
}
