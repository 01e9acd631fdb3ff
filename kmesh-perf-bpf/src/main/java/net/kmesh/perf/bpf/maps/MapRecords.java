package net.kmesh.perf.bpf.maps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
        byte[] bytes = new byte[b.remaining()];
        b.get(0, bytes);
        return decode(bytes, bytes.length, Pass.NONE).records();
    }

    /**
     * One pass of the iterator: its output and the records decoded from it, in the same order.
     *
     * @param bytes   the output, from 0 to {@code length}
     * @param length  its length in bytes
     * @param records one per {@link #SIZE} bytes
     */
    record Pass(byte[] bytes, int length, List<MapRecord> records) {
        /** No pass yet. */
        static final Pass NONE = new Pass(new byte[0], 0, List.of());
    }

    /**
     * Decodes the pass in {@code bytes[0..length)}, taking from {@code previous} the record of every
     * map whose 72 bytes have not changed, and the name of every map that kept it. Both passes
     * are ascending by id, as the iterator walks the kernel's map ids, so they are compared side
     * by side as byte arrays, without reading the previous records: over thousands of idle maps a
     * pass allocates little more than its list, and leaves the caches to the kernel's map data. A
     * pass out of order only finds fewer to reuse. {@code bytes} is kept by the pass returned.
     *
     * @throws IllegalArgumentException when that is not a whole number of records
     */
    static Pass decode(byte[] bytes, int length, Pass previous) {
        if (length % SIZE != 0) {
            throw new IllegalArgumentException("map iterator output of " + length
                    + " bytes is not a whole number of " + SIZE + "-byte records");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.nativeOrder());
        ByteBuffer old = ByteBuffer.wrap(previous.bytes(), 0, previous.length()).order(ByteOrder.nativeOrder());
        List<MapRecord> before = previous.records();
        List<MapRecord> records = new ArrayList<>(length / SIZE);
        int p = 0;
        for (int at = 0; at < length; at += SIZE) {
            int id = b.getInt(at + ID);
            while (p < previous.length() && Integer.compareUnsigned(old.getInt(p + ID), id) < 0) {
                p += SIZE;
            }
            boolean known = p < previous.length() && old.getInt(p + ID) == id;
            if (known && Arrays.equals(bytes, at, at + SIZE, previous.bytes(), p, p + SIZE)) {
                records.add(before.get(p / SIZE));
                continue;
            }
            String name = known && Arrays.equals(bytes, at + NAME, at + NAME + NAME_LENGTH,
                    previous.bytes(), p + NAME, p + NAME + NAME_LENGTH) ? before.get(p / SIZE).name() : name(bytes, at);
            records.add(record(b, at, name));
        }
        return new Pass(bytes, length, records);
    }

    /** The record at {@code at}, whose name is {@code name}. */
    private static MapRecord record(ByteBuffer b, int at, String name) {
        int flags = b.getInt(at + FLAGS);
        boolean kfunc = (flags & FLAG_KFUNC) != 0;
        boolean counter = (flags & FLAG_COUNTER) != 0;
        boolean refs = (flags & FLAG_REFCNT) != 0;
        return new MapRecord(b.getInt(at + ID), b.getInt(at + TYPE), name, b.getInt(at + KEY_SIZE),
                b.getInt(at + VALUE_SIZE), Integer.toUnsignedLong(b.getInt(at + MAX_ENTRIES)), b.getInt(at + MAP_FLAGS),
                kfunc, counter, kfunc && counter ? b.getLong(at + ENTRIES) : -1, refs ? b.getLong(at + REFCNT) : -1,
                refs ? b.getLong(at + USERCNT) : -1);
    }

    /** The name at record {@code at}: up to its first NUL, or all 16 bytes. */
    private static String name(byte[] bytes, int at) {
        int end = 0;
        while (end < NAME_LENGTH && bytes[at + NAME + end] != 0) {
            end++;
        }
        return new String(bytes, at + NAME, end, StandardCharsets.UTF_8);
    }
}
