package net.kmesh.perf.examples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.sys.Mounts;
import net.kmesh.perf.bpf.sys.Mounts.Mount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over made-up mount tables: which data-plane paths fail before the monitor opens. */
class SourcePreflightTest {

    private static List<Mount> table(Path bpffs) {
        return Mounts.parse("overlay / overlay rw 0 0\n"
                + "tmpfs " + bpffs.getParent() + " tmpfs rw 0 0\n"
                + "bpf " + bpffs + " bpf rw,relatime,mode=700 0 0\n");
    }

    @Test
    void aPinInABpffsPassesWhetherOrNotItExistsYet(@TempDir Path dir) throws Exception {
        Path bpffs = Files.createDirectory(dir.resolve("bpf")).toRealPath();
        assertDoesNotThrow(() -> SourcePreflight.check(RecordSource.pinned(bpffs.resolve("bpf_kmesh_workload/map/km_perf_info")),
                table(bpffs)), "a data plane that has not pinned yet is waited for");
        assertDoesNotThrow(() -> SourcePreflight.check(RecordSource.pinned(bpffs.resolve("x")).observing(), table(bpffs)));
    }

    @Test
    void aPinOutsideAnyBpffsFailsNamingWhereItIs(@TempDir Path dir) throws Exception {
        Path bpffs = Files.createDirectory(dir.resolve("bpf")).toRealPath();
        Path elsewhere = dir.toRealPath().resolve("not-bpf/km_perf_info");
        DemoException e = assertThrows(DemoException.class,
                () -> SourcePreflight.check(RecordSource.pinned(elsewhere), table(bpffs)));
        assertEquals("--ringbuf-pin " + elsewhere + " is not in a bpffs (" + dir.toRealPath() + " is on tmpfs): BPF objects are pinned in a bpf filesystem, e.g. under /sys/fs/bpf", e.getMessage());
    }

    @Test
    void kmeshsBpffsMustBeABpffsDirectory(@TempDir Path dir) throws Exception {
        Path bpffs = Files.createDirectory(dir.resolve("bpf")).toRealPath();
        assertDoesNotThrow(() -> SourcePreflight.check(RecordSource.kmesh(bpffs), table(bpffs)));
        assertDoesNotThrow(() -> SourcePreflight.check(RecordSource.kmesh(bpffs).observing(), table(bpffs)));
        DemoException notBpf = assertThrows(DemoException.class,
                () -> SourcePreflight.check(RecordSource.kmesh(dir), table(bpffs)));
        assertTrue(notBpf.getMessage().startsWith("--kmesh=" + dir + " is not a bpffs (it is on tmpfs)"),
                notBpf.getMessage());
        assertTrue(notBpf.getMessage().endsWith("mount -t bpf bpf " + dir), notBpf.getMessage());
        DemoException absent = assertThrows(DemoException.class,
                () -> SourcePreflight.check(RecordSource.kmesh(dir.resolve("absent")), table(bpffs)));
        assertTrue(absent.getMessage().startsWith("--kmesh=" + dir.resolve("absent") + " is not a directory"));
    }

    @Test
    void aNameHasNoPathToCheck() {
        assertDoesNotThrow(() -> SourcePreflight.check(RecordSource.named("km_perf_info"), List.of()));
    }

    @Test
    void theLongestMountPointWinsAndTheLastOfTwoAtOnePoint() {
        List<Mount> mounts = Mounts.parse("rootfs / ext4 rw 0 0\nsysfs /sys sysfs rw 0 0\n"
                + "tmpfs /sys/fs/bpf tmpfs rw 0 0\nbpf /sys/fs/bpf bpf rw 0 0\n");
        assertEquals(Optional.of("bpf"), SourcePreflight.filesystemOf(Path.of("/sys/fs/bpf/a/b"), mounts));
        assertEquals(Optional.of("sysfs"), SourcePreflight.filesystemOf(Path.of("/sys/fs/bpffs"), mounts));
        assertEquals(Optional.of("ext4"), SourcePreflight.filesystemOf(Path.of("/tmp"), mounts));
        assertEquals(Optional.empty(), SourcePreflight.filesystemOf(Path.of("/x"), List.of()));
    }
}
