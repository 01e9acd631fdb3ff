package net.kmesh.perf.bpf.resources;

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
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.bpf.resources.FakeSystem.Process;

/** Whatever the kernel files hold, a read returns a well-formed usage or nothing, and never throws. */
class ReaderNeverThrowsProperties {
    private static final long PID = 31;
    private static final List<String> FILES = List.of("proc/31/stat", "proc/31/status", "proc/31/cgroup",
            "proc/31/comm", "mounts", "cgroup/unified/k/memory.current", "cgroup/unified/k/memory.stat",
            "cgroup/unified/k/cpu.stat", "cgroup/memory/k/memory.usage_in_bytes", "cgroup/memory/k/memory.stat",
            "cgroup/cpu,cpuacct/k/cpuacct.usage");

    @Property(tries = 300)
    void anyFileContentGivesAWellFormedUsageOrNothing(@ForAll("contents") List<String> contents,
                                                      @ForAll("targets") DaemonTarget target) throws IOException {
        Path tmp = Files.createTempDirectory("kmesh-perf-fuzz");
        try {
            FakeSystem sys = new FakeSystem(tmp);
            sys.write(Process.of(PID, "kmesh-daemon", 1).cgroups("0::/k\n4:memory:/k\n3:cpu,cpuacct:/k\n"));
            sys.v2("/k", 1L, 0, 1);
            sys.v1Memory("/k", 1, 0);
            sys.v1Cpu("/k", 1);
            for (int i = 0; i < FILES.size(); i++) {
                if (contents.get(i) != null) {
                    FakeSystem.write(tmp.resolve(FILES.get(i)), contents.get(i));
                }
            }

            Optional<ResourceUsage> read = sys.reader(target).read();

            read.ifPresent(u -> {
                assertTrue(u.memoryUsage().isPresent() || u.workingSet().isPresent() || u.cpuTime().isPresent(), u.toString());
                u.workingSet().ifPresent(w -> assertTrue(w.bytes() <= u.memoryUsageBytes().orElseThrow(), u.toString()));
                u.memoryUsage().ifPresent(m -> assertTrue(m.source().contains(tmp.toString()), u.toString()));
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
                        "usage_usec 18446744073709551616\n", "inactive_file 99999999999999999999\n"));
        return content.injectNull(0.6).list().ofSize(FILES.size());
    }

    @Provide
    Arbitrary<DaemonTarget> targets() {
        return Arbitraries.of(DaemonTarget.pid(PID), DaemonTarget.processName("kmesh-daemon"));
    }
}
