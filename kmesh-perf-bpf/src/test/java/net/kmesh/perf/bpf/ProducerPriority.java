package net.kmesh.perf.bpf;

import java.io.IOException;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;

/**
 * Runs a test's producer at a higher priority (nice -10, as root) so that it writes at the rate
 * the test names on a busy machine: what is tested is the reader beside it, not the producer.
 */
public final class ProducerPriority {
    private ProducerPriority() {
    }

    /** Raises the calling thread's priority; returns whether it worked. */
    public static boolean raise() {
        int tid = LibbpfLoader.natives().libc().gettid();
        try {
            Process p = new ProcessBuilder("renice", "-n", "-10", "-p", Integer.toString(tid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Puts the calling thread back at the default priority. */
    public static void lower() {
        int tid = LibbpfLoader.natives().libc().gettid();
        try {
            new ProcessBuilder("renice", "-n", "0", "-p", Integer.toString(tid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            // stays raised: harmless for a test thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
