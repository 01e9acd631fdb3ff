package net.kmesh.perf.bpf.maps;

import java.nio.charset.StandardCharsets;
import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * The memlock figure of a map: the {@code memlock} line of its fdinfo, which the kernel computes
 * with {@code bpf_map_memory_usage()} at every read, and which types move it with their entries.
 */
final class Memlock {
    private static final byte[] KEY = "memlock:".getBytes(StandardCharsets.US_ASCII);

    private Memlock() {
    }

    /**
     * True when the memlock of a map of this type and flags can change while it lives, so it must be
     * read again at every scrape; false when it is fixed at creation (checked on Linux 6.18 by
     * {@code MemlockKernelTest}). Hash maps without {@code BPF_F_NO_PREALLOC} (and LRU maps, always
     * preallocated) charge every element up front; without it they charge each element as it is
     * inserted, as tries, socket hashes and device hashes do. Types not named here count as changing.
     */
    static boolean followsEntries(int type, int mapFlags) {
        return switch (type) {
            case MapType.ARRAY, MapType.PERCPU_ARRAY, MapType.PROG_ARRAY, MapType.ARRAY_OF_MAPS, MapType.RINGBUF,
                    MapType.QUEUE, MapType.STACK, MapType.BLOOM_FILTER, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH -> false;
            case MapType.HASH, MapType.PERCPU_HASH, MapType.HASH_OF_MAPS -> (mapFlags & MapType.F_NO_PREALLOC) != 0;
            default -> true;
        };
    }

    /**
     * True when the memlock of a map of this type and flags moves by the same amount for every
     * element: the hash maps that allocate their elements as they are inserted
     * ({@code htab_map_mem_usage()}, checked against fdinfo by {@code MemlockKernelTest}).
     */
    static boolean perElement(int type, int mapFlags) {
        return (type == MapType.HASH || type == MapType.PERCPU_HASH || type == MapType.HASH_OF_MAPS)
                && (mapFlags & MapType.F_NO_PREALLOC) != 0;
    }

    /**
     * The value of the {@code memlock} line in fdinfo text, or -1 when there is none.
     *
     * @param text   fdinfo as the kernel writes it: "key:\tvalue" lines
     * @param length bytes of {@code text} to read
     */
    static long parse(byte[] text, int length) {
        int line = 0;
        while (line < length) {
            if (startsWith(text, line, length)) {
                int at = line + KEY.length;
                while (at < length && (text[at] == ' ' || text[at] == '\t')) {
                    at++;
                }
                long value = 0;
                int digits = 0;
                while (at < length && text[at] >= '0' && text[at] <= '9' && digits < 19) {
                    value = value * 10 + (text[at++] - '0');
                    digits++;
                }
                return digits == 0 ? -1 : value;
            }
            while (line < length && text[line] != '\n') {
                line++;
            }
            line++;
        }
        return -1;
    }

    private static boolean startsWith(byte[] text, int at, int length) {
        if (at + KEY.length > length) {
            return false;
        }
        for (int i = 0; i < KEY.length; i++) {
            if (text[at + i] != KEY[i]) {
                return false;
            }
        }
        return true;
    }
}
