package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices, within the wake-up of an epoll wait, that a pin may have changed: an inotify fd
 * watching the directories the pins live in (bpffs reports pins made and removed there). It only
 * wakes the consumer; the pins are still read as before, so a directory that cannot be watched
 * (it does not exist yet) falls back to the consumer's periodic check. Owns the inotify fd.
 */
final class PinWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PinWatch.class);
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    private static final int IN_MOVED_FROM = 0x40;
    private static final int IN_MOVED_TO = 0x80;
    private static final int IN_CREATE = 0x100;
    private static final int IN_DELETE = 0x200;

    private final LibC libc;
    private final Fd fd;
    private final Memory events = new Memory(4096);

    private PinWatch(LibC libc, Fd fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /** Watches the directories of {@code pins}; null when no directory could be watched. */
    static PinWatch of(Collection<Path> pins) {
        LibC libc = LibbpfLoader.natives().libc();
        int ret = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ret < 0) {
            LOG.debug("inotify_init1 failed (errno {}): pins are checked on a timer only", -ret);
            return null;
        }
        Fd fd = Fd.own(ret);
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path pin : pins) {
            if (pin.getParent() != null) {
                dirs.add(pin.getParent());
            }
        }
        int watched = 0;
        for (Path dir : dirs) {
            if (libc.inotify_add_watch(fd.get(), dir.toString(), IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM) >= 0) {
                watched++;
            }
        }
        if (watched == 0) {
            fd.close();
            return null;
        }
        return new PinWatch(libc, fd);
    }

    /** Readable when a pin may have changed. */
    int fd() {
        return fd.get();
    }

    /** Reads the events that came, so that the fd waits again; on the consumer thread. */
    void clear() {
        while (fd.isOpen() && libc.read(fd.get(), events, events.size()) > 0) {
            // what changed is read from the pins themselves
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
