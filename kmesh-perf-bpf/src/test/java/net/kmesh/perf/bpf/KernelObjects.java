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
     * The ids of the maps, programs and links this process holds an fd to, read from
     * {@code /proc/self/fdinfo}: a precise notion of "ours" that other processes loading BPF
     * objects at the same time cannot disturb.
     */
    public static KernelObjects heldByThisProcess() {
        return heldBy("self");
    }

    /** The same for process {@code pid} ("self" for this one); empty once it has exited. */
    public static KernelObjects heldBy(String pid) {
        Set<Integer> maps = new HashSet<>();
        Set<Integer> programs = new HashSet<>();
        Set<Integer> links = new HashSet<>();
        java.io.File[] fds = new java.io.File("/proc/" + pid + "/fdinfo").listFiles();
        for (java.io.File f : fds == null ? new java.io.File[0] : fds) {
            String text;
            try {
                text = java.nio.file.Files.readString(f.toPath());
            } catch (java.io.IOException e) {
                continue; // closed while listing
            }
            for (String line : text.split("\n")) {
                String[] kv = line.split(":\\s*", 2);
                if (kv.length != 2) {
                    continue;
                }
                switch (kv[0]) {
                    case "map_id" -> maps.add(Integer.parseInt(kv[1].strip()));
                    case "prog_id" -> programs.add(Integer.parseInt(kv[1].strip()));
                    case "link_id" -> links.add(Integer.parseInt(kv[1].strip()));
                    default -> { }
                }
            }
        }
        return new KernelObjects(maps, programs, links);
    }

    /** Those of {@code ids} that still exist in the kernel, after waiting up to {@code timeout} for them to go. */
    public static KernelObjects stillLoaded(KernelObjects ids, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        KernelObjects left = now().intersect(ids);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            left = now().intersect(ids);
        }
        return left;
    }

    private KernelObjects intersect(KernelObjects other) {
        Set<Integer> m = new HashSet<>(maps);
        m.retainAll(other.maps);
        Set<Integer> p = new HashSet<>(programs);
        p.retainAll(other.programs);
        Set<Integer> l = new HashSet<>(links);
        l.retainAll(other.links);
        return new KernelObjects(m, p, l);
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
