package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;

/** Walks the ids of the system's BPF maps, programs and links. Needs CAP_SYS_ADMIN. */
public final class BpfIds {
    private BpfIds() {
    }

    /** The ids of every map now loaded, ascending. */
    public static List<Integer> maps() {
        Libbpf l = LibbpfLoader.natives().libbpf();
        return walk("map", l::bpf_map_get_next_id);
    }

    /** The ids of every program now loaded, ascending. */
    public static List<Integer> programs() {
        Libbpf l = LibbpfLoader.natives().libbpf();
        return walk("program", l::bpf_prog_get_next_id);
    }

    /** The ids of every link now attached, ascending. */
    public static List<Integer> links() {
        Libbpf l = LibbpfLoader.natives().libbpf();
        return walk("link", l::bpf_link_get_next_id);
    }

    private interface NextId {
        int next(int start, IntByReference next);
    }

    private static List<Integer> walk(String kind, NextId nextId) {
        List<Integer> ids = new ArrayList<>();
        IntByReference next = new IntByReference();
        int id = 0;
        while (true) {
            int ret = nextId.next(id, next);
            if (ret < 0) {
                if (-ret == Errno.ENOENT) {
                    return ids;
                }
                throw Errno.failure("listing BPF " + kind + " ids", -ret);
            }
            id = next.getValue();
            ids.add(id);
        }
    }

    /**
     * Opens the map with this id; -1 when it vanished since it was listed.
     *
     * @throws net.kmesh.perf.PerfMonitorException on any other failure (EPERM without CAP_SYS_ADMIN)
     */
    public static int openMap(int id) {
        return vanishedAsMinusOne("opening map id " + id, LibbpfLoader.natives().libbpf().bpf_map_get_fd_by_id(id));
    }

    /** Opens the program with this id; -1 when it vanished since it was listed. */
    public static int openProgram(int id) {
        return vanishedAsMinusOne("opening program id " + id, LibbpfLoader.natives().libbpf().bpf_prog_get_fd_by_id(id));
    }

    private static int vanishedAsMinusOne(String what, int ret) {
        if (ret == -Errno.ENOENT) {
            return -1;
        }
        return Errno.check(what, ret);
    }
}
