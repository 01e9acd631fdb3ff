package net.kmesh.perf.bpf.maps;

import java.util.List;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfDirect;
import net.kmesh.perf.bpf.libbpf.MapInfo;

/** Lists and opens the system's maps by id (CAP_SYS_ADMIN), saying which errno means what. */
final class MapsById {
    private MapsById() {
    }

    /** The map with this id opened, or null when it does not exist (any more). */
    static Fd open(int id) {
        int ret = LibbpfDirect.bpf_map_get_fd_by_id(id);
        if (ret >= 0) {
            return Fd.own(ret);
        }
        if (-ret == Errno.ENOENT) {
            return null;
        }
        if (-ret == Errno.EPERM) {
            throw new PrivilegeException("opening BPF map id " + id + " was refused (EPERM): opening maps by id, "
                    + "which reading their memlock needs, requires CAP_SYS_ADMIN", Errno.EPERM, null);
        }
        throw OutOfFds.failure("opening map id " + id, -ret);
    }

    /** The shape of the map with this id, or null when there is none (any more); opened and closed at once. */
    static MapRecord shape(int id) {
        try (Fd fd = open(id)) {
            if (fd == null) {
                return null;
            }
            MapInfo i = MapInfo.of(fd.get());
            return MapRecord.shape(i.id(), i.type(), i.name(), i.keySize(), i.valueSize(),
                    Integer.toUnsignedLong(i.maxEntries()), i.flags());
        }
    }

    /** Every map id of the system now. */
    static List<Integer> list() {
        try {
            return BpfIds.maps();
        } catch (PrivilegeException e) {
            throw new PrivilegeException("listing BPF map ids was refused (EPERM): it needs CAP_SYS_ADMIN",
                    Errno.EPERM, e);
        }
    }
}
