package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * The order a scrape looks in first finds exactly what the collector's table holds, over scrapes
 * that select other maps, in other orders, replace maps, and end early, as MapReader uses it.
 */
class ReadOrderProperties {

    @Property
    void whatTheOrderFindsIsWhatTheTableHolds(@ForAll @Size(min = 1, max = 12) List<@Size(max = 40) List<@IntRange(min = 1, max = 60) Integer>> scrapes,
                                              @ForAll long seed) {
        Random random = new Random(seed);
        Map<Integer, Tracked> tracked = new HashMap<>();
        ReadOrder order = new ReadOrder();
        for (List<Integer> drawn : scrapes) {
            List<Integer> ids = new ArrayList<>(new LinkedHashSet<>(drawn));
            if (random.nextInt(3) > 0) {
                Collections.sort(ids); // as a pass selects: ascending; otherwise as pins are listed
            }
            int endsAt = random.nextInt(5) == 0 ? random.nextInt(ids.size() + 1) : ids.size();
            order.begin();
            for (int id : ids.subList(0, endsAt)) {
                Tracked t = order.find(id, tracked);
                assertSame(tracked.get(id), t, "map " + id);
                if (t != null && random.nextInt(6) == 0) {
                    // Another map under the same id (or a pin that now names another): forgotten, replaced.
                    tracked.remove(id);
                    t.forgotten = true;
                    t = null;
                }
                if (t == null) {
                    t = tracked(id);
                    tracked.put(id, t);
                }
                order.read(t);
            }
            if (endsAt == ids.size()) {
                order.end();
                // What this scrape did not read is forgotten.
                tracked.values().removeIf(t -> {
                    boolean gone = !ids.contains(t.id());
                    t.forgotten |= gone;
                    return gone;
                });
            }
        }
    }

    @Example
    void aClearedOrderFindsNothingTheTableNoLongerHolds() {
        ReadOrder order = new ReadOrder();
        Map<Integer, Tracked> tracked = new HashMap<>();
        order.begin();
        order.read(tracked(7));
        order.end();
        order.clear();
        order.begin();

        assertNull(order.find(7, tracked));
    }

    private static Tracked tracked(int id) {
        return new Tracked(MapRecord.shape(id, MapType.HASH, "m" + id, 4, 8, 16, 0), null);
    }
}
