package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Fields found by position agree with the fields split out of the same text. */
class FieldsProperties {

    @Property
    void boundsAreTheFirstFieldsSplitWouldGive(@ForAll("lines") String line, @ForAll @IntRange(max = 12) int from,
                                               @ForAll @IntRange(min = 1, max = 30) int max) {
        int start = Math.min(from, line.length());
        String[] split = Fields.split(line.substring(start));
        int[] bounds = Fields.bounds(line, start, max);
        String[] found = new String[bounds.length / 2];
        for (int i = 0; i < found.length; i++) {
            found[i] = line.substring(bounds[2 * i], bounds[2 * i + 1]);
        }
        assertArrayEquals(Arrays.copyOf(split, Math.min(max, split.length)), found);
    }

    @Provide
    Arbitrary<String> lines() {
        // Words and every blank split knows, in runs, and other characters that are not blanks.
        return Arbitraries.strings().withChars("ab9() \t\r\n\u000B\f\u00A0").ofMaxLength(80);
    }
}
