package net.kmesh.perf.bpf;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/** This process's fd numbers, as a test that needs a number reused sees them. */
final class OpenFds {
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    private OpenFds() {
    }

    /** The fds of this process that hold BPF map {@code id}, in ascending order. */
    static List<Integer> ofMap(int id) throws IOException {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path link : dir) {
                int fd = Integer.parseInt(link.getFileName().toString());
                try {
                    if (Files.readSymbolicLink(link).toString().equals("anon_inode:bpf-map")
                            && Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).contains("map_id:\t" + id)) {
                        fds.add(fd);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        fds.sort(null);
        return fds;
    }

    /** Whether an epoll set of this process watches fd {@code fd} (its fdinfo lists it as a target). */
    static boolean watchedByEpoll(int fd) throws IOException {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path link : dir) {
                try {
                    if (Files.readSymbolicLink(link).toString().equals("anon_inode:[eventpoll]")) {
                        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + link.getFileName()))) {
                            if (line.matches("tfd:\\s+" + fd + "\\s.*")) {
                                return true;
                            }
                        }
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return false;
    }

    /**
     * Takes every free fd number below {@code fd}, so that the next fd this process opens is
     * {@code fd} (unless another thread opens one first). Returns the fds taken, to {@link #close}.
     *
     * @throws IllegalStateException when {@code fd} is not free
     */
    static List<Integer> freeOnly(int fd) {
        LibC libc = LibbpfLoader.natives().libc();
        List<Integer> taken = new ArrayList<>();
        while (true) {
            int next = libc.open("/dev/null", O_RDONLY_CLOEXEC);
            if (next < 0 || next > fd) {
                if (next >= 0) {
                    libc.close(next);
                }
                close(taken);
                throw new IllegalStateException("fd " + fd + " is not free (next free: " + next + ")");
            }
            if (next == fd) {
                libc.close(next);
                return taken;
            }
            taken.add(next);
        }
    }

    static void close(List<Integer> fds) {
        fds.forEach(LibbpfLoader.natives().libc()::close);
    }
}
