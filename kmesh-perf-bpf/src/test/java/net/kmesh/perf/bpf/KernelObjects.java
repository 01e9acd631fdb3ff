package net.kmesh.perf.bpf;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.kmesh.perf.bpf.libbpf.BpfIds;

/** The ids of every BPF map, program and link in the kernel, to show that nothing was left behind. */
public record KernelObjects(Set<Integer> maps, Set<Integer> programs, Set<Integer> links) {

    public static KernelObjects now() {
        return new KernelObjects(new HashSet<>(BpfIds.maps()), new HashSet<>(BpfIds.programs()),
                new HashSet<>(BpfIds.links()));
    }

    /** What exists now that did not in {@code before}. */
    public KernelObjects since(KernelObjects before) {
        return new KernelObjects(minus(maps, before.maps), minus(programs, before.programs),
                minus(links, before.links));
    }

    /**
     * What still exists, after waiting up to {@code timeout} for it to go: the kernel drops a
     * program's references to its maps only after an RCU grace period, so maps vanish a moment
     * after their programs.
     */
    public static KernelObjects leftSince(KernelObjects before, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        KernelObjects left = now().since(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            left = now().since(before);
        }
        return left;
    }

    public boolean isEmpty() {
        return maps.isEmpty() && programs.isEmpty() && links.isEmpty();
    }

    private static Set<Integer> minus(Set<Integer> a, Set<Integer> b) {
        Set<Integer> r = new HashSet<>(a);
        r.removeAll(b);
        return r;
    }

    @Override
    public String toString() {
        return "maps " + List.copyOf(maps) + ", programs " + List.copyOf(programs) + ", links " + List.copyOf(links);
    }
}
