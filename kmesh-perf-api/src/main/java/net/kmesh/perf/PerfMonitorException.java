package net.kmesh.perf;

/**
 * A monitor could not do what was asked. The message is one line that names the problem and the
 * fix; subclasses say which kind of problem it is, so that callers (the demo's exit codes, say)
 * can tell them apart.
 */
public class PerfMonitorException extends RuntimeException {
    public PerfMonitorException(String message) {
        super(message);
    }

    public PerfMonitorException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The caller lacks a privilege: root, or the capabilities the message names. */
    public static class PrivilegeException extends PerfMonitorException {
        public PrivilegeException(String message) {
            super(message);
        }
    }

    /** The system libbpf is missing or too old. */
    public static class LibbpfUnavailableException extends PerfMonitorException {
        public LibbpfUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The running kernel lacks a feature that was asked for. */
    public static class KernelFeatureException extends PerfMonitorException {
        public KernelFeatureException(String message) {
            super(message);
        }
    }

    /** A pin path, map name, map id or cgroup that was named does not exist or is not what was expected. */
    public static class NotFoundException extends PerfMonitorException {
        public NotFoundException(String message) {
            super(message);
        }
    }
}
