package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.ResourceUsage.Bytes;
import net.kmesh.perf.ResourceUsage.CpuTime;
import net.kmesh.perf.bpf.resources.FakeSystem.Process;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pid and self targets on synthetic trees: which source each resource comes from, and when it is absent. */
class ProcessTargetTreeTest {
    private static final long PID = 4711;
    @TempDir
    Path tmp;
    FakeSystem sys;

    @BeforeEach
    void setUp() {
        sys = new FakeSystem(tmp);
    }

    private ResourceUsage read(long pid) {
        return sys.reader(DaemonTarget.pid(pid)).read().orElseThrow();
    }

    @Test
    void aProcessInItsOwnV2CgroupIsReadFromIt() {
        long current = 50_000_000;
        long inactive = 7_000_000;
        long usec = 3_250_001;
        Path dir = sys.v2("/system.slice/kmesh.service", current, inactive, usec);
        sys.write(Process.of(PID, "kmesh-daemon", 100).cgroups("0::/system.slice/kmesh.service\n"));

        ResourceUsage u = read(PID);

        assertEquals(new Bytes(current, Basis.CGROUP_V2, "cgroup v2 " + dir.resolve("memory.current")), u.memoryUsage().orElseThrow());
        assertEquals(current - inactive, u.workingSetBytes().getAsLong());
        assertTrue(u.workingSet().orElseThrow().source().contains("inactive_file"), u.toString());
        assertEquals(new CpuTime(Duration.ofNanos(usec * 1000), Basis.CGROUP_V2, "cgroup v2 " + dir.resolve("cpu.stat") + " usage_usec"),
                u.cpuTime().orElseThrow());
        assertEquals("pid " + PID, u.target());
    }

    @Test
    void aProcessInV1CgroupsIsReadFromTheMemoryAndCpuacctHierarchies() {
        long usage = 80_000_000;
        long totalInactive = 30_000_000;
        long nanos = 12_345_678_901L;
        Path memory = sys.v1Memory("/kubepods/pod1/c1", usage, totalInactive);
        Path cpu = sys.v1Cpu("/kubepods/pod1/c1", nanos);
        sys.write(Process.of(PID, "kmesh-daemon", 100)
                .cgroups("12:pids:/kubepods/pod1/c1\n4:memory:/kubepods/pod1/c1\n3:cpu,cpuacct:/kubepods/pod1/c1\n0::/\n"));

        ResourceUsage u = read(PID);

        assertEquals(new Bytes(usage, Basis.CGROUP_V1, "cgroup v1 " + memory.resolve("memory.usage_in_bytes")), u.memoryUsage().orElseThrow());
        // total_inactive_file (hierarchical), not the decoy inactive_file, as cAdvisor does for v1.
        assertEquals(usage - totalInactive, u.workingSetBytes().getAsLong());
        assertEquals(new CpuTime(Duration.ofNanos(nanos), Basis.CGROUP_V1, "cgroup v1 " + cpu.resolve("cpuacct.usage")), u.cpuTime().orElseThrow());
    }

    @Test
    void inHybridModeMemoryComesFromV1WhenTheV2CgroupHasNoMemoryController() {
        long usage = 64_000_000;
        long usec = 9_000_000;
        Path v2 = sys.v2("/system.slice/kmesh.service", null, 0, usec);
        Path memory = sys.v1Memory("/system.slice/kmesh.service", usage, 1_000);
        sys.write(Process.of(PID, "kmesh-daemon", 100).cgroups(
                "0::/system.slice/kmesh.service\n4:memory:/system.slice/kmesh.service\n3:cpu,cpuacct:/system.slice\n"));

        ResourceUsage u = read(PID);

        assertEquals("cgroup v1 " + memory.resolve("memory.usage_in_bytes"), u.memoryUsage().orElseThrow().source());
        assertEquals(usage, u.memoryUsageBytes().getAsLong());
        assertEquals("cgroup v2 " + v2.resolve("cpu.stat") + " usage_usec", u.cpuTime().orElseThrow().source());
        assertEquals(usec / 1e6, u.cpuSeconds().getAsDouble(), 1e-9);
    }

    @Test
    void aProcessInTheRootCgroupsIsReadFromProcWithTheGivenClockTicks() {
        Process p = sys.write(Process.of(PID, "kmesh-daemon", 100).cpu(1_234, 567).rssKb(20_480));

        ResourceUsage u = read(PID);

        Path dir = sys.proc.resolve(Long.toString(PID));
        assertEquals(new Bytes(p.rssKb() * 1024, Basis.PROCESS, dir.resolve("status") + " VmRSS"), u.memoryUsage().orElseThrow());
        assertEquals(Optional.empty(), u.workingSet(), "/proc gives no working set");
        long ticks = p.utime() + p.stime();
        assertEquals(Duration.ofNanos(ticks * 1_000_000_000L / FakeSystem.HZ), u.cpuTime().orElseThrow().time());
        assertEquals(dir.resolve("stat") + " utime+stime", u.cpuTime().orElseThrow().source());
    }

    @Test
    void eachResourceFallsBackOnItsOwnAsOnAHostWhoseCpuacctCgroupIsTheRoot() {
        long usage = 3_174_400;
        Path memory = sys.v1Memory("/process_api/abc", usage, 28_672);
        Process p = sys.write(Process.of(PID, "java", 100).cgroups("4:memory:/process_api/abc\n2:cpuacct:/\n1:cpu:/\n0::/\n"));

        ResourceUsage u = read(PID);

        assertEquals("cgroup v1 " + memory.resolve("memory.usage_in_bytes"), u.memoryUsage().orElseThrow().source());
        assertEquals(usage - 28_672, u.workingSetBytes().getAsLong());
        assertTrue(u.cpuTime().orElseThrow().source().endsWith("/stat utime+stime"), u.toString());
        assertEquals((p.utime() + p.stime()) / (double) FakeSystem.HZ, u.cpuSeconds().getAsDouble(), 1e-9);
    }

    @Test
    void cgroupsThatCannotBeFoundFallBackToProc() {
        Process p = Process.of(PID, "kmesh-daemon", 100).rssKb(999);
        // A removed cgroup, a path from another cgroup namespace, and one escaping its hierarchy.
        sys.write(p.cgroups("0::/gone (deleted)\n4:memory:/not/here\n3:cpu,cpuacct:/../../proc\n"));
        assertFromProc(read(PID), p);

        sys.write(p.cgroups("0::/x\n4:memory:/x\n3:cpu,cpuacct:/x\n"));
        sys.v2("/x", 1L, 0, 1);
        sys.mounts("proc /proc proc rw 0 0\n");
        assertFromProc(read(PID), p);
    }

    private void assertFromProc(ResourceUsage u, Process p) {
        assertEquals(p.rssKb() * 1024, u.memoryUsageBytes().getAsLong(), u.toString());
        assertEquals((p.utime() + p.stime()) / (double) FakeSystem.HZ, u.cpuSeconds().getAsDouble(), 1e-9);
    }

    @Test
    void aWorkingSetIsZeroWhenInactiveFilePagesExceedUsage() {
        long current = 1_000;
        sys.v2("/k", current, current + 4096, 1);
        sys.write(Process.of(PID, "kmesh-daemon", 100).cgroups("0::/k\n"));

        assertEquals(0, read(PID).workingSetBytes().getAsLong());
    }

    @Test
    void aCgroupValueThatIsNotANumberBelow2pow63IsAbsentAndNotReplacedByProc() {
        Path dir = sys.v2("/k", 1L, 0, 5);
        sys.write(Process.of(PID, "kmesh-daemon", 100).cgroups("0::/k\n"));
        for (String bad : new String[] {"18446744073709551615", "9223372036854775808", "max", "-1", ""}) {
            FakeSystem.write(dir.resolve("memory.current"), bad + "\n");

            ResourceUsage u = read(PID);

            assertEquals(Optional.empty(), u.memoryUsage(), bad);
            assertEquals(Optional.empty(), u.workingSet(), bad);
            assertEquals(5e-6, u.cpuSeconds().getAsDouble(), 1e-12, bad);
        }
    }

    @Test
    void aMemoryStatWithoutInactiveFileLeavesOnlyTheWorkingSetAbsent() {
        long current = 123_456;
        Path dir = sys.v2("/k", current, 0, 5);
        FakeSystem.write(dir.resolve("memory.stat"), "anon 1\nfile 2\n");
        sys.write(Process.of(PID, "kmesh-daemon", 100).cgroups("0::/k\n"));

        ResourceUsage u = read(PID);

        assertEquals(current, u.memoryUsageBytes().getAsLong());
        assertEquals(Optional.empty(), u.workingSet());
    }

    @Test
    void aPidThatExitsReadsAsAbsent() {
        sys.write(Process.of(PID, "kmesh-daemon", 100));
        DaemonUsageReader reader = sys.reader(DaemonTarget.pid(PID));
        assertTrue(reader.read().isPresent());

        sys.exit(PID);

        assertEquals(Optional.empty(), reader.read());
    }

    @Test
    void aPidReusedByAnotherProcessReadsAsAbsent() {
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100));
        DaemonUsageReader reader = sys.reader(DaemonTarget.pid(PID));
        assertTrue(reader.read().isPresent());

        sys.exit(PID);
        sys.write(Process.of(PID, "bash", daemon.startTicks() + 5_000));

        assertEquals(Optional.empty(), reader.read());
    }

    @Test
    void aZombieReadsAsAbsent() {
        sys.write(Process.of(PID, "kmesh-daemon", 100).state('Z'));

        assertEquals(Optional.empty(), sys.reader(DaemonTarget.pid(PID)).read());
    }

    @Test
    void thisProcessIsReadByItsPid() {
        long self = ProcessHandle.current().pid();
        Process p = sys.write(Process.of(self, "java", 7));

        ResourceUsage u = sys.reader(DaemonTarget.self()).read().orElseThrow();

        assertEquals("this process (pid " + self + ")", u.target());
        assertFromProc(u, p);
    }

    @Test
    void nothingReadableIsAbsentNotAnError() {
        assertEquals(Optional.empty(), sys.reader(DaemonTarget.pid(PID)).read());
        DaemonUsageReader nowhere = new DaemonUsageReader(DaemonTarget.self(), tmp.resolve("no-proc"),
                tmp.resolve("no-mounts"), DaemonUsageReader.USER_HZ);
        assertEquals(Optional.empty(), nowhere.read());
    }
}
