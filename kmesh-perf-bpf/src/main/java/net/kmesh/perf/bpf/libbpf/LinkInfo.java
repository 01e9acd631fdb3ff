package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;

/**
 * The leading fields of {@code struct bpf_link_info}: {@code __u32 type, id, prog_id} at offsets 0, 4, 8.
 *
 * @param type   {@code enum bpf_link_type}
 * @param id     the link id
 * @param progId the id of the linked program
 */
public record LinkInfo(int type, int id, int progId) {
    // sizeof(struct bpf_link_info) in libbpf 1.1's UAPI headers; the kernel fills what it knows.
    private static final int INFO_SIZE = 48;

    /** Reads the info of the link behind {@code fd}. */
    public static LinkInfo of(int fd) {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        try (Memory info = new Memory(INFO_SIZE)) {
            info.clear();
            IntByReference length = new IntByReference(INFO_SIZE);
            Errno.check("reading link info of fd " + fd, n.libbpf().bpf_obj_get_info_by_fd(fd, info, length));
            return new LinkInfo(info.getInt(0), info.getInt(4), info.getInt(8));
        }
    }
}
