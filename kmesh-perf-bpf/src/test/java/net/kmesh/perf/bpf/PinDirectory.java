package net.kmesh.perf.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.sys.Mounts;

/**
 * A fresh directory in the bpffs for a test's pins, mounting the bpffs at /sys/fs/bpf first if
 * this (fresh) machine has none. {@link #close()} removes every pin in it and the directory.
 */
public final class PinDirectory implements AutoCloseable {
    private final Path dir;

    private PinDirectory(Path dir) {
        this.dir = dir;
    }

    public static PinDirectory create(String name) throws IOException, InterruptedException {
        Path root = Mounts.bpffs().orElse(null);
        if (root == null) {
            root = Path.of("/sys/fs/bpf");
            Process p = new ProcessBuilder("mount", "-t", "bpf", "bpf", root.toString()).inheritIO().start();
            if (p.waitFor() != 0 || Mounts.bpffs().isEmpty()) {
                throw new IOException("no bpffs mounted and mounting one at " + root + " failed");
            }
        }
        Path dir = root.resolve(name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(dir);
        return new PinDirectory(dir);
    }

    public Path path() {
        return dir;
    }

    public Path resolve(String pin) {
        return dir.resolve(pin);
    }

    /** Pins the map or program behind {@code fd} (borrowed) as {@code pin} in this directory; returns its path. */
    public Path pin(int fd, String pin) {
        Path path = dir.resolve(pin);
        Errno.check("pinning fd " + fd + " at " + path,
                LibbpfLoader.natives().libbpf().bpf_obj_pin(fd, path.toString()));
        return path;
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
