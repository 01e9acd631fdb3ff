package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.bpf.sys.Mounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads this machine's real procfs and cgroups. Assertions are on rises and loose lower bounds
 * against independent measurements (the JVM's thread CPU clock, bytes touched), never on speed.
 */
class ThisMachineUsageTest {
    /** Two USER_HZ ticks of truncation in /proc/PID/stat plus a tick of lag in v1 cpuacct. */
    private static final double CPU_SLACK_SECONDS = 0.05;
    private static final int MIB = 1 << 20;
    private static volatile long sink;

    @TempDir
    static Path tmp;

    /** This process read as the library would, and read with no cgroup mounted (the /proc fallback). */
    static Stream<Arguments> selfReaders() throws IOException {
        Path noCgroups = Files.writeString(tmp.resolve("mounts-without-cgroups"), "proc /proc proc rw 0 0\n");
        return Stream.of(
                Arguments.of("as mounted", DaemonUsageReader.of(DaemonTarget.self())),
                Arguments.of("/proc only", new DaemonUsageReader(DaemonTarget.self(), Path.of("/proc"), noCgroups,
                        DaemonUsageReader.USER_HZ)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selfReaders")
    void cpuBurnedByThisThreadShowsInTheCounter(String how, DaemonUsageReader reader) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ResourceUsage before = reader.read().orElseThrow();
        long wallStart = System.nanoTime();

        double burned = burnCpu(threads, Duration.ofMillis(400));

        ResourceUsage after = reader.read().orElseThrow();
        double wall = (System.nanoTime() - wallStart) / 1e9;
        double rise = after.cpuSeconds().getAsDouble() - before.cpuSeconds().getAsDouble();
        String facts = how + ": burned " + burned + " s on this thread, counter rose " + rise + " s, " + after;
        assertTrue(rise >= burned - CPU_SLACK_SECONDS, facts);
        // No process can use more than every CPU for the whole time.
        assertTrue(rise <= wall * Runtime.getRuntime().availableProcessors() + CPU_SLACK_SECONDS, facts);
        if (how.equals("/proc only")) {
            assertTrue(after.cpuTime().orElseThrow().source().startsWith("/proc/" + ProcessHandle.current().pid() + "/stat"), facts);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selfReaders")
    void memoryTouchedByThisProcessShowsInTheGauge(String how, DaemonUsageReader reader) {
        int size = 200 * MIB;
        ResourceUsage before = reader.read().orElseThrow();

        // Off-heap, so that the pages are new to the process whatever the heap did before.
        ByteBuffer block = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i += 4096) {
            block.put(i, (byte) 1);
        }
        ResourceUsage after = reader.read().orElseThrow();
        Reference.reachabilityFence(block);

        long rise = after.memoryUsageBytes().getAsLong() - before.memoryUsageBytes().getAsLong();
        String facts = how + ": touched " + size / MIB + " MiB, usage rose " + rise / MIB + " MiB, " + after;
        assertTrue(rise >= size / 2, facts);
        if (after.workingSet().isPresent() && before.workingSet().isPresent()) {
            long wsRise = after.workingSetBytes().getAsLong() - before.workingSetBytes().getAsLong();
            assertTrue(wsRise >= size / 2, "anonymous memory is in the working set: " + facts);
        }
        if (how.equals("/proc only")) {
            assertTrue(after.memoryUsage().orElseThrow().source().endsWith("/status VmRSS"), facts);
            assertEquals(Optional.empty(), after.workingSet(), facts);
        }
    }

    @Test
    void aNamedDaemonIsFoundOldestFirstAndAgainAfterARestart() throws Exception {
        // A process's name is the file name it was executed by, so a link gives sleep a name of its own.
        String name = "kps" + Long.toHexString(System.nanoTime() & 0xffff_ffffL);
        Path link = Files.createSymbolicLink(tmp.resolve(name), Path.of("/bin/sleep"));
        DaemonUsageReader byName = DaemonUsageReader.of(DaemonTarget.processName(name));
        assertEquals(Optional.empty(), byName.read());

        Process first = new ProcessBuilder(link.toString(), "300").start();
        Process second = null;
        try {
            DaemonUsageReader byPid = DaemonUsageReader.of(DaemonTarget.pid(first.pid()));
            assertEquals("process named " + name + " (pid " + first.pid() + ")",
                    awaitRead(byName, u -> u.target().contains("pid " + first.pid())).target());
            ResourceUsage pinned = byPid.read().orElseThrow();
            assertTrue(pinned.memoryUsageBytes().getAsLong() > 0 && pinned.cpuTime().isPresent(), pinned.toString());

            second = new ProcessBuilder(link.toString(), "300").start();
            long secondPid = second.pid();
            awaitRead(DaemonUsageReader.of(DaemonTarget.pid(secondPid)), u -> true);
            assertTrue(byName.read().orElseThrow().target().contains("pid " + first.pid()), "the oldest stays chosen");

            first.destroy();
            first.waitFor();
            assertEquals(Optional.empty(), byPid.read(), "an exited pid reads as absent");
            assertTrue(awaitRead(byName, u -> true).target().contains("pid " + secondPid), "found again after a restart");

            second.destroy();
            second.waitFor();
            assertEquals(Optional.empty(), byName.read());
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
    }

    /**
     * A busy child in a cgroup v2 made for it: the cgroup's CPU rises with the child's own (as the JDK
     * measures it), and the child, read by pid, is read from that cgroup and not from /proc.
     */
    @Test
    void aProcessInItsOwnV2CgroupIsReadFromIt() throws Exception {
        Path root = Mounts.cgroup2().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(root != null, "no cgroup v2 mounted");
        Path dir = root.resolve("kmesh-perf-test-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot create a cgroup here (needs root): " + e);
        }
        Process child = new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start();
        try {
            Files.writeString(dir.resolve("cgroup.procs"), Long.toString(child.pid()));
            DaemonUsageReader byCgroup = DaemonUsageReader.of(DaemonTarget.cgroup(dir));

            double cgroupBefore = byCgroup.read().orElseThrow().cpuSeconds().getAsDouble();
            Duration childBefore = child.info().totalCpuDuration().orElseThrow();
            Thread.sleep(500);
            Duration childAfter = child.info().totalCpuDuration().orElseThrow();
            ResourceUsage cgroup = byCgroup.read().orElseThrow();

            double childBurned = childAfter.minus(childBefore).toNanos() / 1e9;
            double rise = cgroup.cpuSeconds().getAsDouble() - cgroupBefore;
            String facts = "child burned " + childBurned + " s, its cgroup rose " + rise + " s, " + cgroup;
            assertTrue(childBurned > 0 && rise >= childBurned - CPU_SLACK_SECONDS, facts);
            assertEquals(Files.exists(dir.resolve("memory.current")), cgroup.memoryUsage().isPresent(), facts);

            ResourceUsage byPid = DaemonUsageReader.of(DaemonTarget.pid(child.pid())).read().orElseThrow();
            assertEquals("cgroup v2 " + dir.resolve("cpu.stat") + " usage_usec", byPid.cpuTime().orElseThrow().source(),
                    byPid.toString());
        } finally {
            child.destroyForcibly();
            child.waitFor();
            Files.delete(dir);
        }
    }

    /**
     * The case: {@code --daemon-pid} of a process that shares its cgroups (here with this JVM,
     * its parent) reports the process's RSS and CPU, not its cgroup's.
     */
    @Test
    void aChildSharingThisProcesssCgroupsIsReadFromItsOwnRssAndTimes() throws Exception {
        Process child = new ProcessBuilder("/bin/sleep", "300").start();
        try {
            DaemonUsageReader reader = DaemonUsageReader.of(DaemonTarget.pid(child.pid()));
            awaitRead(reader, u -> true);
            long rssBefore = vmRssBytes(child.pid());
            ResourceUsage u = reader.read().orElseThrow();
            long rssAfter = vmRssBytes(child.pid());

            String facts = "sleep's VmRSS " + rssBefore + ".." + rssAfter + " bytes, this JVM's " + vmRssBytes(
                    ProcessHandle.current().pid()) + ", read " + u;
            assertEquals(ResourceUsage.Basis.PROCESS, u.memoryUsage().orElseThrow().basis(), facts);
            long bytes = u.memoryUsageBytes().getAsLong();
            assertTrue(bytes >= Math.min(rssBefore, rssAfter) && bytes <= Math.max(rssBefore, rssAfter), facts);
            assertTrue(bytes < vmRssBytes(ProcessHandle.current().pid()), facts);
            assertEquals(ResourceUsage.Basis.PROCESS, u.cpuTime().orElseThrow().basis(), facts);
            assertTrue(u.cpuSeconds().getAsDouble() <= child.info().totalCpuDuration().orElseThrow().toNanos() / 1e9
                    + CPU_SLACK_SECONDS, facts);
            assertTrue(u.notes().get(0).startsWith("memory is the process's own VmRSS: "), facts);
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    /**
     * A hybrid host (v1 memory hierarchy beside cgroup v2): a child alone in a v1 memory cgroup made
     * for it is read from that cgroup, and so is a v2 cgroup holding it, whose memory controller is in v1.
     */
    @Test
    void onAHybridHostAV2CgroupTakesMemoryFromItsProcessesV1Cgroup() throws Exception {
        List<Mounts.Mount> mounts = Mounts.all();
        Path v1Root = Mounts.cgroupV1(mounts, "memory").orElse(null);
        Path v2Root = Mounts.cgroup2(mounts).orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(v1Root != null && v2Root != null,
                "not a hybrid host: v1 memory " + v1Root + ", v2 " + v2Root);
        String name = "kmesh-perf-test-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime());
        Path memory = v1Root.resolve(name);
        Path v2 = v2Root.resolve(name);
        try {
            Files.createDirectory(memory);
            Files.createDirectory(v2);
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot create cgroups here (needs root): " + e);
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(v2.resolve("memory.current")),
                "the v2 hierarchy has the memory controller");
        Process child = new ProcessBuilder("/bin/sleep", "300").start();
        try {
            Files.writeString(v2.resolve("cgroup.procs"), Long.toString(child.pid()));
            DaemonUsageReader byCgroup = DaemonUsageReader.of(DaemonTarget.cgroup(v2));
            ResourceUsage shared = byCgroup.read().orElseThrow();
            assertEquals(Optional.empty(), shared.memoryUsage(), shared.toString());
            assertTrue(shared.notes().get(0).startsWith("memory: cgroup v2 " + v2 + " has no memory.current"), shared.toString());

            Files.writeString(memory.resolve("cgroup.procs"), Long.toString(child.pid()));
            ResourceUsage byPid = DaemonUsageReader.of(DaemonTarget.pid(child.pid())).read().orElseThrow();
            ResourceUsage own = byCgroup.read().orElseThrow();

            String usageFile = "cgroup v1 " + memory.resolve("memory.usage_in_bytes");
            assertEquals(usageFile, byPid.memoryUsage().orElseThrow().source(), byPid.toString());
            assertEquals(ResourceUsage.Basis.CGROUP_V1, byPid.memoryUsage().orElseThrow().basis(), byPid.toString());
            assertEquals(usageFile, own.memoryUsage().orElseThrow().source(), own.toString());
            assertEquals(ResourceUsage.Basis.CGROUP_V2, own.cpuTime().orElseThrow().basis(), own.toString());
        } finally {
            child.destroyForcibly();
            child.waitFor();
            removeCgroup(v2);
            removeCgroup(memory);
        }
    }

    /** Removes an emptied cgroup; the kernel may take a moment to let go of an exited process. */
    private static void removeCgroup(Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Files.exists(dir)) {
            try {
                Files.delete(dir);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("cannot remove " + dir, e);
                }
                Thread.sleep(20);
            }
        }
    }

    private static long vmRssBytes(long pid) throws IOException {
        return ProcStatus.rssBytes(Files.readString(Path.of("/proc/" + pid + "/status"))).orElseThrow();
    }

    private static ResourceUsage awaitRead(DaemonUsageReader reader, Predicate<ResourceUsage> done)
            throws InterruptedException {
        // Polls with a generous deadline: a slow machine only makes this wait, never fail early.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Optional<ResourceUsage> u = reader.read();
        while (u.filter(done).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            u = reader.read();
        }
        return u.filter(done).orElseThrow(() -> new AssertionError(reader + " did not read as expected"));
    }

    /** Spins until this thread has used {@code cpu} of CPU time; returns the seconds it used. */
    private static double burnCpu(ThreadMXBean threads, Duration cpu) {
        long start = threads.getCurrentThreadCpuTime();
        long x = 1;
        while (threads.getCurrentThreadCpuTime() - start < cpu.toNanos()) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
        return (threads.getCurrentThreadCpuTime() - start) / 1e9;
    }
}
