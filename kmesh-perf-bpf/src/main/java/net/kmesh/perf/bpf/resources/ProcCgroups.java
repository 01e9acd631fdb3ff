package net.kmesh.perf.bpf.resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cgroups of a process, from {@code /proc/PID/cgroup}: one {@code id:controllers:path} line per
 * hierarchy, {@code 0::/path} for cgroup v2, e.g. {@code 4:memory:/kmesh} or {@code 3:cpu,cpuacct:/kmesh}
 * for v1. Paths are relative to the reader's cgroup namespace.
 *
 * @param entries the well-formed lines, in file order
 */
public record ProcCgroups(List<Entry> entries) {
    public ProcCgroups {
        entries = List.copyOf(entries);
    }

    /**
     * One hierarchy the process belongs to.
     *
     * @param hierarchyId the hierarchy's number, 0 for cgroup v2
     * @param controllers the v1 controllers bound to it, with named hierarchies as {@code name=systemd};
     *                    none for v2
     * @param path        the process's cgroup in it, starting with {@code /}; exactly {@code /} for its root
     */
    public record Entry(long hierarchyId, List<String> controllers, String path) {
        public Entry {
            controllers = List.copyOf(controllers);
        }
    }

    /**
     * Parses the file. A line is skipped unless its id is an unsigned decimal and its path starts
     * with {@code /}; the path is kept as written, since a cgroup name may contain spaces and colons.
     */
    static ProcCgroups parse(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second < 0 || second + 1 >= line.length() || line.charAt(second + 1) != '/') {
                continue;
            }
            String[] id = Fields.split(line.substring(0, first));
            if (id.length != 1) {
                continue;
            }
            Decimal.unsigned(id[0]).ifPresent(h -> {
                String names = line.substring(first + 1, second);
                List<String> controllers = names.isEmpty() ? List.of() : List.of(names.split(","));
                entries.add(new Entry(h, controllers, line.substring(second + 1)));
            });
        }
        return new ProcCgroups(entries);
    }

    /** This process's cgroup v2 path, e.g. {@code /} or {@code /system.slice/x.service}; empty when unreadable. */
    public static Optional<String> unifiedOfThisProcess() {
        try {
            return parse(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/cgroup"))).unified();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** The process's cgroup v2 path. */
    Optional<String> unified() {
        return entries.stream().filter(e -> e.hierarchyId() == 0 && e.controllers().isEmpty())
                .map(Entry::path).findFirst();
    }

    /** The process's path in the v1 hierarchy that has {@code controller}, e.g. {@code memory}. */
    Optional<String> v1(String controller) {
        return entries.stream().filter(e -> e.hierarchyId() != 0 && e.controllers().contains(controller))
                .map(Entry::path).findFirst();
    }
}
