package net.kmesh.perf.bpf.maps;

import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.bpf.libbpf.Errno;

/**
 * The process (EMFILE) or the system (ENFILE) has no file descriptor left for a collection: the
 * collector releases what it holds and tries once more before the family fails for that scrape.
 */
final class OutOfFds extends PerfMonitorException {
    private static final long serialVersionUID = 1L;

    private OutOfFds(String what, int errno) {
        super(what + ": " + Errno.name(errno) + " (no file descriptor left)", errno, null);
    }

    /** True for the errno values that mean "no file descriptor left". */
    static boolean is(int errno) {
        return errno == Errno.EMFILE || errno == Errno.ENFILE;
    }

    /** An {@link OutOfFds} for EMFILE and ENFILE, {@link Errno#failure} for any other errno. */
    static PerfMonitorException failure(String what, int errno) {
        return is(errno) ? new OutOfFds(what, errno) : Errno.failure(what, errno);
    }
}
