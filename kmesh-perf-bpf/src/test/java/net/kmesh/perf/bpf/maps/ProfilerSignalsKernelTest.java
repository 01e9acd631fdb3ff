package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.kmesh.perf.bpf.KernelRequired;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapType;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A service profiled by a sampling profiler gets SIGPROF at every thread every so often, its
 * loading thread too, while the kernel verifies a program; the verifier stops at a pending signal
 * with EAGAIN, libbpf tries five times, and with async-profiler 3.0 in the JVM sampling every
 * 100 us of a thread's CPU the map iterator failed to load: the collector fell back to opening every
 * map by id, for its whole life. Here another thread sends this one SIGPROF every 20 us (tgkill),
 * as such a profiler does, while the iterator loads and reads.
 */
@KernelRequired
class ProfilerSignalsKernelTest {
    private static final int SIGPROF = 27;
    /** x86-64's tgkill(2). */
    private static final long SYS_TGKILL = 234;
    private static final long GAP_NANOS = 20_000;

    interface Sys extends Library {
        Sys C = Native.load("c", Sys.class);

        long syscall(long number, long tgid, long tid, long signal);
    }

    @Test
    void theIteratorLoadsAndReadsWhileAProfilerSignalsTheThread() throws InterruptedException {
        AtomicLong delivered = new AtomicLong();
        Signal prof = new Signal("PROF");
        SignalHandler before = Signal.handle(prof, s -> delivered.incrementAndGet());
        long pid = ProcessHandle.current().pid();
        long tid = LibbpfLoader.natives().libc().gettid();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        Thread profiler = new Thread(() -> {
            while (!stop.get()) {
                if (Sys.C.syscall(SYS_TGKILL, pid, tid, SIGPROF) == 0) {
                    sent.incrementAndGet();
                }
                long until = System.nanoTime() + GAP_NANOS;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
        }, "test-profiler-signals");
        try (TestMaps maps = new TestMaps()) {
            int fd = maps.create("sig", MapType.HASH, 4, 8, 16, 0);
            maps.fill(fd, 3);
            profiler.start();
            awaitAtLeast(delivered, 100);
            long sentBefore = sent.get();
            List<MapRecord> records;
            try (MapIterator iterator = MapIterator.open()) {
                records = iterator.read();
            }
            long sentDuring = sent.get() - sentBefore;
            assertTrue(sentDuring > 10, "the load and read were signalled " + sentDuring + " times");
            // The thread's mask is back as it was: the signals reach the handler again, not one
            // left pending for good.
            awaitAtLeast(delivered, delivered.get() + 50);
            int id = TestMaps.id(fd);
            assertTrue(records.stream().anyMatch(r -> r.id() == id && r.entries() == 3),
                    "the iterator's pass lists the test map with its 3 entries: " + records);
        } finally {
            stop.set(true);
            profiler.join();
            Signal.handle(prof, before);
        }
        assertTrue(delivered.get() > 100, "SIGPROF reached the test's handler " + delivered.get() + " times");
    }

    private static void awaitAtLeast(AtomicLong count, long atLeast) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (count.get() < atLeast && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(count.get() >= atLeast, "only " + count.get() + " SIGPROF reached the handler in 5 s");
    }
}
