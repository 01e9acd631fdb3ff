package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kernel files read whole, whatever their length, and never a throw. */
class KernelFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFileLongerThanOneBufferIsReadWholeByteForChar() throws Exception {
        byte[] bytes = new byte[3 * 4096 + 17];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path file = Files.write(dir.resolve("mountinfo"), bytes);
        assertEquals(Optional.of(new String(bytes, StandardCharsets.ISO_8859_1)), KernelFiles.read(file));
    }

    @Test
    void procfsFilesThatReportNoSizeAreReadToTheirEnd() {
        String stat = KernelFiles.read(Path.of("/proc/self/stat")).orElseThrow();
        assertTrue(stat.endsWith("\n") && stat.length() > 50, stat);
    }

    @Test
    void aMissingFileOrADirectoryIsEmpty() {
        assertEquals(Optional.empty(), KernelFiles.read(dir.resolve("exited")));
        assertEquals(Optional.empty(), KernelFiles.read(dir));
    }
}
