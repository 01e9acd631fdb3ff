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
    /** No way to count: keys are slots that may be empty, or there are no keys at all. */
    UNCOUNTABLE;

    static final int HASH_OF_MAPS = 13;
    static final int LPM_TRIE = 11;
    static final int STACK_TRACE = 7;
    static final int SOCKHASH = 18;
    static final int CGROUP_STORAGE = 19;
    static final int PERCPU_CGROUP_STORAGE = 21;
    static final int DEVMAP_HASH = 25;
    static final int USER_RINGBUF = 31;

    static MapKind of(int type) {
        return switch (type) {
            case MapType.ARRAY, MapType.PERCPU_ARRAY -> ARRAY;
            case MapType.RINGBUF, USER_RINGBUF -> RING;
            case MapType.HASH, MapType.PERCPU_HASH, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH, HASH_OF_MAPS,
                    LPM_TRIE, STACK_TRACE, SOCKHASH, CGROUP_STORAGE, PERCPU_CGROUP_STORAGE, DEVMAP_HASH -> KEYED;
            default -> UNCOUNTABLE;
        };
    }

    /** True for types whose values user space sees once per possible CPU, each rounded up to 8 bytes. */
    static boolean isPerCpu(int type) {
        return type == MapType.PERCPU_HASH || type == MapType.LRU_PERCPU_HASH || type == MapType.PERCPU_ARRAY
                || type == PERCPU_CGROUP_STORAGE;
    }
}
