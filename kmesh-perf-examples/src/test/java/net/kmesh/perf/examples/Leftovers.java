package net.kmesh.perf.examples;

import java.nio.file.Path;
import net.kmesh.perf.bpf.KernelObjects;
import net.kmesh.perf.bpf.samples.SampleCgroup;
import net.kmesh.perf.bpf.sys.Mounts;

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

    /** The ids of the BPF maps, programs and links process {@code pid} holds an fd to. */
    static KernelObjects heldBy(long pid) {
        return KernelObjects.heldBy(Long.toString(pid));
    }
}
