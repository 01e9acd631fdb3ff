package net.kmesh.perf.bpf.libbpf;

import net.kmesh.perf.BpfMapType;

/**
 * The {@code enum bpf_map_type} numbers this library passes to libbpf and switches on, as constants
 * (each equal to its {@link BpfMapType#id()}, checked by {@code MapTypeTest}); everything else
 * about a type (names, per-CPU values, how to count it) is {@link BpfMapType}'s.
 */
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

    private MapType() {
    }

    /** bpftool's name of the type, or "type_N" for one newer than {@link BpfMapType}. */
    public static String name(int type) {
        return BpfMapType.bpftoolName(type);
    }
}
