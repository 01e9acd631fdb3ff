package net.kmesh.perf.bpf.resources;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.OptionalLong;
import net.kmesh.perf.ResourceUsage.Bytes;
import net.kmesh.perf.ResourceUsage.CpuTime;

/**
 * The memory and CPU files of one cgroup directory, read with cAdvisor's meanings. A method is
 * called once {@link #hasV2Memory} (or its sibling) chose the directory; a file that then does not
 * hold a valid number gives an absent value, not another source.
 */
final class CgroupFiles {
    static final String V2_MARKER = "cgroup.controllers";
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
    }

    static boolean isV2(Path dir) {
        return KernelFiles.has(dir, V2_MARKER);
    }

    /** A v2 directory has {@code memory.current} only where its parent enabled the memory controller. */
    static boolean hasV2Memory(Path dir) {
        return KernelFiles.has(dir, V2_MEMORY);
    }

    /** {@code cpu.stat} exists in every v2 directory, the root too, whether or not the cpu controller is enabled. */
    static boolean hasV2Cpu(Path dir) {
        return KernelFiles.has(dir, V2_CPU);
    }

    static boolean hasV1Memory(Path dir) {
        return KernelFiles.has(dir, V1_MEMORY);
    }

    static boolean hasV1Cpu(Path dir) {
        return KernelFiles.has(dir, V1_CPU);
    }

    /** {@code memory.current}, and it less {@code inactive_file} of {@code memory.stat}. */
    static Memory v2Memory(Path dir) {
        return memory(dir, "cgroup v2 ", V2_MEMORY, "inactive_file");
    }

    /** {@code memory.usage_in_bytes}, and it less {@code total_inactive_file} (the hierarchical count) of {@code memory.stat}. */
    static Memory v1Memory(Path dir) {
        return memory(dir, "cgroup v1 ", V1_MEMORY, "total_inactive_file");
    }

    /** {@code usage_usec} of {@code cpu.stat}. */
    static Optional<CpuTime> v2Cpu(Path dir) {
        Path file = dir.resolve(V2_CPU);
        return KernelFiles.read(file).flatMap(text -> Decimal.boxed(FlatKeyed.value(text, "usage_usec")))
                .map(usec -> new CpuTime(Duration.of(usec, ChronoUnit.MICROS), "cgroup v2 " + file + " usage_usec"));
    }

    /** {@code cpuacct.usage}, in nanoseconds. */
    static Optional<CpuTime> v1Cpu(Path dir) {
        Path file = dir.resolve(V1_CPU);
        return KernelFiles.read(file).flatMap(text -> Decimal.boxed(single(text)))
                .map(ns -> new CpuTime(Duration.ofNanos(ns), "cgroup v1 " + file));
    }

    private static Memory memory(Path dir, String version, String usageFile, String inactiveKey) {
        Path file = dir.resolve(usageFile);
        OptionalLong usage = KernelFiles.read(file).map(CgroupFiles::single).orElse(OptionalLong.empty());
        if (usage.isEmpty()) {
            return Memory.NONE;
        }
        long bytes = usage.getAsLong();
        Optional<Bytes> workingSet = KernelFiles.read(dir.resolve(MEMORY_STAT))
                .flatMap(text -> Decimal.boxed(FlatKeyed.value(text, inactiveKey)))
                .map(inactive -> new Bytes(inactive > bytes ? 0 : bytes - inactive,
                        version + file + " - " + MEMORY_STAT + " " + inactiveKey));
        return new Memory(Optional.of(new Bytes(bytes, version + file)), workingSet);
    }

    /** A file holding one number and a newline. */
    static OptionalLong single(String text) {
        String[] f = Fields.split(text);
        return f.length == 1 ? Decimal.unsigned(f[0]) : OptionalLong.empty();
    }
}
