package net.kmesh.perf;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Whose CPU time and memory are reported: this process, a pid, the oldest process with a given
 * name (looked up again on every read, so a restarted daemon is found), or a cgroup directory.
 *
 * <p>A cgroup target reports the cgroup's figures ({@link ResourceUsage.Basis#CGROUP_V2} or
 * {@link ResourceUsage.Basis#CGROUP_V1}). A process target (self, pid, name) reports a cgroup's
 * figures only for a cgroup that is <em>its own</em>, as a container is its process's, and else the
 * process's own figures from {@code /proc} ({@link ResourceUsage.Basis#PROCESS}). Each resource is
 * decided on its own, since on a hybrid host the memory and cpuacct cgroups of a process differ:
 * memory from the cgroup v2 directory that has {@code memory.current}, else the v1 {@code memory}
 * cgroup; CPU from the cgroup v2 directory ({@code cpu.stat} exists there without the cpu controller),
 * else the v1 {@code cpuacct} cgroup. A cgroup is the process's own when it is not its hierarchy's
 * root, and every process listed in {@code cgroup.procs} of it and of every cgroup below it is the
 * process or one of its descendants (by parent pid): the helpers it runs count, a neighbour, a
 * parent such as a start script, or a process the reader cannot see (pid 0 in a v2
 * {@code cgroup.procs}) makes it shared. This is decided when a process is first read in a set of
 * cgroups and kept while it lives there, so a counter never changes basis, and never falls, because a
 * process joined or left its cgroup.
 */
public sealed interface DaemonTarget {

    /** Largest pid Linux can assign ({@code PID_MAX_LIMIT} on 64-bit kernels). */
    long MAX_PID = 4_194_304;

    /** Bytes of a process name the kernel keeps ({@code TASK_COMM_LEN} less the terminating NUL). */
    int MAX_NAME_BYTES = 15;

    /**
     * A short human description.
     *
     * @return e.g. {@code process named kmesh-daemon}
     */
    String describe();

    /** The process this library runs in. */
    record Self() implements DaemonTarget {
        @Override
        public String describe() {
            return "this process";
        }
    }

    /**
     * One process by id. Once read, the process is pinned by its start time: if it exits and the
     * pid is reused by another process, the target reads as absent.
     *
     * @param pid a process id, 1 to {@link #MAX_PID}
     */
    record Pid(long pid) implements DaemonTarget {
        /**
         * Validates the pid.
         *
         * @param pid a process id, 1 to {@link #MAX_PID}
         * @throws IllegalArgumentException when it is out of range
         */
        public Pid {
            if (pid < 1 || pid > MAX_PID) {
                throw new IllegalArgumentException("a pid is between 1 and " + MAX_PID + ", got " + pid);
            }
        }

        @Override
        public String describe() {
            return "pid " + pid;
        }
    }

    /**
     * The process whose name ({@code /proc/PID/comm}) equals {@code name} exactly; when several do,
     * the one started first.
     *
     * @param name 1 to 15 bytes in UTF-8, without NUL or newline (the kernel truncates longer names)
     */
    record ProcessName(String name) implements DaemonTarget {
        /**
         * Validates the name.
         *
         * @param name 1 to 15 bytes in UTF-8, without NUL or newline
         * @throws IllegalArgumentException when the kernel could not give a process this name, with the name it would keep
         */
        public ProcessName {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a process name must not be empty");
            }
            if (name.indexOf('\0') >= 0 || name.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a process name cannot contain NUL or a newline, got '"
                        + name.replace("\n", "\\n").replace("\0", "\\0") + "'");
            }
            int bytes = name.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                throw new IllegalArgumentException("process name '" + name + "' has " + bytes
                        + " bytes, but the kernel keeps only the first " + MAX_NAME_BYTES
                        + " of a process name (comm): use '" + truncate(name) + "'");
            }
        }

        private static String truncate(String name) {
            CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
            ByteBuffer out = ByteBuffer.allocate(MAX_NAME_BYTES);
            CharBuffer in = CharBuffer.wrap(name);
            encoder.encode(in, out, true);
            // The encoder stops before a character that does not fit whole, so no code point is cut.
            return name.substring(0, in.position());
        }

        @Override
        public String describe() {
            return "process named " + name;
        }
    }

    /**
     * A cgroup directory, v2 or v1 (told apart by the files in it). It need not exist yet: until it
     * does, and after it is removed, the target reads as absent.
     *
     * @param path an absolute path, e.g. {@code /sys/fs/cgroup/system.slice/kmesh.service}
     */
    record Cgroup(Path path) implements DaemonTarget {
        /**
         * Validates and normalizes the path.
         *
         * @param path an absolute path
         * @throws IllegalArgumentException when it is relative
         */
        public Cgroup {
            Objects.requireNonNull(path, "path");
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("a cgroup directory must be an absolute path, e.g. "
                        + "/sys/fs/cgroup/system.slice/kmesh.service, got '" + path + "'");
            }
            path = path.normalize();
        }

        @Override
        public String describe() {
            return "cgroup " + path;
        }
    }

    /**
     * This process: the default, for a library embedded in the daemon or control-plane component
     * whose usage it reports. Point it elsewhere with {@link #processName(String)}, e.g.
     * {@code processName("kmesh-daemon")}.
     *
     * @return the target
     */
    static DaemonTarget self() {
        return new Self();
    }

    /**
     * The process with this id, pinned by its start time once read.
     *
     * @param pid a process id, 1 to {@link #MAX_PID}
     * @return the target
     */
    static DaemonTarget pid(long pid) {
        return new Pid(pid);
    }

    /**
     * The oldest process named exactly {@code name}, e.g. {@code kmesh-daemon}.
     *
     * @param name 1 to 15 bytes in UTF-8, as {@code /proc/PID/comm} shows it
     * @return the target
     */
    static DaemonTarget processName(String name) {
        return new ProcessName(name);
    }

    /**
     * The cgroup at this absolute path, which need not exist yet.
     *
     * @param path e.g. {@code /sys/fs/cgroup/system.slice/kmesh.service}
     * @return the target
     */
    static DaemonTarget cgroup(Path path) {
        return new Cgroup(path);
    }
}
