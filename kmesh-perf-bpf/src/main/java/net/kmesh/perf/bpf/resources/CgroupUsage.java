package net.kmesh.perf.bpf.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.CpuTime;
import net.kmesh.perf.bpf.resources.CgroupFiles.Memory;
import net.kmesh.perf.bpf.resources.Mounts.Mount;

/**
 * Reads the usage of one cgroup directory. A v2 directory (it has {@code cgroup.controllers})
 * gives both resources; a v1 directory belongs to one hierarchy, so the other resource is read
 * from the cgroup at the same relative path in the other controller's hierarchy, as runc and
 * systemd create them, when that exists.
 */
final class CgroupUsage {
    private final Path mountTable;

    CgroupUsage(Path mountTable) {
        this.mountTable = mountTable;
    }

    /** The usage of {@code dir}; empty when it does not exist or holds no value this reads. */
    Optional<ResourceUsage> read(Path dir, String target) {
        Path real;
        try {
            // Mount tables list canonical paths; v1 systems often link cpu and cpuacct to cpu,cpuacct.
            real = dir.toRealPath();
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        if (!Files.isDirectory(real)) {
            return Optional.empty();
        }
        Memory memory;
        Optional<CpuTime> cpu;
        if (CgroupFiles.isV2(real)) {
            memory = CgroupFiles.hasV2Memory(real) ? CgroupFiles.v2Memory(real) : Memory.NONE;
            cpu = CgroupFiles.hasV2Cpu(real) ? CgroupFiles.v2Cpu(real) : Optional.empty();
        } else {
            List<Mount> mounts = Mounts.read(mountTable);
            memory = Optional.of(real).filter(CgroupFiles::hasV1Memory)
                    .or(() -> sibling(mounts, real, "memory").filter(CgroupFiles::hasV1Memory))
                    .map(CgroupFiles::v1Memory).orElse(Memory.NONE);
            cpu = Optional.of(real).filter(CgroupFiles::hasV1Cpu)
                    .or(() -> sibling(mounts, real, "cpuacct").filter(CgroupFiles::hasV1Cpu))
                    .flatMap(CgroupFiles::v1Cpu);
        }
        return Usages.of(target, memory, cpu);
    }

    /** The cgroup at {@code dir}'s path within its v1 hierarchy, in the hierarchy of {@code controller}. */
    static Optional<Path> sibling(List<Mount> mounts, Path dir, String controller) {
        Optional<Path> own = mounts.stream().filter(m -> m.type().equals("cgroup")).map(Mount::mountPoint)
                .filter(dir::startsWith).max(Comparator.comparingInt(Path::getNameCount));
        return own.flatMap(root -> Mounts.cgroupV1(mounts, controller)
                        .map(other -> other.resolve(root.relativize(dir).toString())))
                .filter(Files::isDirectory);
    }
}
