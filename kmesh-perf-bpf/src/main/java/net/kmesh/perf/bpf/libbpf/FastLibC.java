package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libc calls the consumer thread makes at every wake, bound by JNA's direct mapping: a call
 * costs about what a JNI call does, where {@link LibC}'s interface mapping converts its arguments
 * by reflection (a tenth of the agent's consumer CPU at 5,000 records/s, measured with perf).
 * Errors come back as -1 with errno in {@link Native#getLastError()}.
 */
public final class FastLibC {
    static {
        Native.register(FastLibC.class, NativeLibrary.getInstance("c"));
    }

    private FastLibC() {
    }

    /** Binds the natives now (registering takes milliseconds), not at a reader's first wake. */
    public static void bind() {
        // the static initializer has run
    }

    /** {@code ssize_t read(int fd, void *buf, size_t count);} */
    public static native long read(int fd, Pointer buf, long count);

    /** {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);} */
    public static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);
}
