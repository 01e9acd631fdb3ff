package net.kmesh.perf.bpf.probe;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.layout.ProbeLayout;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.FdInfo;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;
import net.kmesh.perf.bpf.libbpf.PinAccess;
import net.kmesh.perf.bpf.libbpf.Pins;
import net.kmesh.perf.bpf.sys.Mounts;

/** A source named by one pin path, or several tried in order (Kmesh's workload, then ads directory). */
final class PinLocator extends ProbeLocator {
    private final List<Path> candidates;
    private final String description;
    private final ProgramIndex programs;
    private final boolean strict;
    private final Object[] keys;
    private final int[] ids;
    private String problem;

    PinLocator(List<Path> candidates, String description, ProgramIndex programs, boolean strict) {
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
