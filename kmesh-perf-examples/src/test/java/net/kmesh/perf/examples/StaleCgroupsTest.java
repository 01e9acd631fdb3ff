package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleCgroupsTest {

    @Test
    void onlyTheEmptyCgroupsOfDemosThatNoLongerRunAreRemoved(@TempDir Path dir) throws Exception {
        Path dead = Files.createDirectory(dir.resolve("kmesh-perf-demo-101"));
        Path alive = Files.createDirectory(dir.resolve("kmesh-perf-demo-102"));
        Path inUse = Files.createDirectory(dir.resolve("kmesh-perf-demo-103"));
        Files.writeString(inUse.resolve("cgroup.procs"), "4711"); // a cgroupfs refuses rmdir while in use, so does this
        Path notOurs = Files.createDirectory(dir.resolve("kmesh-perf-test-104"));
        Path notAPid = Files.createDirectory(dir.resolve("kmesh-perf-demo-x"));
        Path aFile = Files.createFile(dir.resolve("kmesh-perf-demo-105"));

        List<Path> removed = StaleCgroups.remove(dir, pid -> pid == 102);

        assertEquals(List.of(dead), removed);
        for (Path kept : Set.of(alive, inUse, notOurs, notAPid, aFile)) {
            assertTrue(Files.exists(kept), kept + " is kept");
        }
    }

    @Test
    void aDirectoryThatCannotBeListedRemovesNothing(@TempDir Path dir) {
        assertEquals(List.of(), StaleCgroups.remove(dir.resolve("absent"), pid -> false));
    }
}
