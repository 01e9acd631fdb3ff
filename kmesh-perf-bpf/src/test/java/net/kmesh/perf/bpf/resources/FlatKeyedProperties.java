package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FlatKeyedProperties {
    private static final List<String> KEYS = List.of("usage_usec", "user_usec", "system_usec", "nr_periods",
            "anon", "file", "inactive_file", "active_file", "total_inactive_file", "total_active_file", "cache");

    @Property
    void findsTheValueOfTheKeyAmongPaddedShuffledAndGarbageLines(
            @ForAll("entries") Map<String, BigInteger> entries, @ForAll("keys") String key,
            @ForAll("lines") List<String> garbage, @ForAll("blank") String lead, @ForAll("blank") String trail,
            @ForAll("separator") String sep, @ForAll Random random) {
        List<String> lines = new ArrayList<>(garbage);
        entries.forEach((k, v) -> lines.add(lead + k + sep + v + trail));
        Collections.shuffle(lines, random);

        OptionalLong expected = entries.containsKey(key) ? Gen.expected(entries.get(key)) : OptionalLong.empty();
        assertEquals(expected, FlatKeyed.value(String.join("\n", lines), key));
    }

    @Property
    void aKeyLineThatIsNotExactlyKeyAndNumberIsAbsent(@ForAll("keys") String key, @ForAll("malformed") String value) {
        assertEquals(OptionalLong.empty(), FlatKeyed.value(key + " " + value + "\n", key));
    }

    @Property
    void aKeyIsMatchedWholeNotAsAPrefixOrSuffix(@ForAll("counters") BigInteger v) {
        String text = "total_inactive_file " + v + "\ninactive_file_x 1\n";
        assertEquals(OptionalLong.empty(), FlatKeyed.value(text, "inactive_file"));
        assertEquals(Gen.expected(v), FlatKeyed.value(text, "total_inactive_file"));
    }

    @Property
    void anyTextNeverThrows(@ForAll String text, @ForAll("keys") String key) {
        FlatKeyed.value(text, key).ifPresent(v -> assertTrue(v >= 0, "negative value " + v));
    }

    @Provide
    Arbitrary<Map<String, BigInteger>> entries() {
        return Arbitraries.maps(Arbitraries.of(KEYS), Gen.counters()).ofMaxSize(KEYS.size());
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.of(KEYS);
    }

    @Provide
    Arbitrary<List<String>> lines() {
        return Gen.garbage().list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> blank() {
        return Gen.blanks(0);
    }

    @Provide
    Arbitrary<String> separator() {
        return Gen.blanks(1);
    }

    @Provide
    Arbitrary<BigInteger> counters() {
        return Gen.counters();
    }

    @Provide
    Arbitrary<String> malformed() {
        return Arbitraries.oneOf(
                Arbitraries.of("max", "-1", "+5", "1.5", "0x10", "", "12 34", "5 kB"),
                Gen.counters().map(v -> v + " " + v));
    }
}
