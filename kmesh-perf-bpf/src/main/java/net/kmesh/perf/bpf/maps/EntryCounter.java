package net.kmesh.perf.bpf.maps;

import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import net.kmesh.perf.BpfMapType;
import net.kmesh.perf.BpfMapType.EntryCount;
import net.kmesh.perf.MapStats.CountMethod;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * Counts the entries of one map by the cheapest way that works for it: the kernel's own count from
 * the map iterator (the hash family, Linux 6.6), a batch lookup, a key walk, slot lookups for
 * program arrays and arrays of maps, a ring buffer's pending bytes; arrays hold {@code max_entries}.
 * Not thread-safe: the collector serializes its use.
 */
final class EntryCounter {
    /** A count and how it was made. */
    record Count(CountMethod method, long entries) {
        /** Not counted. */
        static final Count NONE = new Count(CountMethod.UNKNOWN, -1);
    }

    private final LibbpfLoader.Natives natives;
    private final Scratch scratch;
    private final MapCapabilities capabilities;
    private final CountMethod start;
    /** Types whose batch lookup the kernel refused; they are walked instead from then on. */
    private final Set<Integer> noBatch = new HashSet<>();

    /** @param start the first method to try: {@link CountMethod#ITERATOR}, {@link CountMethod#BATCH} or {@link CountMethod#KEY_WALK} */
    EntryCounter(LibbpfLoader.Natives natives, Scratch scratch, MapCapabilities capabilities, CountMethod start) {
        this.natives = natives;
        this.scratch = scratch;
        this.capabilities = capabilities;
        this.start = start;
    }

    /** True when the iterator's pass counted this map, so counting it needs no fd. */
    boolean byIterator(MapRecord rec) {
        return start == CountMethod.ITERATOR && capabilities.elemCountKfunc() && rec.counted();
    }

    /** True when counting a map of this kind needs its fd. */
    static boolean needsFd(EntryCount kind, boolean byIterator) {
        return kind == EntryCount.RING_BYTES || kind == EntryCount.SLOTS || (kind == EntryCount.KEYS && !byIterator);
    }

    /**
     * Counts {@code rec}'s entries.
     *
     * @param fd the map's fd, which may be null when {@link #needsFd} is false
     */
    Count count(EntryCount kind, MapRecord rec, Fd fd, boolean byIterator) {
        long max = rec.maxEntries();
        if (kind == EntryCount.CAPACITY) {
            return new Count(CountMethod.ARRAY_CAPACITY, max);
        } else if (kind == EntryCount.RING_BYTES) {
            return new Count(CountMethod.RING_FILL,
                    RingFill.pendingBytes(natives.libc(), natives.pageSize(), fd.get(), max));
        } else if (byIterator) {
            return new Count(CountMethod.ITERATOR, Math.max(0, Math.min(max, rec.entries())));
        } else if (kind == EntryCount.SLOTS) {
            OptionalLong batched = rec.type() == MapType.ARRAY_OF_MAPS ? batch(rec, fd) : OptionalLong.empty();
            return batched.isPresent() ? new Count(CountMethod.BATCH, batched.getAsLong())
                    : new Count(CountMethod.SLOT_LOOKUP, EntryWalks.slots(fd.get(), max, scratch));
        } else if (kind == EntryCount.NONE) {
            return Count.NONE;
        }
        OptionalLong batched = batch(rec, fd);
        return batched.isPresent() ? new Count(CountMethod.BATCH, batched.getAsLong())
                : new Count(CountMethod.KEY_WALK, EntryWalks.keyWalk(fd.get(), rec.keySize(), max, scratch));
    }

    /** Counted by batch lookup, when that is allowed and works for this type; empty otherwise. */
    private OptionalLong batch(MapRecord rec, Fd fd) {
        if (start == CountMethod.KEY_WALK || !capabilities.batchLookup() || noBatch.contains(rec.type())) {
            return OptionalLong.empty();
        }
        OptionalLong batched = EntryWalks.batch(natives.libbpf(), fd.get(), rec.keySize(), valueBytes(rec),
                rec.maxEntries(), scratch);
        if (batched.isEmpty()) {
            noBatch.add(rec.type());
        }
        return batched;
    }

    private long valueBytes(MapRecord shape) {
        if (BpfMapType.of(shape.type()).map(BpfMapType::perCpu).orElse(false)) {
            return ((shape.valueSize() + 7L) & ~7L) * natives.possibleCpus();
        }
        return shape.valueSize();
    }
}
