package net.kmesh.perf.bpf.probe;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * that a ring which came and went before the monitor opened it is counted, not unseen. A pin
 * directory that does not exist (the data plane has not started, or removed it on exit) is
 * watched through its nearest existing ancestor, and watched itself as soon as it is made again:
 * a restart that removes the directories is noticed as fast as one that only unpins. The pins
 * themselves are still read as before, so what inotify cannot see (a directory no watch could be
 * added for) falls back to the consumer's periodic check. Owns the inotify fd; used on the consumer thread only.
 */
final class PinWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PinWatch.class);
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    private static final int IN_MOVED_FROM = 0x40;
    private static final int IN_MOVED_TO = 0x80;
    private static final int IN_CREATE = 0x100;
    private static final int IN_DELETE = 0x200;
    private static final int IN_DELETE_SELF = 0x400;
    private static final int IN_MOVE_SELF = 0x800;
    private static final int IN_Q_OVERFLOW = 0x4000;
    /** The watch was removed: its directory is gone. */
    private static final int IN_IGNORED = 0x8000;
    private static final int IN_ISDIR = 0x40000000;
    private static final int MASK = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF;
    /** {@code struct inotify_event}: int wd; uint32_t mask, cookie, len; char name[len]. */
    private static final int EVENT_HEADER = 16;

    private final LibC libc;
    private final Fd fd;
    private final Memory events = new Memory(4096);
    /** The file names of the pins, by their directory. */
    private final Map<Path, Set<String>> pinNames;
    /** The watch descriptor of each pin directory watched now. */
    private final Map<Path, Integer> watchedDirs = new HashMap<>();
    /** What each watch descriptor watches: a pin directory, or an ancestor of one that does not exist. */
    private final Map<Integer, Path> watches = new HashMap<>();
    private boolean overflowLogged;
    /** Whether the last {@link #clear()} read any event; consumer thread. */
    private boolean changed;

    private PinWatch(LibC libc, Fd fd, Map<Path, Set<String>> pinNames) {
        this.libc = libc;
        this.fd = fd;
        this.pinNames = pinNames;
    }

    /** Watches the directories of {@code pins}, or their ancestors; null when inotify cannot be had. */
    static PinWatch of(Collection<Path> pins) {
        LibC libc = LibbpfLoader.natives().libc();
        int ret = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (ret < 0) {
            LOG.debug("inotify_init1 failed (errno {}): pins are checked on a timer only", -ret);
            return null;
        }
        Map<Path, Set<String>> byDir = new LinkedHashMap<>();
        for (Path pin : pins) {
            if (pin.getParent() != null && pin.getFileName() != null) {
                byDir.computeIfAbsent(pin.getParent(), d -> new HashSet<>()).add(pin.getFileName().toString());
            }
        }
        PinWatch w = new PinWatch(libc, Fd.own(ret), byDir);
        w.rewatch();
        if (w.watches.isEmpty()) {
            w.close();
            return null;
        }
        return w;
    }

    /** Readable when a pin may have changed. */
    int fd() {
        return fd.get();
    }

    /**
     * Whether every pin directory is watched, itself or, while it does not exist, through an
     * ancestor, so that no pin can change unnoticed: the directory's making is an event there, upon
     * which it is watched itself and its pins read ({@link #rewatch}). Kmesh in workload mode never
     * makes the ads mode's directory, and an agent that polled for it woke ten times a second.
     */
    boolean watchesEveryDirectory() {
        for (Path dir : pinNames.keySet()) {
            if (!watchedDirs.containsKey(dir) && !watchedThroughAncestor(dir)) {
                return false;
            }
        }
        return true;
    }

    private boolean watchedThroughAncestor(Path dir) {
        for (Path watched : watches.values()) {
            if (dir.startsWith(watched)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the events that came, so that the fd waits again, and watches again what a removed or
     * new directory changed; on the consumer thread.
     *
     * @return how many times a watched pin was made (created, or moved into place) since the last call
     */
    int clear() {
        int made = 0;
        long n;
        changed = false;
        boolean directories = false;
        while (fd.isOpen() && (n = FastLibC.read(fd.get(), events, events.size())) > 0) {
            changed = true;
            for (int at = 0; at + EVENT_HEADER <= n; ) {
                int wd = events.getInt(at);
                int mask = events.getInt(at + 4L);
                int nameLength = events.getInt(at + 12L);
                made += pinMade(wd, mask, at, nameLength);
                if ((mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) != 0) {
                    forget(wd);
                    directories = true;
                } else if ((mask & IN_ISDIR) != 0 || !watchedDirs.containsValue(wd)) {
                    // A directory made or moved, or anything in an ancestor: a pin directory may be back.
                    directories = true;
                }
                at += EVENT_HEADER + Math.max(0, nameLength);
            }
        }
        if (directories) {
            rewatch();
        }
        return made;
    }

    /** Whether the last {@link #clear()} read any event: something in a watched directory changed. */
    boolean changed() {
        return changed;
    }

    /** 1 when the event made a watched pin. */
    private int pinMade(int wd, int mask, int at, int nameLength) {
        if ((mask & IN_Q_OVERFLOW) != 0 && !overflowLogged) {
            overflowLogged = true;
            LOG.warn("the kernel dropped inotify events of the pin directories: rings pinned meanwhile are not counted");
        }
        if ((mask & (IN_CREATE | IN_MOVED_TO)) == 0 || nameLength <= 0) {
            return 0;
        }
        Path dir = watches.get(wd);
        // An ancestor's event names a directory on the way, never a pin.
        Set<String> names = dir != null && Integer.valueOf(wd).equals(watchedDirs.get(dir)) ? pinNames.get(dir) : null;
        return names != null && names.contains(name(events, at + EVENT_HEADER, nameLength)) ? 1 : 0;
    }

    private void forget(int wd) {
        Path dir = watches.remove(wd);
        if (dir != null) {
            watchedDirs.remove(dir, wd);
        }
    }

    /**
     * Watches each pin directory that exists and is not watched yet, and for each that does not, its
     * nearest existing ancestor (to see it made). Adding a watch twice returns the same descriptor.
     */
    private void rewatch() {
        for (Path dir : pinNames.keySet()) {
            if (watchedDirs.containsKey(dir)) {
                continue;
            }
            for (Path d = dir; d != null; d = d.getParent()) {
                int wd = libc.inotify_add_watch(fd.get(), d.toString(), MASK);
                if (wd >= 0) {
                    watches.put(wd, d);
                    if (d.equals(dir)) {
                        watchedDirs.put(dir, wd);
                        // Pins made before the watch raised no event: have them read.
                        changed = true;
                    }
                    break;
                }
            }
        }
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
