package net.kmesh.perf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Which eBPF maps to report: those whose name starts with one of some prefixes (Kmesh's {@code km_}
 * and {@code kmesh_} by default, {@code ""} for every map), the maps pinned in some bpffs
 * directories (where Kmesh pins its maps), or maps named explicitly by id or by bpffs pin path.
 * Invalid selectors are rejected when built, with a message that says why. A selected map that
 * disappears, or a pin that is removed, is left out of the next statistics: never an error.
 */
public sealed interface MapSelector permits MapSelector.NamePrefix, MapSelector.PinDirectories, MapSelector.Ids,
        MapSelector.Pinned, MapSelector.KmeshExporter {

    /** The prefixes of Kmesh's map names: its renamed maps ({@code km_*}) and the others ({@code kmesh_*}). */
    List<String> KMESH_PREFIXES = List.of("km_", "kmesh_");

    /**
     * Maps named {@code km_*} or {@code kmesh_*}, as Kmesh names them.
     *
     * @return the selector
     */
    static MapSelector kmesh() {
        return new NamePrefix(KMESH_PREFIXES);
    }

    /**
     * The {@code km_*} and {@code kmesh_*} maps a Kmesh pinning under {@code bpffs} pinned in its map
     * directories ({@code bpf_kmesh_workload/map} and {@code bpf_kmesh/map}).
     *
     * @param bpffs the bpffs Kmesh pins into, e.g. {@code /sys/fs/bpf}
     * @return the selector
     */
    static MapSelector kmesh(Path bpffs) {
        RecordSource.Kmesh kmesh = new RecordSource.Kmesh(bpffs, RecordSource.ReadMode.CONSUME);
        return new PinDirectories(kmesh.mapDirectories(), new NamePrefix(KMESH_PREFIXES));
    }

    /**
     * The maps Kmesh's own exporter reports, by its rules, for an operator who compares the two:
     * every map on the host named {@code kmesh_*} or unnamed (what its {@code kmesh_map_count_total}
     * counts), with entries counted only for those of type {@code hash} named {@code kmesh_*} (the
     * maps of its {@code kmesh_map_entry_count}); the others are reported without entries. Kmesh's
     * own maps are mostly named {@code km_*} since its renames, so this selects few of them:
     * {@link #kmesh()} is the selection that reports all of Kmesh's maps.
     *
     * @return the selector
     */
    static MapSelector kmeshExporter() {
        return new KmeshExporter();
    }

    /**
     * Every map on the system.
     *
     * @return the selector
     */
    static MapSelector all() {
        return new NamePrefix(List.of(""));
    }

    /**
     * Maps whose name starts with one of {@code prefixes}; {@code ""} selects every map.
     *
     * @param prefixes one or more prefixes
     * @return the selector
     */
    static MapSelector namePrefix(String... prefixes) {
        return new NamePrefix(prefixes == null ? null : Arrays.asList(prefixes));
    }

    /**
     * Maps pinned directly in these bpffs directories (not in their subdirectories) whose name
     * starts with one of {@code prefixes}. A directory that does not exist (yet) selects nothing.
     *
     * @param directories bpffs directories
     * @param prefixes    name prefixes; {@code ""} for every map pinned there
     * @return the selector
     */
    static MapSelector pinnedIn(Collection<Path> directories, String... prefixes) {
        return new PinDirectories(directories == null ? null : new ArrayList<>(directories),
                new NamePrefix(prefixes == null || prefixes.length == 0 ? List.of("") : Arrays.asList(prefixes)));
    }

    /**
     * The maps with these ids; an id no map has (now) is left out, and said once in the log.
     *
     * @param ids one or more positive map ids, as {@code bpftool map show} lists them
     * @return the selector
     * @throws IllegalArgumentException when none is given or one is not positive
     */
    static MapSelector ids(int... ids) {
        return new Ids(ids == null ? null : IntStream.of(ids).boxed().toList());
    }

    /**
     * The maps with these ids; an id no map has (now) is left out, and said once in the log.
     *
     * @param ids one or more positive map ids
     * @return the selector
     * @throws IllegalArgumentException when none is given or one is null or not positive
     */
    static MapSelector ids(Collection<Integer> ids) {
        return new Ids(ids == null ? null : new ArrayList<>(ids));
    }

    /**
     * The maps pinned at these bpffs paths; a path where no map is pinned (now) is left out, and said
     * once in the log.
     *
     * @param paths one or more pin paths, e.g. {@code /sys/fs/bpf/bpf_kmesh_workload/map/km_backend}
     * @return the selector
     * @throws IllegalArgumentException when none is given or one is null
     */
    static MapSelector pinned(Path... paths) {
        return new Pinned(paths == null ? null : Arrays.asList(paths));
    }

    /**
     * The maps pinned at these bpffs paths; a path where no map is pinned (now) is left out, and said
     * once in the log.
     *
     * @param paths one or more pin paths
     * @return the selector
     * @throws IllegalArgumentException when none is given or one is null
     */
    static MapSelector pinned(Collection<Path> paths) {
        return new Pinned(paths == null ? null : new ArrayList<>(paths));
    }

    /**
     * Maps whose name starts with one of some prefixes. Maps that disappear while they are read are left out.
     *
     * @param prefixes one or more prefixes of at most 15 letters, digits, '_' or '.'; {@code ""} for every map
     */
    record NamePrefix(List<String> prefixes) implements MapSelector {
        /**
         * Validates the prefixes and keeps each once, in the order given.
         *
         * @param prefixes one or more prefixes
         * @throws IllegalArgumentException when none is given, or one could never begin a BPF map name
         */
        public NamePrefix {
            if (prefixes == null || prefixes.isEmpty()) {
                throw new IllegalArgumentException("at least one map name prefix must be given (\"\" selects every map)");
            }
            for (String p : prefixes) {
                ObjectNames.requirePrefix("map", p);
            }
            prefixes = List.copyOf(new LinkedHashSet<>(prefixes));
        }

        /**
         * True when a map named {@code name} is selected.
         *
         * @param name a map name
         * @return whether one of the prefixes begins it
         */
        public boolean matches(String name) {
            for (String p : prefixes) {
                if (name.startsWith(p)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The maps pinned directly in some bpffs directories, filtered by name.
     *
     * @param directories at least one directory, without duplicates, in the order given
     * @param names       which of the maps pinned there are selected
     */
    record PinDirectories(List<Path> directories, NamePrefix names) implements MapSelector {
        /**
         * Validates the directories and keeps each once, in the order given.
         *
         * @param directories at least one directory
         * @param names       which of the maps pinned there are selected
         * @throws IllegalArgumentException when no directory is given or one is null
         */
        public PinDirectories {
            if (directories == null || directories.isEmpty()) {
                throw new IllegalArgumentException("at least one pin directory must be given");
            }
            if (directories.stream().anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("pin directories must not be null, got " + directories);
            }
            Objects.requireNonNull(names, "names");
            directories = List.copyOf(new LinkedHashSet<>(directories));
        }
    }

    /**
     * Maps named by id.
     *
     * @param ids positive ids, kept ascending and without duplicates
     */
    record Ids(List<Integer> ids) implements MapSelector {
        /**
         * Validates the ids and sorts them.
         *
         * @param ids one or more positive ids
         * @throws IllegalArgumentException when none is given or one is null or not positive
         */
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
        /**
         * Validates the paths and keeps each once, in the order given.
         *
         * @param paths at least one path
         * @throws IllegalArgumentException when none is given or one is null
         */
        public Pinned {
            if (paths == null || paths.isEmpty()) {
                throw new IllegalArgumentException("at least one pin path must be given");
            }
            if (paths.stream().anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("pin paths must not be null, got " + paths);
            }
            paths = List.copyOf(new LinkedHashSet<>(paths));
        }
    }

    /**
     * The maps Kmesh's own exporter reports ({@link #kmeshExporter()}).
     */
    record KmeshExporter() implements MapSelector {
        /** The name prefix of the maps Kmesh's exporter counts. */
        public static final String PREFIX = "kmesh_";

        /**
         * True when Kmesh's exporter counts a map of this name in {@code kmesh_map_count_total}.
         *
         * @param name a map name, "" for an unnamed map
         * @return whether it is selected
         */
        public boolean selects(String name) {
            return name.isEmpty() || name.startsWith(PREFIX);
        }

        /**
         * True when Kmesh's exporter publishes the entries of a selected map: hash maps named {@code kmesh_*}.
         *
         * @param name a map name
         * @param type the map's type as bpftool names it
         * @return whether its entries are counted
         */
        public boolean countsEntries(String name, String type) {
            return name.startsWith(PREFIX) && type.equals("hash");
        }
    }
}
