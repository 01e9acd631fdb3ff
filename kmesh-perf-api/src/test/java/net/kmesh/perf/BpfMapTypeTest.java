package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import net.kmesh.perf.BpfMapType.EntryCount;
import org.junit.jupiter.api.Test;

class BpfMapTypeTest {

    @Test
    void typesAreInTheKernelsEnumOrderAndFoundByNumberAndName() {
        for (BpfMapType t : BpfMapType.values()) {
            assertEquals(t.ordinal(), t.id(), t.name());
            assertEquals(Optional.of(t), BpfMapType.of(t.id()));
            assertEquals(Optional.of(t), BpfMapType.ofBpftoolName(t.bpftoolName()));
            assertEquals(t.name().toLowerCase(), t.bpftoolName(), "bpftool names types as the kernel's enum does");
        }
        assertEquals("type_40", BpfMapType.bpftoolName(40));
        assertEquals(Optional.empty(), BpfMapType.of(-1));
    }

    @Test
    void ciliumsNamesAreKmeshsLabelsOnePerType() {
        assertEquals("LRUCPUHash", BpfMapType.ciliumName("lru_percpu_hash"));
        assertEquals("ArrayOfMaps", BpfMapType.ciliumName("array_of_maps"));
        assertEquals("MapType(40)", BpfMapType.ciliumName("type_40"));
        Set<String> distinct = new HashSet<>();
        for (BpfMapType t : BpfMapType.values()) {
            assertTrue(distinct.add(t.ciliumName()), t.name());
        }
    }

    @Test
    void everyTypeHasItsWayOfCounting() {
        Set<BpfMapType> keys = EnumSet.of(BpfMapType.HASH, BpfMapType.PERCPU_HASH, BpfMapType.LRU_HASH,
                BpfMapType.LRU_PERCPU_HASH, BpfMapType.HASH_OF_MAPS, BpfMapType.LPM_TRIE, BpfMapType.STACK_TRACE,
                BpfMapType.SOCKHASH, BpfMapType.CGROUP_STORAGE, BpfMapType.PERCPU_CGROUP_STORAGE, BpfMapType.DEVMAP_HASH);
        for (BpfMapType t : BpfMapType.values()) {
            EntryCount expected = keys.contains(t) ? EntryCount.KEYS
                    : t == BpfMapType.ARRAY || t == BpfMapType.PERCPU_ARRAY ? EntryCount.CAPACITY
                    : t == BpfMapType.RINGBUF || t == BpfMapType.USER_RINGBUF ? EntryCount.RING_BYTES
                    // Slots that may be empty, and a lookup from user space tells which.
                    : t == BpfMapType.PROG_ARRAY || t == BpfMapType.ARRAY_OF_MAPS ? EntryCount.SLOTS
                    : EntryCount.NONE;
            assertEquals(expected, t.entryCount(), t.name());
        }
    }

    @Test
    void perCpuTypesAreKnown() {
        Set<BpfMapType> perCpu = EnumSet.of(BpfMapType.PERCPU_HASH, BpfMapType.LRU_PERCPU_HASH,
                BpfMapType.PERCPU_ARRAY, BpfMapType.PERCPU_CGROUP_STORAGE);
        for (BpfMapType t : BpfMapType.values()) {
            assertEquals(perCpu.contains(t), t.perCpu(), t.name());
        }
        assertFalse(BpfMapType.HASH.perCpu());
    }
}
