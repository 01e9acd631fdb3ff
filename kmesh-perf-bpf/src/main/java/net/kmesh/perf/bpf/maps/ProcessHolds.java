package net.kmesh.perf.bpf.maps;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many fds this process's collectors hold to each map id. The kernel's reference count of a map
 * is per map, not per holder: a collector may let a held map go when every reference left is one of
 * these (two monitors in one service must not keep each other's maps alive), so the count is
 * process-wide, as the fd table it mirrors.
 */
final class ProcessHolds {
    private static final ConcurrentHashMap<Integer, Integer> HOLDS = new ConcurrentHashMap<>();

    private ProcessHolds() {
    }

    static void add(int id) {
        HOLDS.merge(id, 1, Integer::sum);
    }

    static void remove(int id) {
        HOLDS.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
    }

    static int of(int id) {
        return HOLDS.getOrDefault(id, 0);
    }
}
