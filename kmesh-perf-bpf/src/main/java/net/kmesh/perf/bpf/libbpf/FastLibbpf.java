package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libbpf calls a snapshot makes at every scrape (the probe's counters, its modes, its kernel
 * histograms), bound by JNA's direct mapping to the library {@link LibbpfLoader} loaded: a call
 * costs about what a JNI call does, where {@link Libbpf}'s interface mapping goes through a proxy
 * and converts every argument by reflection. A scrape runs its code interpreted for its first
 * hundred calls or so, and there an interface-mapped lookup took 40-100 µs against a few for a
 * direct one. Bound by {@link LibbpfLoader#natives()}; libbpf 1.x returns {@code -errno}.
 */
public final class FastLibbpf {
    private static boolean bound;

    private FastLibbpf() {
    }

    /** Registers the natives against {@code library}, once; later calls do nothing. */
    static synchronized void bind(NativeLibrary library) {
        if (!bound) {
            Native.register(FastLibbpf.class, library);
            bound = true;
        }
    }

    /** {@code int bpf_map_lookup_elem(int fd, const void *key, void *value);} */
    public static native int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    /**
     * {@code int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values,
     * __u32 *count, const struct bpf_map_batch_opts *opts);} {@code count} points at a {@code __u32}.
     */
    public static native int bpf_map_lookup_batch(int fd, Pointer inBatch, Pointer outBatch, Pointer keys,
                                                  Pointer values, Pointer count, Pointer opts);
}
