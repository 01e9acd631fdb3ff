package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.Bytes;
import net.kmesh.perf.ResourceUsage.CpuTime;
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
        assertEquals(new Bytes(current, "cgroup v2 " + dir.resolve("memory.current")), u.memoryUsage().orElseThrow());
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
        assertEquals(new CpuTime(Duration.ofNanos(nanos), "cgroup v1 " + cpu.resolve("cpuacct.usage")), u.cpuTime().orElseThrow());
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
    void aDirectoryThatIsNoCgroupIsAbsent() {
        assertEquals(Optional.empty(), read(FakeSystem.mkdirs(tmp.resolve("plain"))));
    }
}
