package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.ResourceUsage.Bytes;
import net.kmesh.perf.ResourceUsage.CpuTime;
import net.kmesh.perf.bpf.resources.DaemonUsageReader.Reading;
import net.kmesh.perf.bpf.resources.FakeSystem.Process;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cgroup-directory targets on synthetic trees: v2, v1 with the other controller's hierarchy, absence. */
class CgroupTargetTreeTest {
    @TempDir
    Path tmp;
    FakeSystem sys;

    @BeforeEach
    void setUp() {
        sys = new FakeSystem(tmp);
    }

    private Optional<ResourceUsage> read(Path dir) {
        return sys.reader(DaemonTarget.cgroup(dir)).read();
    }

    @Test
    void aV2DirectoryGivesMemoryWorkingSetAndCpu() {
        long current = 42_000_000;
        long inactive = 2_000_000;
        long usec = 777;
        Path dir = sys.v2("/kmesh.slice", current, inactive, usec);

        ResourceUsage u = read(dir).orElseThrow();

        assertEquals("cgroup " + dir, u.target());
        assertEquals(new Bytes(current, Basis.CGROUP_V2, "cgroup v2 " + dir.resolve("memory.current")), u.memoryUsage().orElseThrow());
        assertEquals(current - inactive, u.workingSetBytes().getAsLong());
        assertEquals(Duration.ofNanos(usec * 1000), u.cpuTime().orElseThrow().time());
    }

    @Test
    void theV2RootHasCpuButNoMemoryFiles() {
        ResourceUsage u = read(sys.v2Root).orElseThrow();

        assertEquals(Optional.empty(), u.memoryUsage());
        assertEquals(Duration.ofNanos(FakeSystem.ROOT_VALUE * 1000), u.cpuTime().orElseThrow().time());
    }

    @Test
    void aV1MemoryDirectoryTakesCpuFromTheSamePathInTheCpuacctHierarchy() {
        long usage = 5_000_000;
        long nanos = 8_000_000_000L;
        Path memory = sys.v1Memory("/docker/abc", usage, 1_000_000);
        Path cpu = sys.v1Cpu("/docker/abc", nanos);

        ResourceUsage u = read(memory).orElseThrow();

        assertEquals(usage, u.memoryUsageBytes().getAsLong());
        assertEquals(usage - 1_000_000, u.workingSetBytes().getAsLong());
        assertEquals(new CpuTime(Duration.ofNanos(nanos), Basis.CGROUP_V1, "cgroup v1 " + cpu.resolve("cpuacct.usage")), u.cpuTime().orElseThrow());
        ResourceUsage sameByCpuacct = read(cpu).orElseThrow();
        assertEquals(u.memoryUsage(), sameByCpuacct.memoryUsage());
        assertEquals(u.workingSet(), sameByCpuacct.workingSet());
        assertEquals(u.cpuTime(), sameByCpuacct.cpuTime());
    }

    @Test
    void aV1DirectoryWithoutACounterpartGivesOnlyItsOwnResource() {
        long usage = 5_000_000;
        Path memory = sys.v1Memory("/only-memory", usage, 0);

        ResourceUsage u = read(memory).orElseThrow();

        assertEquals(usage, u.memoryUsageBytes().getAsLong());
        assertEquals(Optional.empty(), u.cpuTime());
    }

    @Test
    void aDirectoryReachedThroughASymlinkFindsItsCounterpart() throws IOException {
        long nanos = 1_000;
        sys.v1Cpu("/svc", nanos);
        sys.v1Memory("/svc", 4096, 0);
        Path link = Files.createSymbolicLink(tmp.resolve("cgroup/cpuacct"), sys.cpuRoot.getFileName());

        ResourceUsage u = read(link.resolve("svc")).orElseThrow();

        assertEquals(4096, u.memoryUsageBytes().getAsLong());
        assertEquals(Duration.ofNanos(nanos), u.cpuTime().orElseThrow().time());
    }

    @Test
    void aCgroupThatDoesNotExistYetIsAbsentUntilItIsCreatedAndAfterItIsRemoved() {
        Path dir = sys.v2Root.resolve("later");
        DaemonUsageReader reader = sys.reader(DaemonTarget.cgroup(dir));
        assertEquals(Optional.empty(), reader.read());

        sys.v2("/later", 1L << 20, 0, 10);
        assertEquals(1L << 20, reader.read().orElseThrow().memoryUsageBytes().getAsLong());

        FakeSystem.deleteTree(dir);
        assertEquals(Optional.empty(), reader.read());
    }

    @Test
    void aDirectoryThatIsNoCgroupIsAbsentAndSaysSo() {
        Path plain = FakeSystem.mkdirs(tmp.resolve("plain"));

        Reading r = sys.reader(DaemonTarget.cgroup(plain)).reading();

        assertEquals(Optional.empty(), r.usage());
        assertTrue(r.problem().orElseThrow().startsWith("cgroup " + plain + " is no cgroup this reads"), r.toString());
    }

    @Test
    void aMissingCgroupSaysItDoesNotExistYet() {
        Path later = sys.v2Root.resolve("kmesh.slice");

        assertEquals(Reading.problem("cgroup " + later + " does not exist (yet)"),
                sys.reader(DaemonTarget.cgroup(later)).reading());
    }

    /** Hybrid host: the v2 cgroup has no memory controller, so memory comes from its processes' v1 memory cgroup. */
    @Test
    void aV2CgroupWithoutMemoryTakesTheV1MemoryCgroupThatHoldsExactlyItsProcesses() {
        long usec = 5_000;
        long usage = 64_000_000;
        Path v2 = sys.v2("/system.slice/kmesh.service", null, 0, usec);
        sys.v2("/system.slice/kmesh.service/helpers", null, 0, 1);
        Path memory = sys.v1Memory("/system.slice/kmesh.service", usage, 4_000_000);
        sys.write(Process.of(40, "kmesh-daemon", 1).cgroups("0::/system.slice/kmesh.service\n4:memory:/system.slice/kmesh.service\n"));
        sys.write(Process.of(41, "mdacore", 2).cgroups("0::/system.slice/kmesh.service/helpers\n4:memory:/system.slice/kmesh.service\n"));

        ResourceUsage u = read(v2).orElseThrow();

        assertEquals(new Bytes(usage, Basis.CGROUP_V1, "cgroup v1 " + memory.resolve("memory.usage_in_bytes")),
                u.memoryUsage().orElseThrow());
        assertEquals(usage - 4_000_000, u.workingSetBytes().getAsLong());
        assertEquals(new CpuTime(Duration.ofNanos(usec * 1000), Basis.CGROUP_V2, "cgroup v2 " + v2.resolve("cpu.stat")
                + " usage_usec"), u.cpuTime().orElseThrow());
        assertEquals(List.of(), u.notes());
    }

    @Test
    void aV2CgroupWithoutMemorySaysWhyWhenNoV1CgroupCanStandIn() {
        Path v2 = sys.v2("/k", null, 0, 5_000);
        String lacks = "memory: cgroup v2 " + v2 + " has no memory.current (its parent does not enable the memory controller)";
        assertMemoryNote(v2, lacks + " and it holds no process whose v1 memory cgroup could stand in");

        sys.v1Memory("/shared", 1, 0);
        sys.write(Process.of(40, "kmesh-daemon", 1).cgroups("0::/k\n4:memory:/shared\n"));
        sys.write(Process.of(50, "bash", 1).cgroups("0::/\n4:memory:/shared\n"));
        assertMemoryNote(v2, lacks + " and the v1 memory cgroup of its processes, " + sys.memoryRoot.resolve("shared")
                + ", also holds processes outside it");

        sys.v1Memory("/other", 1, 0);
        sys.write(Process.of(41, "helper", 1).cgroups("0::/k\n4:memory:/other\n"));
        assertMemoryNote(v2, lacks + " and its processes are in more than one v1 memory cgroup");

        sys.exit(41);
        sys.write(Process.of(40, "kmesh-daemon", 1).cgroups("0::/k\n4:memory:/\n"));
        assertMemoryNote(v2, lacks + " and its processes are in the v1 memory root, the whole machine");

        sys.write(Process.of(40, "kmesh-daemon", 1).cgroups("0::/k\n4:memory:/elsewhere\n"));
        assertMemoryNote(v2, lacks + " and the v1 memory cgroup of its processes, /elsewhere, has no "
                + "memory.usage_in_bytes under " + sys.memoryRoot);

        FakeSystem.write(v2.resolve("cgroup.procs"), "garbage\n");
        assertMemoryNote(v2, lacks + " and its processes cannot be listed to find their v1 memory cgroup");

        sys.mounts("cgroup2 " + sys.v2Root + " cgroup2 rw 0 0\n");
        assertMemoryNote(v2, lacks + " and no v1 memory hierarchy is mounted");
    }

    private void assertMemoryNote(Path v2, String note) {
        ResourceUsage u = read(v2).orElseThrow();
        assertEquals(Optional.empty(), u.memoryUsage(), u.toString());
        assertEquals(5e-3, u.cpuSeconds().getAsDouble(), 1e-12);
        assertEquals(List.of(note), u.notes());
    }

    @Test
    void aV1DirectoryWithoutACounterpartSaysSo() {
        Path memory = sys.v1Memory("/only-memory", 5, 0);

        assertEquals(List.of("cpu: no cgroup at the path of " + memory + " in a v1 cpuacct hierarchy"),
                read(memory).orElseThrow().notes());
    }
}
