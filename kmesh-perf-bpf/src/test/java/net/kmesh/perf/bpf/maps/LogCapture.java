package net.kmesh.perf.bpf.maps;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The lines the collector logs while this is open: slf4j-simple (the tests' binding) writes to
 * whatever {@code System.err} is at each call. What is captured is also passed on.
 */
final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    LogCapture() {
        System.setErr(new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** The lines logged so far that contain {@code text}. */
    synchronized List<String> lines(String text) {
        System.err.flush();
        return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
