package net.kmesh.perf.bpf.maps;

import net.kmesh.perf.bpf.libbpf.MapType;

/** How the entries of each map type can be counted. */
enum MapKind {
    /** Every key exists: entries = max_entries. */
    ARRAY,
    /** A ring buffer: entries = bytes pending. */
    RING,
    /** The keys returned by BPF_MAP_GET_NEXT_KEY are exactly the entries (hash maps, tries...). */
    KEYED,
    /**
     * Every key exists but a slot may be empty, and a lookup from user space tells which: program
     * arrays and arrays of maps answer the id of the program or inner map, or ENOENT.
     */
    SLOTS,
    /** No way to count: slots that user space cannot look up, or no keys at all. */
    UNCOUNTABLE;

    static final int STACK_TRACE = 7;
    static final int SOCKHASH = 18;
    static final int CGROUP_STORAGE = 19;
    static final int PERCPU_CGROUP_STORAGE = 21;
    static final int DEVMAP_HASH = 25;

    static MapKind of(int type) {
        return switch (type) {
            case MapType.ARRAY, MapType.PERCPU_ARRAY -> ARRAY;
            case MapType.RINGBUF, MapType.USER_RINGBUF -> RING;
            case MapType.HASH, MapType.PERCPU_HASH, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, MapType.HASH_OF_MAPS,
                    MapType.LPM_TRIE, STACK_TRACE, SOCKHASH, CGROUP_STORAGE, PERCPU_CGROUP_STORAGE, DEVMAP_HASH -> KEYED;
            case MapType.PROG_ARRAY, MapType.ARRAY_OF_MAPS -> SLOTS;
            default -> UNCOUNTABLE;
        };
    }

    /** True for types whose values user space sees once per possible CPU, each rounded up to 8 bytes. */
    static boolean isPerCpu(int type) {
        return type == MapType.PERCPU_HASH || type == MapType.LRU_PERCPU_HASH || type == MapType.PERCPU_ARRAY
                || type == PERCPU_CGROUP_STORAGE;
    }
}
