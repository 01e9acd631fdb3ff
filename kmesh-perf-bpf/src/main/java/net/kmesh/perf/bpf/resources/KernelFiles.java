package net.kmesh.perf.bpf.resources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the small text files of procfs and cgroupfs without ever throwing. */
final class KernelFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KernelFiles.class);

    private KernelFiles() {
    }

    /**
     * The whole file, each byte one char (ISO-8859-1), so that a process name that is not UTF-8
     * survives; empty when it cannot be read, e.g. because its process exited.
     */
    static Optional<String> read(Path file) {
        try {
            // readAllBytes reads to EOF: these files report a size of 0 or 4096 whatever they hold.
            return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | SecurityException e) {
            LOG.debug("cannot read {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** True when {@code name} is a file in {@code dir}. */
    static boolean has(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name));
    }
}
