package net.kmesh.perf.bpf.maps;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibCDirect;

/**
 * Reads the fdinfo of this process's BPF fds without the JDK's file machinery: a held
 * {@code /proc/self/fdinfo} directory, a reused buffer, {@code pread} at offset 0. A file opened
 * by {@link #open} stays valid while the fd it describes stays open, and each read shows that fd's
 * fdinfo afresh (a seq_file read from offset 0 starts over), so the memlock of a held map costs one
 * system call per scrape. Not thread-safe: the collector serializes its use.
 */
final class FdInfoFiles implements AutoCloseable {
    private static final int SIZE = 4096;
    private final Memory buffer = new Memory(SIZE);
    private final byte[] text = new byte[SIZE];
    private Fd directory;

    /**
     * Opens the fdinfo of {@code fd}.
     *
     * @throws OutOfFds when no file descriptor is left
     */
    Fd open(int fd) {
        try {
            return Fd.own(LibCDirect.openat(directory().get(), Integer.toString(fd), LibC.O_RDONLY | LibC.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw OutOfFds.failure("opening /proc/self/fdinfo/" + fd, e.getErrorCode());
        }
    }

    /** The memlock line of an fdinfo file opened by {@link #open}; -1 when it has none. */
    long memlock(Fd info) {
        return Memlock.parse(text, read(info));
    }

    /** The memlock of the map behind {@code fd}, opening its fdinfo for this one read; -1 when it has none. */
    long memlockOf(int fd) {
        try (Fd info = open(fd)) {
            return memlock(info);
        }
    }

    /** What {@code fd} is: "map", "program", "link" or "other" (the key its fdinfo starts the BPF part with). */
    String kindOf(int fd) {
        String s;
        try (Fd info = open(fd)) {
            s = new String(text, 0, read(info), StandardCharsets.US_ASCII);
        }
        if (s.contains("\nmap_type:")) {
            return "map";
        }
        if (s.contains("\nprog_type:")) {
            return "program";
        }
        return s.contains("\nlink_type:") ? "link" : "other";
    }

    private int read(Fd info) {
        long n;
        try {
            n = LibCDirect.pread(info.get(), buffer, SIZE, 0);
        } catch (LastErrorException e) {
            throw OutOfFds.failure("reading a map's fdinfo", e.getErrorCode());
        }
        int length = (int) Math.min(n, SIZE);
        buffer.read(0, text, 0, length);
        return length;
    }

    private Fd directory() {
        if (directory == null) {
            try {
                directory = Fd.own(LibCDirect.openat(LibCDirect.AT_FDCWD, "/proc/self/fdinfo",
                        LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC));
            } catch (LastErrorException e) {
                throw OutOfFds.failure("opening /proc/self/fdinfo", e.getErrorCode());
            }
        }
        return directory;
    }

    /** Closes the directory, then frees the buffer. */
    @Override
    public void close() {
        if (directory != null) {
            directory.close();
            directory = null;
        }
        buffer.close();
    }
}
