package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;

class MapKindTest {

    @Test
    void everyTypeHasItsWayOfCounting() {
        for (String name : new String[] {"hash", "percpu_hash", "lru_hash", "lru_percpu_hash", "hash_of_maps",
                "lpm_trie", "stack_trace", "sockhash", "cgroup_storage", "percpu_cgroup_storage", "devmap_hash"}) {
            assertEquals(MapKind.KEYED, MapKind.of(type(name)), name);
        }
        assertEquals(MapKind.ARRAY, MapKind.of(MapType.ARRAY));
        assertEquals(MapKind.ARRAY, MapKind.of(MapType.PERCPU_ARRAY));
        assertEquals(MapKind.RING, MapKind.of(MapType.RINGBUF));
        assertEquals(MapKind.RING, MapKind.of(type("user_ringbuf")));
        // Slots that may be empty, and a lookup from user space tells which.
        assertEquals(MapKind.SLOTS, MapKind.of(type("prog_array")));
        assertEquals(MapKind.SLOTS, MapKind.of(type("array_of_maps")));
        // Slots that user space cannot look up, or no keys at all: nothing to count by.
        for (String name : new String[] {"perf_event_array", "cgroup_array", "devmap",
                "sockmap", "cpumap", "xskmap", "queue", "stack", "sk_storage", "task_storage", "inode_storage",
                "cgrp_storage", "bloom_filter", "struct_ops", "reuseport_sockarray", "arena"}) {
            assertEquals(MapKind.UNCOUNTABLE, MapKind.of(type(name)), name);
        }
        assertEquals(MapKind.UNCOUNTABLE, MapKind.of(1000));
    }

    @Test
    void perCpuTypesAreKnown() {
        assertTrue(MapKind.isPerCpu(MapType.PERCPU_HASH));
        assertTrue(MapKind.isPerCpu(MapType.LRU_PERCPU_HASH));
        assertTrue(MapKind.isPerCpu(MapType.PERCPU_ARRAY));
        assertTrue(MapKind.isPerCpu(type("percpu_cgroup_storage")));
        assertFalse(MapKind.isPerCpu(MapType.HASH));
        assertFalse(MapKind.isPerCpu(MapType.LRU_HASH));
    }

    private static int type(String name) {
        for (int t = 0; t < 64; t++) {
            if (MapType.name(t).equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no map type " + name);
    }
}
