package net.kmesh.perf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which eBPF programs to report: those whose name starts with a prefix ({@code ""} for every
 * program, as bpftop shows them), or programs named by id. Invalid selectors are rejected when built.
 */
public sealed interface ProgramSelector permits ProgramSelector.NamePrefix, ProgramSelector.Ids {

    /**
     * Every program on the system.
     *
     * @return the selector
     */
    static ProgramSelector all() {
        return new NamePrefix("");
    }

    /**
     * Programs whose name starts with a prefix.
     *
     * @param prefix at most 15 letters, digits, '_' or '.'; {@code ""} selects every program
     * @return the selector
     * @throws IllegalArgumentException when the prefix could never begin a BPF program name
     */
    static ProgramSelector namePrefix(String prefix) {
        return new NamePrefix(prefix);
    }

    /**
     * The programs with these ids; a missing id is an error when they are read.
     *
     * @param ids one or more positive program ids
     * @return the selector
     * @throws IllegalArgumentException when none is given or one is not positive
     */
    static ProgramSelector ids(int... ids) {
        return new Ids(ids == null ? null : IntStream.of(ids).boxed().toList());
    }

    /**
     * The programs with these ids; a missing id is an error when they are read.
     *
     * @param ids one or more positive program ids
     * @return the selector
     * @throws IllegalArgumentException when none is given or one is null or not positive
     */
    static ProgramSelector ids(Collection<Integer> ids) {
        return new Ids(ids == null ? null : new ArrayList<>(ids));
    }

    /**
     * Programs whose name starts with {@code prefix}. Programs unloaded while they are read are left out.
     *
     * @param prefix at most 15 letters, digits, '_' or '.'; {@code ""} for every program
     */
    record NamePrefix(String prefix) implements ProgramSelector {
        /**
         * Validates the prefix.
         *
         * @param prefix at most 15 letters, digits, '_' or '.'
         * @throws IllegalArgumentException when it is null or could never begin a BPF program name
         */
        public NamePrefix {
            ObjectNames.requirePrefix("program", prefix);
        }

        /**
         * True when a program named {@code name} is selected.
         *
         * @param name a program name
         * @return whether the prefix begins it
         */
        public boolean matches(String name) {
            return name.startsWith(prefix);
        }
    }

    /**
     * Programs named by id.
     *
     * @param ids positive ids, kept ascending and without duplicates
     */
    record Ids(List<Integer> ids) implements ProgramSelector {
        /**
         * Validates the ids and sorts them.
         *
         * @param ids one or more positive ids
         * @throws IllegalArgumentException when none is given or one is null or not positive
         */
        public Ids {
            ids = ObjectNames.requireIds("program", ids);
        }
    }
}
