package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The decoder of the map iterator's output, over records written as the BPF program writes them. */
class MapRecordsProperties {

    @Provide
    Arbitrary<MapRecord> records() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz_.0123456789")
                .ofMinLength(0).ofMaxLength(15);
        Arbitrary<Integer> u31 = Arbitraries.integers().between(0, Integer.MAX_VALUE);
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        // flags (kfunc 1, counter 2, refcnt 4), the counter's sum, which may stray below 0 while CPUs
        // update it, and the reference counts
        Arbitrary<long[]> counted = Combinators.combine(Arbitraries.integers().between(0, 7),
                Arbitraries.longs().between(-10, 1L << 32), Arbitraries.longs().between(1, 1L << 40),
                Arbitraries.longs().between(0, 1L << 40)).as((f, e, r, u) -> new long[] {f, e, r, u});
        return Combinators.combine(u31.filter(i -> i > 0), Arbitraries.integers().between(0, 40), names, u31, u31,
                u32, u31, counted).as((id, type, name, key, value, max, mapFlags, c) -> {
                    boolean kfunc = (c[0] & 1) != 0;
                    boolean counter = (c[0] & 2) != 0;
                    return new MapRecord(id, type, name, key, value, max, mapFlags, kfunc, counter,
                            kfunc && counter ? c[1] : -1, (c[0] & 4) != 0 ? c[2] : -1, (c[0] & 4) != 0 ? c[3] : -1);
                });
    }

    @Property
    void everyRecordWrittenIsDecodedAsWritten(@ForAll @Size(max = 300) List<@From("records") MapRecord> written) {
        ByteBuffer out = ByteBuffer.allocate(written.size() * MapRecords.SIZE);
        for (MapRecord r : written) {
            write(r, out, (byte) 0);
        }
        out.flip();
        assertEquals(written, MapRecords.decode(out));
    }

    /** Records whose ids fall among 80, so that two passes share many maps. */
    @Provide
    Arbitrary<MapRecord> fewIds() {
        return Combinators.combine(records(), Arbitraries.integers().between(1, 80)).as((r, id) -> new MapRecord(id,
                r.type(), r.name(), r.keySize(), r.valueSize(), r.maxEntries(), r.mapFlags(), r.kfunc(), r.counter(),
                r.entries(), r.refcnt(), r.usercnt()));
    }

    @Property
    void aPassDecodesAsAloneAndReusesThePreviousPassWhereAMapIsUnchanged(
            @ForAll @Size(max = 60) List<@From("fewIds") MapRecord> before,
            @ForAll @Size(max = 60) List<@From("fewIds") MapRecord> fresh,
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 2) Integer> fate) {
        // The previous pass, decoded as the collector decodes it: ascending by id.
        MapRecords.Pass last = pass(byId(before), MapRecords.Pass.NONE);
        List<MapRecord> previous = last.records();
        // This pass: new maps, then each previous one unchanged (0), with moved counts (1), or gone or replaced (2).
        TreeMap<Integer, MapRecord> now = new TreeMap<>(byId(fresh));
        for (int i = 0; i < previous.size(); i++) {
            MapRecord p = previous.get(i);
            switch (fate.get(i % fate.size())) {
                case 0 -> now.put(p.id(), p);
                case 1 -> now.put(p.id(), new MapRecord(p.id(), p.type(), p.name(), p.keySize(), p.valueSize(),
                        p.maxEntries(), p.mapFlags(), p.kfunc(), p.counter(), p.counted() ? p.entries() + 1 : -1,
                        p.refcnt() >= 0 ? p.refcnt() + 1 : -1, p.usercnt()));
                default -> now.remove(p.id());
            }
        }
        List<MapRecord> current = List.copyOf(now.values());

        List<MapRecord> decoded = pass(now, last).records();

        assertEquals(current, decoded);
        assertEquals(MapRecords.decode(encode(now)), decoded);
        Map<Integer, MapRecord> earlier = byId(previous);
        for (MapRecord r : decoded) {
            MapRecord p = earlier.get(r.id());
            if (p != null && p.equals(r)) {
                assertSame(p, r, "an unchanged map's record is the previous pass's");
            } else if (p != null && p.name().equals(r.name())) {
                assertSame(p.name(), r.name(), "a map that kept its name keeps its string");
            }
        }
    }

    @Example
    void aNameOutsideAsciiIsKeptFromThePreviousPassWhenItsBytesAreTheSame() {
        MapRecord before = new MapRecord(5, 1, "m\u00e9", 4, 8, 16, 0, true, true, 3, 2, 1);
        MapRecord after = new MapRecord(5, 1, "m\u00e9", 4, 8, 16, 0, true, true, 4, 2, 1);
        ByteBuffer first = ByteBuffer.allocate(MapRecords.SIZE);
        write(before, first, (byte) 0);
        ByteBuffer second = ByteBuffer.allocate(MapRecords.SIZE);
        write(after, second, (byte) 0);
        MapRecords.Pass last = MapRecords.decode(first.array(), MapRecords.SIZE, MapRecords.Pass.NONE);

        MapRecord decoded = MapRecords.decode(second.array(), MapRecords.SIZE, last).records().get(0);

        assertEquals(after, decoded);
        assertSame(last.records().get(0).name(), decoded.name());
    }

    /** {@code records} as a pass the iterator wrote, decoded after {@code previous}. */
    private static MapRecords.Pass pass(Map<Integer, MapRecord> records, MapRecords.Pass previous) {
        ByteBuffer out = encode(records);
        return MapRecords.decode(out.array(), out.limit(), previous);
    }

    private static TreeMap<Integer, MapRecord> byId(List<MapRecord> records) {
        TreeMap<Integer, MapRecord> byId = new TreeMap<>();
        for (MapRecord r : records) {
            byId.put(r.id(), r);
        }
        return byId;
    }

    private static ByteBuffer encode(Map<Integer, MapRecord> records) {
        ByteBuffer out = ByteBuffer.allocate(records.size() * MapRecords.SIZE);
        for (MapRecord r : records.values()) {
            write(r, out, (byte) 0);
        }
        return out.flip();
    }

    @Property
    void aRecordWithoutBothFlagsIsUncountedWhateverItsEntriesSay(@ForAll @IntRange(min = 0, max = 2) int flags,
                                                               @ForAll long entries) {
        ByteBuffer out = ByteBuffer.allocate(MapRecords.SIZE).order(ByteOrder.nativeOrder());
        out.putInt(0, 9).putInt(MapRecords.FLAGS, flags).putLong(MapRecords.ENTRIES, entries);
        MapRecord r = MapRecords.decode(out).get(0);
        assertEquals(-1, r.entries());
        assertEquals(false, r.counted());
    }

    @Property
    void referenceCountsAreReadOnlyWhenFlagged(@ForAll boolean flagged, @ForAll long refcnt, @ForAll long usercnt) {
        ByteBuffer out = ByteBuffer.allocate(MapRecords.SIZE).order(ByteOrder.nativeOrder());
        out.putInt(0, 9).putInt(MapRecords.FLAGS, flagged ? MapRecords.FLAG_REFCNT : 0).putLong(MapRecords.REFCNT, refcnt)
                .putLong(MapRecords.USERCNT, usercnt);
        MapRecord r = MapRecords.decode(out).get(0);
        assertEquals(flagged ? refcnt : -1, r.refcnt());
        assertEquals(flagged ? usercnt : -1, r.usercnt());
    }

    @Property
    void aNameStopsAtItsFirstNulOrAfterSixteenBytes(@ForAll @Size(max = 16) byte[] raw) {
        ByteBuffer out = ByteBuffer.allocate(MapRecords.SIZE).order(ByteOrder.nativeOrder());
        for (int i = 0; i < raw.length; i++) {
            // Bytes a kernel name holds: printable ASCII, or NUL.
            out.put(MapRecords.NAME + i, (byte) (raw[i] == 0 ? 0 : 'A' + Math.floorMod(raw[i], 26)));
        }
        String name = MapRecords.decode(out).get(0).name();
        int nul = 0;
        while (nul < raw.length && raw[nul] != 0) {
            nul++;
        }
        assertEquals(nul, name.length());
    }

    @Property
    void outputThatIsNotWholeRecordsIsRejected(@ForAll @IntRange(min = 0, max = 20) int records,
                                               @ForAll @IntRange(min = 1, max = MapRecords.SIZE - 1) int extra) {
        int length = records * MapRecords.SIZE + extra;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MapRecords.decode(ByteBuffer.allocate(length)));
        assertEquals("map iterator output of " + length + " bytes is not a whole number of 72-byte records",
                e.getMessage());
    }

    @Example
    void decodingStartsAtThePosition() {
        MapRecord r = new MapRecord(42, 1, "kmesh_perf_map", 8, 24, 1024, 0, true, true, 17, 3, 2);
        ByteBuffer out = ByteBuffer.allocate(8 + MapRecords.SIZE);
        out.position(8);
        write(r, out, (byte) 0x55);
        out.position(8);
        assertEquals(List.of(r), MapRecords.decode(out));
        assertEquals("hash", r.typeName());
    }

    /** Writes {@code r} at {@code out}'s position exactly as kp_map_stats does; {@code pad} fills the unused bytes. */
    static void write(MapRecord r, ByteBuffer out, byte pad) {
        ByteBuffer b = out.slice().order(ByteOrder.nativeOrder());
        b.putInt(r.id()).putInt(r.type()).putInt(r.keySize()).putInt(r.valueSize()).putInt((int) r.maxEntries())
                .putInt(r.mapFlags()).putInt((r.kfunc() ? 1 : 0) | (r.counter() ? 2 : 0) | (r.refcnt() >= 0 ? 4 : 0))
                .put(new byte[] {pad, pad, pad, pad}).putLong(r.counted() ? r.entries() : -1);
        byte[] name = r.name().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 16; i++) {
            b.put(i < name.length ? name[i] : 0);
        }
        b.putLong(r.refcnt() >= 0 ? r.refcnt() : 0).putLong(r.usercnt() >= 0 ? r.usercnt() : 0);
        out.position(out.position() + MapRecords.SIZE);
    }
}
