package net.kmesh.perf.bpf.resources;

import java.util.ArrayList;
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

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f';
    }
}
