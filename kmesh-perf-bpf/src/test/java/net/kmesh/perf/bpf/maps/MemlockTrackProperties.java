package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * A memlock that moves by a fixed amount per element is known from the count alone once two
 * changes agree on that amount, and the tracker never gives a figure the kernel would not.
 */
class MemlockTrackProperties {

    @Property
    void theFigureIsExactOrUnknownAndKnownAfterTwoChangesThatAgree(
            @ForAll @LongRange(min = 0, max = 1L << 40) long base, @ForAll @LongRange(min = 1, max = 1 << 20) long slope,
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 1_000_000) Integer> counts) {
        MemlockTrack t = new MemlockTrack(true, true);
        int changes = 0;
        int last = -1;
        for (int count : counts) {
            long kernel = base + slope * count;
            long known = t.known(count);
            assertTrue(known == -1 || known == kernel, "known " + known + ", kernel " + kernel);
            if (known == -1) {
                t.read(kernel, count);
            }
            if (last >= 0 && count != last) {
                changes++;
            }
            last = count;
            if (changes >= 3) {
                assertEquals(base + slope * 7, t.known(7), "learnt after " + changes + " changes");
            }
        }
    }

    @Property
    void aFigureThatDoesNotFollowTheCountIsNeverGuessed(@ForAll @Size(min = 1, max = 20)
                                                        List<@LongRange(min = 0, max = 1L << 30) Long> figures) {
        MemlockTrack t = new MemlockTrack(true, false);
        long count = 0;
        for (long figure : figures) {
            assertEquals(-1, t.known(count));
            t.read(figure, count++);
        }
    }
}
