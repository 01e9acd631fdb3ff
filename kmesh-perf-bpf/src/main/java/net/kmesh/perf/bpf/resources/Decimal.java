package net.kmesh.perf.bpf.resources;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Parses the unsigned decimal counters of kernel files. Values that do not fit in a signed 64-bit
 * long (2^63 and above, up to the u64 maxima the kernel may print) are absent, never saturated:
 * no real byte count or nanosecond total reaches 2^63 (8 EiB, 292 years), so such a value is a
 * wrapped counter or a "no limit" sentinel, and exporting it would corrupt every rate built on it.
 */
final class Decimal {
    private Decimal() {
    }

    /** The value of {@code token}, which must be ASCII digits only; empty otherwise or when ≥ 2^63. */
    static OptionalLong unsigned(CharSequence token) {
        return unsigned(token, 0, token.length());
    }

    /** {@link #unsigned(CharSequence)} of the chars {@code from} to {@code to} (exclusive) of {@code s}. */
    static OptionalLong unsigned(CharSequence s, int from, int to) {
        if (from >= to) {
            return OptionalLong.empty();
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = s.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return OptionalLong.empty();
            }
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return OptionalLong.empty();
            }
            value = value * 10 + digit;
        }
        return OptionalLong.of(value);
    }

    /** The value as an {@code Optional}, to chain with {@code flatMap}. */
    static Optional<Long> boxed(OptionalLong value) {
        return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
    }
}
