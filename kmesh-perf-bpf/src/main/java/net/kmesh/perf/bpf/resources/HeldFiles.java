package net.kmesh.perf.bpf.resources;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The few kernel files a daemon reading reads at every scrape ({@code /proc/PID/stat},
 * {@code status}, {@code cgroup}, a cgroup's {@code memory.current} and {@code cpu.stat}), held open
 * and read again from offset 0. Opening is most of what a read costs here: 55-90 µs of CPU for an
 * open, read and close from Java against 7-14 µs to read a file held open (ad hoc, a JVM after 60
 * reads of each). Only files on procfs and cgroupfs are held: their text is made anew at each read,
 * and a file of a process that exited, or of a cgroup removed, fails to read (ESRCH, ENODEV) rather
 * than showing what it held, so a held file never reads a stale value. A read that fails or finds
 * nothing closes the file and opens the path again once: a pid or a cgroup path that now names
 * another process or cgroup is read as such, exactly as an open by path would. Any other file (a
 * test's tree of regular files, which may be replaced under its path) is opened at every read.
 *
 * <p>At most {@link #MAX_HELD} files are held, the least recently read closed first, and a path's
 * file system is looked up once for at most {@link #MAX_KNOWN} paths. {@link #close()} closes every
 * file; later reads open and close as {@link KernelFiles#read} does. Thread-safe; never throws.
 */
final class HeldFiles implements AutoCloseable {
    /** Files held open at most: a target's three procfs files and two cgroup files, with room to spare. */
    static final int MAX_HELD = 8;
    /** Paths whose file system is remembered at most. */
    static final int MAX_KNOWN = 64;
    private static final int MAX_BYTES = 1 << 20;
    /** File system types whose files are made at each read and fail once their object is gone. */
    private static final Set<String> KERNEL_MADE = Set.of("proc", "cgroup", "cgroup2");

    private final Map<Path, Held> held = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Path, Boolean> holdable = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Boolean> eldest) {
            return size() > MAX_KNOWN;
        }
    };
    private boolean closed;

    /**
     * The whole file as ISO-8859-1 chars of its bytes, as {@link KernelFiles#read} gives it; empty
     * when it cannot be read.
     */
    Optional<String> read(Path file) {
        Held f = take(file);
        if (f != null) {
            Optional<String> text = readFrom(f);
            if (text.isPresent() && !text.get().isEmpty()) {
                put(file, f);
                return text;
            }
            closeQuietly(f);
        }
        if (!holdable(file)) {
            return KernelFiles.read(file);
        }
        try {
            f = new Held(new RandomAccessFile(file.toFile(), "r"));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        Optional<String> text = readFrom(f);
        if (text.isPresent()) {
            put(file, f);
        } else {
            closeQuietly(f);
        }
        return text;
    }

    /** How many files are held now. */
    synchronized int heldCount() {
        return held.size();
    }

    /** How many paths' file systems are remembered now. */
    synchronized int knownCount() {
        return holdable.size();
    }

    /** Closes every held file; later reads hold none. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Held f : held.values()) {
            closeQuietly(f);
        }
        held.clear();
    }

    /** Removes {@code file}'s held file from the table, for this thread alone to read; null when none. */
    private synchronized Held take(Path file) {
        return held.remove(file);
    }

    /** Holds {@code f} for {@code file}, unless closed, one is held already, or the table is full of newer ones. */
    private void put(Path file, Held f) {
        Held surplus = null;
        Held evicted = null;
        synchronized (this) {
            if (closed || held.containsKey(file)) {
                surplus = f;
            } else {
                held.put(file, f);
                if (held.size() > MAX_HELD) {
                    Iterator<Held> eldest = held.values().iterator();
                    evicted = eldest.next();
                    eldest.remove();
                }
            }
        }
        closeQuietly(surplus);
        closeQuietly(evicted);
    }

    /** Whether {@code file} is on procfs or cgroupfs, looked up once per path while it is remembered. */
    private boolean holdable(Path file) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            Boolean known = holdable.get(file);
            if (known != null) {
                return known;
            }
        }
        boolean kernel;
        try {
            kernel = KERNEL_MADE.contains(Files.getFileStore(file).type());
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // Missing now (its process exited): asked again at the next read.
            return false;
        }
        synchronized (this) {
            holdable.put(file, kernel);
        }
        return kernel;
    }

    /** The file's text from offset 0 to its end; empty when a read fails (its object is gone) or it is too long. */
    private static Optional<String> readFrom(Held f) {
        try {
            f.file.seek(0);
            return Optional.of(KernelFiles.toEnd(f, MAX_BYTES));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void closeQuietly(Held f) {
        if (f == null) {
            return;
        }
        try {
            f.file.close();
        } catch (IOException e) {
            // a read-only file: nothing was buffered that could be lost
        }
    }

    /** A file held open, and the source {@link KernelFiles#toEnd} reads it through, made once with it. */
    private static final class Held implements KernelFiles.Source {
        final RandomAccessFile file;

        Held(RandomAccessFile file) {
            this.file = file;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return file.read(buffer, offset, length);
        }
    }
}
