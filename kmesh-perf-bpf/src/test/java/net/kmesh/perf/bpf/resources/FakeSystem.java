package net.kmesh.perf.bpf.resources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.kmesh.perf.DaemonTarget;

/**
 * A synthetic machine in a temporary directory: a procfs, a cgroup v2 hierarchy, v1 memory and
 * co-mounted cpu,cpuacct hierarchies, and a mount table naming them. The roots hold large
 * machine-wide values that a correct reader never reports for a process in a cgroup of its own.
 * Every cgroup's {@code cgroup.procs} lists the processes written here whose {@code /proc/PID/cgroup}
 * names it, rewritten after each change as the kernel keeps it; a test that wants other content
 * writes the file after its last change.
 */
final class FakeSystem {
    /** Not 100, so that a reader ignoring its USER_HZ parameter is caught. */
    static final long HZ = 250;
    static final long ROOT_VALUE = 987_654_321_000L;

    final Path proc;
    final Path mountTable;
    final Path v2Root;
    final Path memoryRoot;
    final Path cpuRoot;
    final Path systemdRoot;
    private final Map<Long, Process> processes = new TreeMap<>();

    FakeSystem(Path dir) {
        proc = mkdirs(dir.resolve("proc"));
        v2Root = mkdirs(dir.resolve("cgroup/unified"));
        memoryRoot = mkdirs(dir.resolve("cgroup/memory"));
        cpuRoot = mkdirs(dir.resolve("cgroup/cpu,cpuacct"));
        systemdRoot = mkdirs(dir.resolve("cgroup/systemd"));
        Path systemd = systemdRoot;
        write(v2Root.resolve("cgroup.controllers"), "");
        write(v2Root.resolve("cpu.stat"), "usage_usec " + ROOT_VALUE + "\nuser_usec 1\nsystem_usec 2\n");
        write(memoryRoot.resolve("memory.usage_in_bytes"), ROOT_VALUE + "\n");
        write(memoryRoot.resolve("memory.stat"), "total_inactive_file 1\n");
        write(cpuRoot.resolve("cpuacct.usage"), ROOT_VALUE + "\n");
        mountTable = dir.resolve("mounts");
        mounts(String.join("\n",
                "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
                "tmpfs " + dir.resolve("cgroup") + " tmpfs rw,mode=755 0 0",
                "cgroup2 " + v2Root + " cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0",
                "cgroup " + systemd + " cgroup rw,nosuid,nodev,noexec,relatime,xattr,name=systemd 0 0",
                "cgroup " + memoryRoot + " cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0",
                "cgroup " + cpuRoot + " cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0",
                ""));
        syncProcs();
    }

    /** Replaces the mount table. */
    void mounts(String text) {
        write(mountTable, text);
    }

    DaemonUsageReader reader(DaemonTarget target) {
        return new DaemonUsageReader(target, proc, mountTable, HZ);
    }

    DaemonUsageReader reader(DaemonTarget target, RecordingLog log) {
        return new DaemonUsageReader(target, proc, mountTable, HZ, log);
    }

    /** A process as procfs shows it. */
    record Process(long pid, long ppid, String comm, char state, long startTicks, long utime, long stime, long rssKb,
                   String cgroups) {
        /** A sleeping child of init in the root cgroups. */
        static Process of(long pid, String comm, long startTicks) {
            return new Process(pid, 1, comm, 'S', startTicks, 1_000 + pid, 200 + pid, 4_000 + pid,
                    "0::/\n4:memory:/\n3:cpu,cpuacct:/\n1:name=systemd:/\n");
        }

        Process cgroups(String text) {
            return new Process(pid, ppid, comm, state, startTicks, utime, stime, rssKb, text);
        }

        /** In the same cgroup in each of the v2, v1 memory and v1 cpu,cpuacct hierarchies. */
        Process in(String path) {
            return cgroups("0::" + path + "\n4:memory:" + path + "\n3:cpu,cpuacct:" + path + "\n");
        }

        Process parent(long p) {
            return new Process(pid, p, comm, state, startTicks, utime, stime, rssKb, cgroups);
        }

        Process state(char s) {
            return new Process(pid, ppid, comm, s, startTicks, utime, stime, rssKb, cgroups);
        }

        Process cpu(long u, long s) {
            return new Process(pid, ppid, comm, state, startTicks, u, s, rssKb, cgroups);
        }

        Process rssKb(long kb) {
            return new Process(pid, ppid, comm, state, startTicks, utime, stime, kb, cgroups);
        }
    }

    /** Writes {@code /proc/PID/{stat,status,comm,cgroup}}, replacing what was there. */
    Process write(Process p) {
        Path dir = mkdirs(proc.resolve(Long.toString(p.pid())));
        byte[] comm = p.comm().getBytes(StandardCharsets.UTF_8);
        writeBytes(dir.resolve("comm"), concat(comm, new byte[] {'\n'}));
        String after = " " + p.state() + " " + p.ppid() + " " + p.pid() + " " + p.pid() + " 0 -1 4194560 5000 0 12 0 "
                + p.utime() + " " + p.stime() + " 0 0 20 0 8 0 " + p.startTicks()
                + " 1234567890 " + p.rssKb() / 4 + " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
                + "0 0 0 0 0 0 0\n";
        writeBytes(dir.resolve("stat"), concat((p.pid() + " (").getBytes(StandardCharsets.US_ASCII), comm,
                (")" + after).getBytes(StandardCharsets.US_ASCII)));
        write(dir.resolve("status"), "Name:\t" + p.comm() + "\nUmask:\t0022\nState:\t" + p.state()
                + " (sleeping)\nVmPeak:\t  999999 kB\nVmRSS:\t" + String.format("%8d", p.rssKb())
                + " kB\nRssAnon:\t    1 kB\nThreads:\t8\n");
        write(dir.resolve("cgroup"), p.cgroups());
        processes.put(p.pid(), p);
        syncProcs();
        return p;
    }

    /** The process exits and is reaped: its directory disappears. */
    void exit(long pid) {
        deleteTree(proc.resolve(Long.toString(pid)));
        processes.remove(pid);
        syncProcs();
    }

    /** Rewrites every cgroup's {@code cgroup.procs} from the processes' {@code /proc/PID/cgroup}. */
    void syncProcs() {
        for (Path root : List.of(v2Root, memoryRoot, cpuRoot, systemdRoot)) {
            try (Stream<Path> dirs = Files.walk(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    String rel = "/" + root.relativize(dir).toString();
                    String pids = processes.values().stream().filter(p -> rel.equals(pathIn(p, root)))
                            .map(p -> p.pid() + "\n").collect(Collectors.joining());
                    write(dir.resolve("cgroup.procs"), pids);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The process's cgroup in the hierarchy mounted at {@code root}, as its cgroup file names it. */
    private String pathIn(Process p, Path root) {
        for (String line : p.cgroups().split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            boolean match = root.equals(v2Root) ? f[0].equals("0") && f[1].isEmpty()
                    : root.equals(memoryRoot) ? List.of(f[1].split(",")).contains("memory")
                    : root.equals(cpuRoot) ? List.of(f[1].split(",")).contains("cpuacct")
                    : f[1].equals("name=systemd");
            if (match) {
                return f[2].equals("/") ? "/" : f[2].replaceAll("/+$", "");
            }
        }
        return null;
    }

    /** A v2 cgroup; {@code memoryCurrent} null when the memory controller is not enabled for it. */
    Path v2(String path, Long memoryCurrent, long inactiveFile, long usageUsec) {
        Path dir = mkdirs(v2Root.resolve(path.substring(1)));
        write(dir.resolve("cgroup.controllers"), "");
        if (memoryCurrent != null) {
            write(dir.resolve("memory.current"), memoryCurrent + "\n");
            write(dir.resolve("memory.stat"), "anon 4096\nfile 8192\nactive_file 77\ninactive_file " + inactiveFile
                    + "\nslab 5\n");
        }
        write(dir.resolve("cpu.stat"), "usage_usec " + usageUsec + "\nuser_usec " + usageUsec / 3 + "\nsystem_usec "
                + (usageUsec - usageUsec / 3) + "\nnr_periods 0\n");
        syncProcs();
        return dir;
    }

    /** A cgroup of the v1 memory hierarchy; {@code inactive_file} (not hierarchical) is set to a decoy. */
    Path v1Memory(String path, long usage, long totalInactiveFile) {
        Path dir = mkdirs(memoryRoot.resolve(path.substring(1)));
        write(dir.resolve("memory.usage_in_bytes"), usage + "\n");
        write(dir.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        write(dir.resolve("memory.stat"), "cache 1\nrss 2\ninactive_file 3\nhierarchical_memory_limit "
                + "9223372036854771712\ntotal_cache 1\ntotal_inactive_file " + totalInactiveFile + "\n");
        syncProcs();
        return dir;
    }

    /** A cgroup of the v1 cpu,cpuacct hierarchy. */
    Path v1Cpu(String path, long usageNanos) {
        Path dir = mkdirs(cpuRoot.resolve(path.substring(1)));
        write(dir.resolve("cpuacct.usage"), usageNanos + "\n");
        write(dir.resolve("cpu.shares"), "1024\n");
        syncProcs();
        return dir;
    }

    static void write(Path file, String text) {
        writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }

    static void writeBytes(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
