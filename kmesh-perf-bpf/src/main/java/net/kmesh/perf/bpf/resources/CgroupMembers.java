package net.kmesh.perf.bpf.resources;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The processes of a cgroup and of every cgroup below it, from their {@code cgroup.procs}, and
 * whether a cgroup is one process's own: every process in it is that process or a descendant of it.
 * A cgroup's memory and CPU counters are hierarchical, so the cgroups below count as much as the
 * cgroup itself.
 */
final class CgroupMembers {
    /** Cgroups visited below one directory before giving up; a daemon's own cgroup has a handful. */
    static final int MAX_CGROUPS = 1024;
    /** Parent links followed from a process towards the daemon. */
    static final int MAX_GENERATIONS = 64;

    private CgroupMembers() {
    }

    /**
     * The pids listed in {@code cgroup.procs} of {@code dir} and of every directory below it, as the
     * reader's pid namespace sees them (0 for a v2 member it cannot see). Empty when a
     * {@code cgroup.procs} is missing, unreadable or holds anything but one decimal per line, or when
     * there are more than {@link #MAX_CGROUPS} cgroups.
     */
    static Optional<Set<Long>> pids(Path dir) {
        Set<Long> pids = new TreeSet<>();
        Deque<Path> pending = new ArrayDeque<>();
        pending.add(dir);
        int visited = 0;
        while (!pending.isEmpty()) {
            Path cgroup = pending.poll();
            if (++visited > MAX_CGROUPS) {
                return Optional.empty();
            }
            Optional<String> procs = KernelFiles.read(cgroup.resolve(CgroupFiles.PROCS));
            if (procs.isEmpty()) {
                return Optional.empty();
            }
            for (String line : procs.get().split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                OptionalLong pid = Decimal.unsigned(line);
                if (pid.isEmpty()) {
                    return Optional.empty();
                }
                pids.add(pid.getAsLong());
            }
            try (DirectoryStream<Path> children = Files.newDirectoryStream(cgroup,
                    p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                children.forEach(pending::add);
            } catch (IOException | DirectoryIteratorException | SecurityException e) {
                return Optional.empty();
            }
        }
        return Optional.of(pids);
    }

    /**
     * Why {@code dir} is not {@code pid}'s own cgroup; empty when it is: it lists {@code pid}, and
     * every other process in it and below it descends from {@code pid}. A listed process that exits
     * before it is looked at is gone, not a neighbour; one the reader cannot see (pid 0) is a neighbour.
     */
    static Optional<String> sharing(ProcFs proc, Path dir, long pid) {
        Optional<Set<Long>> members = pids(dir);
        if (members.isEmpty()) {
            return Optional.of("the processes of " + dir + " and the cgroups below it cannot be listed ("
                    + CgroupFiles.PROCS + ")");
        }
        if (!members.get().contains(pid)) {
            return Optional.of(dir + " does not list pid " + pid + " in " + CgroupFiles.PROCS);
        }
        for (long other : members.get()) {
            if (other != pid && (other == 0 || proc.stat(other).isPresent() && !descends(proc, other, pid))) {
                return Optional.of(dir + " also holds " + who(proc, other) + ", which is not a descendant of pid " + pid);
            }
        }
        return Optional.empty();
    }

    /** True when {@code ancestor} is a parent, grandparent... of {@code pid}. */
    static boolean descends(ProcFs proc, long pid, long ancestor) {
        long current = pid;
        for (int i = 0; i < MAX_GENERATIONS; i++) {
            Optional<ProcStat> stat = proc.stat(current);
            if (stat.isEmpty()) {
                return false;
            }
            long parent = stat.get().ppid();
            if (parent == ancestor) {
                return true;
            }
            if (parent == 0) {
                return false;
            }
            current = parent;
        }
        return false;
    }

    private static String who(ProcFs proc, long pid) {
        if (pid == 0) {
            return "a process outside this pid namespace (pid 0)";
        }
        return "pid " + pid + proc.stat(pid).map(s -> " (" + s.comm() + ")").orElse("");
    }
}
