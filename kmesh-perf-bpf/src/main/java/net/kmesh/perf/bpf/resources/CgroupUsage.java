package net.kmesh.perf.bpf.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.ResourceUsage.CpuTime;
import net.kmesh.perf.bpf.resources.CgroupFiles.Memory;
import net.kmesh.perf.bpf.resources.DaemonUsageReader.Reading;
import net.kmesh.perf.bpf.sys.Mounts;
import net.kmesh.perf.bpf.sys.Mounts.Mount;

/**
 * Reads the usage of one cgroup directory. A v2 directory (it has {@code cgroup.controllers})
 * gives its CPU ({@code cpu.stat} is there whether or not the cpu controller is enabled) and its
 * memory when the memory controller is enabled for it; on a hybrid host, where the memory controller
 * is bound to a v1 hierarchy, memory comes from the v1 memory cgroup of its processes when they all
 * share one that holds nothing else, and a note says why otherwise. A v1 directory belongs to one
 * hierarchy, so the other resource is read from the cgroup at the same relative path in the other
 * controller's hierarchy, as runc and systemd create them, when that exists.
 */
final class CgroupUsage {
    /** Reads the cgroup's own files, at every reading (held open where the reader holds them). */
    private final ProcFs proc;
    /** Other processes' files: opened at each read, never held. */
    private final ProcFs plain;
    private final Path mountTable;

    CgroupUsage(ProcFs proc, Path mountTable) {
        this.proc = proc;
        this.plain = proc.openingEachRead();
        this.mountTable = mountTable;
    }

    /** The usage of {@code dir}, or why there is none: it does not exist, is no cgroup, or holds no value. */
    Reading read(Path dir, String target) {
        Path real;
        try {
            // Mount tables list canonical paths; v1 systems often link cpu and cpuacct to cpu,cpuacct.
            real = dir.toRealPath();
        } catch (NoSuchFileException e) {
            return Reading.problem(target + " does not exist (yet)");
        } catch (IOException | SecurityException e) {
            return Reading.problem(target + " cannot be resolved: " + e);
        }
        if (!Files.isDirectory(real)) {
            return Reading.problem(target + " is not a directory");
        }
        List<String> notes = new ArrayList<>();
        Memory memory;
        Optional<CpuTime> cpu;
        if (CgroupFiles.isV2(real)) {
            if (CgroupFiles.has(real, Resource.MEMORY, Basis.CGROUP_V2)) {
                memory = read(real, Resource.MEMORY, Basis.CGROUP_V2, notes);
            } else {
                memory = v1MemoryOfProcesses(real, notes);
            }
            cpu = CgroupFiles.has(real, Resource.CPU, Basis.CGROUP_V2) ? cpu(real, Basis.CGROUP_V2, notes) : none(
                    notes, "cpu: " + real + " has no cpu.stat (Linux 4.20 or later has one in every v2 cgroup)");
        } else {
            List<Mount> mounts = Mounts.read(mountTable);
            Optional<Path> memoryDir = Optional.of(real).filter(d -> CgroupFiles.has(d, Resource.MEMORY, Basis.CGROUP_V1))
                    .or(() -> sibling(mounts, real, "memory").filter(d -> CgroupFiles.has(d, Resource.MEMORY, Basis.CGROUP_V1)));
            Optional<Path> cpuDir = Optional.of(real).filter(d -> CgroupFiles.has(d, Resource.CPU, Basis.CGROUP_V1))
                    .or(() -> sibling(mounts, real, "cpuacct").filter(d -> CgroupFiles.has(d, Resource.CPU, Basis.CGROUP_V1)));
            if (memoryDir.isEmpty() && cpuDir.isEmpty()) {
                return Reading.problem(target + " is no cgroup this reads: it has no " + CgroupFiles.V2_MARKER
                        + " (v2), and neither it nor its path in a v1 memory or cpuacct hierarchy has "
                        + "memory.usage_in_bytes or cpuacct.usage");
            }
            memory = memoryDir.map(d -> read(d, Resource.MEMORY, Basis.CGROUP_V1, notes)).orElseGet(() -> {
                notes.add("memory: no cgroup at the path of " + real + " in a v1 memory hierarchy");
                return Memory.NONE;
            });
            cpu = cpuDir.isPresent() ? cpu(cpuDir.get(), Basis.CGROUP_V1, notes)
                    : none(notes, "cpu: no cgroup at the path of " + real + " in a v1 cpuacct hierarchy");
        }
        return Usages.of(target, memory, cpu, notes);
    }

    private Memory read(Path dir, Resource resource, Basis basis, List<String> notes) {
        Memory memory = CgroupFiles.memory(dir, basis, proc.files());
        if (memory.usage().isEmpty()) {
            notes.add(CgroupFiles.unreadable(dir, resource, basis));
        }
        return memory;
    }

    private Optional<CpuTime> cpu(Path dir, Basis basis, List<String> notes) {
        Optional<CpuTime> cpu = CgroupFiles.cpu(dir, basis, proc.files());
        if (cpu.isEmpty()) {
            notes.add(CgroupFiles.unreadable(dir, Resource.CPU, basis));
        }
        return cpu;
    }

    private static <T> Optional<T> none(List<String> notes, String note) {
        notes.add(note);
        return Optional.empty();
    }

    /**
     * The memory of the v1 memory cgroup that holds every process of v2 cgroup {@code dir} (and of the
     * cgroups below it) and nothing else, as systemd in hybrid mode and container runtimes create
     * them; else none, with a note. Notes name no pid, so that they change only when the cause does.
     */
    private Memory v1MemoryOfProcesses(Path dir, List<String> notes) {
        String lacks = "memory: cgroup v2 " + dir + " has no memory.current (its parent does not enable the memory "
                + "controller)";
        Optional<Path> root = Mounts.cgroupV1(Mounts.read(mountTable), "memory");
        if (root.isEmpty()) {
            notes.add(lacks + " and no v1 memory hierarchy is mounted");
            return Memory.NONE;
        }
        Optional<Set<Long>> members = CgroupMembers.pids(dir);
        if (members.isEmpty()) {
            notes.add(lacks + " and its processes cannot be listed to find their v1 memory cgroup");
            return Memory.NONE;
        }
        Set<String> paths = new TreeSet<>();
        for (long pid : members.get()) {
            // A process that exited since it was listed has no cgroup lines and drops out.
            plain.cgroups(pid).v1("memory").ifPresent(paths::add);
        }
        if (paths.isEmpty()) {
            notes.add(lacks + " and it holds no process whose v1 memory cgroup could stand in");
            return Memory.NONE;
        }
        if (paths.size() > 1) {
            notes.add(lacks + " and its processes are in more than one v1 memory cgroup");
            return Memory.NONE;
        }
        String path = paths.iterator().next();
        if (path.equals("/")) {
            notes.add(lacks + " and its processes are in the v1 memory root, the whole machine");
            return Memory.NONE;
        }
        Optional<Path> v1 = ProcessUsage.directory(root.get(), path)
                .filter(d -> CgroupFiles.has(d, Resource.MEMORY, Basis.CGROUP_V1));
        if (v1.isEmpty()) {
            notes.add(lacks + " and the v1 memory cgroup of its processes, " + path + ", has no memory.usage_in_bytes under "
                    + root.get());
            return Memory.NONE;
        }
        Optional<Set<Long>> v1Members = CgroupMembers.pids(v1.get());
        // A process forked between the two listings is in both: list the v2 cgroup again before calling it foreign.
        if (v1Members.isEmpty() || !members.get().containsAll(v1Members.get())
                && !CgroupMembers.pids(dir).orElse(Set.of()).containsAll(v1Members.get())) {
            notes.add(lacks + " and the v1 memory cgroup of its processes, " + v1.get()
                    + (v1Members.isEmpty() ? ", cannot be listed" : ", also holds processes outside it"));
            return Memory.NONE;
        }
        return read(v1.get(), Resource.MEMORY, Basis.CGROUP_V1, notes);
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
