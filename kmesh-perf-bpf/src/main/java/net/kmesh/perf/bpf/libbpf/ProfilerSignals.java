package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Memory;
import java.util.function.IntSupplier;

/**
 * Holds back the signals sampling profilers send (SIGPROF, SIGVTALRM, SIGALRM) from the calling
 * thread while the kernel verifies programs. The verifier gives up with EAGAIN as soon as a signal
 * is pending, and libbpf tries a load five times: a CPU profiler that samples each thread every
 * 100 us of its CPU (async-profiler's {@code cpu} mode) failed every try, so that a service
 * profiled at start lost the map iterator for its whole life. A signal blocked during the load is
 * delivered once it ends: the profiler loses no sample, it takes it late. Other signals are left
 * alone; where the mask cannot be set the load runs as it would without this.
 */
final class ProfilerSignals {
    static final int SIGALRM = 14;
    static final int SIGVTALRM = 26;
    static final int SIGPROF = 27;
    private static final int SIG_BLOCK = 0;
    private static final int SIG_SETMASK = 2;
    /** glibc's sigset_t: 1,024 bits. */
    private static final int SIGSET_BYTES = 128;

    private ProfilerSignals() {
    }

    /** Runs {@code call} with the profilers' signals blocked in this thread, then restores its mask. */
    static int heldBack(LibC libc, IntSupplier call) {
        try (Memory block = new Memory(SIGSET_BYTES); Memory old = new Memory(SIGSET_BYTES)) {
            block.clear();
            // Signal n is bit n - 1 of the set; all three lie in its first 64-bit word.
            block.setLong(0, bit(SIGALRM) | bit(SIGVTALRM) | bit(SIGPROF));
            if (libc.pthread_sigmask(SIG_BLOCK, block, old) != 0) {
                return call.getAsInt();
            }
            try {
                return call.getAsInt();
            } finally {
                libc.pthread_sigmask(SIG_SETMASK, old, null);
            }
        }
    }

    private static long bit(int signal) {
        return 1L << (signal - 1);
    }
}
