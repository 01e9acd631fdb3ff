package net.kmesh.perf.bpf.resources;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.ResourceUsage.Bytes;
import net.kmesh.perf.ResourceUsage.CpuTime;

/**
 * The memory and CPU files of one cgroup directory, read with cAdvisor's meanings. A value is read
 * once {@link #has} chose the directory; a file that then does not hold a valid number gives an
 * absent value, not another source.
 */
final class CgroupFiles {
    static final String V2_MARKER = "cgroup.controllers";
    static final String PROCS = "cgroup.procs";
    private static final String V2_MEMORY = "memory.current";
    private static final String V2_CPU = "cpu.stat";
    private static final String V1_MEMORY = "memory.usage_in_bytes";
    private static final String V1_CPU = "cpuacct.usage";
    private static final String MEMORY_STAT = "memory.stat";

    private CgroupFiles() {
    }

    /** Memory usage and the working set derived from it. */
    record Memory(Optional<Bytes> usage, Optional<Bytes> workingSet) {
        static final Memory NONE = new Memory(Optional.empty(), Optional.empty());

        /** A process's resident set size: it has no working set. */
        static Memory of(Optional<Bytes> rss) {
            return new Memory(rss, Optional.empty());
        }
    }

    static boolean isV2(Path dir) {
        return KernelFiles.has(dir, V2_MARKER);
    }

    /**
     * The file {@code resource} is read from in a cgroup of {@code basis}. A v2 directory has
     * {@code memory.current} only where its parent enabled the memory controller, but
     * {@code cpu.stat} everywhere, the root too, whether or not the cpu controller is enabled.
     */
    static Path file(Path dir, Resource resource, Basis basis) {
        if (basis == Basis.PROCESS) {
            throw new IllegalArgumentException("a process has no cgroup file");
        }
        boolean v2 = basis == Basis.CGROUP_V2;
        return dir.resolve(switch (resource) {
            case MEMORY -> v2 ? V2_MEMORY : V1_MEMORY;
            case CPU -> v2 ? V2_CPU : V1_CPU;
        });
    }

    /** True when {@code dir} has the file {@code resource} is read from. */
    static boolean has(Path dir, Resource resource, Basis basis) {
        return KernelFiles.has(dir, file(dir, resource, basis).getFileName().toString());
    }

    /**
     * Memory usage, and it less the inactive file-backed pages of {@code memory.stat}: v2's
     * {@code inactive_file}, v1's {@code total_inactive_file} (the hierarchical count); each file's
     * text read by {@code files}.
     */
    static Memory memory(Path dir, Basis basis, Function<Path, Optional<String>> files) {
        Path file = file(dir, Resource.MEMORY, basis);
        String inactiveKey = basis == Basis.CGROUP_V2 ? "inactive_file" : "total_inactive_file";
        String version = version(basis);
        OptionalLong usage = files.apply(file).map(CgroupFiles::single).orElse(OptionalLong.empty());
        if (usage.isEmpty()) {
            return Memory.NONE;
        }
        long bytes = usage.getAsLong();
        Optional<Bytes> workingSet = files.apply(dir.resolve(MEMORY_STAT))
                .flatMap(text -> Decimal.boxed(FlatKeyed.value(text, inactiveKey)))
                .map(inactive -> new Bytes(inactive > bytes ? 0 : bytes - inactive, basis,
                        version + file + " - " + MEMORY_STAT + " " + inactiveKey));
        return new Memory(Optional.of(new Bytes(bytes, basis, version + file)), workingSet);
    }

    /** v2's {@code usage_usec} of {@code cpu.stat}, or v1's {@code cpuacct.usage} in nanoseconds, read by {@code files}. */
    static Optional<CpuTime> cpu(Path dir, Basis basis, Function<Path, Optional<String>> files) {
        Path file = file(dir, Resource.CPU, basis);
        if (basis == Basis.CGROUP_V2) {
            return files.apply(file).flatMap(text -> Decimal.boxed(FlatKeyed.value(text, "usage_usec")))
                    .map(usec -> new CpuTime(Duration.of(usec, ChronoUnit.MICROS), basis,
                            version(basis) + file + " usage_usec"));
        }
        return files.apply(file).flatMap(text -> Decimal.boxed(single(text)))
                .map(ns -> new CpuTime(Duration.ofNanos(ns), basis, version(basis) + file));
    }

    /** The note for a chosen file that held no usable number. */
    static String unreadable(Path dir, Resource resource, Basis basis) {
        return resource.label() + ": " + file(dir, resource, basis) + " holds no decimal below 2^63";
    }

    private static String version(Basis basis) {
        return basis == Basis.CGROUP_V2 ? "cgroup v2 " : "cgroup v1 ";
    }

    /** A file holding one number and a newline. */
    static OptionalLong single(String text) {
        String[] f = Fields.split(text);
        return f.length == 1 ? Decimal.unsigned(f[0]) : OptionalLong.empty();
    }
}
