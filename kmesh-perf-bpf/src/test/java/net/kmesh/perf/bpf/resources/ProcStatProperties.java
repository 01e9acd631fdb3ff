package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class ProcStatProperties {
    /** Fields after the name in Linux 6.x: state (3) to exit_code (52). */
    private static final int FIELDS_AFTER_COMM = 50;

    @Property
    void readsNameStateParentCpuAndStartWhateverTheNameHolds(
            @ForAll @LongRange(min = 1, max = 4_194_304) long pid, @ForAll("comms") String comm,
            @ForAll("states") char state, @ForAll("counters") BigInteger ppid, @ForAll("counters") BigInteger utime,
            @ForAll("counters") BigInteger stime, @ForAll("counters") BigInteger start, @ForAll("separator") String sep) {
        String text = pid + " (" + comm + ") " + String.join(sep, fields(state, ppid, utime, stime, start)) + "\n";

        boolean fits = utime.add(stime).compareTo(Gen.TWO_63) < 0 && start.compareTo(Gen.TWO_63) < 0
                && ppid.compareTo(Gen.TWO_63) < 0;
        Optional<ProcStat> expected = fits
                ? Optional.of(new ProcStat(comm, state, ppid.longValueExact(), utime.add(stime).longValueExact(),
                        start.longValueExact()))
                : Optional.empty();
        assertEquals(expected, ProcStat.parse(text));
    }

    @Property
    void aLineCutBeforeTheStartTimeIsAbsent(@ForAll("comms") String comm, @ForAll @IntRange(max = 19) int kept) {
        List<String> f = fields('S', BigInteger.ONE, BigInteger.ONE, BigInteger.TWO, BigInteger.TEN).subList(0, kept);
        assertEquals(Optional.empty(), ProcStat.parse("42 (" + comm + ") " + String.join(" ", f) + "\n"));
    }

    @Property
    void aFieldThatIsNotANumberMakesItAbsent(@ForAll @IntRange(min = 10, max = 13) int index,
                                              @ForAll("notNumbers") String bad) {
        List<String> f = fields('R', BigInteger.ONE, BigInteger.ONE, BigInteger.TWO, BigInteger.TEN);
        // f[1] is the parent pid (field 4), f[11] and f[12] utime and stime, f[19] the start time.
        f.set(index == 10 ? 1 : index == 13 ? 19 : index, bad);
        assertEquals(Optional.empty(), ProcStat.parse("42 (x) " + String.join(" ", f)));
    }

    @Property
    void anyTextNeverThrows(@ForAll("statLike") String text) {
        ProcStat.parse(text).ifPresent(s -> assertTrue(s.cpuTicks() >= 0 && s.startTicks() >= 0 && s.ppid() >= 0,
                s.toString()));
    }

    /** Fields 3 to 52 with the given state, parent pid (4), utime (14), stime (15) and start time (22). */
    private static List<String> fields(char state, BigInteger ppid, BigInteger utime, BigInteger stime, BigInteger start) {
        List<String> f = new ArrayList<>();
        f.add(String.valueOf(state));
        for (int field = 4; field < FIELDS_AFTER_COMM + 3; field++) {
            f.add(switch (field) {
                case 4 -> ppid.toString();
                case 14 -> utime.toString();
                case 15 -> stime.toString();
                case 22 -> start.toString();
                case 8 -> "-1"; // tpgid, -1 without a terminal
                case 29 -> "18446744073709551615"; // rsslim "unlimited", near 2^64 but not read
                default -> Integer.toString(field * 7);
            });
        }
        return f;
    }

    @Provide
    Arbitrary<String> comms() {
        // What prctl(PR_SET_NAME) allows: up to 15 bytes, spaces, parentheses, a newline, non-UTF-8 bytes.
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab( )) (x-_.:/0123456789\n").ofMaxLength(15),
                Arbitraries.strings().withCharRange('\u0001', '\u00ff').ofMaxLength(15),
                Arbitraries.of(") S 1 2 3 (", "((((", "))))", "a) R 9 (b", "kmesh-daemon"));
    }

    @Provide
    Arbitrary<Character> states() {
        return Arbitraries.of('R', 'S', 'D', 'Z', 'T', 't', 'X', 'I', 'P');
    }

    @Provide
    Arbitrary<BigInteger> counters() {
        return Gen.counters();
    }

    @Provide
    Arbitrary<String> separator() {
        return Gen.blanks(1);
    }

    @Provide
    Arbitrary<String> notNumbers() {
        return Arbitraries.of("-1", "max", "1e3", "x", "0x1", "\u0663");
    }

    @Provide
    Arbitrary<String> statLike() {
        Arbitrary<String> fieldsText = Arbitraries.strings().withChars("0123456789 ()RSZ\t-").ofMaxLength(200);
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                fieldsText,
                fieldsText.map(s -> "7 (a) " + s),
                Gen.garbage());
    }
}
