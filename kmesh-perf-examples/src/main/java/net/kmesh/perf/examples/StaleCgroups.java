package net.kmesh.perf.examples;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroups demos make beside their own ({@code kmesh-perf-demo-PID}), and those that demos
 * killed with SIGKILL left behind (no shutdown hook runs then).
 *
 * <p>A pid says nothing about whether a demo still runs: a demo in a pid namespace has pid 1 there,
 * and so may the next one, while both make their cgroups in the same directory of the host's
 * cgroup tree. What counts is whether the cgroup holds a process: one that holds none and was made
 * more than {@link #GRACE} ago is stale (the grace covers a demo between making its cgroup and
 * moving into it). The kernel refuses to remove a cgroup that holds a process, so nothing in use
 * can go.
 */
final class StaleCgroups {
    /** How old an empty demo cgroup must be before another demo removes it. */
    static final Duration GRACE = Duration.ofSeconds(3);
    private static final Pattern NAME = Pattern.compile(Pattern.quote(DemoRun.CGROUP_PREFIX) + "\\d{1,10}(-\\d{1,3})?");
    private static final int MAX_SUFFIX = 100;
    private static final Logger LOG = LoggerFactory.getLogger(StaleCgroups.class);

    private StaleCgroups() {
    }

    /**
     * Removes from {@code dir} the demo cgroups that hold no process and were made before
     * {@code now} less {@link #GRACE}. Returns those removed; one that cannot be removed is left,
     * quietly (this is housekeeping).
     */
    static List<Path> remove(Path dir, Instant now) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path child : children) {
                if (NAME.matcher(child.getFileName().toString()).matches() && isStale(child, now) && delete(child)) {
                    removed.add(child);
                    LOG.info("removed {}, left by a demo that was killed", child);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", dir, e.toString());
        }
        return removed;
    }

    /**
     * The name of the cgroup for the demo with pid {@code pid} in {@code dir}: {@code kmesh-perf-demo-PID}.
     * An empty cgroup of that name, whatever its age, was left by a demo that had this pid (in this
     * or another pid namespace) and is removed; when a running demo holds it (same pid, another pid
     * namespace), a suffix makes the name unique: {@code kmesh-perf-demo-PID-2}, ...
     */
    static String nameFor(Path dir, long pid) {
        String base = DemoRun.CGROUP_PREFIX + pid;
        for (int i = 1; i <= MAX_SUFFIX; i++) {
            String name = i == 1 ? base : base + "-" + i;
            Path p = dir.resolve(name);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return name;
            }
            if (!populated(p) && delete(p)) {
                LOG.info("removed {}, left by a demo with the same pid that was killed", p);
                return name;
            }
        }
        throw new DemoException("cannot name a cgroup in " + dir + ": " + base + " and " + (MAX_SUFFIX - 1)
                + " suffixed names are in use (remove the " + DemoRun.CGROUP_PREFIX + "* cgroups there that hold no process)",
                null);
    }

    private static boolean isStale(Path cgroup, Instant now) {
        if (populated(cgroup)) {
            return false;
        }
        try {
            Instant made = Files.getLastModifiedTime(cgroup, LinkOption.NOFOLLOW_LINKS).toInstant();
            return made.plus(GRACE).isBefore(now);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether a process lives in {@code cgroup} or below: {@code cgroup.events} on cgroup v2, else a
     * non-empty {@code cgroup.procs}.
     */
    static boolean populated(Path cgroup) {
        try {
            Path events = cgroup.resolve("cgroup.events");
            if (Files.exists(events)) {
                return Files.readAllLines(events).stream().anyMatch(l -> l.strip().equals("populated 1"));
            }
            Path procs = cgroup.resolve("cgroup.procs");
            return Files.exists(procs) && !Files.readString(procs).isBlank();
        } catch (IOException e) {
            return true; // unreadable: leave it alone
        }
    }

    private static boolean delete(Path cgroup) {
        try {
            Files.delete(cgroup);
            return true;
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", cgroup, e.toString());
            return false;
        }
    }
}
