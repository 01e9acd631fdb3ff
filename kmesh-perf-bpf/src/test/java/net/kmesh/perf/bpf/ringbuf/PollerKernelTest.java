package net.kmesh.perf.bpf.ringbuf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.LibC;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import org.junit.jupiter.api.Test;

/**
 * The poller says whether its last wait found the extra fd (a source's notice fd) readable, so
 * that the consumer reads that fd only when it has something: one system call less per wake.
 */
@KernelRequired
class PollerKernelTest {

    @Test
    void theExtraFdIsReportedReadyOnlyWhenItIs() {
        LibC libc = LibbpfLoader.natives().libc();
        try (Poller poller = new Poller();
             Fd notice = Fd.own(libc.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK));
             Memory one = new Memory(8)) {
            poller.alsoWatch(notice.get());
            assertTrue(poller.alsoReady(), "before any wait it cannot tell");
            poller.await(1);
            assertFalse(poller.alsoReady(), "a wait that timed out: nothing to read");
            poller.wake();
            poller.await(1000);
            assertFalse(poller.alsoReady(), "woken by the poller's own eventfd, not the extra fd");
            one.setLong(0, 1);
            libc.write(notice.get(), one, 8);
            poller.await(1000);
            assertTrue(poller.alsoReady(), "the extra fd is readable");
            libc.read(notice.get(), one, 8);
            poller.await(1);
            assertFalse(poller.alsoReady(), "read: nothing left");
        }
    }

    @Test
    void aSleepIsEndedByTheExtraFdOrAWakeButNotByTheRing() {
        LibC libc = LibbpfLoader.natives().libc();
        try (Poller poller = new Poller();
             Fd ring = Fd.own(libc.eventfd(1, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK));
             Fd notice = Fd.own(libc.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK));
             Memory one = new Memory(8)) {
            // An always-readable fd stands for a ring holding unread records.
            poller.watch(ring.get(), false);
            poller.alsoWatch(notice.get());
            long start = System.nanoTime();
            poller.await(10_000);
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "a ring with records ends an await");
            start = System.nanoTime();
            poller.sleep(50);
            assertTrue(System.nanoTime() - start >= 45_000_000L, "the ring does not end a sleep");
            assertFalse(poller.alsoReady(), "a sleep that timed out: nothing to read");
            one.setLong(0, 1);
            libc.write(notice.get(), one, 8);
            start = System.nanoTime();
            poller.sleep(10_000);
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "the extra fd ends a sleep");
            assertTrue(poller.alsoReady(), "and is reported readable");
            libc.read(notice.get(), one, 8);
            poller.wake();
            start = System.nanoTime();
            poller.sleep(10_000);
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "wake() ends a sleep");
            assertFalse(poller.alsoReady(), "woken by the poller's own eventfd, not the extra fd");
        }
    }
}
