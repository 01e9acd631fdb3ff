package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The fields of {@code struct bpf_prog_info} that kmesh-perf reads. The offsets are those of
 * {@code /usr/include/linux/bpf.h} (checked at every build by {@code bpf/maps/kmesh_perf_maps.h}):
 *
 * <pre>
 *   0 __u32 type          4 __u32 id           64 char name[16]
 * 192 __u64 run_time_ns  200 __u64 run_cnt     208 __u64 recursion_misses
 * </pre>
 *
 * The whole struct (232 bytes in the UAPI headers of libbpf 1.1) is passed zeroed; a kernel that
 * knows a shorter struct fills only that much and says how much, and fields past it read as 0
 * (run_time_ns and run_cnt came in Linux 5.1, recursion_misses in 5.12).
 *
 * @param type            {@code enum bpf_prog_type}
 * @param id              the program id
 * @param name            up to 15 characters
 * @param runTimeNanos    time spent running while statistics were enabled
 * @param runCount        runs while statistics were enabled
 * @param recursionMisses runs skipped because the program was already running on that CPU
 */
public record ProgInfo(int type, int id, String name, long runTimeNanos, long runCount, long recursionMisses) {
    /** {@code sizeof(struct bpf_prog_info)} in the headers this binding was written against. */
    public static final int SIZE = 232;
    static final int TYPE = 0;
    static final int ID = 4;
    static final int NAME = 64;
    static final int NAME_LENGTH = 16;
    static final int RUN_TIME_NS = 192;
    static final int RUN_CNT = 200;
    static final int RECURSION_MISSES = 208;

    /** Reads the info of the program behind {@code fd}. */
    public static ProgInfo of(int fd) {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        try (Memory info = new Memory(SIZE)) {
            info.clear();
            IntByReference length = new IntByReference(SIZE);
            Errno.check("reading program info of fd " + fd, n.libbpf().bpf_obj_get_info_by_fd(fd, info, length));
            return decode(info.getByteBuffer(0, SIZE), length.getValue());
        }
    }

    /**
     * Decodes the first {@code filled} bytes of a {@code struct bpf_prog_info} in host byte order;
     * fields that end past {@code filled} are 0, and a name stops at its first NUL.
     *
     * @throws IllegalArgumentException when {@code filled} is negative or beyond the buffer
     */
    public static ProgInfo decode(ByteBuffer info, int filled) {
        if (filled < 0 || filled > info.remaining()) {
            throw new IllegalArgumentException("filled length " + filled + " outside the buffer's " + info.remaining()
                    + " bytes");
        }
        ByteBuffer b = info.slice().order(ByteOrder.nativeOrder());
        int type = filled >= TYPE + 4 ? b.getInt(TYPE) : 0;
        int id = filled >= ID + 4 ? b.getInt(ID) : 0;
        int nameBytes = Math.max(0, Math.min(NAME_LENGTH, filled - NAME));
        int end = 0;
        while (end < nameBytes && b.get(NAME + end) != 0) {
            end++;
        }
        byte[] name = new byte[end];
        b.get(NAME, name);
        return new ProgInfo(type, id, new String(name, StandardCharsets.UTF_8), u64(b, RUN_TIME_NS, filled),
                u64(b, RUN_CNT, filled), u64(b, RECURSION_MISSES, filled));
    }

    private static long u64(ByteBuffer b, int offset, int filled) {
        return filled >= offset + 8 ? b.getLong(offset) : 0;
    }

    /** bpftool's name of the type. */
    public String typeName() {
        return ProgType.name(type);
    }
}
