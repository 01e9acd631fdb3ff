package net.kmesh.perf.bpf.maps;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibCDirect;

/**
 * Reads the fdinfo of this process's BPF fds without opening a file per read. A procfs fdinfo file
 * names an fd number, not a file: each read looks up whatever that number holds then (since Linux
 * 2.6.22, {@code fs/proc/fd.c}, and a read from offset 0 starts the seq_file over). So one fd
 * number, the slot, is kept with its fdinfo file open; to read a map's fdinfo, its fd is
 * duplicated onto the slot ({@code dup3}) and the file read again ({@code pread}): two cheap system
 * calls instead of a procfs path lookup, an open and a close. The slot goes back to a harmless
 * file after each collection ({@link #clearSlot}), so it never keeps a map alive. Not thread-safe:
 * the collector serializes its use.
 */
final class FdInfoFiles implements AutoCloseable {
    private static final int SIZE = 4096;
    private final Memory buffer = new Memory(SIZE);
    private final byte[] text = new byte[SIZE];
    private Fd directory;
    private Fd slot;
    private Fd slotInfo;

    /** The memlock line of {@code fd}'s fdinfo; -1 when it has none. */
    long memlockOf(int fd) {
        return Memlock.parse(text, read(fd));
    }

    /** What {@code fd} is: "map", "program", "link" or "other" (the key its fdinfo starts the BPF part with). */
    String kindOf(int fd) {
        String s = new String(text, 0, read(fd), StandardCharsets.US_ASCII);
        if (s.contains("\nmap_type:")) {
            return "map";
        }
        if (s.contains("\nprog_type:")) {
            return "program";
        }
        return s.contains("\nlink_type:") ? "link" : "other";
    }

    /** Puts the slot back on the fdinfo directory, dropping the map it held; never throws. */
    void clearSlot() {
        if (slot != null) {
            try {
                LibCDirect.dup3(directory.get(), slot.get(), LibC.O_CLOEXEC);
            } catch (LastErrorException e) {
                // Closing the slot drops the map as surely; it is opened again when next needed.
                if (slotInfo != null) {
                    slotInfo.close();
                }
                slot.close();
                slotInfo = null;
                slot = null;
            }
        }
    }

    private int read(int fd) {
        openSlot();
        long n;
        try {
            LibCDirect.dup3(fd, slot.get(), LibC.O_CLOEXEC);
            n = LibCDirect.pread(slotInfo.get(), buffer, SIZE, 0);
        } catch (LastErrorException e) {
            throw OutOfFds.failure("reading the fdinfo of fd " + fd, e.getErrorCode());
        }
        int length = (int) Math.min(n, SIZE);
        buffer.read(0, text, 0, length);
        return length;
    }

    /**
     * Opens the directory, the slot (a second fd of the directory) and the slot's fdinfo file, once.
     *
     * @throws OutOfFds when no file descriptor is left
     */
    private void openSlot() {
        if (slotInfo != null) {
            return;
        }
        try {
            int flags = LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC;
            if (directory == null) {
                directory = Fd.own(LibCDirect.openat(LibCDirect.AT_FDCWD, "/proc/self/fdinfo", flags));
            }
            if (slot == null) {
                slot = Fd.own(LibCDirect.openat(LibCDirect.AT_FDCWD, "/proc/self/fdinfo", flags));
            }
            slotInfo = Fd.own(LibCDirect.openat(directory.get(), Integer.toString(slot.get()),
                    LibC.O_RDONLY | LibC.O_CLOEXEC));
        } catch (LastErrorException e) {
            throw OutOfFds.failure("opening /proc/self/fdinfo", e.getErrorCode());
        }
    }

    /** Closes the slot's fdinfo file, the slot and the directory, then frees the buffer. */
    @Override
    public void close() {
        for (Fd f : new Fd[] {slotInfo, slot, directory}) {
            if (f != null) {
                f.close();
            }
        }
        slotInfo = null;
        slot = null;
        directory = null;
        buffer.close();
    }
}
