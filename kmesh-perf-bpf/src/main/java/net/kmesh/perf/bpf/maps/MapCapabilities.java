package net.kmesh.perf.bpf.maps;

import java.util.List;

/**
 * What a {@link MapStatsCollector} found it can use on this kernel, probed once when it opened.
 *
 * @param iterator       the map iterator loaded: every map is listed in one pass (Linux 5.8)
 * @param elemCountKfunc the kernel counts hash-map entries itself and the iterator reads that count
 *                       ({@code bpf_map_sum_elem_count}, Linux 6.6)
 * @param batchLookup    {@code BPF_MAP_LOOKUP_BATCH} works on hash maps (Linux 5.6)
 * @param referenceCount the iterator reads each map's reference count, so fds to maps can be held
 *                       between scrapes and let go when nothing else keeps their map
 * @param notes          one line per method that is missing, saying why
 */
public record MapCapabilities(boolean iterator, boolean elemCountKfunc, boolean batchLookup, boolean referenceCount,
                              List<String> notes) {
    public MapCapabilities {
        notes = List.copyOf(notes);
    }
}
