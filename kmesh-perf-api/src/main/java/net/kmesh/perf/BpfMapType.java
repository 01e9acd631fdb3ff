package net.kmesh.perf;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel's eBPF map types ({@code enum bpf_map_type}): for each, its number, the name bpftool
 * prints (this library's {@code map_type} label), the name cilium/ebpf gives it (Kmesh's
 * {@code map_type} label), whether user space sees its values once per CPU, and how its entries
 * can be counted. Types newer than this list are known by number only.
 */
public enum BpfMapType {
    /** {@code BPF_MAP_TYPE_UNSPEC}. */
    UNSPEC(0, "unspec", "UnspecifiedMap", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_HASH}. */
    HASH(1, "hash", "Hash", EntryCount.KEYS),
    /** {@code BPF_MAP_TYPE_ARRAY}. */
    ARRAY(2, "array", "Array", EntryCount.CAPACITY),
    /** {@code BPF_MAP_TYPE_PROG_ARRAY}. */
    PROG_ARRAY(3, "prog_array", "ProgramArray", EntryCount.SLOTS),
    /** {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY}. */
    PERF_EVENT_ARRAY(4, "perf_event_array", "PerfEventArray", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_PERCPU_HASH}. */
    PERCPU_HASH(5, "percpu_hash", "PerCPUHash", EntryCount.KEYS, true),
    /** {@code BPF_MAP_TYPE_PERCPU_ARRAY}. */
    PERCPU_ARRAY(6, "percpu_array", "PerCPUArray", EntryCount.CAPACITY, true),
    /** {@code BPF_MAP_TYPE_STACK_TRACE}. */
    STACK_TRACE(7, "stack_trace", "StackTrace", EntryCount.KEYS),
    /** {@code BPF_MAP_TYPE_CGROUP_ARRAY}. */
    CGROUP_ARRAY(8, "cgroup_array", "CGroupArray", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_LRU_HASH}. */
    LRU_HASH(9, "lru_hash", "LRUHash", EntryCount.KEYS),
    /** {@code BPF_MAP_TYPE_LRU_PERCPU_HASH}. */
    LRU_PERCPU_HASH(10, "lru_percpu_hash", "LRUCPUHash", EntryCount.KEYS, true),
    /** {@code BPF_MAP_TYPE_LPM_TRIE}. */
    LPM_TRIE(11, "lpm_trie", "LPMTrie", EntryCount.KEYS),
    /** {@code BPF_MAP_TYPE_ARRAY_OF_MAPS}. */
    ARRAY_OF_MAPS(12, "array_of_maps", "ArrayOfMaps", EntryCount.SLOTS),
    /** {@code BPF_MAP_TYPE_HASH_OF_MAPS}. */
    HASH_OF_MAPS(13, "hash_of_maps", "HashOfMaps", EntryCount.KEYS),
    /** {@code BPF_MAP_TYPE_DEVMAP}. */
    DEVMAP(14, "devmap", "DevMap", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_SOCKMAP}. */
    SOCKMAP(15, "sockmap", "SockMap", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_CPUMAP}. */
    CPUMAP(16, "cpumap", "CPUMap", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_XSKMAP}. */
    XSKMAP(17, "xskmap", "XSKMap", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_SOCKHASH}. */
    SOCKHASH(18, "sockhash", "SockHash", EntryCount.KEYS),
    /** {@code BPF_MAP_TYPE_CGROUP_STORAGE}. */
    CGROUP_STORAGE(19, "cgroup_storage", "CGroupStorage", EntryCount.KEYS),
    /** {@code BPF_MAP_TYPE_REUSEPORT_SOCKARRAY}. */
    REUSEPORT_SOCKARRAY(20, "reuseport_sockarray", "ReusePortSockArray", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE}. */
    PERCPU_CGROUP_STORAGE(21, "percpu_cgroup_storage", "PerCPUCGroupStorage", EntryCount.KEYS, true),
    /** {@code BPF_MAP_TYPE_QUEUE}. */
    QUEUE(22, "queue", "Queue", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_STACK}. */
    STACK(23, "stack", "Stack", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_SK_STORAGE}. */
    SK_STORAGE(24, "sk_storage", "SkStorage", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_DEVMAP_HASH}. */
    DEVMAP_HASH(25, "devmap_hash", "DevMapHash", EntryCount.KEYS),
    /** {@code BPF_MAP_TYPE_STRUCT_OPS}. */
    STRUCT_OPS(26, "struct_ops", "StructOpsMap", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_RINGBUF}. */
    RINGBUF(27, "ringbuf", "RingBuf", EntryCount.RING_BYTES),
    /** {@code BPF_MAP_TYPE_INODE_STORAGE}. */
    INODE_STORAGE(28, "inode_storage", "InodeStorage", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_TASK_STORAGE}. */
    TASK_STORAGE(29, "task_storage", "TaskStorage", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_BLOOM_FILTER}. */
    BLOOM_FILTER(30, "bloom_filter", "BloomFilter", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_USER_RINGBUF}. */
    USER_RINGBUF(31, "user_ringbuf", "UserRingbuf", EntryCount.RING_BYTES),
    /** {@code BPF_MAP_TYPE_CGRP_STORAGE}. */
    CGRP_STORAGE(32, "cgrp_storage", "CgroupStorage", EntryCount.NONE),
    /** {@code BPF_MAP_TYPE_ARENA}. */
    ARENA(33, "arena", "Arena", EntryCount.NONE);

    /** How the entries of a map of a type can be counted from user space. */
    public enum EntryCount {
        /** Every key exists: entries = max_entries. */
        CAPACITY,
        /** A ring buffer: its fill is the bytes pending. */
        RING_BYTES,
        /** The keys {@code BPF_MAP_GET_NEXT_KEY} returns are exactly the entries (hash maps, tries...). */
        KEYS,
        /**
         * Every key exists but a slot may be empty, and a lookup from user space tells which: program
         * arrays and arrays of maps answer the id of the program or inner map, or ENOENT.
         */
        SLOTS,
        /** No way to count: slots user space cannot look up, or no keys at all. */
        NONE
    }

    private static final BpfMapType[] BY_ID = values();
    private static final Map<String, BpfMapType> BY_BPFTOOL_NAME = new HashMap<>();

    static {
        for (BpfMapType t : BY_ID) {
            BY_BPFTOOL_NAME.put(t.bpftoolName, t);
        }
    }

    private final int id;
    private final String bpftoolName;
    private final String ciliumName;
    private final EntryCount entryCount;
    private final boolean perCpu;

    BpfMapType(int id, String bpftoolName, String ciliumName, EntryCount entryCount) {
        this(id, bpftoolName, ciliumName, entryCount, false);
    }

    BpfMapType(int id, String bpftoolName, String ciliumName, EntryCount entryCount, boolean perCpu) {
        this.id = id;
        this.bpftoolName = bpftoolName;
        this.ciliumName = ciliumName;
        this.entryCount = entryCount;
        this.perCpu = perCpu;
    }

    /**
     * The type with this number, if this list has it.
     *
     * @param id an {@code enum bpf_map_type} value
     * @return the type, empty for a newer one
     */
    public static Optional<BpfMapType> of(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[id]) : Optional.empty();
    }

    /**
     * The type bpftool names so.
     *
     * @param bpftoolName a name as bpftool prints it
     * @return the type, empty for a name not in this list
     */
    public static Optional<BpfMapType> ofBpftoolName(String bpftoolName) {
        return Optional.ofNullable(BY_BPFTOOL_NAME.get(bpftoolName));
    }

    /**
     * bpftool's name of the type with this number, {@code type_N} for one newer than this list.
     *
     * @param id an {@code enum bpf_map_type} value
     * @return the name
     */
    public static String bpftoolName(int id) {
        return of(id).map(BpfMapType::bpftoolName).orElse("type_" + id);
    }

    /**
     * cilium/ebpf's name of a type named as bpftool names it: {@code MapType(N)} for {@code type_N}.
     *
     * @param bpftoolName a name as {@link #bpftoolName(int)} gives it
     * @return the name Kmesh labels the type with
     */
    public static String ciliumName(String bpftoolName) {
        return ofBpftoolName(bpftoolName).map(BpfMapType::ciliumName)
                .orElse(bpftoolName.startsWith("type_") ? "MapType(" + bpftoolName.substring(5) + ")" : bpftoolName);
    }

    /**
     * The kernel's number of the type.
     *
     * @return its {@code enum bpf_map_type} value
     */
    public int id() {
        return id;
    }

    /**
     * The name bpftool prints.
     *
     * @return e.g. {@code percpu_hash}
     */
    public String bpftoolName() {
        return bpftoolName;
    }

    /**
     * The name cilium/ebpf's {@code MapType.String()} gives, as Kmesh labels map types.
     *
     * @return e.g. {@code PerCPUHash}
     */
    public String ciliumName() {
        return ciliumName;
    }

    /**
     * How its entries can be counted.
     *
     * @return the way
     */
    public EntryCount entryCount() {
        return entryCount;
    }

    /**
     * True when user space sees each value once per possible CPU, each rounded up to 8 bytes.
     *
     * @return whether values are per CPU
     */
    public boolean perCpu() {
        return perCpu;
    }
}
