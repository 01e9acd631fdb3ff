package net.kmesh.perf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which eBPF maps to report: those whose name starts with a prefix (Kmesh's {@code kmesh_} by
 * default, {@code ""} for every map), or maps named explicitly by id or by bpffs pin path.
 * Invalid selectors are rejected when built, with a message that says why.
 */
public sealed interface MapSelector permits MapSelector.NamePrefix, MapSelector.Ids, MapSelector.Pinned {

    /** The prefix of Kmesh's maps, and the default selection. */
    String KMESH_PREFIX = "kmesh_";

    /** Maps whose name starts with {@code kmesh_}, as Kmesh itself reports them. */
    static MapSelector kmesh() {
        return new NamePrefix(KMESH_PREFIX);
    }

    /** Every map on the system. */
    static MapSelector all() {
        return new NamePrefix("");
    }

    /** Maps whose name starts with {@code prefix}; {@code ""} selects every map. */
    static MapSelector namePrefix(String prefix) {
        return new NamePrefix(prefix);
    }

    /** The maps with these ids; a missing id is an error when they are read. */
    static MapSelector ids(int... ids) {
        return new Ids(ids == null ? null : IntStream.of(ids).boxed().toList());
    }

    /** The maps with these ids; a missing id is an error when they are read. */
    static MapSelector ids(Collection<Integer> ids) {
        return new Ids(ids == null ? null : new ArrayList<>(ids));
    }

    /** The maps pinned at these bpffs paths; a path that is not a pinned map is an error when they are read. */
    static MapSelector pinned(Path... paths) {
        return new Pinned(paths == null ? null : Arrays.asList(paths));
    }

    /** The maps pinned at these bpffs paths; a path that is not a pinned map is an error when they are read. */
    static MapSelector pinned(Collection<Path> paths) {
        return new Pinned(paths == null ? null : new ArrayList<>(paths));
    }

    /**
     * Maps whose name starts with {@code prefix}. Maps that disappear while they are read are left out.
     *
     * @param prefix at most 15 letters, digits, '_' or '.'; {@code ""} for every map
     */
    record NamePrefix(String prefix) implements MapSelector {
        public NamePrefix {
            ObjectNames.requirePrefix("map", prefix);
        }

        /** True when a map named {@code name} is selected. */
        public boolean matches(String name) {
            return name.startsWith(prefix);
        }
    }

    /**
     * Maps named by id.
     *
     * @param ids positive ids, kept ascending and without duplicates
     */
    record Ids(List<Integer> ids) implements MapSelector {
        public Ids {
            ids = ObjectNames.requireIds("map", ids);
        }
    }

    /**
     * Maps named by their pin paths in a bpffs.
     *
     * @param paths at least one path, without duplicates, in the order given
     */
    record Pinned(List<Path> paths) implements MapSelector {
        public Pinned {
            if (paths == null || paths.isEmpty()) {
                throw new IllegalArgumentException("at least one pin path must be given");
            }
            if (paths.contains(null)) {
                throw new IllegalArgumentException("pin paths must not be null, got " + paths);
            }
            paths = List.copyOf(new LinkedHashSet<>(paths));
        }
    }
}
