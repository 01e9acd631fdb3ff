package net.kmesh.perf.bpf.probe;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.BpfIds;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.ProgMapIds;

/**
 * Which programs use which maps. A program's maps are fixed when it loads, so each program is asked
 * once; a refresh lists the program ids (one system call each) and asks only the new ones. Listing
 * programs needs CAP_SYS_ADMIN: without it every answer is empty (unknown).
 */
final class ProgramIndex {
    private final Map<Integer, int[]> mapsByProgram = new HashMap<>();
    private boolean refused;

    /**
     * The ids of every map used by a program that uses {@code mapId}, {@code mapId} included; an empty
     * set when no program uses it; empty when programs cannot be listed.
     */
    synchronized Optional<Set<Integer>> mapsBesides(int mapId) {
        if (!refresh()) {
            return Optional.empty();
        }
        Set<Integer> ids = new HashSet<>();
        for (int[] maps : mapsByProgram.values()) {
            if (contains(maps, mapId)) {
                for (int m : maps) {
                    ids.add(m);
                }
            }
        }
        return Optional.of(ids);
    }

    /** Whether a loaded program uses {@code mapId}; empty when programs cannot be listed. */
    synchronized Optional<Boolean> used(int mapId) {
        return mapsBesides(mapId).map(ids -> !ids.isEmpty());
    }

    private boolean refresh() {
        if (refused) {
            return false;
        }
        List<Integer> ids;
        try {
            ids = BpfIds.programs();
        } catch (PrivilegeException e) {
            refused = true;
            return false;
        }
        mapsByProgram.keySet().retainAll(new HashSet<>(ids));
        for (int id : ids) {
            if (mapsByProgram.containsKey(id)) {
                continue;
            }
            int fd;
            try {
                fd = BpfIds.openProgram(id);
            } catch (PrivilegeException e) {
                refused = true;
                return false;
            }
            if (fd < 0) {
                continue; // unloaded since listed
            }
            try (Fd owned = Fd.own(fd)) {
                mapsByProgram.put(id, ProgMapIds.of(owned.get()));
            } catch (PerfMonitorException e) {
                // Unloaded while asked: it uses nothing any more.
            }
        }
        return true;
    }

    private static boolean contains(int[] ids, int id) {
        for (int i : ids) {
            if (i == id) {
                return true;
            }
        }
        return false;
    }
}
