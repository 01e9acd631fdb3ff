package net.kmesh.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import net.kmesh.perf.Capabilities.Feature;
import org.junit.jupiter.api.Test;

/** A snapshot is a value: what it was given is copied, and it cannot be changed through its accessors. */
class PerfSnapshotTest {
    private static final RecordCounters RECORDS = new RecordCounters(1, 0, 0, 0, OptionalLong.empty(),
            OptionalLong.empty(), 0, 0, 0);
    private static final SourceStatus SOURCE = new SourceStatus("samples", SourceStatus.State.ATTACHED,
            RecordSource.ReadMode.CONSUME, OptionalInt.of(3), 0, Optional.empty());

    private static PerfSnapshot of(Set<Feature> features) {
        return new PerfSnapshot(Instant.EPOCH, List.of(), RECORDS, SOURCE, List.of(), List.of(), Optional.empty(), features);
    }

    @Test
    void featuresAreCopiedAndCannotBeChanged() {
        EnumSet<Feature> given = EnumSet.of(Feature.OPERATIONS, Feature.DAEMON);
        PerfSnapshot s = of(given);
        given.add(Feature.MAP_STATISTICS);
        given.remove(Feature.DAEMON);
        assertEquals(EnumSet.of(Feature.OPERATIONS, Feature.DAEMON), s.features());
        assertThrows(UnsupportedOperationException.class, () -> s.features().add(Feature.BPF_STATS));
        assertThrows(UnsupportedOperationException.class, () -> s.features().clear());
    }

    @Test
    void featuresOfAnyKindOfSetCompareAsSets() {
        Set<Feature> hashed = new HashSet<>(List.of(Feature.RING_BUFFER, Feature.OPERATIONS));
        PerfSnapshot s = of(hashed);
        assertEquals(hashed, s.features());
        assertEquals(hashed.hashCode(), s.features().hashCode());
        assertEquals(of(EnumSet.of(Feature.OPERATIONS, Feature.RING_BUFFER)), s);
        assertTrue(of(Set.of()).features().isEmpty());
    }

    @Test
    void aNullFeatureOrSetIsRefused() {
        assertThrows(NullPointerException.class, () -> of(null));
        assertThrows(NullPointerException.class, () -> of(new HashSet<>(Arrays.asList(Feature.OPERATIONS, null))));
    }

    @Test
    void listsAreCopied() {
        List<MapStats> maps = new ArrayList<>();
        PerfSnapshot s = new PerfSnapshot(Instant.EPOCH, List.of(), RECORDS, SOURCE, maps, List.of(), Optional.empty(),
                Set.of());
        maps.add(null);
        assertTrue(s.maps().isEmpty());
        assertThrows(UnsupportedOperationException.class, () -> s.maps().add(null));
    }
}
