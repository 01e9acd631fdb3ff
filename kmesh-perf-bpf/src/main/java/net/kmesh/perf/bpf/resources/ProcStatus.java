package net.kmesh.perf.bpf.resources;

import java.util.OptionalLong;

/** Reads {@code /proc/PID/status}, whose lines are {@code Key:<whitespace>value [unit]}. */
final class ProcStatus {
    private static final String KEY = "VmRSS";

    private ProcStatus() {
    }

    /**
     * The resident set size ({@code VmRSS}, printed in kB) in bytes. Empty when the line is missing
     * (kernel threads and zombies have none), is not a decimal followed by {@code kB}, or the byte
     * count would reach 2^63.
     */
    static OptionalLong rssBytes(String text) {
        // Only lines holding "VmRSS" can be the one: found with indexOf, not by splitting all ~55
        // lines, since a snapshot reads this file at every scrape.
        for (int hit = text.indexOf(KEY); hit >= 0; ) {
            int start = text.lastIndexOf('\n', hit) + 1;
            int end = text.indexOf('\n', hit);
            end = end < 0 ? text.length() : end;
            String line = text.substring(start, end);
            int colon = line.indexOf(':');
            if (colon >= 0) {
                String[] key = Fields.split(line.substring(0, colon));
                if (key.length == 1 && key[0].equals(KEY)) {
                    return kilobytes(line.substring(colon + 1));
                }
            }
            hit = end < text.length() ? text.indexOf(KEY, end) : -1;
        }
        return OptionalLong.empty();
    }

    private static OptionalLong kilobytes(String value) {
        String[] f = Fields.split(value);
        if (f.length != 2 || !f[1].equals("kB")) {
            return OptionalLong.empty();
        }
        OptionalLong kb = Decimal.unsigned(f[0]);
        if (kb.isEmpty() || kb.getAsLong() > Long.MAX_VALUE / 1024) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(kb.getAsLong() * 1024);
    }
}
