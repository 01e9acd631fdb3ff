package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;

/**
 * The ids of the maps a program uses: {@code nr_map_ids} and {@code map_ids} of
 * {@code struct bpf_prog_info} (offsets 52 and 56 in {@code linux/bpf.h}). A program's maps are
 * fixed when it loads, so the answer for a program id never changes.
 */
public final class ProgMapIds {
    static final int NR_MAP_IDS = 52;
    static final int MAP_IDS = 56;

    private ProgMapIds() {
    }

    /**
     * The ids of the maps used by the program behind {@code progFd}.
     *
     * @param progFd an open program fd (borrowed)
     * @return the map ids, in the kernel's order
     */
    public static int[] of(int progFd) {
        Libbpf libbpf = LibbpfLoader.natives().libbpf();
        for (int attempt = 0; ; attempt++) {
            try (Memory info = new Memory(ProgInfo.SIZE)) {
                info.clear();
                IntByReference length = new IntByReference(ProgInfo.SIZE);
                Errno.check("reading the map ids of program fd " + progFd,
                        libbpf.bpf_obj_get_info_by_fd(progFd, info, length));
                int count = info.getInt(NR_MAP_IDS);
                if (count == 0) {
                    return new int[0];
                }
                try (Memory ids = new Memory(4L * count)) {
                    info.clear();
                    info.setInt(NR_MAP_IDS, count);
                    info.setLong(MAP_IDS, com.sun.jna.Pointer.nativeValue(ids));
                    length.setValue(ProgInfo.SIZE);
                    Errno.check("reading the map ids of program fd " + progFd,
                            libbpf.bpf_obj_get_info_by_fd(progFd, info, length));
                    // The kernel writes at most the count we gave and reports the real one.
                    int filled = info.getInt(NR_MAP_IDS);
                    if (filled <= count || attempt > 2) {
                        return ids.getIntArray(0, Math.min(filled, count));
                    }
                }
            }
        }
    }
}
