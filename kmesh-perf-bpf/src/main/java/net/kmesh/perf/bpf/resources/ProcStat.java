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
        String[] f = Fields.split(text.substring(close + 1));
        // f[i] is field i + 3.
        if (f.length < 20 || f[0].length() != 1) {
            return Optional.empty();
        }
        OptionalLong ppid = Decimal.unsigned(f[1]);
        OptionalLong utime = Decimal.unsigned(f[11]);
        OptionalLong stime = Decimal.unsigned(f[12]);
        OptionalLong start = Decimal.unsigned(f[19]);
        if (ppid.isEmpty() || utime.isEmpty() || stime.isEmpty() || start.isEmpty()
                || utime.getAsLong() > Long.MAX_VALUE - stime.getAsLong()) {
            return Optional.empty();
        }
        return Optional.of(new ProcStat(text.substring(open + 1, close), f[0].charAt(0), ppid.getAsLong(),
                utime.getAsLong() + stime.getAsLong(), start.getAsLong()));
    }

    /** True for a zombie or dead process: it has exited and only waits to be reaped. */
    boolean exited() {
        return state == 'Z' || state == 'X';
    }
}
