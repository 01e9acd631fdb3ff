package net.kmesh.perf.bpf.libbpf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.sys.Mounts;

/** Opens maps by bpffs pin path, saying clearly why a path is not the map asked for. */
public final class Pins {
    private Pins() {
    }

    /**
     * Opens the map pinned at {@code path}, of one of {@code types} ({@link MapType}); any type when
     * none is given.
     *
     * @throws NotFoundException  when nothing is there, it is not in a bpffs, it is a pinned program
     *                            or link, or a map of another type
     * @throws PrivilegeException when the pin's permissions or this process's capabilities refuse it
     */
    public static Fd openMap(Path path, int... types) {
        Optional<String> unsearchable = PinAccess.unsearchable(path);
        if (unsearchable.isPresent()) {
            throw new PrivilegeException(unsearchable.get(), Errno.EACCES, null);
        }
        if (!Files.exists(path)) {
            String hint = Mounts.bpffs().map(m -> "list what is pinned with: ls -R " + m)
                    .orElse("no bpffs is mounted (mount one with: mount -t bpf bpf /sys/fs/bpf)");
            throw new NotFoundException("no pinned BPF object at " + path + ": " + hint);
        }
        Path real = realPath(path);
        // The kernel answers EPERM for a file outside a bpffs, which would read as a privilege problem.
        if (!Mounts.isOnFilesystem(real, "bpf")) {
            throw new NotFoundException(path + " is not in a bpffs (" + Mounts.filesystemOf(real).orElse("unknown filesystem")
                    + "), so it is not a pinned BPF object");
        }
        int ret = LibbpfLoader.natives().libbpf().bpf_obj_get(path.toString());
        if (ret < 0) {
            int errno = -ret;
            if (errno == Errno.EPERM || errno == Errno.EACCES) {
                throw new PrivilegeException("opening pinned object " + path + " was refused (" + Errno.name(errno)
                        + "): the pin's owner and mode must allow this user; " + Errno.PRIVILEGE_HINT);
            }
            if (errno == Errno.EROFS) {
                throw new PerfMonitorException(PinAccess.readOnly(path), errno, null);
            }
            throw Errno.failure("opening pinned object " + path, errno);
        }
        Fd fd = Fd.own(ret);
        try {
            String kind = FdInfo.of(ret).kind();
            if (!kind.equals("map")) {
                throw new NotFoundException(path + " is a pinned BPF " + kind + ", not a map");
            }
            if (types.length > 0) {
                MapInfo info = MapInfo.of(ret);
                if (Arrays.stream(types).noneMatch(t -> t == info.type())) {
                    throw new NotFoundException(path + " is a " + info.typeName() + " map ('" + info.name()
                            + "'), not a " + MapType.name(types[0]) + " map");
                }
            }
            return fd;
        } catch (RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (java.io.IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
