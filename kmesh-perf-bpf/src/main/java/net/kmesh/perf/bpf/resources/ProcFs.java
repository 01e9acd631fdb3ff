package net.kmesh.perf.bpf.resources;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import net.kmesh.perf.ResourceUsage.Basis;
import net.kmesh.perf.ResourceUsage.Bytes;
import net.kmesh.perf.ResourceUsage.CpuTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-process files of a procfs mounted at {@code root} (normally {@code /proc}).
 *
 * @param root               the procfs mount point
 * @param clockTicksPerSecond USER_HZ, the unit of times in {@code /proc/PID/stat}
 * @param files              how a file's text is read: {@link KernelFiles#read}, or a target's
 *                           {@link HeldFiles} for the files read at every scrape
 */
record ProcFs(Path root, long clockTicksPerSecond, Function<Path, Optional<String>> files) {
    private static final Logger LOG = LoggerFactory.getLogger(ProcFs.class);

    ProcFs(Path root, long clockTicksPerSecond) {
        this(root, clockTicksPerSecond, KernelFiles::read);
    }

    ProcFs {
        Objects.requireNonNull(files, "files");
        if (clockTicksPerSecond < 1 || clockTicksPerSecond > 1_000_000_000L) {
            throw new IllegalArgumentException("clock ticks per second must be between 1 and 10^9, got "
                    + clockTicksPerSecond);
        }
    }

    /** The same procfs, its files read by {@code reader}. */
    ProcFs readingWith(Function<Path, Optional<String>> reader) {
        return new ProcFs(root, clockTicksPerSecond, reader);
    }

    /** The same procfs, each file opened and closed at every read: for files never worth holding. */
    ProcFs openingEachRead() {
        return readingWith(KernelFiles::read);
    }

    Path dir(long pid) {
        return root.resolve(Long.toString(pid));
    }

    /** True while the process's directory exists, zombies included. */
    boolean exists(long pid) {
        // java.io: a quarter of NIO's CPU time for this stat(2) in code run once a scrape.
        return dir(pid).toFile().isDirectory();
    }

    Optional<ProcStat> stat(long pid) {
        return stat(dir(pid).resolve("stat"));
    }

    /** {@link #stat(long)} of the process whose {@code stat} file is given. */
    Optional<ProcStat> stat(Path statFile) {
        Optional<String> text = files.apply(statFile);
        return text.isPresent() ? ProcStat.parse(text.get()) : Optional.empty();
    }

    /** The name in {@code /proc/PID/comm}, without its newline, as ISO-8859-1 chars of its bytes. */
    Optional<String> comm(long pid) {
        return files.apply(dir(pid).resolve("comm"))
                .map(s -> s.endsWith("\n") ? s.substring(0, s.length() - 1) : s);
    }

    /** The process's cgroups; none when the file is missing (a kernel without cgroups). */
    ProcCgroups cgroups(long pid) {
        return cgroupText(pid).map(ProcCgroups::parse).orElseGet(() -> new ProcCgroups(List.of()));
    }

    /** The text of {@code /proc/PID/cgroup}; empty when it is missing (a kernel without cgroups). */
    Optional<String> cgroupText(long pid) {
        return cgroupText(dir(pid).resolve("cgroup"));
    }

    /** {@link #cgroupText(long)} of the process whose {@code cgroup} file is given. */
    Optional<String> cgroupText(Path cgroupFile) {
        return files.apply(cgroupFile);
    }

    /**
     * Resident set size from a process's {@code status} file: {@code VmRSS}, which the kernel prints
     * as the sum {@code RssAnon + RssFile + RssShmem}; the value's source named by {@code source}.
     */
    Optional<Bytes> rss(Path status, String source) {
        Optional<String> text = files.apply(status);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong bytes = ProcStatus.rssBytes(text.get());
        return bytes.isPresent() ? Optional.of(new Bytes(bytes.getAsLong(), Basis.PROCESS, source)) : Optional.empty();
    }

    /**
     * utime + stime of an already read {@code stat}: every thread of the process, those that exited
     * too, but not its children (cutime, cstime); the value's source named by {@code source}.
     */
    CpuTime cpu(ProcStat stat, String source) {
        long ticks = stat.cpuTicks();
        Duration time = Duration.ofSeconds(ticks / clockTicksPerSecond,
                ticks % clockTicksPerSecond * 1_000_000_000L / clockTicksPerSecond);
        return new CpuTime(time, Basis.PROCESS, source);
    }

    /** The ids of the processes listed now. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                Decimal.unsigned(entry.getFileName().toString()).ifPresent(pids::add);
            }
        } catch (IOException | DirectoryIteratorException e) {
            LOG.debug("cannot list {}: {}", root, e.toString());
        }
        return pids;
    }
}
