package net.kmesh.perf.bpf.maps;

import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * One map as the map iterator saw it ({@code struct kp_map_record} of {@code bpf/maps/kmesh_perf_maps.h}).
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
 */
record MapRecord(int id, int type, String name, int keySize, int valueSize, long maxEntries, int mapFlags,
                        boolean kfunc, boolean counter, long entries) {

    /** True when {@link #entries()} comes from the kernel's counter. */
    boolean counted() {
        return kfunc && counter;
    }

    /** bpftool's name of the type. */
    String typeName() {
        return MapType.name(type);
    }
}
