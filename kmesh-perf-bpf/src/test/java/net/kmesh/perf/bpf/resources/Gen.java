package net.kmesh.perf.bpf.resources;

import java.math.BigInteger;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Generators shared by the parser properties. */
final class Gen {
    static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
    static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private Gen() {
    }

    /** Counter values as kernel files may print them: ordinary, any u63, near and above 2^63 and 2^64. */
    static Arbitrary<BigInteger> counters() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(10_000_000))),
                Tuple.of(3, Arbitraries.bigIntegers().between(BigInteger.ZERO, TWO_63.subtract(BigInteger.ONE))),
                Tuple.of(2, around(TWO_63)),
                Tuple.of(2, around(TWO_64)),
                Tuple.of(1, Arbitraries.bigIntegers().between(TWO_64, BigInteger.TEN.pow(30))));
    }

    private static Arbitrary<BigInteger> around(BigInteger v) {
        return Arbitraries.bigIntegers().between(v.subtract(BigInteger.valueOf(1000)), v.add(BigInteger.valueOf(1000)));
    }

    /** What a parser must return for {@code v}: the value below 2^63, absent from there on. */
    static OptionalLong expected(BigInteger v) {
        return v.compareTo(TWO_63) < 0 ? OptionalLong.of(v.longValueExact()) : OptionalLong.empty();
    }

    /** Runs of spaces and tabs. */
    static Arbitrary<String> blanks(int min) {
        return Arbitraries.strings().withChars(" \t").ofMinLength(min).ofMaxLength(4);
    }

    /** Lines that are no key of any kernel file: they start with a character no key starts with. */
    static Arbitrary<String> garbage() {
        Arbitrary<String> start = Arbitraries.strings().withChars("#!=-+0123456789%*\u00e9").ofLength(1);
        Arbitrary<String> rest = Arbitraries.strings().withChars("abz_:=() \t0123456789-\u00ff").ofMaxLength(30);
        return Arbitraries.oneOf(Arbitraries.just(""), blanks(1), start.flatMap(s -> rest.map(r -> s + r)));
    }
}
