package net.kmesh.perf.bpf.ringbuf;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.FastLibC;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/**
 * Waits for a ring buffer to have data, with epoll on the map fd, and can be woken from another
 * thread through an eventfd in the same epoll set. Owns two epoll fds (see {@link #sleep}) and the eventfd; watches one
 * ring at a time, registered by the caller for that ring and deregistered when it is given up, so
 * a registration never outlives its ring nor depends on the fd number a next ring gets.
 *
 * <p>A consumer's ring is watched level-triggered: ready while it holds unread records. An
 * observer's is watched edge-triggered: the kernel reports readiness by the real consumer's
 * position, which an observer does not move, so it waits for the kernel's wake-ups instead (they
 * come when a record is committed while the real consumer had caught up, as that consumer is woken).
 */
final class Poller implements AutoCloseable {
    // struct epoll_event { uint32_t events; epoll_data_t data; } is packed on x86-64 only.
    private static final int EVENT_SIZE = Platform.isIntel() && Platform.is64Bit() ? 12 : 16;
    private static final int DATA_OFFSET = EVENT_SIZE == 12 ? 4 : 8;

    private final LibC libc;
    private final Fd epoll;
    /** A second epoll set, of the eventfd and the also-watched fd but not the ring: for {@link #sleep}. */
    private final Fd quiet;
    private final Fd wakeup;
    /** Room for every fd it can watch: the ring, the eventfd and one more. */
    private static final int MAX_EVENTS = 3;
    private final Memory events = new Memory(MAX_EVENTS * (long) EVENT_SIZE);
    private final Memory readBuffer = new Memory(8);
    private final Memory writeBuffer = new Memory(8);
    private int watched = -1;
    private int also = -1;
    /** Whether the last {@link #await} may have found {@link #alsoWatch}'s fd readable. */
    private boolean alsoReady = true;

    /** A poller watching no ring yet. */
    Poller() {
        libc = LibbpfLoader.natives().libc();
        int ep = libc.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (ep < 0) {
            throw Errno.failure("epoll_create1", Errno.last());
        }
        epoll = Fd.own(ep);
        int q = libc.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (q < 0) {
            int errno = Errno.last();
            epoll.close();
            throw Errno.failure("epoll_create1", errno);
        }
        quiet = Fd.own(q);
        int ev = libc.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
        if (ev < 0) {
            int errno = Errno.last();
            quiet.close();
            epoll.close();
            throw Errno.failure("eventfd", errno);
        }
        wakeup = Fd.own(ev);
        try {
            add(epoll, ev, LibC.EPOLLIN);
            add(quiet, ev, LibC.EPOLLIN);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        writeBuffer.setLong(0, 1);
    }

    /** A poller watching {@code ringFd}, level-triggered. */
    Poller(int ringFd) {
        this();
        try {
            watch(ringFd, false);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Watches {@code ringFd} (open, a ring's map fd) instead of the ring watched so far.
     *
     * @param edge edge-triggered: wake on the kernel's notifications only (an observer)
     */
    void watch(int ringFd, boolean edge) {
        unwatch();
        add(epoll, ringFd, LibC.EPOLLIN | (edge ? LibC.EPOLLET : 0));
        watched = ringFd;
    }

    /** Also wakes {@link #await} when {@code fd} becomes readable, for as long as this poller lives; the caller reads it. */
    void alsoWatch(int fd) {
        add(epoll, fd, LibC.EPOLLIN);
        add(quiet, fd, LibC.EPOLLIN);
        also = fd;
    }

    /**
     * Whether the last {@link #await} found the fd of {@link #alsoWatch} readable, or cannot tell
     * (it was interrupted): false only when that fd certainly has nothing to read.
     */
    boolean alsoReady() {
        return alsoReady;
    }

    /**
     * Stops watching the ring; call while its fd is still open. (Its registration would also go
     * when its file is released, but not when only the fd is closed and a mapping still holds it.)
     */
    void unwatch() {
        if (watched >= 0) {
            // ENOENT or EBADF: the registration went with its file.
            libc.epoll_ctl(epoll.get(), LibC.EPOLL_CTL_DEL, watched, null);
            watched = -1;
        }
    }

    private void add(Fd set, int fd, int flags) {
        try (Memory event = new Memory(EVENT_SIZE)) {
            event.clear();
            event.setInt(0, flags);
            event.setLong(DATA_OFFSET, fd);
            if (libc.epoll_ctl(set.get(), LibC.EPOLL_CTL_ADD, fd, event) < 0) {
                throw Errno.failure("adding fd " + fd + " to epoll", Errno.last());
            }
        }
    }

    /** Blocks until the ring has data, {@link #wake()} is called, or the timeout passes. */
    void await(int timeoutMillis) {
        wait(epoll, timeoutMillis);
    }

    /**
     * Blocks for {@code timeoutMillis}, or until {@link #wake()} is called or the fd of
     * {@link #alsoWatch} becomes readable, whatever the ring holds: the consumer's timer between
     * reads of a ring that fills steadily. Unlike a park, it tells {@link #alsoReady()} whether that
     * fd needs reading, so a turn on the timer costs no read of it.
     */
    void sleep(int timeoutMillis) {
        wait(quiet, timeoutMillis);
    }

    private void wait(Fd set, int timeoutMillis) {
        int n = FastLibC.epoll_wait(set.get(), events, MAX_EVENTS, timeoutMillis);
        if (n < 0 && Errno.last() != Errno.EINTR) {
            throw Errno.failure("epoll_wait", Errno.last());
        }
        alsoReady = n < 0;
        for (int i = 0; i < n; i++) {
            int fd = events.getInt(i * (long) EVENT_SIZE + DATA_OFFSET);
            if (fd == wakeup.get()) {
                // Drain the eventfd so that the next wait blocks again.
                libc.read(wakeup.get(), readBuffer, 8);
            } else if (fd == also) {
                alsoReady = true;
            }
        }
    }

    /** Makes a current or the next {@link #await} return at once. */
    void wake() {
        if (wakeup.isOpen()) {
            libc.write(wakeup.get(), writeBuffer, 8);
        }
    }

    @Override
    public void close() {
        wakeup.close();
        quiet.close();
        epoll.close();
    }
}
