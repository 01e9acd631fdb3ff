package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import net.kmesh.perf.bpf.libbpf.FastLibC;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices, within the wake-up of an epoll wait, that a pin may have changed: an inotify fd
 * watching the directories the pins live in (bpffs reports pins made and removed there). It wakes
 * the consumer, and counts the rings pinned at the watched paths (a pin made or moved there), so
 * that a ring which came and went before the monitor opened it is counted, not unseen. The pins
 * themselves are still read as before, so a directory that cannot be watched (it does not exist
 * yet) falls back to the consumer's periodic check. Owns the inotify fd.
 */
final class PinWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PinWatch.class);
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    private static final int IN_MOVED_FROM = 0x40;
    private static final int IN_MOVED_TO = 0x80;
    private static final int IN_CREATE = 0x100;
    private static final int IN_DELETE = 0x200;
    private static final int IN_Q_OVERFLOW = 0x4000;
    /** {@code struct inotify_event}: int wd; uint32_t mask, cookie, len; char name[len]. */
    private static final int EVENT_HEADER = 16;

    private final Fd fd;
    private final Memory events = new Memory(4096);
    /** The file names of the watched pins, by the watch descriptor of their directory. */
    private final Map<Integer, Set<String>> pinNames;
    private boolean overflowLogged;
    /** Whether the last {@link #clear()} read any event; consumer thread. */
    private boolean changed;

    private PinWatch(Fd fd, Map<Integer, Set<String>> pinNames) {
        this.fd = fd;
        this.pinNames = pinNames;
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
        Map<Path, Set<String>> byDir = new LinkedHashMap<>();
        for (Path pin : pins) {
            if (pin.getParent() != null && pin.getFileName() != null) {
                byDir.computeIfAbsent(pin.getParent(), d -> new HashSet<>()).add(pin.getFileName().toString());
            }
        }
        Map<Integer, Set<String>> pinNames = new HashMap<>();
        for (Map.Entry<Path, Set<String>> dir : byDir.entrySet()) {
            int wd = libc.inotify_add_watch(fd.get(), dir.getKey().toString(),
                    IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM);
            if (wd >= 0) {
                pinNames.computeIfAbsent(wd, w -> new HashSet<>()).addAll(dir.getValue());
            }
        }
        if (pinNames.isEmpty()) {
            fd.close();
            return null;
        }
        return new PinWatch(fd, pinNames);
    }

    /** Readable when a pin may have changed. */
    int fd() {
        return fd.get();
    }

    /**
     * Reads the events that came, so that the fd waits again; on the consumer thread.
     *
     * @return how many times a watched pin was made (created, or moved into place) since the last call
     */
    int clear() {
        int made = 0;
        long n;
        changed = false;
        while (fd.isOpen() && (n = FastLibC.read(fd.get(), events, events.size())) > 0) {
            changed = true;
            made += pinsMade(events, (int) n);
        }
        return made;
    }

    /** Whether the last {@link #clear()} read any event: something in a watched directory changed. */
    boolean changed() {
        return changed;
    }

    private int pinsMade(Memory buffer, int length) {
        int made = 0;
        for (int at = 0; at + EVENT_HEADER <= length; ) {
            int wd = buffer.getInt(at);
            int mask = buffer.getInt(at + 4L);
            int nameLength = buffer.getInt(at + 12L);
            if ((mask & IN_Q_OVERFLOW) != 0 && !overflowLogged) {
                overflowLogged = true;
                LOG.warn("the kernel dropped inotify events of the pin directories: rings pinned meanwhile are not counted");
            }
            if ((mask & (IN_CREATE | IN_MOVED_TO)) != 0 && nameLength > 0) {
                Set<String> names = pinNames.get(wd);
                if (names != null && names.contains(name(buffer, at + EVENT_HEADER, nameLength))) {
                    made++;
                }
            }
            at += EVENT_HEADER + Math.max(0, nameLength);
        }
        return made;
    }

    /** The NUL-terminated, NUL-padded name of an event. */
    private static String name(Memory buffer, int at, int length) {
        byte[] bytes = buffer.getByteArray(at, length);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        fd.close();
    }
}
