package net.kmesh.perf.bpf.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.kmesh.perf.bpf.sys.Mounts;
import net.kmesh.perf.bpf.sys.Mounts.Mount;

class MountsProperties {

    @Property
    void parsesEveryMountWithEscapedPointsAndOptionsSkippingShortLines(
            @ForAll("mounts") List<Mount> mounts, @ForAll("shortLines") List<String> shortLines,
            @ForAll("separator") String sep, @ForAll("blank") String lead) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            lines.add(lead + "dev" + i + sep + escape(m.mountPoint().toString()) + sep + m.type() + sep
                    + String.join(",", m.options()) + sep + "0" + sep + "0");
            if (i < shortLines.size()) {
                lines.add(shortLines.get(i));
            }
        }
        List<Mount> parsed = Mounts.parse(String.join("\n", lines) + "\n");

        assertEquals(mounts, parsed);
        for (String controller : List.of("memory", "cpuacct", "cpu")) {
            Optional<Path> expected = mounts.stream()
                    .filter(m -> m.type().equals("cgroup") && m.options().contains(controller))
                    .map(Mount::mountPoint).findFirst();
            assertEquals(expected, Mounts.cgroupV1(parsed, controller), controller);
        }
        assertEquals(mounts.stream().filter(m -> m.type().equals("cgroup2")).map(Mount::mountPoint).findFirst(),
                Mounts.cgroup2(parsed));
    }

    @Property
    void anOptionIsMatchedWholeNotAsPartOfAnother(@ForAll("separator") String sep) {
        List<Mount> parsed = Mounts.parse("cgroup" + sep + "/sys/fs/cgroup/x" + sep + "cgroup" + sep
                + "rw,memory_recursiveprot,name=memory,cpuacct_x" + sep + "0 0\n");
        assertEquals(Optional.empty(), Mounts.cgroupV1(parsed, "memory"));
        assertEquals(Optional.empty(), Mounts.cgroupV1(parsed, "cpuacct"));
    }

    @Property
    void anyTextNeverThrows(@ForAll("mountsLike") String text) {
        Mounts.parse(text).forEach(m -> assertEquals(false, m.type().isBlank(), m.toString()));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
    }

    @Provide
    Arbitrary<List<Mount>> mounts() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abc ,\t\\-_0123456789").ofMinLength(1).ofMaxLength(8);
        Arbitrary<Path> point = name.list().ofMaxSize(4).map(parts -> Path.of("/" + String.join("/", parts)));
        Arbitrary<String> type = Arbitraries.of("cgroup", "cgroup2", "proc", "sysfs", "bpf", "tmpfs");
        Arbitrary<List<String>> options = Arbitraries.of("rw", "ro", "nosuid", "relatime", "memory", "cpu",
                "cpuacct", "cpuset", "name=systemd", "nsdelegate", "mode=755").list().ofMinSize(1).ofMaxSize(5);
        return Combinators.combine(point, type, options).as(Mount::new).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<String>> shortLines() {
        return Arbitraries.oneOf(Arbitraries.just(""), Gen.blanks(1), Arbitraries.of("none", "a b", " x\ty "))
                .list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> separator() {
        return Gen.blanks(1);
    }

    @Provide
    Arbitrary<String> blank() {
        return Gen.blanks(0);
    }

    @Provide
    Arbitrary<String> mountsLike() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars("\\0123 \t\ncgroup/,").ofMaxLength(80));
    }
}
