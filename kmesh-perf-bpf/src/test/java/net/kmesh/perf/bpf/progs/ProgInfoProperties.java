package net.kmesh.perf.bpf.progs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.kmesh.perf.bpf.libbpf.ProgInfo;

/**
 * {@code struct bpf_prog_info} decoding over synthetic buffers. The offsets here are read off
 * /usr/include/linux/bpf.h (offsetof), independently of the decoder's constants.
 */
class ProgInfoProperties {
    private static final int TYPE = 0;
    private static final int ID = 4;
    private static final int NAME = 64;
    private static final int RUN_TIME_NS = 192;
    private static final int RUN_CNT = 200;
    private static final int RECURSION_MISSES = 208;

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz_0123456789").ofMaxLength(15);
    }

    @Property
    void aFullyFilledStructDecodesToWhatWasWritten(@ForAll @IntRange(min = 0, max = 40) int type,
                                                   @ForAll @IntRange(min = 1) int id,
                                                   @ForAll("names") String name,
                                                   @ForAll @LongRange(min = 0) long runTime,
                                                   @ForAll @LongRange(min = 0) long runs,
                                                   @ForAll @LongRange(min = 0) long misses,
                                                   @ForAll byte noise) {
        ByteBuffer info = info(type, id, name, runTime, runs, misses, noise);
        assertEquals(new ProgInfo(type, id, name, runTime, runs, misses), ProgInfo.decode(info, ProgInfo.SIZE));
    }

    @Property
    void fieldsPastWhatTheKernelFilledReadAsZero(@ForAll @IntRange(min = 0, max = ProgInfo.SIZE) int filled,
                                                 @ForAll @LongRange(min = 1) long value) {
        ByteBuffer info = info(31, 77, "kp_stats_tick", value, value, value, (byte) 0x7f);
        ProgInfo p = ProgInfo.decode(info, filled);
        assertEquals(filled >= TYPE + 4 ? 31 : 0, p.type());
        assertEquals(filled >= ID + 4 ? 77 : 0, p.id());
        assertEquals("kp_stats_tick".substring(0, Math.max(0, Math.min(13, filled - NAME))), p.name());
        assertEquals(filled >= RUN_TIME_NS + 8 ? value : 0, p.runTimeNanos());
        assertEquals(filled >= RUN_CNT + 8 ? value : 0, p.runCount());
        assertEquals(filled >= RECURSION_MISSES + 8 ? value : 0, p.recursionMisses());
    }

    @Example
    void aSixteenByteNameWithoutNulIsCutAtSixteen() {
        ByteBuffer info = ByteBuffer.allocate(ProgInfo.SIZE);
        info.put(NAME, "abcdefghijklmnopXYZ".getBytes(StandardCharsets.US_ASCII), 0, 19);
        assertEquals("abcdefghijklmnop", ProgInfo.decode(info, ProgInfo.SIZE).name());
    }

    @Example
    void aFilledLengthOutsideTheBufferIsRejected() {
        ByteBuffer info = ByteBuffer.allocate(ProgInfo.SIZE);
        assertThrows(IllegalArgumentException.class, () -> ProgInfo.decode(info, ProgInfo.SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> ProgInfo.decode(info, -1));
        assertEquals("syscall", new ProgInfo(31, 1, "p", 0, 0, 0).typeName());
        assertEquals("type_99", new ProgInfo(99, 1, "p", 0, 0, 0).typeName());
    }

    /** A struct as the kernel fills it; every byte the decoder must not read holds {@code noise}. */
    private static ByteBuffer info(int type, int id, String name, long runTime, long runs, long misses, byte noise) {
        ByteBuffer b = ByteBuffer.allocate(ProgInfo.SIZE).order(ByteOrder.nativeOrder());
        for (int i = 0; i < ProgInfo.SIZE; i++) {
            b.put(i, noise);
        }
        b.putInt(TYPE, type).putInt(ID, id);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 16; i++) {
            b.put(NAME + i, i < n.length ? n[i] : 0);
        }
        b.putLong(RUN_TIME_NS, runTime).putLong(RUN_CNT, runs).putLong(RECURSION_MISSES, misses);
        return b;
    }
}
