package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.nio.charset.StandardCharsets;

/**
 * The fields of {@code struct bpf_map_info} that kmesh-perf reads.
 *
 * @param id         the map id
 * @param type       {@code enum bpf_map_type}
 * @param name       up to 15 characters
 * @param keySize    bytes per key
 * @param valueSize  bytes per value
 * @param maxEntries the map's capacity (for a ring buffer: its size in bytes)
 * @param flags      {@code map_flags}
 */
public record MapInfo(int id, int type, String name, int keySize, int valueSize, int maxEntries, int flags) {

    // struct bpf_map_info: __u32 type, id, key_size, value_size, max_entries, map_flags; char name[16]; ...
    private static final int INFO_SIZE = 88;
    private static final int NAME_OFFSET = 24;
    private static final int NAME_LENGTH = 16;

    /** Reads the info of the map behind {@code fd}. */
    public static MapInfo of(int fd) {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        try (Memory info = new Memory(INFO_SIZE)) {
            info.clear();
            IntByReference length = new IntByReference(INFO_SIZE);
            Errno.check("reading map info of fd " + fd, n.libbpf().bpf_obj_get_info_by_fd(fd, info, length));
            byte[] rawName = info.getByteArray(NAME_OFFSET, NAME_LENGTH);
            int end = 0;
            while (end < rawName.length && rawName[end] != 0) {
                end++;
            }
            return new MapInfo(info.getInt(4), info.getInt(0), new String(rawName, 0, end, StandardCharsets.UTF_8),
                    info.getInt(8), info.getInt(12), info.getInt(16), info.getInt(20));
        }
    }

    /** bpftool's name of the type. */
    public String typeName() {
        return MapType.name(type);
    }
}
