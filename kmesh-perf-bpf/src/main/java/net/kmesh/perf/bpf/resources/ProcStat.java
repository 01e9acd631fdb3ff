package net.kmesh.perf.bpf.resources;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The fields of {@code /proc/PID/stat} this package uses (see proc(5)).
 *
 * @param comm       field 2, the process name without its parentheses
 * @param state      field 3, e.g. {@code R}, {@code S}, {@code Z} (zombie)
 * @param ppid       field 4, the parent's pid; 0 for a process whose parent is outside the reader's pid namespace
 * @param cpuTicks   fields 14 + 15, utime + stime of all the process's threads, in clock ticks
 * @param startTicks field 22, when the process started, in clock ticks after boot
 */
record ProcStat(String comm, char state, long ppid, long cpuTicks, long startTicks) {

    /**
     * Parses the one line of {@code /proc/PID/stat}. Empty when a field is missing or is not an
     * unsigned decimal below 2^63, or when utime + stime would reach 2^63.
     */
    static Optional<ProcStat> parse(String text) {
        int open = text.indexOf('(');
        // The name may itself hold spaces and parentheses; the fields after it hold neither.
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return Optional.empty();
        }
        int[] f = Fields.bounds(text, close + 1, 20);
        // Field i + 3 is text[f[2i], f[2i + 1]).
        if (f.length < 40 || f[1] - f[0] != 1) {
            return Optional.empty();
        }
        OptionalLong ppid = field(text, f, 1);
        OptionalLong utime = field(text, f, 11);
        OptionalLong stime = field(text, f, 12);
        OptionalLong start = field(text, f, 19);
        if (ppid.isEmpty() || utime.isEmpty() || stime.isEmpty() || start.isEmpty()
                || utime.getAsLong() > Long.MAX_VALUE - stime.getAsLong()) {
            return Optional.empty();
        }
        return Optional.of(new ProcStat(text.substring(open + 1, close), text.charAt(f[0]), ppid.getAsLong(),
                utime.getAsLong() + stime.getAsLong(), start.getAsLong()));
    }

    private static OptionalLong field(String text, int[] bounds, int i) {
        return Decimal.unsigned(text, bounds[2 * i], bounds[2 * i + 1]);
    }

    boolean exited() {
        return state == 'Z' || state == 'X';
    }
}
