package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Native;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.NotFoundException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;

/** errno values and the exceptions they turn into. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int ENOSYS = 38;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOTSUPP = 524;

    /** What to do about a missing privilege, appended to every privilege error. */
    public static final String PRIVILEGE_HINT = "run as root, or grant CAP_BPF + CAP_PERFMON "
            + "(plus CAP_NET_ADMIN to attach to cgroups, CAP_SYS_ADMIN to open maps and programs by id)";

    private Errno() {
    }

    /** errno of the calling thread's last native call. */
    public static int last() {
        return Native.getLastError();
    }

    /** The symbolic name of {@code errno}, e.g. "EPERM", or its number. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EEXIST -> "EEXIST";
            case ENOTDIR -> "ENOTDIR";
            case EROFS -> "EROFS";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case ENOSYS -> "ENOSYS";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ENOTSUPP -> "ENOTSUPP";
            default -> "errno " + errno;
        };
    }

    /**
     * The exception for a failed operation: a {@link PrivilegeException} for EPERM, a
     * {@link NotFoundException} for ENOENT, a plain {@link PerfMonitorException} otherwise; each
     * keeps {@code errno} ({@link PerfMonitorException#errno()}).
     *
     * @param what what was being done, e.g. "opening pinned map /sys/fs/bpf/x"
     */
    public static PerfMonitorException failure(String what, int errno) {
        String reason = what + ": " + name(errno);
        return switch (errno) {
            case EPERM -> new PrivilegeException(reason + " (operation not permitted): " + PRIVILEGE_HINT, errno, null);
            case ENOENT -> new NotFoundException(reason + " (no such object)", errno, null);
            default -> new PerfMonitorException(reason, errno, null);
        };
    }

    /** Throws {@link #failure} when {@code ret} is a negative errno; returns {@code ret} otherwise. */
    public static int check(String what, int ret) {
        if (ret < 0) {
            throw failure(what, -ret);
        }
        return ret;
    }
}
