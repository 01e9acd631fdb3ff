package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorsTest {

    @Test
    void theDefaultsAreKmeshMapsAndEveryProgram() {
        assertEquals(new MapSelector.NamePrefix(List.of("km_", "kmesh_")), MapSelector.kmesh());
        assertEquals(new MapSelector.NamePrefix(List.of("")), MapSelector.all());
        MapSelector.PinDirectories pins = (MapSelector.PinDirectories) MapSelector.kmesh(Path.of("/b"));
        assertEquals(List.of(Path.of("/b/bpf_kmesh_workload/map"), Path.of("/b/bpf_kmesh/map")), pins.directories());
        assertEquals(MapSelector.kmesh(), pins.names());
        assertEquals(new ProgramSelector.NamePrefix(""), ProgramSelector.all());
    }

    @Test
    void aPrefixMatchesNamesThatStartWithIt() {
        MapSelector.NamePrefix kmesh = (MapSelector.NamePrefix) MapSelector.kmesh();
        assertTrue(kmesh.matches("kmesh_perf_map"));
        assertTrue(kmesh.matches("km_perf_info"), "Kmesh's renamed maps");
        assertFalse(kmesh.matches("kmesh"));
        assertFalse(kmesh.matches("km"));
        assertFalse(kmesh.matches("other_kmesh_map"));
        assertTrue(((MapSelector.NamePrefix) MapSelector.all()).matches(""));
        assertTrue(((ProgramSelector.NamePrefix) ProgramSelector.namePrefix("cgroup_")).matches("cgroup_connect4"));
        assertFalse(((ProgramSelector.NamePrefix) ProgramSelector.namePrefix("cgroup_")).matches("xdp_shutdown"));
    }

    @Test
    void prefixesThatCouldNeverMatchAreRejected() {
        assertEquals("map name prefix 'kmesh_0123456789' has 16 characters, but BPF names have at most 15, so it "
                + "could never match", message(() -> MapSelector.namePrefix("kmesh_0123456789")));
        assertEquals("map name prefix 'kmesh-' contains '-', but BPF names hold only letters, digits, '_' and '.', "
                + "so it could never match", message(() -> MapSelector.namePrefix("kmesh-")));
        assertEquals("program name prefix 'é' contains 'é', but BPF names hold only letters, digits, '_' and '.', "
                + "so it could never match", message(() -> ProgramSelector.namePrefix("é")));
        assertEquals("map name prefix must not be null (\"\" selects every map)",
                message(() -> MapSelector.namePrefix((String) null)));
        assertEquals("at least one map name prefix must be given (\"\" selects every map)",
                message(() -> MapSelector.namePrefix()));
        assertEquals("at least one pin directory must be given", message(() -> MapSelector.pinnedIn(List.of())));
        MapSelector.namePrefix("a.b_C9");
        MapSelector.namePrefix("kmesh_012345678");
    }

    @Test
    void idsArePositiveAndKeptAscendingWithoutDuplicates() {
        assertEquals(List.of(2, 7, 9), ((MapSelector.Ids) MapSelector.ids(9, 2, 7, 2)).ids());
        assertEquals(List.of(1, 5), ((ProgramSelector.Ids) ProgramSelector.ids(List.of(5, 1))).ids());
        assertEquals("map ids are positive, got 0", message(() -> MapSelector.ids(3, 0)));
        assertEquals("program ids are positive, got -4", message(() -> ProgramSelector.ids(-4)));
        assertEquals("map ids are positive, got null", message(() -> MapSelector.ids(Arrays.asList(1, null))));
        assertEquals("at least one map id must be given", message(MapSelector::ids));
        assertEquals("at least one program id must be given", message(() -> ProgramSelector.ids(List.of())));
    }

    @Test
    void pinPathsAreRequiredAndDeduplicatedInOrder() {
        Path a = Path.of("/sys/fs/bpf/a");
        Path b = Path.of("/sys/fs/bpf/b");
        assertEquals(List.of(b, a), ((MapSelector.Pinned) MapSelector.pinned(b, a, b)).paths());
        assertEquals("at least one pin path must be given", message(MapSelector::pinned));
        assertEquals("pin paths must not be null, got [/sys/fs/bpf/a, null]",
                message(() -> MapSelector.pinned(a, null)));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
