package net.kmesh.perf.bpf.resources;

import java.util.OptionalLong;

/** Reads {@code /proc/PID/status}, whose lines are {@code Key:<whitespace>value [unit]}. */
final class ProcStatus {
    private ProcStatus() {
    }

    /**
     * The resident set size ({@code VmRSS}, printed in kB) in bytes. Empty when the line is missing
     * (kernel threads and zombies have none), is not a decimal followed by {@code kB}, or the byte
     * count would reach 2^63.
     */
    static OptionalLong rssBytes(String text) {
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] key = Fields.split(line.substring(0, colon));
            if (key.length == 1 && key[0].equals("VmRSS")) {
                String[] f = Fields.split(line.substring(colon + 1));
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
        return OptionalLong.empty();
    }
}
