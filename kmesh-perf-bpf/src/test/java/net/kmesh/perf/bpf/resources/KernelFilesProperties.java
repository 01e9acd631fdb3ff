package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Reading a kernel file to its end, as both the files opened per read and those held open do:
 * every byte once, in order, whatever sizes the reads come in, and a text past the limit refused.
 */
class KernelFilesProperties {

    @Property
    void everyByteComesOnceInOrderWhateverTheReadsReturn(@ForAll @Size(max = 20_000) byte[] content,
                                                        @ForAll @IntRange(min = 1, max = 5_000) int chunk) throws IOException {
        String text = KernelFiles.toEnd(chunked(content, chunk), 1 << 20);
        assertArrayEquals(content, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Property
    void aTextLongerThanTheLimitIsRefused(@ForAll @IntRange(min = 1, max = 4) int doublings,
                                          @ForAll @IntRange(min = 1, max = 5_000) int chunk) {
        int max = 4096 << doublings;
        byte[] content = new byte[max + 1];
        assertThrows(IOException.class, () -> KernelFiles.toEnd(chunked(content, chunk), max));
    }

    /** A source that hands {@code content} over in reads of at most {@code chunk} bytes, then EOF. */
    private static KernelFiles.Source chunked(byte[] content, int chunk) {
        int[] at = {0};
        return (buffer, offset, length) -> {
            if (at[0] == content.length) {
                return -1;
            }
            int n = Math.min(Math.min(chunk, length), content.length - at[0]);
            System.arraycopy(content, at[0], buffer, offset, n);
            at[0] += n;
            return n;
        };
    }
}
