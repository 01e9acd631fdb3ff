package net.kmesh.perf.bpf.progs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who holds BPF statistics on: the fds of {@code BPF_ENABLE_STATS} are anonymous inodes named
 * {@code bpf-stats}, visible to root in every process's {@code /proc/PID/fd}. (The sysctl
 * {@code kernel.bpf_stats_enabled} shows only what was written to it, not these holders.)
 */
final class StatsHolders {
    private static final String LINK = "anon_inode:bpf-stats";

    private StatsHolders() {
    }

    /** The statistics fds this process holds. */
    static int inThisProcess() {
        return count(Path.of("/proc/self/fd"));
    }

    /** True when statistics are on: by a holder anywhere, or by the sysctl. */
    static boolean anyOn() throws IOException {
        if (!Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).strip().equals("0")) {
            return true;
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                if (count(p.resolve("fd")) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int count(Path fdDir) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(LINK)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        } catch (IOException e) {
            // the process exited while listing
        }
        return n;
    }
}
