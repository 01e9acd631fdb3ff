package net.kmesh.perf.bpf.resources;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the small text files of procfs and cgroupfs without ever throwing. */
final class KernelFiles {
    /** Enough for every file read here but mountinfo on a busy host, which grows the buffer. */
    private static final int BUFFER = 4096;
    /** A procfs or cgroupfs file longer than this is not one of ours. */
    private static final int MAX_BYTES = 64 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(KernelFiles.class);

    private KernelFiles() {
    }

    /**
     * The whole file, each byte one char (ISO-8859-1), so that a process name that is not UTF-8
     * survives; empty when it cannot be read, e.g. because its process exited.
     */
    static Optional<String> read(Path file) {
        // java.io, not Files.readAllBytes: a snapshot reads three or four of these files at every
        // scrape, at a second's interval, and NIO's channel set-up made each read cost 0.40 ms of
        // CPU there against 0.085 ms for a plain read(2) loop into a heap array.
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            return Optional.of(toEnd(in::read, MAX_BYTES));
        } catch (FileNotFoundException e) {
            // Missing (its process exited) or not readable: FileInputStream says which only in its message.
            LOG.debug("cannot open {}: {}", file, e.getMessage());
            return Optional.empty();
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            LOG.debug("cannot read {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** Where {@link #toEnd} reads from: a stream's or a random-access file's {@code read}. */
    interface Source {
        int read(byte[] buffer, int offset, int length) throws IOException;
    }

    /**
     * Reads {@code in} to its end as ISO-8859-1 chars of its bytes: these files report a size of 0
     * or 4096 whatever they hold.
     *
     * @throws IOException when a read fails, or the text is longer than {@code maxBytes}
     */
    static String toEnd(Source in, int maxBytes) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int length = 0;
        for (int n; (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
            length += n;
            if (length == buffer.length) {
                if (buffer.length >= maxBytes) {
                    throw new IOException("longer than " + maxBytes + " bytes");
                }
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
        }
        return new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
    }

    /** True when {@code name} is a file in {@code dir}. */
    static boolean has(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name));
    }
}
