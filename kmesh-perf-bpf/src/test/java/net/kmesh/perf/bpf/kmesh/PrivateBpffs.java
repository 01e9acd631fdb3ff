package net.kmesh.perf.bpf.kmesh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.kmesh.perf.bpf.sys.Mounts;

/**
 * A bpffs of a test's own, mounted on a fresh temporary directory, so that a stand-in data plane
 * pins where a real Kmesh would ({@code <bpffs>/bpf_kmesh_workload/map/...}) without touching the
 * host's {@code /sys/fs/bpf}. {@link #close()} unmounts it, which drops every pin in it, and removes
 * the directory. Needs CAP_SYS_ADMIN.
 */
public final class PrivateBpffs implements AutoCloseable {
    private final Path path;
    private boolean mounted;

    private PrivateBpffs(Path path) {
        this.path = path;
        this.mounted = true;
    }

    /** Mounts a new bpffs on a new directory under the system's temporary directory. */
    public static PrivateBpffs mount() throws IOException {
        Path dir = Files.createTempDirectory("kmesh-perf-bpffs-");
        try {
            run(List.of("mount", "-t", "bpf", "bpf", dir.toString()));
            if (!Mounts.isOnFilesystem(dir.toRealPath(), "bpf")) {
                run(List.of("umount", dir.toString()));
                throw new IOException("mount -t bpf bpf " + dir + " succeeded but " + dir + " is on "
                        + Mounts.filesystemOf(dir).orElse("an unknown filesystem"));
            }
            return new PrivateBpffs(dir);
        } catch (IOException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
    }

    /** The mount point: the {@code --bpf-fs-path} of the stand-in data plane. */
    public Path path() {
        return path;
    }

    @Override
    public synchronized void close() throws IOException {
        if (mounted) {
            try {
                run(List.of("umount", path.toString()));
            } catch (IOException e) {
                // Busy (an fd of a pinned object's file is open somewhere): detach it now, it goes when released.
                run(List.of("umount", "-l", path.toString()));
            }
            mounted = false;
            Files.deleteIfExists(path);
        }
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out
                        + " (mounting a bpffs needs CAP_SYS_ADMIN)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        }
    }

    @Override
    public String toString() {
        return "PrivateBpffs[" + path + "]";
    }
}
