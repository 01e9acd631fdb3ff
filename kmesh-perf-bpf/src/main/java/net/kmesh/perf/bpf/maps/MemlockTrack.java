package net.kmesh.perf.bpf.maps;

/**
 * The memlock figure of one map between scrapes, read from fdinfo only when it cannot be known
 * otherwise.
 *
 * <p>A map whose memlock is fixed at creation is read once. A hash map without preallocation (hash,
 * per-CPU hash, hash of maps with {@code BPF_F_NO_PREALLOC}) charges a fixed part plus the same
 * amount per element: {@code htab_map_mem_usage()} adds {@code elem_size + sizeof(struct llist_node)}
 * per element (and, per-CPU, the per-CPU value and two pointers), every term fixed when the map is
 * created. Its element count comes from the map iterator, which has the kernel's own counter, so
 * memlock = memlock at the last fdinfo read + slope × (entries now − entries then). The slope is
 * learnt from fdinfo, not from kernel structure sizes that differ between versions: two reads at
 * different counts give it, and it is trusted once two such pairs agree (a read raced by an update
 * gives another figure, or none). Until then, and for types not modelled, fdinfo is read whenever
 * the count moved; other moving types are read at every scrape.
 */
final class MemlockTrack {
    private final boolean moves;
    private final boolean linear;
    private long memlock = -1;
    private long entries;
    private long candidate = -1;
    private long slope = -1;

    /**
     * @param moves  the map's memlock moves with its entries ({@link Memlock#followsEntries})
     * @param linear it moves by a fixed amount per element (a hash map without preallocation)
     */
    MemlockTrack(boolean moves, boolean linear) {
        this.moves = moves;
        this.linear = linear;
    }

    /** The tracker for a map of this type and flags. */
    static MemlockTrack of(int type, int mapFlags) {
        return new MemlockTrack(Memlock.followsEntries(type, mapFlags), Memlock.perElement(type, mapFlags));
    }

    /** True while the figure may move from one scrape to the next, so fdinfo may have to be read again. */
    boolean moves() {
        return moves;
    }

    /**
     * The figure for a map now holding {@code entriesNow} entries, without reading fdinfo; -1 when
     * fdinfo must be read.
     *
     * @param entriesNow the kernel's element count of the map now, or -1 when it was not counted by the iterator
     */
    long known(long entriesNow) {
        if (memlock < 0) {
            return -1;
        }
        if (!moves) {
            return memlock;
        }
        if (!linear || entriesNow < 0) {
            return -1;
        }
        if (entriesNow == entries) {
            return memlock;
        }
        return slope < 0 ? -1 : Math.max(0, memlock + slope * (entriesNow - entries));
    }

    /** Records the figure fdinfo gave with {@code entriesNow} entries (-1: not counted by the iterator). */
    void read(long memlockNow, long entriesNow) {
        if (slope > 0 && known(entriesNow) != memlockNow) {
            // The kernel disagrees with the model: learn it again.
            slope = -1;
            candidate = -1;
        } else if (slope < 0 && linear && memlock >= 0 && entries >= 0 && entriesNow >= 0 && entriesNow != entries) {
            long dm = memlockNow - memlock;
            long de = entriesNow - entries;
            long s = dm % de == 0 ? dm / de : -1;
            if (s > 0 && s == candidate) {
                slope = s;
            }
            candidate = s;
        }
        memlock = memlockNow;
        entries = entriesNow;
    }

    /** True when the figure follows the element count by a fixed amount per element. */
    boolean followsCount() {
        return linear;
    }
}
