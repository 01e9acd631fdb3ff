package net.kmesh.perf.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import net.kmesh.perf.bpf.KernelObjects;
import net.kmesh.perf.bpf.resources.Mounts;
import net.kmesh.perf.bpf.samples.SampleCgroup;

/**
 * What a demo process could leave behind, looked up for that process only (other tests may load
 * BPF objects and create cgroups at the same time): its cgroup, and the BPF objects it held.
 */
final class Leftovers {
    private Leftovers() {
    }

    /**
     * Where the demo with pid {@code pid}, started by this JVM, makes its cgroup: beside its own
     * cgroup v2, which it inherited from this JVM. Tests check that it exists while the demo runs,
     * so a wrong path here cannot pass as "removed".
     */
    static Path demoCgroup(long pid) {
        Path root = Mounts.cgroup2().orElseThrow(() -> new AssertionError("no cgroup v2 mounted"));
        String own = SampleCgroup.currentCgroup().orElse("/");
        return root.resolve(own.substring(1)).resolve(DemoRun.CGROUP_PREFIX + pid);
    }

    /**
     * The ids of the BPF maps, programs and links process {@code pid} holds an fd to, read from
     * {@code /proc/PID/fdinfo}.
     */
    static KernelObjects heldBy(long pid) throws IOException {
        Set<Integer> maps = new HashSet<>();
        Set<Integer> programs = new HashSet<>();
        Set<Integer> links = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fdinfo"))) {
            for (Path f : fds.toList()) {
                String text;
                try {
                    text = Files.readString(f);
                } catch (IOException e) {
                    continue; // closed while listing
                }
                for (String line : text.split("\n")) {
                    String[] kv = line.split(":\\s*", 2);
                    if (kv.length == 2) {
                        switch (kv[0]) {
                            case "map_id" -> maps.add(Integer.parseInt(kv[1].strip()));
                            case "prog_id" -> programs.add(Integer.parseInt(kv[1].strip()));
                            case "link_id" -> links.add(Integer.parseInt(kv[1].strip()));
                            default -> { }
                        }
                    }
                }
            }
        }
        return new KernelObjects(maps, programs, links);
    }
}
