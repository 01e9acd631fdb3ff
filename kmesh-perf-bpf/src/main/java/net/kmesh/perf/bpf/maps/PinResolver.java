package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.sys.Mounts;

/**
 * Which map a bpffs pin names, remembered while the pin stays the same file (same device and
 * inode): a scrape costs one {@code stat} per known pin, and a pin is opened (and closed at once)
 * only when it is new or was replaced. A pin that is gone, is not a map or cannot be opened is a {@link Skipped}, never
 * an exception; only running out of file descriptors throws ({@link OutOfFds}).
 */
final class PinResolver implements AutoCloseable {
    /** What a pin path is now. */
    sealed interface Result permits Pinned, Skipped {
    }

    /**
     * A map is pinned there.
     *
     * @param shape the map's shape (uncounted)
     */
    record Pinned(MapRecord shape) implements Result {
    }

    /** Nothing selectable is there now, and why. */
    record Skipped(Reason reason, String why) implements Result {
    }

    enum Reason {
        /** Nothing is pinned there. */
        MISSING,
        /** Something is there that is not a pinned map: a program, a link, a file outside a bpffs. */
        NOT_A_MAP,
        /** A directory: pins in it are not selected by its parent's selection (no recursion). */
        DIRECTORY,
        /** The pin's permissions refuse this process, or opening it failed otherwise. */
        REFUSED,
    }

    /**
     * The entries of a directory of pins, or why there are none.
     *
     * @param entries the paths in it, sorted; empty when {@code skipped} says why
     * @param skipped null when the directory was listed
     */
    record Listing(List<Path> entries, Skipped skipped) {
    }

    private record Known(Object fileKey, Result result) {
    }

    private final FdInfoFiles fdinfo;
    private final LibC libc = LibbpfLoader.natives().libc();
    private final Memory statfs = new Memory(256);
    private final Map<Path, Known> known = new HashMap<>();
    private final Set<Path> seen = new HashSet<>();

    PinResolver(FdInfoFiles fdinfo) {
        this.fdinfo = fdinfo;
    }

    /** What {@code path} is now: a pinned map, or why not. */
    Result resolve(Path path) {
        seen.add(path);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            known.remove(path);
            return new Skipped(Reason.MISSING, "no pinned BPF object at " + path);
        } catch (IOException e) {
            known.remove(path);
            return new Skipped(Reason.REFUSED, "reading " + path + " failed: " + e);
        }
        if (attributes.isDirectory()) {
            return new Skipped(Reason.DIRECTORY, path + " is a directory, not a pinned object: select the maps pinned "
                    + "in it with MapSelector.pinnedIn");
        }
        Object fileKey = attributes.fileKey();
        Known k = known.get(path);
        if (k != null && fileKey != null && fileKey.equals(k.fileKey())) {
            return k.result();
        }
        Result r = open(path);
        if (r instanceof Pinned) {
            known.put(path, new Known(fileKey, r));
        } else if (r instanceof Skipped s && s.reason() == Reason.NOT_A_MAP) {
            known.put(path, new Known(fileKey, r));
        } else {
            known.remove(path);
        }
        return r;
    }

    /**
     * Opens the map pinned at {@code path} again, for a scrape that needs its fd.
     *
     * @return the map, or null when the pin now names another object or none
     */
    Fd reopen(Path path, int id) {
        int ret = LibbpfLoader.natives().libbpf().bpf_obj_get(path.toString());
        if (ret < 0) {
            if (OutOfFds.is(-ret)) {
                throw OutOfFds.failure("opening pinned map " + path, -ret);
            }
            return null;
        }
        Fd fd = Fd.own(ret);
        try {
            if (fdinfo.kindOf(ret).equals("map") && MapInfo.of(ret).id() == id) {
                return fd;
            }
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
        fd.close();
        return null;
    }

    /** Lists a directory of pins, not recursively. */
    Listing list(Path directory) {
        if (!Files.isDirectory(directory)) {
            return none(Files.exists(directory)
                    ? new Skipped(Reason.NOT_A_MAP, directory + " is not a directory")
                    : new Skipped(Reason.MISSING, "the maps pinned in " + directory + ": no such directory (yet)"));
        }
        if (!onBpffs(directory)) {
            return none(new Skipped(Reason.NOT_A_MAP, directory + " is not in a bpffs ("
                    + Mounts.filesystemOf(realPath(directory)).orElse("unknown filesystem") + "), so it holds no pins"));
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            List<Path> paths = new ArrayList<>();
            entries.forEach(paths::add);
            paths.sort(null);
            return new Listing(paths, null);
        } catch (NoSuchFileException e) {
            return none(new Skipped(Reason.MISSING, "the maps pinned in " + directory + ": no such directory (yet)"));
        } catch (AccessDeniedException e) {
            return none(new Skipped(Reason.REFUSED, "the maps pinned in " + directory + ": listing it was refused"));
        } catch (IOException e) {
            return none(new Skipped(Reason.REFUSED, "the maps pinned in " + directory + ": listing it failed: " + e));
        }
    }

    private static Listing none(Skipped why) {
        return new Listing(List.of(), why);
    }

    /** Forgets the pins not resolved since the last call. */
    void endScrape() {
        known.keySet().retainAll(seen);
        seen.clear();
    }

    private Result open(Path path) {
        if (!onBpffs(path)) {
            return new Skipped(Reason.NOT_A_MAP, path + " is not in a bpffs ("
                    + Mounts.filesystemOf(realPath(path)).orElse("unknown filesystem") + "), so it is not a pinned BPF object");
        }
        int ret = LibbpfLoader.natives().libbpf().bpf_obj_get(path.toString());
        if (ret < 0) {
            int errno = -ret;
            if (errno == Errno.ENOENT) {
                return new Skipped(Reason.MISSING, "no pinned BPF object at " + path);
            }
            if (OutOfFds.is(errno)) {
                throw OutOfFds.failure("opening pinned object " + path, errno);
            }
            if (errno == Errno.EPERM || errno == Errno.EACCES) {
                return new Skipped(Reason.REFUSED, "pinned object " + path + ": opening it was refused ("
                        + Errno.name(errno) + "): the pin's owner and mode must allow this user; " + Errno.PRIVILEGE_HINT);
            }
            return new Skipped(Reason.REFUSED, "pinned object " + path + ": opening it failed (" + Errno.name(errno) + ")");
        }
        try (Fd fd = Fd.own(ret)) {
            String kind = fdinfo.kindOf(fd.get());
            if (!kind.equals("map")) {
                return new Skipped(Reason.NOT_A_MAP, path + " is a pinned BPF " + kind + ", not a map");
            }
            MapInfo i = MapInfo.of(fd.get());
            return new Pinned(MapRecord.shape(i.id(), i.type(), i.name(), i.keySize(), i.valueSize(),
                    Integer.toUnsignedLong(i.maxEntries()), i.flags()));
        }
    }

    /** One {@code statfs}: whether {@code path} lies in a bpffs (false when it cannot be told). */
    private boolean onBpffs(Path path) {
        statfs.clear(16);
        if (libc.statfs(path.toString(), statfs) != 0) {
            return false;
        }
        return (statfs.getNativeLong(0).longValue() & 0xFFFF_FFFFL) == LibC.BPF_FS_MAGIC;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }

    @Override
    public void close() {
        statfs.close();
    }
}
