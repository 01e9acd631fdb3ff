package net.kmesh.perf.bpf.resources;

import java.util.Optional;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.CpuTime;
import net.kmesh.perf.bpf.resources.CgroupFiles.Memory;

/** Assembles a {@link ResourceUsage}. */
final class Usages {
    private Usages() {
    }

    /** The usage, or empty when no value at all was read. */
    static Optional<ResourceUsage> of(String target, Memory memory, Optional<CpuTime> cpu) {
        if (memory.usage().isEmpty() && memory.workingSet().isEmpty() && cpu.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ResourceUsage(target, memory.usage(), memory.workingSet(), cpu));
    }
}
