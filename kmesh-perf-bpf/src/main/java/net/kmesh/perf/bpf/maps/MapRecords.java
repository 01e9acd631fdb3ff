package net.kmesh.perf.bpf.maps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the output of the map iterator: a run of 72-byte {@code struct kp_map_record}
 * in host byte order (layout fixed by {@code bpf/maps/kmesh_perf_maps.h}; {@code MapRecordLayoutTest}
 * checks the offsets here against its BTF):
 *
 * <pre>
 *  0 u32 id    4 u32 type   8 u32 key_size  12 u32 value_size  16 u32 max_entries  20 u32 map_flags
 * 24 u32 flags (1 kfunc, 2 counter, 4 refcnt)  28 u32 pad  32 s64 entries  40 char name[16]  56 s64 refcnt
 * 64 s64 usercnt
 * </pre>
 */
final class MapRecords {
    /** Bytes per record. */
    static final int SIZE = 72;
    static final int ID = 0;
    static final int TYPE = 4;
    static final int KEY_SIZE = 8;
    static final int VALUE_SIZE = 12;
    static final int MAX_ENTRIES = 16;
    static final int MAP_FLAGS = 20;
    static final int FLAGS = 24;
    static final int FLAG_KFUNC = 1;
    static final int FLAG_COUNTER = 2;
    static final int FLAG_REFCNT = 4;
    static final int ENTRIES = 32;
    static final int NAME = 40;
    static final int NAME_LENGTH = 16;
    static final int REFCNT = 56;
    static final int USERCNT = 64;

    private MapRecords() {
    }

    /**
     * Decodes every record from {@code output}'s position to its limit.
     *
     * @throws IllegalArgumentException when that is not a whole number of records
     */
    static List<MapRecord> decode(ByteBuffer output) {
        ByteBuffer b = output.slice().order(ByteOrder.nativeOrder());
        if (b.remaining() % SIZE != 0) {
            throw new IllegalArgumentException("map iterator output of " + b.remaining()
                    + " bytes is not a whole number of " + SIZE + "-byte records");
        }
        List<MapRecord> records = new ArrayList<>(b.remaining() / SIZE);
        byte[] name = new byte[NAME_LENGTH];
        for (int at = 0; at < b.limit(); at += SIZE) {
            int flags = b.getInt(at + FLAGS);
            boolean kfunc = (flags & FLAG_KFUNC) != 0;
            boolean counter = (flags & FLAG_COUNTER) != 0;
            b.get(at + NAME, name);
            int end = 0;
            while (end < NAME_LENGTH && name[end] != 0) {
                end++;
            }
            records.add(new MapRecord(b.getInt(at + ID), b.getInt(at + TYPE),
                    new String(name, 0, end, StandardCharsets.UTF_8), b.getInt(at + KEY_SIZE), b.getInt(at + VALUE_SIZE),
                    Integer.toUnsignedLong(b.getInt(at + MAX_ENTRIES)), b.getInt(at + MAP_FLAGS),
                    kfunc, counter, kfunc && counter ? b.getLong(at + ENTRIES) : -1,
                    (flags & FLAG_REFCNT) != 0 ? b.getLong(at + REFCNT) : -1,
                    (flags & FLAG_REFCNT) != 0 ? b.getLong(at + USERCNT) : -1));
        }
        return records;
    }
}
