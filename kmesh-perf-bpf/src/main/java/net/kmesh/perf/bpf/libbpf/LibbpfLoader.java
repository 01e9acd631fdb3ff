package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.Map;
import java.util.Optional;
import net.kmesh.perf.PerfMonitorException.LibbpfUnavailableException;

/**
 * Loads the system libbpf and libc once per process. The handles are immutable after loading;
 * the one piece of process-wide state is libbpf's print callback, which is pointed at SLF4J (see
 * {@link LibbpfLog}) so that libbpf never writes to stderr.
 *
 * <p>The library is {@code libbpf.so.1} unless the system property {@code kmesh.perf.libbpf}
 * names another file.
 */
public final class LibbpfLoader {
    /** The oldest libbpf whose error conventions and API kmesh-perf relies on. */
    public static final int MIN_MAJOR = 1;
    public static final int MIN_MINOR = 0;
    static final String DEFAULT_LIBRARY = "libbpf.so.1";

    private LibbpfLoader() {
    }

    private static final class Holder {
        static final Object RESULT = tryLoad(System.getProperty("kmesh.perf.libbpf", DEFAULT_LIBRARY));
    }

    /**
     * The loaded libraries.
     *
     * @throws LibbpfUnavailableException when libbpf is missing or older than 1.0
     */
    public static Natives natives() {
        Object r = Holder.RESULT;
        if (r instanceof Natives n) {
            return n;
        }
        LibbpfUnavailableException e = (LibbpfUnavailableException) r;
        // A fresh exception per call, so each caller gets its own stack trace.
        throw new LibbpfUnavailableException(e.getMessage(), e.getCause());
    }

    /** Loads {@code library}, returning {@link Natives} or the {@link LibbpfUnavailableException} saying why not. */
    static Object tryLoad(String library) {
        try {
            return load(library);
        } catch (LibbpfUnavailableException e) {
            return e;
        }
    }

    static Natives load(String library) {
        Libbpf libbpf;
        NativeLibrary nativeLibrary;
        try {
            nativeLibrary = NativeLibrary.getInstance(library);
            libbpf = Native.load(library, Libbpf.class, Map.of(Library.OPTION_OPEN_FLAGS, 2 /* RTLD_NOW */));
        } catch (UnsatisfiedLinkError e) {
            throw new LibbpfUnavailableException("libbpf (" + library + ") cannot be loaded: install the package "
                    + "that provides it (Debian/Ubuntu: apt-get install libbpf1; Fedora: dnf install libbpf)", e);
        }
        int major;
        int minor;
        String version;
        try {
            major = libbpf.libbpf_major_version();
            minor = libbpf.libbpf_minor_version();
            version = libbpf.libbpf_version_string();
        } catch (UnsatisfiedLinkError e) {
            throw new LibbpfUnavailableException(library + " is older than libbpf 0.6 (it has no "
                    + "libbpf_major_version): kmesh-perf needs libbpf >= 1.0 (Debian/Ubuntu package libbpf1)", e);
        }
        if (major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR)) {
            throw new LibbpfUnavailableException(library + " is libbpf " + version
                    + ", too old: kmesh-perf needs libbpf >= " + MIN_MAJOR + "." + MIN_MINOR
                    + " (Debian/Ubuntu package libbpf1)", null);
        }
        FastLibbpf.bind(nativeLibrary);
        LibC libc = Native.load("c", LibC.class);
        LibbpfLog log = new LibbpfLog(libc);
        libbpf.libbpf_set_print(log);
        return new Natives(libbpf, libc, nativeLibrary, version, (int) libc.sysconf(LibC.SC_PAGESIZE),
                libbpf.libbpf_num_possible_cpus(), log);
    }

    /**
     * The loaded libraries and the facts read from them once.
     *
     * @param pageSize     the kernel's page size
     * @param possibleCpus the number of possible CPUs (the value count of per-CPU maps)
     */
    public record Natives(Libbpf libbpf, LibC libc, NativeLibrary library, String version, int pageSize,
                          int possibleCpus, LibbpfLog log) {

        /** A libbpf function newer than 1.1, if this libbpf has it. */
        public Optional<Function> optionalFunction(String name) {
            try {
                return Optional.of(library.getFunction(name));
            } catch (UnsatisfiedLinkError e) {
                return Optional.empty();
            }
        }
    }
}
