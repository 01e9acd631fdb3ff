package net.kmesh.perf.bpf.probe;

import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;

/** A source named by a map name: the newest ring buffer of that name that a program uses. */
final class NameLocator extends ProbeLocator {
    private final String name;
    private final String description;
    private final ProgramIndex programs;
    private final TreeSet<Integer> candidates = new TreeSet<>();
    private int scannedUpTo;
    private volatile int current = NONE;
    private volatile String problem;

    NameLocator(String name, String description, ProgramIndex programs) {
        this.name = Objects.requireNonNull(name);
        this.description = description;
        this.programs = programs;
    }

    @Override
    String describe() {
        return description;
    }

    @Override
    boolean scans() {
        return true;
    }

    /**
     * Looks at the maps created since the last scan, forgets candidates that are gone, and picks
     * the newest one that a program uses (or the newest, when programs cannot be listed).
     */
    @Override
    synchronized void scan() {
        var libbpf = LibbpfLoader.natives().libbpf();
        var next = new com.sun.jna.ptr.IntByReference();
        while (true) {
            int ret = libbpf.bpf_map_get_next_id(scannedUpTo, next);
            if (ret < 0) {
                if (-ret == Errno.ENOENT) {
                    break;
                }
                throw Errno.failure("listing BPF map ids to find map '" + name + "'", -ret);
            }
            int id = next.getValue();
            scannedUpTo = id;
            if (isRingNamed(id)) {
                candidates.add(id);
            }
        }
        candidates.removeIf(id -> !exists(id));
        int chosen = NONE;
        for (int id : candidates.descendingSet()) {
            Optional<Boolean> used = programs.used(id);
            if (used.isEmpty() || used.get()) {
                chosen = id;
                break;
            }
        }
        current = chosen;
        problem = chosen != NONE ? null : candidates.isEmpty()
                ? "no ring buffer map named '" + name + "' is loaded (is the data plane running? list maps with: "
                        + "bpftool map show)"
                : "no program uses a ring buffer named '" + name + "' any more (the data plane stopped?)";
    }

    private boolean isRingNamed(int id) {
        int fd;
        try {
            fd = BpfIds.openMap(id);
        } catch (PrivilegeException e) {
            throw new PrivilegeException("finding map '" + name + "' by id needs CAP_SYS_ADMIN: " + e.getMessage(),
                    e.errno().orElse(Errno.EPERM), e);
        }
        if (fd < 0) {
            return false;
        }
        try (Fd owned = Fd.own(fd)) {
            MapInfo info = MapInfo.of(owned.get());
            return info.type() == MapType.RINGBUF && info.name().equals(name);
        } catch (PerfMonitorException e) {
            return false;
        }
    }

    private static boolean exists(int id) {
        int fd = BpfIds.openMap(id);
        if (fd < 0) {
            return false;
        }
        Fd.own(fd).close();
        return true;
    }

    @Override
    int currentId() {
        return current;
    }

    @Override
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    @Override
    Optional<ProbeMaps> open() {
        int id = current;
        if (id == NONE) {
            return Optional.empty();
        }
        int fd = BpfIds.openMap(id);
        if (fd < 0) {
            return Optional.empty();
        }
        return Optional.of(ProbeMaps.adopt(Fd.own(fd), programs, null, "ring buffer map " + id + " named '"
                + name + "'"));
    }

    @Override
    void checkPossible() {
    }
}
