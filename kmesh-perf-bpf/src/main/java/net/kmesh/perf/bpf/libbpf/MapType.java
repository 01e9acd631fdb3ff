package net.kmesh.perf.bpf.libbpf;

/** {@code enum bpf_map_type} values with the names bpftool prints. */
public final class MapType {
    public static final int HASH = 1;
    public static final int ARRAY = 2;
    public static final int PROG_ARRAY = 3;
    public static final int PERCPU_HASH = 5;
    public static final int PERCPU_ARRAY = 6;
    public static final int LRU_HASH = 9;
    public static final int LRU_PERCPU_HASH = 10;
    public static final int LPM_TRIE = 11;
    public static final int ARRAY_OF_MAPS = 12;
    public static final int HASH_OF_MAPS = 13;
    public static final int QUEUE = 22;
    public static final int STACK = 23;
    public static final int RINGBUF = 27;
    public static final int BLOOM_FILTER = 30;
    public static final int USER_RINGBUF = 31;

    /** {@code BPF_F_NO_PREALLOC}: a hash map that allocates its elements as they are inserted. */
    public static final int F_NO_PREALLOC = 1;

    private static final String[] NAMES = {
        "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array",
        "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps",
        "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage",
        "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack", "sk_storage", "devmap_hash",
        "struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter", "user_ringbuf",
        "cgrp_storage", "arena",
    };

    private MapType() {
    }

    /** bpftool's name of the type, or "type_N" for one newer than this list. */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type_" + type;
    }
}
