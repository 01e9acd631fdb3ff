package net.kmesh.perf.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Ctrl-C for a child process. */
final class Signals {
    private Signals() {
    }

    /**
     * Sends SIGINT to {@code pid}, as Ctrl-C does; but when the process ignores SIGINT (it inherits
     * that from a shell that ran the build as a background job, and the JVM then leaves it
     * ignored), SIGTERM, which runs the same shutdown hook. Returns the signal's name.
     */
    static String interrupt(long pid) throws IOException, InterruptedException {
        if (ignoresSigint(pid)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            return "SIGTERM";
        }
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -INT " + pid + " exited with " + kill.exitValue());
        }
        return "SIGINT";
    }

    private static boolean ignoresSigint(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                return (mask & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }
}
