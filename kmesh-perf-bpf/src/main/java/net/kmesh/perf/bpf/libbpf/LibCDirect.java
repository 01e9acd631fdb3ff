package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Direct-mapped libc functions called once per map and scrape by the map statistics (moving a map
 * fd to a number whose fdinfo file is held open, reading that file). A failure throws {@link LastErrorException}
 * carrying errno. Each method carries its C prototype; nothing else lives here.
 */
public final class LibCDirect {
    /** {@code AT_FDCWD}: resolve a relative path against the working directory. */
    public static final int AT_FDCWD = -100;

    static {
        Native.register(LibCDirect.class, "c");
    }

    private LibCDirect() {
    }

    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset);} */
    public static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    /** {@code int openat(int dirfd, const char *pathname, int flags);} */
    public static native int openat(int dirfd, String path, int flags) throws LastErrorException;

    /** {@code int dup3(int oldfd, int newfd, int flags);} */
    public static native int dup3(int oldfd, int newfd, int flags) throws LastErrorException;

    /** {@code int close(int fd);} */
    public static native int close(int fd) throws LastErrorException;
}
