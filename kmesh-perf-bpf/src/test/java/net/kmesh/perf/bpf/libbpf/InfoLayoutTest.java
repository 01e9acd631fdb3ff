package net.kmesh.perf.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.kmesh.perf.bpf.btf.BpfElf;
import net.kmesh.perf.bpf.btf.Btf;
import net.kmesh.perf.bpf.btf.Btf.Type;
import org.junit.jupiter.api.Test;

/**
 * The offsets the binding reads {@code struct bpf_prog_info} at ({@link ProgInfo},
 * {@link ProgMapIds}) are those of the UAPI header the BPF objects are built against, read from the
 * BTF of {@code probe_layout.bpf.o}: without a kernel, so a drift fails on any machine.
 */
class InfoLayoutTest {
    private static final Btf BTF = BpfElf.resource("/net/kmesh/perf/bpf/probe_layout.bpf.o").btf();

    @Test
    void progInfoIsReadWhereTheHeaderPutsItsFields() {
        Type info = BTF.struct("bpf_prog_info");
        assertEquals(ProgInfo.SIZE, info.size());
        assertEquals(ProgInfo.TYPE, Btf.offsetOf(info, "type"));
        assertEquals(ProgInfo.ID, Btf.offsetOf(info, "id"));
        assertEquals(ProgInfo.NAME, Btf.offsetOf(info, "name"));
        assertEquals(ProgInfo.NAME_LENGTH, BTF.sizeOf(info.member("name").type()));
        assertEquals(ProgInfo.RUN_TIME_NS, Btf.offsetOf(info, "run_time_ns"));
        assertEquals(ProgInfo.RUN_CNT, Btf.offsetOf(info, "run_cnt"));
        assertEquals(ProgInfo.RECURSION_MISSES, Btf.offsetOf(info, "recursion_misses"));
        assertEquals(8, BTF.sizeOf(info.member("run_time_ns").type()));
    }

    @Test
    void theMapIdsOfAProgramAreReadWhereTheHeaderPutsThem() {
        Type info = BTF.struct("bpf_prog_info");
        assertEquals(ProgMapIds.NR_MAP_IDS, Btf.offsetOf(info, "nr_map_ids"));
        assertEquals(ProgMapIds.MAP_IDS, Btf.offsetOf(info, "map_ids"));
        assertEquals(4, BTF.sizeOf(info.member("nr_map_ids").type()));
    }
}
