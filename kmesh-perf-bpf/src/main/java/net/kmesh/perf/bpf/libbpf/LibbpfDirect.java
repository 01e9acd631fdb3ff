package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Direct-mapped twins of the {@link Libbpf} functions that are called once per map entry, by the
 * key walks that count entries where the kernel keeps no counter, or once per map and scrape. A JNA interface call costs about
 * 2 µs on top of the system call; a direct call costs a fraction of that. Each method carries its C
 * prototype; nothing else lives here. Use only after {@link LibbpfLoader#natives()} succeeded.
 */
public final class LibbpfDirect {
    static {
        Native.register(LibbpfDirect.class, LibbpfLoader.natives().library());
    }

    private LibbpfDirect() {
    }

    /** {@code int bpf_map_get_next_key(int fd, const void *key, void *next_key);} */
    public static native int bpf_map_get_next_key(int fd, Pointer key, Pointer nextKey);

    /** {@code int bpf_map_lookup_elem(int fd, const void *key, void *value);} */
    public static native int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    /** {@code int bpf_map_get_fd_by_id(__u32 id);} */
    public static native int bpf_map_get_fd_by_id(int id);
}
