package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over plain directories standing in for a cgroup tree: {@code cgroup.procs} with a pid is a cgroup
 * that holds a process (a cgroupfs refuses rmdir then, and so does a directory with a file in it).
 */
class StaleCgroupsTest {
    private static final Instant LATER = Instant.now().plus(StaleCgroups.GRACE).plusSeconds(60);

    private static Path inUse(Path dir, String name) throws Exception {
        Path p = Files.createDirectory(dir.resolve(name));
        Files.writeString(p.resolve("cgroup.procs"), "4711\n");
        return p;
    }

    @Test
    void emptyDemoCgroupsPastTheGraceAreRemovedWhateverTheirPid(@TempDir Path dir) throws Exception {
        Path pidOne = Files.createDirectory(dir.resolve("kmesh-perf-demo-1"));
        Path thisPid = Files.createDirectory(dir.resolve("kmesh-perf-demo-" + ProcessHandle.current().pid()));
        Path suffixed = Files.createDirectory(dir.resolve("kmesh-perf-demo-1-2"));
        Path used = inUse(dir, "kmesh-perf-demo-103");
        Path notOurs = Files.createDirectory(dir.resolve("kmesh-perf-test-104"));
        Path notAPid = Files.createDirectory(dir.resolve("kmesh-perf-demo-x"));
        Path aFile = Files.createFile(dir.resolve("kmesh-perf-demo-105"));

        List<Path> removed = StaleCgroups.remove(dir, LATER);

        assertEquals(Set.of(pidOne, thisPid, suffixed), Set.copyOf(removed));
        for (Path kept : Set.of(used, notOurs, notAPid, aFile)) {
            assertTrue(Files.exists(kept), kept + " is kept");
        }
    }

    @Test
    void aCgroupMadeWithinTheGraceIsKeptForTheDemoAboutToMoveIntoIt(@TempDir Path dir) throws Exception {
        Path fresh = Files.createDirectory(dir.resolve("kmesh-perf-demo-7"));
        assertEquals(List.of(), StaleCgroups.remove(dir, Instant.now()));
        assertTrue(Files.exists(fresh));
    }

    @Test
    void aDirectoryThatCannotBeListedRemovesNothing(@TempDir Path dir) {
        assertEquals(List.of(), StaleCgroups.remove(dir.resolve("absent"), LATER));
    }

    @Test
    void theNameIsTheDemosPidAndAnEmptyCgroupOfThatNameIsTakenOverAtOnce(@TempDir Path dir) throws Exception {
        assertEquals("kmesh-perf-demo-1", StaleCgroups.nameFor(dir, 1));
        // Left by the last demo that was pid 1 of its namespace, a moment ago.
        Path left = Files.createDirectory(dir.resolve("kmesh-perf-demo-1"));
        assertEquals("kmesh-perf-demo-1", StaleCgroups.nameFor(dir, 1));
        assertFalse(Files.exists(left), "removed, so that the demo can make it anew");
    }

    @Test
    void aRunningDemoWithTheSamePidKeepsItsCgroupAndTheNewOneGetsASuffix(@TempDir Path dir) throws Exception {
        Path running = inUse(dir, "kmesh-perf-demo-1");
        assertEquals("kmesh-perf-demo-1-2", StaleCgroups.nameFor(dir, 1));
        inUse(dir, "kmesh-perf-demo-1-2");
        assertEquals("kmesh-perf-demo-1-3", StaleCgroups.nameFor(dir, 1));
        assertTrue(Files.exists(running));
    }

    @Test
    void cgroupEventsDecideWhetherACgroupV2HoldsAProcess(@TempDir Path dir) throws Exception {
        Path v2 = Files.createDirectory(dir.resolve("a"));
        Files.writeString(v2.resolve("cgroup.procs"), ""); // a parent's procs can be empty while a child holds one
        Files.writeString(v2.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
        assertTrue(StaleCgroups.populated(v2));
        Files.writeString(v2.resolve("cgroup.events"), "populated 0\nfrozen 0\n");
        assertFalse(StaleCgroups.populated(v2));
    }
}
