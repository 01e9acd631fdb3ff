package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libbpf's print callback, formatting each message with libc's {@code vasprintf} and passing it to
 * SLF4J (logger {@code net.kmesh.perf.bpf.libbpf}) instead of stderr. Warnings stay warnings,
 * info becomes debug (libbpf is chatty), debug becomes trace.
 */
public final class LibbpfLog implements Libbpf.PrintFn {
    private static final int LIBBPF_WARN = 0;
    private static final int LIBBPF_INFO = 1;
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
        // va_list can be walked only once, and a verifier log can be megabytes: let libc size it.
        PointerByReference formatted = new PointerByReference();
        if (libc.vasprintf(formatted, format, vaList) < 0) {
            return 0;
        }
        String message;
        try {
            message = formatted.getValue().getString(0, StandardCharsets.UTF_8.name()).stripTrailing();
        } finally {
            libc.free(formatted.getValue());
        }
        switch (level) {
            case LIBBPF_WARN -> LOG.warn(message);
            case LIBBPF_INFO -> LOG.debug(message);
            default -> LOG.trace(message);
        }
        return 0;
    }
}
