package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.bpf.resources.DaemonUsageReader.Reading;
import net.kmesh.perf.bpf.resources.FakeSystem.Process;

/**
 * Whatever the kernel files hold, a read returns a well-formed usage or a problem, the same on a
 * second read of the same files, and never throws.
 */
class ReaderNeverThrowsProperties {
    private static final long PID = 31;
    private static final long OTHER = 32;
    private static final List<String> FILES = List.of("proc/31/stat", "proc/31/status", "proc/31/cgroup",
            "proc/31/comm", "mounts", "cgroup/unified/k/memory.current", "cgroup/unified/k/memory.stat",
            "cgroup/unified/k/cpu.stat", "cgroup/memory/k/memory.usage_in_bytes", "cgroup/memory/k/memory.stat",
            "cgroup/cpu,cpuacct/k/cpuacct.usage", "cgroup/unified/k/cgroup.procs", "cgroup/memory/k/cgroup.procs",
            "cgroup/cpu,cpuacct/k/cgroup.procs", "cgroup/unified/k/below/cgroup.procs", "proc/32/stat", "proc/32/cgroup",
            "cgroup/unified/k/cgroup.controllers");
    /** Targets by index, since cgroup targets need the temporary directory. */
    private static final int TARGETS = 5;

    @Property(tries = 300)
    void anyFileContentGivesAWellFormedUsageOrAProblem(@ForAll("contents") List<String> contents,
                                                       @ForAll @IntRange(max = TARGETS - 1) int which) throws IOException {
        Path tmp = Files.createTempDirectory("kmesh-perf-fuzz");
        try {
            FakeSystem sys = new FakeSystem(tmp);
            sys.v2("/k", 1L, 0, 1);
            sys.v2("/k/below", 1L, 0, 1);
            sys.v1Memory("/k", 1, 0);
            sys.v1Cpu("/k", 1);
            sys.write(Process.of(PID, "kmesh-daemon", 1).in("/k"));
            sys.write(Process.of(OTHER, "helper", 2).parent(PID).cgroups("0::/k/below\n4:memory:/k\n3:cpu,cpuacct:/k\n"));
            for (int i = 0; i < FILES.size(); i++) {
                if (contents.get(i) != null) {
                    FakeSystem.write(tmp.resolve(FILES.get(i)), contents.get(i));
                }
            }
            DaemonTarget target = switch (which) {
                case 0 -> DaemonTarget.pid(PID);
                case 1 -> DaemonTarget.processName("kmesh-daemon");
                case 2 -> DaemonTarget.cgroup(sys.v2Root.resolve("k"));
                case 3 -> DaemonTarget.cgroup(sys.memoryRoot.resolve("k"));
                default -> DaemonTarget.cgroup(sys.cpuRoot.resolve("k"));
            };
            DaemonUsageReader reader = sys.reader(target, new RecordingLog());

            Reading reading = reader.reading();
            Optional<ResourceUsage> read = reading.usage();

            assertTrue(reading.problem().map(p -> !p.isBlank()).orElse(true), reading.toString());
            assertEquals(reading, reader.reading(), "the same files read the same");
            read.ifPresent(u -> {
                assertTrue(u.memoryUsage().isPresent() || u.workingSet().isPresent() || u.cpuTime().isPresent(), u.toString());
                u.workingSet().ifPresent(w -> assertTrue(w.bytes() <= u.memoryUsageBytes().orElseThrow(), u.toString()));
                u.memoryUsage().ifPresent(m -> assertTrue(m.source().contains(tmp.toString()), u.toString()));
                u.memoryUsage().filter(m -> m.basis() == Basis.PROCESS).ifPresent(m -> assertTrue(
                        u.notes().stream().anyMatch(n -> n.startsWith("memory is the process's own")), u.toString()));
                u.cpuTime().filter(c -> c.basis() == Basis.PROCESS).ifPresent(c -> assertTrue(
                        u.notes().stream().anyMatch(n -> n.startsWith("cpu is the process's own")), u.toString()));
            });
        } finally {
            FakeSystem.deleteTree(tmp);
        }
    }

    @Provide
    Arbitrary<List<String>> contents() {
        Arbitrary<String> content = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(100),
                Arbitraries.strings().withChars("0123456789 \n():/,kBVmRSusage_c").ofMaxLength(100),
                Arbitraries.of("18446744073709551615\n", "max\n", "", "0::/\n", "0::/k\n", "VmRSS:\t1 kB\n",
                        "usage_usec 18446744073709551616\n", "inactive_file 99999999999999999999\n", "31\n", "31\n32\n",
                        "0\n", "32\n", "32 (helper) S 31 32 32 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0\n",
                        "32 (helper) S 32 32 32 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0\n"));
        return content.injectNull(0.6).list().ofSize(FILES.size());
    }

}
