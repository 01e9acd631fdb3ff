package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import net.kmesh.perf.DaemonTarget;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.bpf.resources.FakeSystem.Process;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Process-name targets on synthetic trees: exact match, oldest wins, found again after a restart. */
class ProcessNameTreeTest {
    private static final String NAME = "kmesh-daemon";
    @TempDir
    Path tmp;
    FakeSystem sys;
    DaemonUsageReader reader;

    @BeforeEach
    void setUp() {
        sys = new FakeSystem(tmp);
        reader = sys.reader(DaemonTarget.processName(NAME));
    }

    private static String described(long pid) {
        return "process named " + NAME + " (pid " + pid + ")";
    }

    private void assertReads(Process p) {
        ResourceUsage u = reader.read().orElseThrow();
        assertEquals(described(p.pid()), u.target());
        assertEquals(p.rssKb() * 1024, u.memoryUsageBytes().getAsLong());
    }

    @Test
    void theOldestLiveProcessWithExactlyTheNameIsRead() {
        sys.write(Process.of(10, "kmesh-daemon2", 1));
        sys.write(Process.of(11, "kmesh-daemo", 1));
        sys.write(Process.of(12, NAME, 5).state('Z'));
        sys.write(Process.of(30, NAME, 900));
        Process oldest = sys.write(Process.of(40, NAME, 300));
        sys.write(Process.of(50, "bash", 2));

        assertReads(oldest);
    }

    @Test
    void startTimeTiesGoToTheLowerPid() {
        sys.write(Process.of(41, NAME, 300));
        Process lower = sys.write(Process.of(40, NAME, 300));

        assertReads(lower);
    }

    @Test
    void aRestartedDaemonIsFoundAgainAndTheGapReadsAsAbsent() {
        Process first = sys.write(Process.of(100, NAME, 1_000));
        assertReads(first);

        sys.exit(first.pid());
        assertEquals(Optional.empty(), reader.read());

        Process second = sys.write(Process.of(2_000, NAME, 50_000).rssKb(77_777));
        assertReads(second);
    }

    @Test
    void aDaemonThatStartsAfterTheReaderIsFound() {
        assertEquals(Optional.empty(), reader.read());

        Process late = sys.write(Process.of(300, NAME, 1));
        assertReads(late);
    }

    @Test
    void aPidReusedByAnotherProgramIsNotMistakenForTheDaemon() {
        Process daemon = sys.write(Process.of(100, NAME, 1_000));
        Process younger = sys.write(Process.of(200, NAME, 3_000));
        assertReads(daemon);

        sys.exit(daemon.pid());
        sys.write(Process.of(daemon.pid(), "bash", 2_000));
        assertReads(younger);

        // The bash that took the pid execs the daemon: same pid and start time, the name now matches.
        sys.exit(younger.pid());
        Process execed = sys.write(Process.of(daemon.pid(), NAME, 2_000));
        assertReads(execed);
    }

    @Test
    void aNameThatIsNotAsciiMatchesTheKernelsUtf8Bytes() {
        String name = "d\u00e6mon-\u00fc";
        Process p = sys.write(Process.of(77, name, 1));
        sys.write(Process.of(78, "d\u00e6mon-u", 1));

        ResourceUsage u = sys.reader(DaemonTarget.processName(name)).read().orElseThrow();

        assertEquals("process named " + name + " (pid " + p.pid() + ")", u.target());
    }
}
