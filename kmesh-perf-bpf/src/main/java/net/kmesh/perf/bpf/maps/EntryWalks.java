package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.OptionalLong;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfDirect;

/**
 * Counting the entries of a map from user space, for kernels or map types without an element
 * counter: by batch lookup (a few system calls, but every key and value is copied out) or by
 * walking the keys (one system call per entry). Both are approximate while the map changes, and
 * never exceed the map's capacity.
 */
final class EntryWalks {
    /** Keys and values copied per batch call, at most. */
    static final long BATCH_BYTES = 1 << 20;
    /** The kernel's limit on one batch is the map's size; this one bounds memory for huge values. */
    private static final int MAX_BATCH_COUNT = 1 << 16;

    private EntryWalks() {
    }

    /**
     * Counts by {@code BPF_MAP_LOOKUP_BATCH}: keys and values are fetched in batches and thrown away.
     *
     * @param valueBytes bytes of one value as user space sees it (for per-CPU maps, rounded up to 8
     *                   and times the possible CPUs)
     * @return the count; empty when the map type has no batch lookup (Linux 5.6, hash and array maps)
     */
    static OptionalLong batch(Libbpf libbpf, int fd, int keySize, long valueBytes, long maxEntries, Scratch scratch) {
        long perEntry = Math.max(1, keySize + valueBytes);
        int count = (int) Math.max(1, Math.min(Math.min(maxEntries, MAX_BATCH_COUNT), BATCH_BYTES / perEntry));
        return batch(libbpf, fd, keySize, valueBytes, maxEntries, scratch, count);
    }

    /** {@link #batch(Libbpf, int, int, long, long, Scratch)} starting with batches of {@code count} entries. */
    static OptionalLong batch(Libbpf libbpf, int fd, int keySize, long valueBytes, long maxEntries, Scratch scratch,
                              int count) {
        int tokenSize = Math.max(8, (keySize + 7) & ~7);
        long perEntry = Math.max(1, keySize + valueBytes);
        IntByReference returned = new IntByReference();
        long total = 0;
        boolean first = true;
        while (true) {
            Memory m = scratch.atLeast(tokenSize + count * perEntry);
            // One token buffer serves as in and out: the kernel reads in_batch before writing out_batch.
            Pointer token = m.share(0, tokenSize);
            Pointer keys = m.share(tokenSize);
            Pointer values = m.share(tokenSize + (long) count * keySize);
            returned.setValue(count);
            int ret = libbpf.bpf_map_lookup_batch(fd, first ? null : token, token, keys, values, returned, null);
            int errno = ret < 0 ? -ret : 0;
            if (errno == 0 || errno == Errno.ENOENT) {
                long got = Integer.toUnsignedLong(returned.getValue());
                total += got;
                first = false;
                if (errno == Errno.ENOENT || got == 0) {
                    return OptionalLong.of(Math.min(total, maxEntries));
                }
            } else if (errno == Errno.ENOSPC || errno == Errno.E2BIG) {
                // A hash bucket holds more entries than fit: nothing was returned, retry with room for it.
                if (count >= MAX_BATCH_COUNT * 16) {
                    throw Errno.failure("batch lookup needs more than " + count + " entries at once", errno);
                }
                count *= 2;
            } else if (first && (errno == Errno.EINVAL || errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP)) {
                return OptionalLong.empty();
            } else {
                throw Errno.failure("batch lookup", errno);
            }
        }
    }

    /**
     * Counts the non-empty slots of a program array or an array of maps: each slot is looked up,
     * an empty one answers ENOENT, a filled one the id of its program or inner map.
     */
    static long slots(int fd, long maxEntries, Scratch scratch) {
        Memory m = scratch.atLeast(16);
        Pointer key = m.share(0, 4);
        Pointer value = m.share(8, 8);
        long count = 0;
        for (long slot = 0; slot < maxEntries; slot++) {
            key.setInt(0, (int) slot);
            int ret = LibbpfDirect.bpf_map_lookup_elem(fd, key, value);
            if (ret == 0) {
                count++;
            } else if (-ret != Errno.ENOENT) {
                throw Errno.failure("looking up slot " + slot, -ret);
            }
        }
        return count;
    }

    /** Counts by {@code BPF_MAP_GET_NEXT_KEY}, one call per key, stopping at {@code maxEntries}. */
    static long keyWalk(int fd, int keySize, long maxEntries, Scratch scratch) {
        Memory m = scratch.atLeast(2L * Math.max(1, keySize));
        Pointer key = m.share(0, keySize);
        Pointer next = m.share(keySize, keySize);
        int ret = LibbpfDirect.bpf_map_get_next_key(fd, null, key);
        long count = 0;
        while (ret == 0) {
            count++;
            if (count >= maxEntries) {
                // Deleting keys during the walk restarts it: a bound keeps a busy map from looping.
                return maxEntries;
            }
            ret = LibbpfDirect.bpf_map_get_next_key(fd, key, next);
            Pointer t = key;
            key = next;
            next = t;
        }
        if (-ret != Errno.ENOENT) {
            throw Errno.failure("walking the keys", -ret);
        }
        return count;
    }
}
