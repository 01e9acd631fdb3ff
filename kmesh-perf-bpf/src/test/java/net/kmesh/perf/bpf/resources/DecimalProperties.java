package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class DecimalProperties {

    @Property
    void parsesEveryCounterBelow2pow63AndNothingFromThere(@ForAll("counters") BigInteger v,
                                                           @ForAll @IntRange(max = 25) int leadingZeros) {
        assertEquals(Gen.expected(v), Decimal.unsigned("0".repeat(leadingZeros) + v));
    }

    @Property
    void anyTextIsAValueOnlyWhenItIsAsciiDigitsBelow2pow63(@ForAll("numberish") String s) {
        boolean digits = !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
        OptionalLong expected = digits ? Gen.expected(new BigInteger(s)) : OptionalLong.empty();
        assertEquals(expected, Decimal.unsigned(s));
    }

    @Property
    void aRangeIsParsedAsItsSubstringWouldBe(@ForAll("numberish") String s, @ForAll("numberish") String before,
                                             @ForAll("numberish") String after) {
        String text = before + s + after;
        assertEquals(Decimal.unsigned(s), Decimal.unsigned(text, before.length(), before.length() + s.length()));
    }

    @Provide
    Arbitrary<BigInteger> counters() {
        return Gen.counters();
    }

    @Provide
    Arbitrary<String> numberish() {
        // Signs, blanks, "max", and Arabic-Indic digits, which Character.isDigit would accept.
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789+- \tmax\u0663").ofMaxLength(25),
                Arbitraries.strings().numeric().ofMinLength(18).ofMaxLength(21),
                Arbitraries.strings().all().ofMaxLength(8));
    }
}
