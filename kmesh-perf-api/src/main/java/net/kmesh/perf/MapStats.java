package net.kmesh.perf;

import java.util.Objects;

/**
 * Statistics of one eBPF map at one instant: its shape, how full it is and the memory the kernel
 * charges for it. Entries are counted by the cheapest method the kernel allows ({@link CountMethod}).
 *
 * @param id           the map id
 * @param name         the map name, at most 15 characters
 * @param type         the map type as bpftool names it, e.g. {@code hash}, {@code lru_percpu_hash}, {@code ringbuf}
 * @param keySize      bytes per key
 * @param valueSize    bytes per value (per CPU, for per-CPU maps)
 * @param maxEntries   the capacity; for a ring buffer, its size in bytes
 * @param entries      entries held, at most {@code maxEntries}; for a ring buffer, bytes written and not
 *                     yet consumed; -1 when {@code method} is {@link CountMethod#UNKNOWN}
 * @param memlockBytes memory the kernel charges for the map: the {@code memlock} line of its fdinfo,
 *                     which bpftool prints as {@code bytes_memlock}
 * @param method       how {@code entries} was obtained
 */
public record MapStats(int id, String name, String type, int keySize, int valueSize, long maxEntries,
                       long entries, long memlockBytes, CountMethod method) {

    /**
     * Validates the statistics.
     *
     * @param id           the map id, positive
     * @param name         the map name
     * @param type         the map type as bpftool names it
     * @param keySize      bytes per key, 0 or more
     * @param valueSize    bytes per value, 0 or more
     * @param maxEntries   the capacity, 0 or more
     * @param entries      entries held, 0 to {@code maxEntries}; -1 exactly when {@code method} is
     *                     {@link CountMethod#UNKNOWN}
     * @param memlockBytes memory the kernel charges, 0 or more
     * @param method       how {@code entries} was obtained
     * @throws IllegalArgumentException when a value is out of its range
     */
    public MapStats {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(method, "method");
        if (id <= 0) {
            throw new IllegalArgumentException("map id must be positive, got " + id);
        }
        if (keySize < 0 || valueSize < 0 || maxEntries < 0 || memlockBytes < 0) {
            throw new IllegalArgumentException("sizes must not be negative: key " + keySize + ", value " + valueSize
                    + ", max entries " + maxEntries + ", memlock " + memlockBytes);
        }
        if (method == CountMethod.UNKNOWN ? entries != -1 : entries < 0 || entries > maxEntries) {
            throw new IllegalArgumentException("entries must be -1 when uncounted and within 0.." + maxEntries
                    + " otherwise, got " + entries + " by " + method);
        }
    }

    /**
     * True when {@link #entries()} is a count, not -1.
     *
     * @return whether the entries were counted
     */
    public boolean counted() {
        return method != CountMethod.UNKNOWN;
    }

    /**
     * How full the map is: {@code entries / maxEntries}.
     *
     * @return 0 to 1 (for a ring buffer, its fill ratio); NaN when uncounted or the capacity is 0
     */
    public double pressure() {
        return counted() && maxEntries > 0 ? (double) entries / maxEntries : Double.NaN;
    }

    /** How the entries of a map were counted, from the cheapest to "not at all". */
    public enum CountMethod {
        /**
         * Read from the kernel's own per-map counter ({@code bpf_map_sum_elem_count}, Linux 6.6, hash
         * maps) by one pass of a map iterator over every map: the cost does not grow with entries.
         */
        ITERATOR,
        /** Counted from {@code BPF_MAP_LOOKUP_BATCH} answers: a few system calls, but every entry is copied. */
        BATCH,
        /** Counted by walking the keys with {@code BPF_MAP_GET_NEXT_KEY}: one system call per entry. */
        KEY_WALK,
        /** An array always holds {@code max_entries} entries. */
        ARRAY_CAPACITY,
        /** A ring buffer: bytes written and not yet consumed (producer minus consumer position). */
        RING_FILL,
        /**
         * The non-empty slots of a program array or an array of maps, found by looking up every slot
         * from user space (one system call per slot: an empty slot answers ENOENT, a filled one the
         * id of its program or inner map). An array of maps is counted by batch lookup instead
         * ({@link #BATCH}, which skips empty slots) where the kernel offers it.
         */
        SLOT_LOOKUP,
        /** The map type offers no way to count its entries (queues, stacks, storage maps, device and socket maps...). */
        UNKNOWN,
    }
}
