package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.bpf.resources.DaemonUsageReader.Reading;
import net.kmesh.perf.bpf.resources.FakeSystem.Process;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that matches nothing is reported, not silent: the reading holds a problem the monitor
 * turns into a note and the daemon feature off, and the reader logs a WARN once per change of state.
 */
class TargetStatusTreeTest {
    private static final String NAME = "kmesh-daemon";
    private static final String SUFFIX_NOT_FOUND = " while it matches nothing";
    @TempDir
    Path tmp;
    FakeSystem sys;
    RecordingLog log;

    @BeforeEach
    void setUp() {
        sys = new FakeSystem(tmp);
        log = new RecordingLog();
    }

    private static Reading readTimes(DaemonUsageReader reader, int times) {
        Reading last = null;
        for (int i = 0; i < times; i++) {
            last = reader.reading();
        }
        return last;
    }

    @Test
    void aNameThatMatchesNothingWarnsOnceThenTheStartedProcessIsRead() {
        DaemonUsageReader reader = sys.reader(DaemonTarget.processName(NAME), log);

        Reading missing = readTimes(reader, 5);

        assertEquals(Reading.problem("no live process is named kmesh-daemon (/proc/PID/comm)"), missing);
        assertEquals(List.of("WARN daemon usage: no live process is named kmesh-daemon (/proc/PID/comm); no CPU or memory "
                + "is reported for process named kmesh-daemon" + SUFFIX_NOT_FOUND), log.take());

        sys.v2("/kmesh", 1L << 20, 0, 10);
        sys.write(Process.of(300, NAME, 1).cgroups("0::/kmesh\n"));
        Reading found = readTimes(reader, 5);

        assertTrue(found.matched(), found.toString());
        assertEquals(1L << 20, found.usage().orElseThrow().memoryUsageBytes().getAsLong());
        assertEquals(List.of("INFO daemon usage: found process named kmesh-daemon (pid 300)"), log.take());

        sys.exit(300);
        readTimes(reader, 3);
        assertEquals(1, log.take().stream().filter(l -> l.startsWith("WARN daemon usage: no live process is named")).count());
    }

    @Test
    void aPidIsMissingThenFoundThenExitedThenReusedEachChangeLoggedOnce() {
        long pid = 4711;
        DaemonUsageReader reader = sys.reader(DaemonTarget.pid(pid), log);

        assertEquals(Reading.problem("no live process has pid 4711"), readTimes(reader, 3));
        Process daemon = sys.write(Process.of(pid, NAME, 100));
        assertTrue(readTimes(reader, 3).matched());
        sys.exit(pid);
        assertEquals(Reading.problem("pid 4711 has exited"), readTimes(reader, 3));
        sys.write(Process.of(pid, "bash", daemon.startTicks() + 1));
        assertEquals(Reading.problem("pid 4711 has exited and its id now belongs to another process"), readTimes(reader, 3));

        List<String> lines = log.take();
        assertEquals(List.of("WARN no live process has pid 4711", "INFO found pid 4711", "INFO notes",
                "WARN pid 4711 has exited", "WARN pid 4711 has exited and its id now belongs to another process"),
                lines.stream().map(TargetStatusTreeTest::shape).toList(), lines.toString());
    }

    /** The level and the words that say which change it is. */
    private static String shape(String line) {
        if (line.startsWith("INFO daemon usage of ")) {
            return "INFO notes";
        }
        String message = line.replace("daemon usage: ", "");
        int cut = message.indexOf(';');
        return cut < 0 ? message : message.substring(0, cut);
    }

    @Test
    void aCgroupThatDoesNotExistYetWarnsOnceThenIsReadWhenItAppears() {
        Path dir = sys.v2Root.resolve("kmesh.slice");
        DaemonUsageReader reader = sys.reader(DaemonTarget.cgroup(dir), log);

        assertEquals(Reading.problem("cgroup " + dir + " does not exist (yet)"), readTimes(reader, 4));
        assertEquals(1, log.take().size());

        sys.v2("/kmesh.slice", 1L << 20, 0, 10);
        assertTrue(readTimes(reader, 4).matched());
        assertEquals(List.of("INFO daemon usage: found cgroup " + dir), log.take());

        FakeSystem.deleteTree(dir);
        assertTrue(readTimes(reader, 4).problem().isPresent());
        assertEquals(1, log.take().size());
    }

    @Test
    void aValueThatIsMissingWarnsOnceWithItsReason() {
        Path dir = sys.v2("/k", null, 0, 10);
        DaemonUsageReader reader = sys.reader(DaemonTarget.cgroup(dir), log);

        ResourceUsage u = readTimes(reader, 4).usage().orElseThrow();

        assertEquals(Optional.empty(), u.memoryUsage());
        assertEquals(List.of("WARN daemon usage of cgroup " + dir + ": " + u.notes().get(0)), log.take());
        assertTrue(u.notes().get(0).startsWith("memory: cgroup v2 " + dir + " has no memory.current"), u.notes().toString());
    }

    @Test
    void aProcessReadOnItsOwnFiguresSaysWhyOnceAtInfo() {
        sys.write(Process.of(4711, NAME, 100));
        DaemonUsageReader reader = sys.reader(DaemonTarget.pid(4711), log);

        ResourceUsage u = readTimes(reader, 4).usage().orElseThrow();

        assertEquals(List.of("INFO daemon usage of pid 4711: " + String.join("; ", u.notes())), log.take());
    }

    @Test
    void nothingReadableIsAProblemNotAnEmptyUsage() {
        sys.write(Process.of(4711, NAME, 100).rssKb(1).cgroups("0::/k\n"));
        Path dir = sys.v2("/k", 1L, 0, 1);
        FakeSystem.write(dir.resolve("memory.current"), "max\n");
        FakeSystem.write(dir.resolve("cpu.stat"), "usage_usec -1\n");

        Reading r = sys.reader(DaemonTarget.pid(4711), log).reading();

        assertEquals(Optional.empty(), r.usage());
        assertTrue(r.problem().orElseThrow().startsWith("no value of pid 4711 could be read: memory: "), r.toString());
    }

    @Test
    void aReadingHoldsAUsageOrAProblemNeverBothNorNeither() {
        ResourceUsage u = new ResourceUsage("t", Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        assertThrows(IllegalArgumentException.class, () -> new Reading(Optional.of(u), Optional.of("x")));
        assertThrows(IllegalArgumentException.class, () -> new Reading(Optional.empty(), Optional.empty()));
        assertEquals(Optional.of("x"), Reading.problem("x").problem());
        assertTrue(Reading.of(u).matched());
    }
}
