package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ProcCgroupsProperties {
    /** v1 hierarchies as systemd and Docker mount them; each controller in at most one. */
    private static final List<List<String>> HIERARCHIES = List.of(List.of("memory"), List.of("cpu", "cpuacct"),
            List.of("cpuset"), List.of("net_cls", "net_prio"), List.of("pids"), List.of("name=systemd"),
            List.of("cpuacct"), List.of("cpu"));

    @Property
    void findsTheV2AndEachV1PathAmongShuffledAndGarbageLines(
            @ForAll("v1") List<List<String>> v1, @ForAll("paths") List<String> paths, @ForAll("path") String v2Path,
            @ForAll boolean hasV2, @ForAll("lines") List<String> garbage, @ForAll("blank") String lead,
            @ForAll Random random) {
        List<String> lines = new ArrayList<>(garbage);
        if (hasV2) {
            lines.add(lead + "0::" + v2Path);
        }
        for (int i = 0; i < v1.size(); i++) {
            lines.add(lead + (i + 1) + ":" + String.join(",", v1.get(i)) + ":" + paths.get(i % paths.size()));
        }
        Collections.shuffle(lines, random);
        ProcCgroups parsed = ProcCgroups.parse(String.join("\n", lines) + "\n");

        assertEquals(hasV2 ? Optional.of(v2Path) : Optional.empty(), parsed.unified());
        for (String controller : List.of("memory", "cpuacct", "cpu", "pids", "blkio")) {
            Optional<String> expected = Optional.empty();
            for (int i = 0; i < v1.size(); i++) {
                if (v1.get(i).contains(controller)) {
                    expected = Optional.of(paths.get(i % paths.size()));
                }
            }
            assertEquals(expected, parsed.v1(controller), controller);
        }
    }

    @Property
    void aNamedHierarchyIsNoController(@ForAll("path") String path) {
        ProcCgroups parsed = ProcCgroups.parse("1:name=systemd:" + path + "\n");
        assertEquals(Optional.empty(), parsed.v1("systemd"));
        assertEquals(Optional.of(path), parsed.v1("name=systemd"));
    }

    @Property
    void anyTextNeverThrows(@ForAll("cgroupLike") String text) {
        ProcCgroups parsed = ProcCgroups.parse(text);
        parsed.entries().forEach(e -> assertTrue(e.path().startsWith("/") && e.hierarchyId() >= 0, e.toString()));
    }

    @Provide
    Arbitrary<List<List<String>>> v1() {
        // Distinct hierarchies that share no controller.
        return Arbitraries.of(HIERARCHIES).list().uniqueElements().ofMaxSize(5)
                .filter(hs -> hs.stream().flatMap(List::stream).distinct().count()
                        == hs.stream().mapToLong(List::size).sum());
    }

    @Provide
    Arbitrary<String> path() {
        // Cgroup names may hold spaces and colons.
        Arbitrary<String> name = Arbitraries.strings().withChars("abc-_.:@ \\0123456789").ofMinLength(1).ofMaxLength(12);
        return name.list().ofMaxSize(4).map(parts -> "/" + String.join("/", parts));
    }

    @Provide
    Arbitrary<List<String>> paths() {
        return path().list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<String>> lines() {
        Arbitrary<String> noPath = Arbitraries.of("4:memory", "x:memory:/a", "4:memory:relative", ":memory:/b",
                "-1:cpu:/c", "99999999999999999999:cpuacct:/d", "4 5:memory:/e");
        return Arbitraries.oneOf(noPath, Gen.garbage()).list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> blank() {
        return Gen.blanks(0);
    }

    @Provide
    Arbitrary<String> cgroupLike() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars("0123456789:/,\n memorycpuacct").ofMaxLength(80));
    }
}
