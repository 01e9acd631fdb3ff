package net.kmesh.perf.bpf.probe;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.FdInfo;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.PinAccess;
import net.kmesh.perf.bpf.libbpf.Pins;
import net.kmesh.perf.bpf.sys.Mounts;

/**
 * Finds the ring a data-plane source names now. A pin path (or Kmesh's pin directories) is checked
 * with one {@code stat} while the file stays the same, and opened only when it changes: cheap enough
 * for every wake of the consumer. A map name is looked up by scanning only the map ids created
 * since the last scan, on the monitor's locator thread.
 */
abstract sealed class ProbeLocator permits ProbeLocator.ByPin, ProbeLocator.ByName {
    /** No ring. */
    static final int NONE = -1;

    /** What the source names, for status and messages. */
    abstract String describe();

    /**
     * The id of the ring buffer the source names now, or {@link #NONE}; {@link #problem()} says why
     * when none. Never throws for a missing or changing pin.
     */
    abstract int currentId();

    /** Why {@link #currentId()} found no ring, if it did not. */
    abstract Optional<String> problem();

    /**
     * Opens the ring the source names now, with its probe maps; empty when it names none now.
     *
     * @throws PerfMonitorException when it names something that cannot be read (a privilege refused)
     */
    abstract Optional<ProbeMaps> open();

    /** Throws when the source can never name a ring (a pin path naming a directory or a hash map...). */
    abstract void checkPossible();

    /** Looks for changes off the consumer thread; pins need none. */
    void scan() {
    }

    /** Whether {@link #scan()} must run on a thread of its own. */
    boolean scans() {
        return false;
    }

    /** The pin paths the source is found at, whose directories a {@link PinWatch} can watch; none for a name. */
    List<Path> pins() {
        return List.of();
    }

    static ProbeLocator of(RecordSource source, ProgramIndex programs) {
        if (source instanceof RecordSource.Pinned p) {
            return new ByPin(List.of(p.path()), p.describe(), programs, true);
        }
        if (source instanceof RecordSource.Kmesh k) {
            List<Path> candidates = new ArrayList<>();
            for (Path dir : k.mapDirectories()) {
                List<String> names = ProbeLayout.namesOf(ProbeLayout.RING);
                // Kmesh's own name first: its config.h renames kmesh_perf_info to km_perf_info.
                for (String name : List.of(names.get(1), names.get(0))) {
                    candidates.add(dir.resolve(name));
                }
            }
            return new ByPin(candidates, k.describe(), programs, false);
        }
        if (source instanceof RecordSource.Named n) {
            return new ByName(n.mapName(), n.describe(), programs);
        }
        throw new IllegalArgumentException("no locator for " + source);
    }

    /** A source named by one pin path, or several tried in order (Kmesh's workload, then ads directory). */
    static final class ByPin extends ProbeLocator {
        private final List<Path> candidates;
        private final String description;
        private final ProgramIndex programs;
        private final boolean strict;
        private final Object[] keys;
        private final int[] ids;
        private String problem;

        ByPin(List<Path> candidates, String description, ProgramIndex programs, boolean strict) {
            this.candidates = List.copyOf(candidates);
            this.description = description;
            this.programs = programs;
            this.strict = strict;
            this.keys = new Object[candidates.size()];
            this.ids = new int[candidates.size()];
        }

        @Override
        String describe() {
            return description;
        }

        @Override
        List<Path> pins() {
            return candidates;
        }

        @Override
        synchronized int currentId() {
            for (int i = 0; i < candidates.size(); i++) {
                int id = idAt(i);
                if (id != NONE) {
                    problem = null;
                    return id;
                }
            }
            if (problem == null) {
                problem = nothingPinnedMessage();
            }
            return NONE;
        }

        /** The id of the ring pinned at candidate {@code i}: a stat while the file stays the same. */
        private int idAt(int i) {
            Path pin = candidates.get(i);
            Object key;
            try {
                BasicFileAttributes a = Files.readAttributes(pin, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory()) {
                    keys[i] = null;
                    problem = PinAccess.directory(pin);
                    return NONE;
                }
                key = a.fileKey();
            } catch (AccessDeniedException e) {
                keys[i] = null;
                problem = PinAccess.unsearchable(pin).orElse(pin + " cannot be read: permission denied");
                return NONE;
            } catch (IOException e) {
                keys[i] = null;
                return NONE;
            }
            if (key != null && key.equals(keys[i])) {
                return ids[i];
            }
            int id = ringIdPinnedAt(pin);
            keys[i] = key;
            ids[i] = id;
            return id;
        }

        private int ringIdPinnedAt(Path pin) {
            int ret = LibbpfLoader.natives().libbpf().bpf_obj_get(pin.toString());
            if (ret < 0) {
                problem = -ret == Errno.EROFS ? PinAccess.readOnly(pin) : pin + " cannot be opened: " + Errno.name(-ret)
                        + (-ret == Errno.EPERM ? " (outside a bpffs, or " + Errno.PRIVILEGE_HINT + ")"
                        : -ret == Errno.EACCES ? " (the pin's owner and mode must allow this user read and write)" : "");
                return NONE;
            }
            try (Fd fd = Fd.own(ret)) {
                if (!FdInfo.of(ret).kind().equals("map")) {
                    problem = pin + " is a pinned BPF " + FdInfo.of(ret).kind() + ", not a ring buffer map";
                    return NONE;
                }
                MapInfo info = MapInfo.of(fd.get());
                if (info.type() != MapType.RINGBUF) {
                    problem = pin + " is a " + info.typeName() + " map ('" + info.name() + "'), not a ring buffer";
                    return NONE;
                }
                return info.id();
            } catch (PerfMonitorException e) {
                problem = pin + ": " + e.getMessage();
                return NONE;
            }
        }

        private String nothingPinnedMessage() {
            Path first = candidates.get(0);
            Optional<Path> bpffs = Mounts.bpffs();
            String where = candidates.size() == 1 ? "at " + first : "at any of " + candidates;
            return "no ring buffer is pinned " + where + " (is the data plane running?"
                    + (bpffs.isEmpty() ? " no bpffs is mounted: mount -t bpf bpf /sys/fs/bpf" : "") + ")";
        }

        @Override
        synchronized Optional<String> problem() {
            return Optional.ofNullable(problem);
        }

        @Override
        Optional<ProbeMaps> open() {
            for (int i = 0; i < candidates.size(); i++) {
                Path pin = candidates.get(i);
                if (idAt(i) == NONE) {
                    continue;
                }
                Fd ring;
                try {
                    ring = Pins.openMap(pin, MapType.RINGBUF);
                } catch (NotFoundException e) {
                    continue; // unpinned or replaced since the check
                }
                return Optional.of(ProbeMaps.adopt(ring, programs, pin.getParent(), "pinned " + pin));
            }
            return Optional.empty();
        }

        @Override
        void checkPossible() {
            if (!strict) {
                return;
            }
            Path pin = candidates.get(0);
            Optional<String> unsearchable = PinAccess.unsearchable(pin);
            if (unsearchable.isPresent()) {
                throw new PrivilegeException(unsearchable.get(), Errno.EACCES, null);
            }
            if (Files.isDirectory(pin)) {
                throw new NotFoundException(PinAccess.directory(pin) + ": name the ring buffer's pin in it (e.g. "
                        + pin.resolve(ProbeLayout.namesOf(ProbeLayout.RING).get(1)) + ")");
            }
            if (Files.exists(pin)) {
                // Opens and checks it: a file outside a bpffs, a program, a map of another type fail here.
                Pins.openMap(pin, MapType.RINGBUF).close();
            }
        }
    }

    /** A source named by a map name: the newest ring buffer of that name that a program uses. */
    static final class ByName extends ProbeLocator {
        private final String name;
        private final String description;
        private final ProgramIndex programs;
        private final TreeSet<Integer> candidates = new TreeSet<>();
        private int scannedUpTo;
        private volatile int current = NONE;
        private volatile String problem;

        ByName(String name, String description, ProgramIndex programs) {
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
}
