package net.kmesh.perf.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.RecordSource;
import net.kmesh.perf.bpf.sys.Mounts;
import net.kmesh.perf.bpf.sys.Mounts.Mount;

/**
 * Rejects, before the monitor opens, a data plane's path that can never name a ring: one outside
 * any bpffs. A path inside a bpffs that does not exist yet is fine: the monitor waits for it. (A pin
 * path that names a directory, or a pinned object that is not a ring buffer, the monitor rejects
 * itself when it opens.)
 */
final class SourcePreflight {
    static final String BPF_FS = "bpf";

    private SourcePreflight() {
    }

    /**
     * Checks {@code source} against the mount table {@code mounts}.
     *
     * @throws DemoException naming the path, the filesystem it is on and the fix
     */
    static void check(RecordSource source, List<Mount> mounts) {
        if (source instanceof RecordSource.Pinned p) {
            Path existing = nearestExisting(p.path());
            String fs = filesystemOf(existing, mounts).orElse("no known filesystem");
            if (!fs.equals(BPF_FS)) {
                throw new DemoException("--ringbuf-pin " + p.path() + " is not in a bpffs (" + existing + " is on " + fs
                        + "): BPF objects are pinned in a bpf filesystem, e.g. under "
                        + RecordSource.DEFAULT_BPFFS, null);
            }
        } else if (source instanceof RecordSource.Kmesh k) {
            Path bpffs = k.bpffs();
            if (!Files.isDirectory(bpffs)) {
                throw new DemoException("--kmesh=" + bpffs + " is not a directory: name the bpffs Kmesh pins under (its "
                        + "--bpf-fs-path, " + RecordSource.DEFAULT_BPFFS + " by default)", null);
            }
            String fs = filesystemOf(realPath(bpffs), mounts).orElse("no known filesystem");
            if (!fs.equals(BPF_FS)) {
                throw new DemoException("--kmesh=" + bpffs + " is not a bpffs (it is on " + fs + "): name "
                        + "the bpffs Kmesh pins under (its --bpf-fs-path, " + RecordSource.DEFAULT_BPFFS
                        + " by default), or mount one: mount -t bpf bpf " + bpffs, null);
            }
        }
    }

    /** The filesystem type of the mount that holds {@code path}: the last mounted at the longest prefix. */
    static Optional<String> filesystemOf(Path path, List<Mount> mounts) {
        Mount best = null;
        for (Mount m : mounts) {
            if (path.startsWith(m.mountPoint())
                    && (best == null || m.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return Optional.ofNullable(best).map(Mount::type);
    }

    /** {@code path} or its nearest ancestor that exists, with symbolic links resolved. */
    static Path nearestExisting(Path path) {
        Path p = path.toAbsolutePath().normalize();
        while (p.getParent() != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return realPath(p);
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** {@link #check(RecordSource, List)} against this process's mount table. */
    static void check(RecordSource source) {
        check(source, Mounts.all());
    }
}
