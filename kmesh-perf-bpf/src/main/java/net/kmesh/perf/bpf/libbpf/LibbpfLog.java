package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libbpf's print callback, formatting each message with libc's {@code vsnprintf} and passing it to
 * SLF4J (logger {@code net.kmesh.perf.bpf.libbpf}) instead of stderr. Warnings stay warnings,
 * info becomes debug (libbpf is chatty), debug becomes trace.
 */
public final class LibbpfLog implements Libbpf.PrintFn {
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
    private static final int MAX_MESSAGE = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger("net.kmesh.perf.bpf.libbpf");

    private final LibC libc;

    LibbpfLog(LibC libc) {
        this.libc = libc;
    }

    @Override
    public int invoke(int level, String format, Pointer vaList) {
        boolean enabled = switch (level) {
            case LIBBPF_WARN -> LOG.isWarnEnabled();
            case LIBBPF_INFO -> LOG.isDebugEnabled();
            default -> LOG.isTraceEnabled();
        };
        if (!enabled) {
            return 0;
        }
        // va_list can be walked once: format into a buffer big enough for one line of verifier log.
        byte[] buffer = new byte[MAX_MESSAGE];
        int n = libc.vsnprintf(buffer, buffer.length, format, vaList);
        if (n < 0) {
            return 0;
        }
        int length = Math.min(n, buffer.length - 1);
        String message = new String(buffer, 0, length, StandardCharsets.UTF_8).stripTrailing();
        if (n >= buffer.length) {
            message += " ... (truncated)";
        }
        switch (level) {
            case LIBBPF_WARN -> LOG.warn(message);
            case LIBBPF_INFO -> LOG.debug(message);
            default -> LOG.trace(message);
        }
        return 0;
    }
}
