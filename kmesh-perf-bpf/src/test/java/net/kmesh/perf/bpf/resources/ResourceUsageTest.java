package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.ResourceUsage.Bytes;
import net.kmesh.perf.ResourceUsage.CpuTime;
import org.junit.jupiter.api.Test;

/** Validation of {@link ResourceUsage}: values are non-negative, a working set is part of its usage, notes are copied. */
class ResourceUsageTest {

    private static ResourceUsage usage(Bytes memory, Bytes workingSet) {
        return new ResourceUsage("t", Optional.of(memory), Optional.of(workingSet), Optional.empty(), List.of());
    }

    @Test
    void aWorkingSetLargerThanItsUsageOrOfAnotherBasisIsRefused() {
        Bytes usage = new Bytes(100, Basis.CGROUP_V2, "u");
        assertEquals(100, usage(usage, new Bytes(100, Basis.CGROUP_V2, "w")).workingSetBytes().getAsLong());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> usage(usage, new Bytes(101, Basis.CGROUP_V2, "w")));
        assertTrue(e.getMessage().contains("working set"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> usage(usage, new Bytes(1, Basis.CGROUP_V1, "w")));
    }

    @Test
    void negativeValuesAndMissingPartsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Bytes(-1, Basis.PROCESS, "s"));
        assertThrows(IllegalArgumentException.class, () -> new CpuTime(Duration.ofNanos(-1), Basis.PROCESS, "s"));
        assertThrows(NullPointerException.class, () -> new Bytes(1, null, "s"));
        assertThrows(NullPointerException.class, () -> new CpuTime(Duration.ZERO, null, "s"));
        assertThrows(NullPointerException.class,
                () -> new ResourceUsage("t", Optional.empty(), Optional.empty(), Optional.empty(), null));
    }

    @Test
    void notesAreCopiedSoTheUsageStaysImmutable() {
        List<String> notes = new ArrayList<>(List.of("memory: why"));
        ResourceUsage u = new ResourceUsage("t", Optional.empty(), Optional.empty(), Optional.empty(), notes);
        notes.add("later");

        assertEquals(List.of("memory: why"), u.notes());
        assertThrows(UnsupportedOperationException.class, () -> u.notes().add("x"));
    }

    @Test
    void onlyCgroupBasesAreCgroups() {
        assertTrue(Basis.CGROUP_V2.isCgroup());
        assertTrue(Basis.CGROUP_V1.isCgroup());
        assertFalse(Basis.PROCESS.isCgroup());
    }
}
