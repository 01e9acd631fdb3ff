package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon reader's files held open between readings, on this machine's procfs and cgroupfs: a
 * held file reads what the kernel makes now, never a process's or cgroup's that is gone, and no fd
 * outlives {@code close()}. Root: a cgroup is made and removed.
 */
@KernelRequired
class HeldFilesKernelTest {
    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void aHeldFileReadsWhatTheKernelMakesNowThroughOneFd() throws Exception {
        Path stat = Path.of("/proc/" + SELF + "/stat");
        try (HeldFiles held = new HeldFiles()) {
            long before = cpuTicks(held.read(stat).orElseThrow());
            assertEquals(1, fdsOn(stat), "held open once read");
            burnCpu(300);
            long after = cpuTicks(held.read(stat).orElseThrow());
            assertTrue(after > before, "utime+stime moved on: " + before + " -> " + after);
            assertEquals(1, fdsOn(stat), "read again through the same fd, none opened beside it");
            assertEquals(1, held.heldCount());
        }
        assertEquals(0, fdsOn(stat), "closed");
    }

    @Test
    void aProcessThatExitedIsNotReadThroughItsHeldFile() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        Path stat = Path.of("/proc/" + child.pid() + "/stat");
        try (HeldFiles held = new HeldFiles()) {
            assertTrue(held.read(stat).orElseThrow().startsWith(child.pid() + " (sleep)"));
            assertEquals(1, held.heldCount());
            child.destroyForcibly().waitFor();
            assertEquals(Optional.empty(), held.read(stat), "the process is gone, and so is what its file said");
            assertEquals(0, held.heldCount(), "its fd closed");
            assertEquals(0, fdsOn(stat));
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /**
     * A cgroup removed and made again at the same path (a pod's container restarted): the file held
     * from the first fails to read (ENODEV), and the path is opened again, so the new cgroup is read.
     */
    @Test
    void aCgroupMadeAgainAtItsPathIsReadAsTheNewOne() throws Exception {
        Path cgroup = cgroup2Root().resolve("kmesh-perf-held-" + SELF);
        Path events = cgroup.resolve("cgroup.events");
        Process child = null;
        try (HeldFiles held = new HeldFiles()) {
            Files.createDirectory(cgroup);
            assertTrue(held.read(events).orElseThrow().contains("populated 0"));
            assertEquals(1, held.heldCount());
            Files.delete(cgroup);
            Files.createDirectory(cgroup);
            child = new ProcessBuilder("sleep", "30").start();
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(child.pid()));
            assertTrue(held.read(events).orElseThrow().contains("populated 1"),
                    "the new cgroup, which holds a process: " + held.read(events));
            assertEquals(1, held.heldCount(), "the new cgroup's file held in place of the old one's");
        } finally {
            if (child != null) {
                child.destroyForcibly().waitFor();
            }
            removeWhenEmpty(cgroup);
        }
    }

    @Test
    void aRegularFileIsOpenedAtEveryReadSinceItMayBeReplaced() throws Exception {
        Path file = dir.resolve("memory.current");
        Files.writeString(file, "100\n");
        try (HeldFiles held = new HeldFiles()) {
            assertEquals(Optional.of("100\n"), held.read(file));
            Path next = dir.resolve("next");
            Files.writeString(next, "200\n");
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertEquals(Optional.of("200\n"), held.read(file), "the file now at the path");
            assertEquals(0, held.heldCount());
        }
    }

    @Test
    void theFileSystemsOfAtMost64PathsAreRememberedAndEachFileStillReads() throws Exception {
        try (HeldFiles held = new HeldFiles()) {
            for (int i = 0; i < 3 * HeldFiles.MAX_KNOWN; i++) {
                Path file = dir.resolve("f" + i);
                Files.writeString(file, i + "\n");
                assertEquals(Optional.of(i + "\n"), held.read(file));
                assertTrue(held.knownCount() <= HeldFiles.MAX_KNOWN, "remembered: " + held.knownCount());
            }
            assertEquals(HeldFiles.MAX_KNOWN, held.knownCount());
            assertEquals(0, held.heldCount(), "regular files are never held");
        }
    }

    @Test
    void atMostEightFilesAreHeldAndCloseReleasesThemAll() throws Exception {
        List<String> names = List.of("stat", "status", "cgroup", "statm", "comm", "cmdline", "io", "limits", "wchan",
                "sched", "oom_score", "personality");
        Path self = Path.of("/proc/" + SELF);
        HeldFiles held = new HeldFiles();
        for (String name : names) {
            assertTrue(held.read(self.resolve(name)).isPresent(), name);
        }
        assertEquals(HeldFiles.MAX_HELD, held.heldCount());
        assertEquals(HeldFiles.MAX_HELD, fdsUnder(self));
        held.close();
        assertEquals(0, fdsUnder(self), "every held fd closed");
        assertTrue(held.read(self.resolve("stat")).isPresent(), "still reads after close");
        assertEquals(0, held.heldCount(), "without holding");
        assertEquals(0, fdsUnder(self));
    }

    @Test
    void theDaemonReaderHoldsItsTargetsFilesUntilClosed() throws Exception {
        Path self = Path.of("/proc/" + SELF);
        DaemonUsageReader reader = DaemonUsageReader.of(DaemonTarget.self());
        try {
            assertTrue(reader.reading().matched());
            assertTrue(reader.reading().matched());
            assertTrue(reader.heldFiles() >= 2, "stat and cgroup at least: " + reader.heldFiles());
            assertEquals(reader.heldFiles(), fdsUnder(self) + fdsUnderCgroups());
        } finally {
            reader.close();
        }
        assertEquals(0, reader.heldFiles());
        assertEquals(0, fdsUnder(self) + fdsUnderCgroups(), "no fd left open by close()");
        assertTrue(reader.reading().matched(), "reads after close, holding nothing");
        assertEquals(0, fdsUnder(self) + fdsUnderCgroups());
    }

    private static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static void burnCpu(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        if (x == 42) {
            System.out.println(x);
        }
    }

    private static long fdsOn(Path file) throws IOException {
        return fds(target -> target.equals(file));
    }

    private static long fdsUnder(Path dir) throws IOException {
        return fds(target -> target.startsWith(dir) && !target.equals(dir.resolve("fd")));
    }

    private static long fdsUnderCgroups() throws IOException {
        return fds(target -> target.startsWith(Path.of("/sys/fs/cgroup")));
    }

    private static long fds(java.util.function.Predicate<Path> where) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.flatMap(fd -> {
                try {
                    return Stream.of(Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    return Stream.empty(); // the fd of this listing, closed meanwhile
                }
            }).filter(where).count();
        }
    }

    private static Path cgroup2Root() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")) {
                return Path.of(f[1]);
            }
        }
        throw new AssertionError("no cgroup2 hierarchy is mounted (/proc/self/mounts); mount one at /sys/fs/cgroup/unified");
    }

    private static void removeWhenEmpty(Path cgroup) throws Exception {
        for (int i = 0; i < 100 && Files.exists(cgroup); i++) {
            try {
                Files.delete(cgroup);
            } catch (IOException e) {
                Thread.sleep(20); // its process is still being reaped
            }
        }
    }
}
