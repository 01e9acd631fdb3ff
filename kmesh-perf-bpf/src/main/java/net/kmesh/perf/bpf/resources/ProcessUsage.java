package net.kmesh.perf.bpf.resources;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.ResourceUsage.CpuTime;
import net.kmesh.perf.bpf.resources.CgroupFiles.Memory;
import net.kmesh.perf.bpf.resources.DaemonUsageReader.Reading;
import net.kmesh.perf.bpf.sys.Mounts;
import net.kmesh.perf.bpf.sys.Mounts.Mount;

/**
 * Reads the usage of one process. Each resource comes from a cgroup of the process that is its own
 * (see {@link CgroupMembers#sharing}), trying cgroup v2 then v1 ({@code memory}, {@code cpuacct}),
 * else from the process's own counters in {@code /proc}. The choice is made the first time a process
 * (pid and start time) is read in a set of cgroups and kept while both stay the same: a counter
 * whose basis changed under a running process could fall, which Prometheus reads as a reset.
 */
final class ProcessUsage {
    /** The target's files, read at every reading (held open where the reader holds them). */
    private final ProcFs proc;
    /** Other processes' files, read when deciding: opened at each read, never held. */
    private final ProcFs plain;
    private final Path mountTable;
    private final AtomicReference<Decision> decided = new AtomicReference<>();
    private final AtomicReference<ParsedCgroups> lastCgroups = new AtomicReference<>();

    /** The path of the last process's {@code /proc/PID/cgroup}, made once per process. */
    private final AtomicReference<CgroupFile> cgroupFile = new AtomicReference<>();

    private record CgroupFile(long pid, Path path) {
    }

    /** The last {@code /proc/PID/cgroup} text read and what it says. */
    private record ParsedCgroups(String text, ProcCgroups cgroups) {
    }

    /**
     * Where each resource of one process in one set of cgroups is read, and the notes a reading
     * made that way carries: made once here, not at every scrape.
     */
    private record Decision(long pid, long startTicks, ProcCgroups cgroups, Choice memory, Choice cpu,
            String memoryNote, String cpuNote, List<String> processNotes, Path status, String rssSource,
            String cpuSource) {
        Decision(ProcFs proc, long pid, long startTicks, ProcCgroups cgroups, Choice memory, Choice cpu) {
            this(pid, startTicks, cgroups, memory, cpu, "memory is the process's own VmRSS: " + memory.why(),
                    "cpu is the process's own utime+stime: " + cpu.why(), proc.dir(pid));
        }

        private Decision(long pid, long startTicks, ProcCgroups cgroups, Choice memory, Choice cpu, String memoryNote,
                String cpuNote, Path dir) {
            // What every reading of this decision names, made once: the notes of the usual reading
            // (both values the process's own, both read) are the same list at every scrape, which the
            // reader's change log compares by identity first.
            this(pid, startTicks, cgroups, memory, cpu, memoryNote, cpuNote, List.of(memoryNote, cpuNote),
                    dir.resolve("status"), dir.resolve("status") + " VmRSS", dir.resolve("stat") + " utime+stime");
        }

        boolean holdsFor(long pid, ProcStat stat, ProcCgroups cgroups) {
            // Identity first: cgroups() hands back the parsed cgroups it kept while the text is unchanged.
            return this.pid == pid && startTicks == stat.startTicks()
                    && (this.cgroups == cgroups || this.cgroups.equals(cgroups));
        }
    }

    /**
     * A cgroup directory to read with its basis, or the process's own counters and why.
     *
     * @param dir   the cgroup directory, absent for {@link Basis#PROCESS}
     * @param basis what the value will describe
     * @param why   for {@link Basis#PROCESS}, why no cgroup was taken
     */
    private record Choice(Optional<Path> dir, Basis basis, String why) {
        static Choice cgroup(Path dir, Basis basis) {
            return new Choice(Optional.of(dir), basis, "");
        }

        static Choice process(String why) {
            return new Choice(Optional.empty(), Basis.PROCESS, why);
        }
    }

    /**
     * Where a process sits in one hierarchy: a cgroup directory, or why there is none to read.
     *
     * @param name  the hierarchy, e.g. {@code v1 memory}
     * @param basis what a value read there describes
     * @param dir   the directory, when it is not the root and exists under the mount
     * @param why   when {@code dir} is absent and the process is in that hierarchy, why
     */
    private record Place(String name, Basis basis, Optional<Path> dir, Optional<String> why) {
    }

    ProcessUsage(ProcFs proc, Path mountTable) {
        this.proc = proc;
        this.plain = proc.openingEachRead();
        this.mountTable = mountTable;
    }

    /**
     * The usage of {@code pid}, whose {@code stat} was just read. {@code mayExit} is false for this
     * process itself, which is not checked for having exited while it was read.
     */
    Reading read(long pid, ProcStat stat, String target, boolean mayExit) {
        ProcCgroups cgroups = cgroups(pid);
        Decision d = decided.get();
        if (d == null || !d.holdsFor(pid, stat, cgroups)) {
            d = decide(pid, stat, cgroups);
            decided.set(d);
        }
        List<String> notes = new ArrayList<>();
        Memory memory;
        if (d.memory().dir().isPresent()) {
            memory = CgroupFiles.memory(d.memory().dir().get(), d.memory().basis(), proc.files());
            if (memory.usage().isEmpty()) {
                notes.add(CgroupFiles.unreadable(d.memory().dir().get(), Resource.MEMORY, d.memory().basis()));
            }
        } else {
            memory = Memory.of(proc.rss(d.status(), d.rssSource()));
            notes.add(memory.usage().isPresent() ? d.memoryNote()
                    : "memory: " + d.status() + " has no VmRSS in kB below 2^63");
        }
        Optional<CpuTime> cpu;
        if (d.cpu().dir().isPresent()) {
            cpu = CgroupFiles.cpu(d.cpu().dir().get(), d.cpu().basis(), proc.files());
            if (cpu.isEmpty()) {
                notes.add(CgroupFiles.unreadable(d.cpu().dir().get(), Resource.CPU, d.cpu().basis()));
            }
        } else {
            cpu = Optional.of(proc.cpu(stat, d.cpuSource()));
            notes.add(d.cpuNote());
        }
        if (mayExit && !proc.exists(pid)) {
            return Reading.problem(target + " exited while it was read");
        }
        return Usages.of(target, memory, cpu, notes.equals(d.processNotes()) ? d.processNotes() : notes);
    }

    /**
     * The process's cgroups, read at every call (a process may be moved) but parsed only when the
     * text changed: a snapshot reads them at every scrape, and they almost never change.
     */
    private ProcCgroups cgroups(long pid) {
        CgroupFile file = cgroupFile.get();
        if (file == null || file.pid() != pid) {
            file = new CgroupFile(pid, proc.dir(pid).resolve("cgroup"));
            cgroupFile.set(file);
        }
        Optional<String> text = proc.cgroupText(file.path());
        if (text.isEmpty()) {
            return new ProcCgroups(List.of());
        }
        ParsedCgroups last = lastCgroups.get();
        if (last != null && last.text().equals(text.get())) {
            return last.cgroups();
        }
        ProcCgroups parsed = ProcCgroups.parse(text.get());
        lastCgroups.set(new ParsedCgroups(text.get(), parsed));
        return parsed;
    }

    private Decision decide(long pid, ProcStat stat, ProcCgroups cgroups) {
        List<Mount> mounts = Mounts.read(mountTable);
        Place v2 = place(cgroups.unified(), Mounts.cgroup2(mounts), "v2", Basis.CGROUP_V2);
        Place memory = place(cgroups.v1("memory"), Mounts.cgroupV1(mounts, "memory"), "v1 memory", Basis.CGROUP_V1);
        Place cpuacct = place(cgroups.v1("cpuacct"), Mounts.cgroupV1(mounts, "cpuacct"), "v1 cpuacct", Basis.CGROUP_V1);
        return new Decision(proc, pid, stat.startTicks(), cgroups,
                choose(pid, Resource.MEMORY, List.of(v2, memory)), choose(pid, Resource.CPU, List.of(v2, cpuacct)));
    }

    /** The first place that has the resource's file and is the process's own, else why none is. */
    private Choice choose(long pid, Resource resource, List<Place> places) {
        List<String> why = new ArrayList<>();
        for (Place place : places) {
            if (place.dir().isEmpty()) {
                place.why().ifPresent(why::add);
                continue;
            }
            Path dir = place.dir().get();
            if (!CgroupFiles.has(dir, resource, place.basis())) {
                why.add(place.name() + " cgroup " + dir + " has no "
                        + CgroupFiles.file(dir, resource, place.basis()).getFileName()
                        + (resource == Resource.MEMORY && place.basis() == Basis.CGROUP_V2
                                ? " (its parent does not enable the memory controller)" : ""));
                continue;
            }
            Optional<String> shared = CgroupMembers.sharing(plain, dir, pid);
            if (shared.isEmpty()) {
                return Choice.cgroup(dir, place.basis());
            }
            why.add(place.name() + " cgroup " + shared.get());
        }
        return Choice.process(why.isEmpty() ? "it is in no " + resource.label() + " cgroup this reader can see"
                : String.join("; ", why));
    }

    /** Where the process's cgroup {@code path} is in the hierarchy mounted at {@code root}. */
    private static Place place(Optional<String> path, Optional<Path> root, String name, Basis basis) {
        if (path.isEmpty() || root.isEmpty()) {
            return new Place(name, basis, Optional.empty(), Optional.empty());
        }
        if (path.get().equals("/")) {
            return new Place(name, basis, Optional.empty(), Optional.of("its " + name + " cgroup is the root, the whole machine"));
        }
        Optional<Path> dir = directory(root.get(), path.get());
        return new Place(name, basis, dir, dir.isPresent() ? Optional.empty()
                : Optional.of("its " + name + " cgroup " + path.get() + " is not under " + root.get()
                        + " (removed, or from another cgroup namespace)"));
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
