package net.kmesh.perf;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** The rules the kernel applies to BPF object names and ids, for validating selectors early. */
final class ObjectNames {
    /** BPF_OBJ_NAME_LEN less the terminating NUL. */
    static final int MAX_LENGTH = 15;

    private ObjectNames() {
    }

    /**
     * Checks that {@code prefix} can begin the name of a BPF {@code kind}: at most 15 letters, digits,
     * '_' or '.', as the kernel accepts in names. A prefix that breaks them could never match.
     */
    static String requirePrefix(String kind, String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException(kind + " name prefix must not be null (\"\" selects every " + kind + ")");
        }
        if (prefix.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(kind + " name prefix '" + prefix + "' has " + prefix.length()
                    + " characters, but BPF names have at most " + MAX_LENGTH + ", so it could never match");
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.';
            if (!allowed) {
                throw new IllegalArgumentException(kind + " name prefix '" + prefix + "' contains '" + c
                        + "', but BPF names hold only letters, digits, '_' and '.', so it could never match");
            }
        }
        return prefix;
    }

    /** Checks that {@code ids} is a non-empty collection of positive ids; returns them ascending, without duplicates. */
    static List<Integer> requireIds(String kind, Collection<Integer> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("at least one " + kind + " id must be given");
        }
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer id : ids) {
            if (id == null || id <= 0) {
                throw new IllegalArgumentException(kind + " ids are positive, got " + id);
            }
            sorted.add(id);
        }
        return List.copyOf(sorted);
    }
}
