package net.kmesh.perf;

import java.util.OptionalInt;

/**
 * A monitor could not do what was asked. The message is one line that names the problem and the
 * fix; subclasses say which kind of problem it is, so that callers (the demo's exit codes, say)
 * can tell them apart. A failed system call keeps its errno ({@link #errno()}), also when the
 * exception is wrapped into another with more context.
 */
public class PerfMonitorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The errno of the failed system call, or -1 for none. */
    private final int errno;

    /**
     * A failure with no system call behind it.
     *
     * @param message one line naming the problem and the fix
     */
    public PerfMonitorException(String message) {
        this(message, -1, null);
    }

    /**
     * A failure caused by another exception; the errno is the cause's, if it has one.
     *
     * @param message one line naming the problem and the fix
     * @param cause   the underlying failure
     */
    public PerfMonitorException(String message, Throwable cause) {
        this(message, -1, cause);
    }

    /**
     * A failed system call.
     *
     * @param message one line naming the problem, the call and the fix
     * @param errno   the call's errno (positive), or -1 for none
     * @param cause   the underlying failure, or null
     */
    public PerfMonitorException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno > 0 ? errno : errnoOf(cause);
    }

    private static int errnoOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof PerfMonitorException p && p.errno > 0) {
                return p.errno;
            }
        }
        return -1;
    }

    /**
     * The errno of the system call that failed, here or in a cause.
     *
     * @return the errno (e.g. 1 for EPERM), or empty when no system call failed
     */
    public OptionalInt errno() {
        return errno > 0 ? OptionalInt.of(errno) : OptionalInt.empty();
    }

    /** The caller lacks a privilege: root, or the capabilities the message names. */
    public static class PrivilegeException extends PerfMonitorException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message one line naming the missing privilege
         */
        public PrivilegeException(String message) {
            super(message);
        }

        /**
         * @param message one line naming the missing privilege
         * @param errno   the refused call's errno (EPERM or EACCES)
         * @param cause   the underlying failure, or null
         */
        public PrivilegeException(String message, int errno, Throwable cause) {
            super(message, errno, cause);
        }
    }

    /** The system libbpf is missing or too old. */
    public static class LibbpfUnavailableException extends PerfMonitorException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message one line naming what is missing and how to install it
         * @param cause   the loader's failure
         */
        public LibbpfUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The running kernel lacks a feature that was asked for. */
    public static class KernelFeatureException extends PerfMonitorException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message one line naming the feature and the kernel version that has it
         */
        public KernelFeatureException(String message) {
            super(message);
        }

        /**
         * @param message one line naming the feature and the kernel version that has it
         * @param errno   the refused call's errno
         * @param cause   the underlying failure, or null
         */
        public KernelFeatureException(String message, int errno, Throwable cause) {
            super(message, errno, cause);
        }
    }

    /** A pin path, map name, map id or cgroup that was named does not exist or is not what was expected. */
    public static class NotFoundException extends PerfMonitorException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message one line naming what was not found and where it was looked for
         */
        public NotFoundException(String message) {
            super(message);
        }

        /**
         * @param message one line naming what was not found and where it was looked for
         * @param errno   the failed call's errno (ENOENT, say)
         * @param cause   the underlying failure, or null
         */
        public NotFoundException(String message, int errno, Throwable cause) {
            super(message, errno, cause);
        }
    }
}
