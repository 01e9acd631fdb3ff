package net.kmesh.perf.bpf.libbpf;

import java.util.concurrent.atomic.AtomicInteger;

/** Owns one file descriptor and closes it once. */
public final class Fd implements AutoCloseable {
    private final AtomicInteger fd;
    private final LibC libc;

    private Fd(int fd, LibC libc) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        this.fd = new AtomicInteger(fd);
        this.libc = libc;
    }

    /** Takes ownership of {@code fd}. */
    public static Fd own(int fd) {
        return new Fd(fd, LibbpfLoader.natives().libc());
    }

    /**
     * A copy of {@code fd} (the same open file), owned by the caller: a borrowed fd that another
     * thread may close stays valid through the copy.
     */
    public static Fd copyOf(int fd) {
        LibC libc = LibbpfLoader.natives().libc();
        int copy = libc.fcntl(fd, LibC.F_DUPFD_CLOEXEC, 0);
        if (copy < 0) {
            throw Errno.failure("copying fd " + fd, Errno.last());
        }
        return new Fd(copy, libc);
    }

    /** The descriptor; {@link IllegalStateException} once closed. */
    public int get() {
        int f = fd.get();
        if (f < 0) {
            throw new IllegalStateException("file descriptor already closed");
        }
        return f;
    }

    public boolean isOpen() {
        return fd.get() >= 0;
    }

    @Override
    public void close() {
        int f = fd.getAndSet(-1);
        if (f >= 0) {
            libc.close(f);
        }
    }

    @Override
    public String toString() {
        return "Fd[" + fd.get() + "]";
    }
}
