package net.kmesh.perf.bpf.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.KernelFeatureException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.resources.ProcCgroups;
import net.kmesh.perf.bpf.sys.Mounts;

/**
 * A cgroup v2 directory made for the {@code cgroup/connect4} sample, with this process moved into
 * it so that its connect() calls pass through the sample. {@link #close()} moves the process back
 * where it was and removes the directory.
 */
public final class SampleCgroup implements AutoCloseable {
    private final Path path;
    private final Path original;
    private boolean closed;

    private SampleCgroup(Path path, Path original) {
        this.path = path;
        this.original = original;
    }

    /**
     * Creates {@code name} beside this process's cgroup v2 and moves this process into it.
     *
     * @throws KernelFeatureException when no cgroup v2 is mounted
     * @throws PrivilegeException     when the cgroup cannot be created or joined
     */
    public static SampleCgroup enter(String name) {
        Path root = Mounts.cgroup2().orElseThrow(() -> new KernelFeatureException(
                "no cgroup v2 is mounted: the connect4 sample needs one (mount -t cgroup2 none /sys/fs/cgroup)"));
        Path original = root.resolve(currentCgroup().orElse("/").substring(1));
        Path path = original.resolve(name);
        try {
            Files.createDirectory(path);
        } catch (IOException e) {
            throw failure("creating cgroup " + path, e);
        }
        try {
            Files.writeString(path.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            deleteQuietly(path);
            throw failure("moving this process into cgroup " + path, e);
        }
        return new SampleCgroup(path, original);
    }

    private static PerfMonitorException failure(String what, IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return new PrivilegeException(what + " was refused: run as root (or own the cgroup)");
        }
        return new PerfMonitorException(what + ": " + e, e);
    }

    /** This process's cgroup v2 path, e.g. "/" or "/system.slice/x.service", from /proc/self/cgroup. */
    public static Optional<String> currentCgroup() {
        return ProcCgroups.unifiedOfThisProcess();
    }

    /** The cgroup directory. */
    public Path path() {
        return path;
    }

    /** Moves this process back to its original cgroup and removes the directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.writeString(original.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("moving this process back to cgroup " + original, e);
        }
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException("removing cgroup " + path + " (does a child process still run in it?)", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // Only on a failed enter(), whose exception is what the caller needs to see.
        }
    }
}
