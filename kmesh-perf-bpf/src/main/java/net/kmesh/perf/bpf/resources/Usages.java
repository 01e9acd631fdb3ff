package net.kmesh.perf.bpf.resources;

import java.util.List;
import java.util.Optional;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.CpuTime;
import net.kmesh.perf.bpf.resources.CgroupFiles.Memory;
import net.kmesh.perf.bpf.resources.DaemonUsageReader.Reading;

/** Assembles a {@link ResourceUsage}. */
final class Usages {
    private Usages() {
    }

    /** The usage, or a problem naming the target and the notes when no value at all was read. */
    static Reading of(String target, Memory memory, Optional<CpuTime> cpu, List<String> notes) {
        if (memory.usage().isEmpty() && memory.workingSet().isEmpty() && cpu.isEmpty()) {
            return Reading.problem("no value of " + target + " could be read"
                    + (notes.isEmpty() ? "" : ": " + String.join("; ", notes)));
        }
        return Reading.of(new ResourceUsage(target, memory.usage(), memory.workingSet(), cpu, notes));
    }
}
