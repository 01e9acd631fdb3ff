package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ProcStatusProperties {
    private static final BigInteger KIB = BigInteger.valueOf(1024);

    @Property
    void readsVmRssInBytesAmongShuffledPaddedAndGarbageLines(
            @ForAll("counters") BigInteger kb, @ForAll("separator") String afterColon, @ForAll("separator") String beforeUnit,
            @ForAll("blank") String trail, @ForAll("others") List<String> others, @ForAll Random random) {
        List<String> lines = new ArrayList<>(others);
        lines.add("VmRSS:" + afterColon + kb + beforeUnit + "kB" + trail);
        Collections.shuffle(lines, random);

        BigInteger bytes = kb.multiply(KIB);
        OptionalLong expected = bytes.compareTo(Gen.TWO_63) < 0 ? OptionalLong.of(bytes.longValueExact()) : OptionalLong.empty();
        assertEquals(expected, ProcStatus.rssBytes(String.join("\n", lines)));
    }

    @Property
    void withoutAVmRssLineItIsAbsent(@ForAll("others") List<String> others) {
        // Kernel threads and zombies have no Vm* lines.
        assertEquals(OptionalLong.empty(), ProcStatus.rssBytes(String.join("\n", others)));
    }

    @Property
    void aVmRssLineWithoutKbOrANumberIsAbsent(@ForAll("malformed") String value) {
        assertEquals(OptionalLong.empty(), ProcStatus.rssBytes("Name:\tx\nVmRSS:\t" + value + "\n"));
    }

    @Property
    void anyTextNeverThrows(@ForAll("statusLike") String text) {
        ProcStatus.rssBytes(text).ifPresent(b -> assertTrue(b >= 0 && b % 1024 == 0, "bytes " + b));
    }

    @Provide
    Arbitrary<List<String>> others() {
        Arbitrary<String> known = Arbitraries.of("Name:\tkmesh-daemon", "Umask:\t0022", "State:\tS (sleeping)",
                "VmPeak:\t  123456 kB", "VmHWM:\t    9999 kB", "RssAnon:\t    4321 kB", "Threads:\t12",
                "Cpus_allowed_list:\t0-1", "voluntary_ctxt_switches:\t99", "Name:\tVmRSS: 5 kB");
        return Arbitraries.oneOf(known, Gen.garbage()).list().ofMaxSize(10);
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
    Arbitrary<String> blank() {
        return Gen.blanks(0);
    }

    @Provide
    Arbitrary<String> malformed() {
        return Arbitraries.of("123", "123 MB", "kB", "-5 kB", "max kB", "1 2 kB", "");
    }

    @Provide
    Arbitrary<String> statusLike() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars("VmRSS:kB 0123456789\t\n").ofMaxLength(60));
    }
}
