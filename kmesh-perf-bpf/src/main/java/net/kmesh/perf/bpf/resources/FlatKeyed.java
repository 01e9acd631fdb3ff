package net.kmesh.perf.bpf.resources;

import java.util.OptionalLong;

/**
 * Reads the "flat keyed" files of cgroups, one {@code key value} pair per line: {@code cpu.stat}
 * ({@code usage_usec}) and {@code memory.stat} ({@code inactive_file}, v1's {@code total_inactive_file}).
 */
final class FlatKeyed {
    private FlatKeyed() {
    }

    /**
     * The value of the first line whose first field is {@code key}. Empty when no line has the key,
     * or that line is not exactly a key and an unsigned decimal below 2^63.
     */
    static OptionalLong value(String text, String key) {
        for (String line : text.split("\n")) {
            String[] f = Fields.split(line);
            if (f.length > 0 && f[0].equals(key)) {
                return f.length == 2 ? Decimal.unsigned(f[1]) : OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }
}
