package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;
import java.util.List;
import java.util.OptionalLong;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.MapInfo;
import net.kmesh.perf.bpf.libbpf.MapType;

/**
 * Finds out which ways of counting entries this kernel offers, by counting a hash map that holds
 * one entry each way: whatever counts it right can be trusted with the system's maps.
 */
final class CapabilityProbe {
    private static final String PROBE_MAP = "kp_probe";

    private CapabilityProbe() {
    }

    /**
     * @param iterator the loaded map iterator, or null without one
     * @param notes    why a way is missing, one line each, added to
     * @throws PrivilegeException when creating a map is refused
     */
    static MapCapabilities probe(Libbpf l, MapIterator iterator, Scratch scratch, List<String> notes) {
        int ret = l.bpf_map_create(MapType.HASH, PROBE_MAP, 4, 8, 4, null);
        if (ret < 0) {
            if (-ret == Errno.EPERM) {
                throw new PrivilegeException("creating a BPF map was refused (EPERM): map statistics need "
                        + "CAP_BPF + CAP_PERFMON (or root), and CAP_SYS_ADMIN to open maps by id", Errno.EPERM, null);
            }
            throw Errno.failure("creating the probe map " + PROBE_MAP, -ret);
        }
        try (Fd probe = Fd.own(ret); Memory key = new Memory(4); Memory value = new Memory(8)) {
            key.setInt(0, 1);
            value.setLong(0, 0);
            Errno.check("filling the probe map", l.bpf_map_update_elem(probe.get(), key, value, 0));
            int id = MapInfo.of(probe.get()).id();
            boolean kfunc = false;
            boolean refcnt = false;
            if (iterator != null) {
                MapRecord r = iterator.read().stream().filter(m -> m.id() == id).findFirst().orElse(null);
                if (r == null) {
                    notes.add("the map iterator did not list the probe map: hash maps are counted by batch lookup "
                            + "or key walk");
                } else {
                    kfunc = kfuncCounts(r, notes);
                    // Our fd and the walk itself: anything else means the count cannot be read as expected.
                    refcnt = r.refcnt() == 2;
                    if (!refcnt) {
                        notes.add("the map iterator read a reference count of " + r.refcnt() + " for a map held by "
                                + "one fd: no map fd is held between scrapes, each scrape opens what it reads");
                    }
                }
            }
            OptionalLong batched = EntryWalks.batch(l, probe.get(), 4, 8, 4, scratch);
            boolean batch = batched.isPresent() && batched.getAsLong() == 1;
            if (!batch) {
                notes.add("BPF_MAP_LOOKUP_BATCH " + (batched.isPresent() ? "miscounts (" + batched.getAsLong()
                        + " for 1 entry)" : "is unavailable (Linux 5.6)") + ": maps are counted by key walk");
            }
            return new MapCapabilities(iterator != null, kfunc, batch, refcnt, notes);
        }
    }

    private static boolean kfuncCounts(MapRecord r, List<String> notes) {
        if (!r.kfunc()) {
            notes.add("this kernel lacks the kfunc bpf_map_sum_elem_count (Linux 6.6): hash maps are "
                    + "counted by batch lookup or key walk");
        } else if (!r.counter()) {
            notes.add("hash maps keep no element counter on this kernel: they are counted by batch lookup "
                    + "or key walk");
        } else if (r.entries() != 1) {
            notes.add("the kernel's element counter said " + r.entries() + " for a map holding 1 entry: "
                    + "hash maps are counted by batch lookup or key walk");
        } else {
            return true;
        }
        return false;
    }
}
