package net.kmesh.perf.bpf.libbpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import net.kmesh.perf.bpf.KernelRequired;
import org.junit.jupiter.api.Test;

/**
 * The direct-mapped lookups a snapshot makes give what the interface-mapped ones give, errors as
 * {@code -errno}, on a real array map.
 */
@KernelRequired
class FastLibbpfKernelTest {
    private static final Libbpf LIBBPF = LibbpfLoader.natives().libbpf();

    @Test
    void aLookupReadsTheValueAndAMissingKeyIsMinusEnoent() {
        try (Fd map = Fd.own(Errno.check("creating an array", LIBBPF.bpf_map_create(MapType.ARRAY, "kp_fast", 4, 8, 4, null)));
             Memory key = new Memory(4); Memory value = new Memory(8); Memory read = new Memory(8)) {
            key.setInt(0, 2);
            value.setLong(0, 0x1234_5678_9abcL);
            Errno.check("updating", LIBBPF.bpf_map_update_elem(map.get(), key, value, 0));
            assertEquals(0, FastLibbpf.bpf_map_lookup_elem(map.get(), key, read));
            assertEquals(0x1234_5678_9abcL, read.getLong(0));
            key.setInt(0, 4);
            assertEquals(-Errno.ENOENT, FastLibbpf.bpf_map_lookup_elem(map.get(), key, read), "past the array's end");
        }
    }

    @Test
    void aBatchLookupReadsEveryKeyAndValueAndSetsTheCount() {
        int n = 4;
        try (Fd map = Fd.own(Errno.check("creating an array", LIBBPF.bpf_map_create(MapType.ARRAY, "kp_fast_b", 4, 4, n, null)));
             Memory key = new Memory(4); Memory value = new Memory(4);
             Memory count = new Memory(4); Memory token = new Memory(8);
             Memory keys = new Memory(4L * n); Memory values = new Memory(4L * n)) {
            for (int i = 0; i < n; i++) {
                key.setInt(0, i);
                value.setInt(0, 100 + i);
                Errno.check("updating", LIBBPF.bpf_map_update_elem(map.get(), key, value, 0));
            }
            count.setInt(0, n);
            int ret = FastLibbpf.bpf_map_lookup_batch(map.get(), null, token, keys, values, count, null);
            // The whole map in one batch ends with ENOENT (no more keys) or 0, by kernel version.
            assertEquals(true, ret == 0 || ret == -Errno.ENOENT, "returned " + ret);
            assertEquals(n, count.getInt(0));
            for (int i = 0; i < n; i++) {
                assertEquals(100 + keys.getInt(4L * i), values.getInt(4L * i));
            }
        }
    }
}
