package net.kmesh.perf.bpf.resources;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.kmesh.perf.ResourceUsage;
import net.kmesh.perf.ResourceUsage.CpuTime;
import net.kmesh.perf.bpf.resources.CgroupFiles.Memory;
import net.kmesh.perf.bpf.resources.Mounts.Mount;

/**
 * Reads the usage of one process. Each resource comes from the first of these that has it: the
 * process's cgroup v2, its cgroup v1 (memory, cpuacct), its own {@code /proc} counters. A cgroup
 * that is its hierarchy's root is skipped, since it describes the whole machine; any other is
 * reported whole, with whatever else runs in it, as cAdvisor reports a container.
 */
final class ProcessUsage {
    private final ProcFs proc;
    private final Path mountTable;

    ProcessUsage(ProcFs proc, Path mountTable) {
        this.proc = proc;
        this.mountTable = mountTable;
    }

    /**
     * The usage of {@code pid}, whose {@code stat} was just read; empty when the process exits
     * before the read ends or no value can be read.
     */
    Optional<ResourceUsage> read(long pid, ProcStat stat, String target) {
        ProcCgroups cgroups = proc.cgroups(pid);
        boolean inSomeCgroup = cgroups.entries().stream().anyMatch(e -> !e.path().equals("/"));
        List<Mount> mounts = inSomeCgroup ? Mounts.read(mountTable) : List.of();
        Optional<Path> v2 = cgroups.unified()
                .flatMap(path -> Mounts.cgroup2(mounts).flatMap(root -> directory(root, path)));
        Optional<Path> v1Memory = cgroups.v1("memory")
                .flatMap(path -> Mounts.cgroupV1(mounts, "memory").flatMap(root -> directory(root, path)));
        Optional<Path> v1Cpu = cgroups.v1("cpuacct")
                .flatMap(path -> Mounts.cgroupV1(mounts, "cpuacct").flatMap(root -> directory(root, path)));

        Memory memory = v2.filter(CgroupFiles::hasV2Memory).map(CgroupFiles::v2Memory)
                .or(() -> v1Memory.filter(CgroupFiles::hasV1Memory).map(CgroupFiles::v1Memory))
                .orElseGet(() -> new Memory(proc.rss(pid), Optional.empty()));
        Optional<CpuTime> cpu = v2.filter(CgroupFiles::hasV2Cpu).map(CgroupFiles::v2Cpu)
                .or(() -> v1Cpu.filter(CgroupFiles::hasV1Cpu).map(CgroupFiles::v1Cpu))
                .orElseGet(() -> Optional.of(proc.cpu(pid, stat)));

        if (!proc.exists(pid)) {
            return Optional.empty();
        }
        return Usages.of(target, memory, cpu);
    }

    /**
     * The directory of cgroup {@code path} (as {@code /proc/PID/cgroup} prints it) in the hierarchy
     * mounted at {@code root}. Empty for the root cgroup, and when the directory does not exist: a
     * path from another cgroup namespace, or a removed cgroup, which the kernel prints with a
     * " (deleted)" suffix.
     */
    static Optional<Path> directory(Path root, String path) {
        if (path.equals("/")) {
            return Optional.empty();
        }
        Path dir;
        try {
            dir = root.resolve(path.substring(1)).normalize();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        if (!dir.startsWith(root) || dir.equals(root) || !Files.isDirectory(dir)) {
            return Optional.empty();
        }
        return Optional.of(dir);
    }
}
