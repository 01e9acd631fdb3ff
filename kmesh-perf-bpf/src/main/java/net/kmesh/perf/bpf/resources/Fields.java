package net.kmesh.perf.bpf.resources;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Splits a line of a kernel file into its fields. */
final class Fields {
    private static final String[] NONE = new String[0];

    private Fields() {
    }

    /** The fields of {@code s}, separated by runs of ASCII spaces, tabs, CR, LF, VT or FF. */
    static String[] split(String s) {
        List<String> fields = null;
        int start = -1;
        for (int i = 0; i <= s.length(); i++) {
            boolean blank = i == s.length() || isBlank(s.charAt(i));
            if (!blank && start < 0) {
                start = i;
            } else if (blank && start >= 0) {
                if (fields == null) {
                    fields = new ArrayList<>();
                }
                fields.add(s.substring(start, i));
                start = -1;
            }
        }
        return fields == null ? NONE : fields.toArray(NONE);
    }

    /**
     * Where the first {@code max} fields of {@code s} from index {@code from} are, separated as by
     * {@link #split}: {start, end (exclusive)} of each, in order; fewer pairs when {@code s} has fewer
     * fields. No substring is made: a snapshot reads {@code /proc/PID/stat}'s 50 fields at every
     * scrape and needs five of them.
     */
    static int[] bounds(String s, int from, int max) {
        int[] found = new int[2 * max];
        int n = 0;
        int start = -1;
        for (int i = from; i <= s.length() && n < max; i++) {
            boolean blank = i == s.length() || isBlank(s.charAt(i));
            if (!blank && start < 0) {
                start = i;
            } else if (blank && start >= 0) {
                found[2 * n] = start;
                found[2 * n + 1] = i;
                n++;
                start = -1;
            }
        }
        return n == max ? found : Arrays.copyOf(found, 2 * n);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f';
    }
}
