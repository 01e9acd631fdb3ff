package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.kmesh.perf.bpf.libbpf.FdInfo;

/** The memlock figure is read from fdinfo text, whatever else the kernel prints around it. */
class MemlockProperties {
    private static final List<String> OTHER_LINES = List.of("pos:\t0", "flags:\t02000002", "mnt_id:\t16",
            "ino:\t1057", "map_type:\t1", "key_size:\t4", "value_size:\t8", "max_entries:\t1000",
            "map_flags:\t0x0", "map_extra:\t0x0", "map_id:\t42", "frozen:\t0");

    @Property
    void memlockIsFoundAmongTheOtherFields(@ForAll @LongRange(min = 0) long memlock, @ForAll long seed,
                                           @ForAll boolean spaces, @ForAll boolean trailingNewline) {
        List<String> lines = new ArrayList<>(OTHER_LINES);
        lines.add("memlock:" + (spaces ? "   " : "\t") + memlock);
        Collections.shuffle(lines, new java.util.Random(seed));
        String text = String.join("\n", lines) + (trailingNewline ? "\n" : "");
        assertEquals(Optional.of(memlock), FdInfo.parse(text).getLong("memlock"));
    }

    @Property
    void withoutAMemlockLineThereIsNoFigure(@ForAll long seed) {
        List<String> lines = new ArrayList<>(OTHER_LINES);
        Collections.shuffle(lines, new java.util.Random(seed));
        assertEquals(Optional.empty(), FdInfo.parse(String.join("\n", lines)).getLong("memlock"));
    }
}
