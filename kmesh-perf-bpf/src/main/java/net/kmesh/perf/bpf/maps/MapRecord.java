package net.kmesh.perf.bpf.maps;

import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * One map as the map iterator saw it ({@code struct kp_map_record} of {@code bpf/maps/kmesh_perf_maps.h}),
 * or as {@code BPF_OBJ_GET_INFO_BY_FD} describes it (then uncounted, reference count unknown).
 *
 * @param id           the map id
 * @param type         {@code enum bpf_map_type}
 * @param name         up to 15 characters
 * @param keySize      bytes per key
 * @param valueSize    bytes per value
 * @param maxEntries   the capacity, an unsigned 32-bit value
 * @param mapFlags     {@code map_flags}
 * @param kfunc        the kernel has {@code bpf_map_sum_elem_count}
 * @param counter      the map keeps an element counter
 * @param entries      the counter's sum, which may stray outside 0..maxEntries while CPUs update it;
 *                     -1 unless both {@code kfunc} and {@code counter}
 * @param refcnt       the map's reference count during the walk, which holds one reference itself;
 *                     -1 when unknown
 * @param usercnt      its user references (fds and pins); -1 when unknown
 */
record MapRecord(int id, int type, String name, int keySize, int valueSize, long maxEntries, int mapFlags,
                 boolean kfunc, boolean counter, long entries, long refcnt, long usercnt) {

    /** A map described by {@code BPF_OBJ_GET_INFO_BY_FD}: its shape only. */
    static MapRecord shape(int id, int type, String name, int keySize, int valueSize, long maxEntries, int mapFlags) {
        return new MapRecord(id, type, name, keySize, valueSize, maxEntries, mapFlags, false, false, -1, -1, -1);
    }

    /** True when {@link #entries()} comes from the kernel's counter. */
    boolean counted() {
        return kfunc && counter;
    }

    /** True when both describe the same map: ids are not reused before they wrap, but a shape cannot lie. */
    boolean sameMap(MapRecord other) {
        return id == other.id && type == other.type && keySize == other.keySize && valueSize == other.valueSize
                && maxEntries == other.maxEntries && mapFlags == other.mapFlags && name.equals(other.name);
    }

    /** bpftool's name of the type. */
    String typeName() {
        return MapType.name(type);
    }
}
