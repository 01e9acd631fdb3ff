package net.kmesh.perf.bpf.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.kmesh.perf.bpf.btf.BpfElf;
import net.kmesh.perf.bpf.btf.Btf;
import net.kmesh.perf.bpf.btf.Btf.Type;
import org.junit.jupiter.api.Test;

/**
 * {@link MapRecords} reads {@code struct kp_map_record} where {@code bpf/maps/kmesh_perf_maps.h} puts
 * its fields, as the BTF of {@code probe_layout.bpf.o} (built from that header) says: without a
 * kernel, so a drift on either side fails on any machine.
 */
class MapRecordLayoutTest {
    private static final Btf BTF = BpfElf.resource("/net/kmesh/perf/bpf/probe_layout.bpf.o").btf();

    @Test
    void everyFieldIsReadWhereTheHeaderPutsIt() {
        Type record = BTF.struct("kp_map_record");
        assertEquals(MapRecords.SIZE, record.size());
        assertEquals(MapRecords.ID, Btf.offsetOf(record, "id"));
        assertEquals(MapRecords.TYPE, Btf.offsetOf(record, "type"));
        assertEquals(MapRecords.KEY_SIZE, Btf.offsetOf(record, "key_size"));
        assertEquals(MapRecords.VALUE_SIZE, Btf.offsetOf(record, "value_size"));
        assertEquals(MapRecords.MAX_ENTRIES, Btf.offsetOf(record, "max_entries"));
        assertEquals(MapRecords.MAP_FLAGS, Btf.offsetOf(record, "map_flags"));
        assertEquals(MapRecords.FLAGS, Btf.offsetOf(record, "flags"));
        assertEquals(MapRecords.ENTRIES, Btf.offsetOf(record, "entries"));
        assertEquals(MapRecords.NAME, Btf.offsetOf(record, "name"));
        assertEquals(MapRecords.NAME_LENGTH, BTF.sizeOf(record.member("name").type()));
        assertEquals(MapRecords.REFCNT, Btf.offsetOf(record, "refcnt"));
        assertEquals(MapRecords.USERCNT, Btf.offsetOf(record, "usercnt"));
    }

    @Test
    void theCountsAreSixtyFourBitsWide() {
        Type record = BTF.struct("kp_map_record");
        for (String field : new String[] {"entries", "refcnt", "usercnt"}) {
            assertEquals(8, BTF.sizeOf(record.member(field).type()), field);
        }
        assertEquals(4, BTF.sizeOf(record.member("max_entries").type()));
    }
}
