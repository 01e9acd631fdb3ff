package net.kmesh.perf.bpf.libbpf;

import net.kmesh.perf.PerfMonitorException.LibbpfUnavailableException;

/** Lets tests load a libbpf by another name, to see how a missing one is reported. */
public final class LibbpfLoaderAccess {
    private LibbpfLoaderAccess() {
    }

    /** The exception loading {@code library} gives; fails if it loads. */
    public static LibbpfUnavailableException load(String library) {
        Object r = LibbpfLoader.tryLoad(library);
        if (r instanceof LibbpfUnavailableException e) {
            return e;
        }
        throw new AssertionError(library + " loaded");
    }
}
