package net.kmesh.perf.examples;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cgroups that earlier demos made and could not remove because they were killed (a SIGKILL runs
 * no shutdown hook). Before a demo makes its own, it removes those named
 * {@code kmesh-perf-demo-PID} whose PID no longer runs; the kernel refuses to remove one that
 * still holds a process, so nothing in use can go.
 */
final class StaleCgroups {
    private static final Pattern NAME = Pattern.compile(Pattern.quote(DemoRun.CGROUP_PREFIX) + "(\\d{1,7})");
    private static final Logger LOG = LoggerFactory.getLogger(StaleCgroups.class);

    private StaleCgroups() {
    }

    /**
     * Removes from {@code dir} the demo cgroups of processes that {@code alive} says are gone.
     * Returns those removed; one that cannot be removed is left, silently (this is housekeeping).
     */
    static List<Path> remove(Path dir, LongPredicate alive) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, p -> Files.isDirectory(p))) {
            for (Path child : children) {
                Matcher m = NAME.matcher(child.getFileName().toString());
                if (!m.matches() || alive.test(Long.parseLong(m.group(1)))) {
                    continue;
                }
                try {
                    Files.delete(child);
                    removed.add(child);
                    LOG.info("removed {}, left by a demo that was killed", child);
                } catch (IOException e) {
                    LOG.debug("cannot remove {}: {}", child, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", dir, e.toString());
        }
        return removed;
    }
}
