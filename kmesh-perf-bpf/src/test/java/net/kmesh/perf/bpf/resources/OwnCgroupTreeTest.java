package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.bpf.resources.FakeSystem.Process;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process target reads a cgroup only when the cgroup is its own: every process in it and below it
 * is the process or a descendant. Otherwise its own figures, with a note naming the neighbour.
 */
class OwnCgroupTreeTest {
    private static final long PID = 4711;
    private static final long CURRENT = 50_000_000;
    private static final long USEC = 3_250_001;
    @TempDir
    Path tmp;
    FakeSystem sys;

    @BeforeEach
    void setUp() {
        sys = new FakeSystem(tmp);
    }

    private ResourceUsage read(DaemonUsageReader reader) {
        return reader.read().orElseThrow();
    }

    private static void assertCgroup(Basis basis, ResourceUsage u) {
        assertEquals(basis, u.memoryUsage().orElseThrow().basis(), u.toString());
        assertEquals(basis, u.cpuTime().orElseThrow().basis(), u.toString());
        assertEquals(List.of(), u.notes(), u.toString());
    }

    private static void assertOwnFigures(Process p, ResourceUsage u) {
        assertEquals(new ResourceUsage.Bytes(p.rssKb() * 1024, Basis.PROCESS,
                        u.memoryUsage().orElseThrow().source()), u.memoryUsage().orElseThrow(), u.toString());
        assertTrue(u.memoryUsage().orElseThrow().source().endsWith(p.pid() + "/status VmRSS"), u.toString());
        assertEquals(Basis.PROCESS, u.cpuTime().orElseThrow().basis(), u.toString());
        assertEquals((p.utime() + p.stime()) / (double) FakeSystem.HZ, u.cpuSeconds().getAsDouble(), 1e-9);
        assertTrue(u.workingSet().isEmpty(), "a process has no working set: " + u);
    }

    @Test
    void aProcessAloneInItsV2CgroupGivesTheCgroupsFigures() {
        sys.v2("/kmesh.slice/daemon", CURRENT, 1_000, USEC);
        sys.write(Process.of(PID, "kmesh-daemon", 100).in("/kmesh.slice/daemon"));

        ResourceUsage u = read(sys.reader(DaemonTarget.pid(PID)));

        assertCgroup(Basis.CGROUP_V2, u);
        assertEquals(CURRENT, u.memoryUsageBytes().getAsLong());
    }

    @Test
    void theHelpersAProcessRunsInItsCgroupAndBelowItKeepItItsOwn() {
        sys.v2("/kmesh", CURRENT, 0, USEC);
        sys.v2("/kmesh/helpers", 1L, 0, 1);
        sys.write(Process.of(PID, "kmesh-daemon", 100).in("/kmesh"));
        sys.write(Process.of(PID + 1, "mdacore", 200).parent(PID).in("/kmesh"));
        sys.write(Process.of(PID + 2, "iptables", 300).parent(PID + 1).in("/kmesh/helpers"));

        assertCgroup(Basis.CGROUP_V2, read(sys.reader(DaemonTarget.pid(PID))));
    }

    @Test
    void aNeighbourInTheV2CgroupGivesTheProcesssOwnFigures() {
        Path dir = sys.v2("/system.slice/shared.service", CURRENT, 0, USEC);
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).cgroups("0::/system.slice/shared.service\n"));
        sys.write(Process.of(99, "bash", 50).cgroups("0::/system.slice/shared.service\n"));

        ResourceUsage u = read(sys.reader(DaemonTarget.pid(PID)));

        assertOwnFigures(daemon, u);
        assertEquals(List.of(
                "memory is the process's own VmRSS: v2 cgroup " + dir + " also holds pid 99 (bash), which is not a "
                        + "descendant of pid " + PID,
                "cpu is the process's own utime+stime: v2 cgroup " + dir + " also holds pid 99 (bash), which is not a "
                        + "descendant of pid " + PID), u.notes());
    }

    @Test
    void aNeighbourInACgroupBelowCountsAsTheCountersAreHierarchical() {
        sys.v2("/pod", CURRENT, 0, USEC);
        sys.v2("/pod/sidecar", 1L, 0, 1);
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).in("/pod"));
        sys.write(Process.of(99, "envoy", 50).in("/pod/sidecar"));

        assertOwnFigures(daemon, read(sys.reader(DaemonTarget.pid(PID))));
    }

    @Test
    void aStartScriptThatIsTheDaemonsParentMakesTheCgroupShared() {
        // Kmesh's container runs start_kmesh.sh, which starts kmesh-daemon and polls it with sleep 1.
        sys.v2("/kubepods/pod1/kmesh", CURRENT, 0, USEC);
        sys.write(Process.of(30, "sh", 10).in("/kubepods/pod1/kmesh"));
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).parent(30).in("/kubepods/pod1/kmesh"));

        ResourceUsage u = read(sys.reader(DaemonTarget.processName("kmesh-daemon")));

        assertOwnFigures(daemon, u);
        assertTrue(u.notes().get(0).contains("also holds pid 30 (sh)"), u.notes().toString());
        ResourceUsage container = read(sys.reader(DaemonTarget.cgroup(sys.v2Root.resolve("kubepods/pod1/kmesh"))));
        assertCgroup(Basis.CGROUP_V2, container);
    }

    @Test
    void aMemberTheReaderCannotSeeIsANeighbour() {
        Path dir = sys.v2("/k", CURRENT, 0, USEC);
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).in("/k"));
        FakeSystem.write(dir.resolve("cgroup.procs"), PID + "\n0\n");

        ResourceUsage u = read(sys.reader(DaemonTarget.pid(PID)));

        assertOwnFigures(daemon, u);
        assertTrue(u.notes().get(0).contains("a process outside this pid namespace (pid 0)"), u.notes().toString());
    }

    @Test
    void aListedProcessThatExitedBeforeItWasLookedAtIsNoNeighbour() {
        Path dir = sys.v2("/k", CURRENT, 0, USEC);
        sys.write(Process.of(PID, "kmesh-daemon", 100).in("/k"));
        FakeSystem.write(dir.resolve("cgroup.procs"), PID + "\n5555\n");

        assertCgroup(Basis.CGROUP_V2, read(sys.reader(DaemonTarget.pid(PID))));
    }

    @Test
    void processesThatCannotBeListedGiveTheProcesssOwnFigures() {
        Path dir = sys.v2("/k", CURRENT, 0, USEC);
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).in("/k"));
        for (String procs : new String[] {"4711\nnot-a-pid\n", "-1\n", null}) {
            DaemonUsageReader reader = sys.reader(DaemonTarget.pid(PID));
            if (procs == null) {
                FakeSystem.deleteTree(dir.resolve("cgroup.procs"));
            } else {
                FakeSystem.write(dir.resolve("cgroup.procs"), procs);
            }

            ResourceUsage u = read(reader);

            assertOwnFigures(daemon, u);
            assertTrue(u.notes().get(0).contains("cannot be listed"), u.notes().toString());
        }
    }

    @Test
    void aCgroupThatDoesNotListTheProcessIsNotItsOwn() {
        Path dir = sys.v2("/k", CURRENT, 0, USEC);
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).in("/k"));
        FakeSystem.write(dir.resolve("cgroup.procs"), "");

        assertOwnFigures(daemon, read(sys.reader(DaemonTarget.pid(PID))));
    }

    /** The case: a v1 memory cgroup that holds every process of the host reported 460 MB for a 218 MB daemon. */
    @Test
    void aV1MemoryCgroupSharedWithTheHostGivesTheProcesssRss() {
        long hostWide = 460L << 20;
        Path shared = sys.v1Memory("/user.slice", hostWide, 0);
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).rssKb(218L << 10)
                .cgroups("4:memory:/user.slice\n3:cpu,cpuacct:/\n0::/\n"));
        for (long other = 2; other < 40; other++) {
            sys.write(Process.of(other, "host-" + other, other).cgroups("4:memory:/user.slice\n3:cpu,cpuacct:/\n0::/\n"));
        }

        ResourceUsage u = read(sys.reader(DaemonTarget.pid(PID)));

        assertOwnFigures(daemon, u);
        assertEquals(218L << 20, u.memoryUsageBytes().getAsLong());
        assertEquals("memory is the process's own VmRSS: its v2 cgroup is the root, the whole machine; v1 memory cgroup "
                + shared + " also holds pid 2 (host-2), which is not a descendant of pid " + PID, u.notes().get(0));
        assertEquals("cpu is the process's own utime+stime: its v2 cgroup is the root, the whole machine; its v1 cpuacct "
                + "cgroup is the root, the whole machine", u.notes().get(1));
    }

    @Test
    void memoryAndCpuAreDecidedEachInItsOwnHierarchy() {
        // Hybrid host: v2 has no memory controller; the v1 memory cgroup is shared, the v2 cgroup is not.
        sys.v2("/kmesh.service", null, 0, USEC);
        sys.v1Memory("/shared", 1L << 30, 0);
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).cgroups("0::/kmesh.service\n4:memory:/shared\n"));
        sys.write(Process.of(99, "bash", 50).cgroups("0::/\n4:memory:/shared\n"));

        ResourceUsage u = read(sys.reader(DaemonTarget.pid(PID)));

        assertEquals(Basis.PROCESS, u.memoryUsage().orElseThrow().basis());
        assertEquals(daemon.rssKb() * 1024, u.memoryUsageBytes().getAsLong());
        assertEquals(Basis.CGROUP_V2, u.cpuTime().orElseThrow().basis());
        assertEquals(USEC / 1e6, u.cpuSeconds().getAsDouble(), 1e-9);
        assertEquals(1, u.notes().size(), u.notes().toString());
        assertTrue(u.notes().get(0).contains("has no memory.current (its parent does not enable the memory controller)"),
                u.notes().toString());
    }

    @Test
    void aProcessAloneInItsV1CgroupsGivesTheirFiguresEvenIfTheV2OneIsShared() {
        sys.v2("/shared", null, 0, 1);
        sys.v1Memory("/kmesh", CURRENT, 0);
        sys.v1Cpu("/kmesh", 77_000);
        sys.write(Process.of(PID, "kmesh-daemon", 100).cgroups("0::/shared\n4:memory:/kmesh\n3:cpu,cpuacct:/kmesh\n"));
        sys.write(Process.of(99, "bash", 50).cgroups("0::/shared\n4:memory:/\n3:cpu,cpuacct:/\n"));

        assertCgroup(Basis.CGROUP_V1, read(sys.reader(DaemonTarget.pid(PID))));
    }

    @Test
    void theBasisIsKeptWhileTheProcessStaysSoACounterNeverFalls() {
        sys.v2("/k", CURRENT, 0, USEC);
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).in("/k"));
        DaemonUsageReader reader = sys.reader(DaemonTarget.pid(PID));
        assertCgroup(Basis.CGROUP_V2, read(reader));

        // kubectl exec: a shell joins the container's cgroup; it stays the daemon's cgroup, as cAdvisor's container.
        sys.write(Process.of(99, "sh", 5_000).in("/k"));
        assertCgroup(Basis.CGROUP_V2, read(reader));
        assertEquals(Basis.PROCESS, read(sys.reader(DaemonTarget.pid(PID))).cpuTime().orElseThrow().basis(),
                "a reader that first sees the shell decides otherwise");

        sys.exit(99);
        DaemonUsageReader sharedFirst = sys.reader(DaemonTarget.pid(PID));
        sys.write(Process.of(99, "sh", 5_000).in("/k"));
        assertOwnFigures(daemon, read(sharedFirst));
        sys.exit(99);
        assertOwnFigures(daemon, read(sharedFirst));
    }

    @Test
    void theBasisIsDecidedAgainWhenTheProcessMovesOrIsReplaced() {
        sys.v2("/k", CURRENT, 0, USEC);
        sys.v2("/busy", CURRENT, 0, USEC);
        sys.write(Process.of(99, "bash", 50).in("/busy"));
        Process daemon = sys.write(Process.of(PID, "kmesh-daemon", 100).in("/busy"));
        DaemonUsageReader byName = sys.reader(DaemonTarget.processName("kmesh-daemon"));
        assertOwnFigures(daemon, read(byName));

        sys.write(daemon.in("/k"));
        assertCgroup(Basis.CGROUP_V2, read(byName));

        // Restarted with the same pid (a pid namespace's init) into the busy cgroup: a new process, decided anew.
        sys.exit(PID);
        Process restarted = sys.write(Process.of(PID, "kmesh-daemon", 9_000).in("/busy"));
        assertOwnFigures(restarted, read(byName));
    }

    @Test
    void aChosenCgroupFileThatTurnsToGarbageLeavesTheValueAbsentWithANote() {
        Path dir = sys.v2("/k", CURRENT, 0, USEC);
        sys.write(Process.of(PID, "kmesh-daemon", 100).in("/k"));
        DaemonUsageReader reader = sys.reader(DaemonTarget.pid(PID));
        read(reader);
        FakeSystem.write(dir.resolve("memory.current"), "max\n");

        ResourceUsage u = read(reader);

        assertTrue(u.memoryUsage().isEmpty(), u.toString());
        assertEquals(List.of("memory: " + dir.resolve("memory.current") + " holds no decimal below 2^63"), u.notes());
    }
}
