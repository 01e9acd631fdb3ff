package net.kmesh.perf.bpf.maps;

import java.nio.file.Files;
import java.nio.file.Path;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.FdInfo;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.resources.Mounts;

/** Opens maps by bpffs pin path, saying clearly why a path is not one. */
final class PinnedMaps {
    private PinnedMaps() {
    }

    /**
     * Opens the map pinned at {@code path}.
     *
     * @throws NotFoundException  when nothing is there, it is not in a bpffs, or it is a pinned program or link
     * @throws PrivilegeException when the pin's permissions refuse this process
     */
    static Fd open(Path path) {
        if (!Files.exists(path)) {
            String hint = Mounts.bpffs().map(m -> "list what is pinned with: ls -R " + m)
                    .orElse("no bpffs is mounted (mount one with: mount -t bpf bpf /sys/fs/bpf)");
            throw new NotFoundException("no pinned BPF map at " + path + ": " + hint);
        }
        if (!Mounts.isOnFilesystem(path.toAbsolutePath().normalize(), "bpf")) {
            throw new NotFoundException(path + " is not in a bpffs ("
                    + Mounts.filesystemOf(path.toAbsolutePath().normalize()).orElse("unknown filesystem")
                    + "), so it is not a pinned BPF map");
        }
        int ret = LibbpfLoader.natives().libbpf().bpf_obj_get(path.toString());
        if (ret < 0) {
            int errno = -ret;
            if (errno == Errno.EPERM || errno == Errno.EACCES) {
                throw new PrivilegeException("opening pinned map " + path + " was refused (" + Errno.name(errno)
                        + "): the pin's owner and mode must allow this user, or run as root");
            }
            throw Errno.failure("opening pinned map " + path, errno);
        }
        Fd fd = Fd.own(ret);
        String kind = FdInfo.of(ret).kind();
        if (!kind.equals("map")) {
            fd.close();
            throw new NotFoundException(path + " is a pinned BPF " + kind + ", not a map");
        }
        return fd;
    }
}
