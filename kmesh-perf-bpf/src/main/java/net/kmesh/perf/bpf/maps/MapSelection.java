package net.kmesh.perf.bpf.maps;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.kmesh.perf.MapSelector;
import net.kmesh.perf.bpf.sys.Mounts;

/**
 * Turns a {@link MapSelector} into the maps it picks now, from the map iterator's pass when there
 * is one (else by listing and opening ids), and records in {@link Omissions} what it names but
 * cannot find: an id no map has, a pin that is gone or is not a map, a missing pin directory.
 */
final class MapSelection {
    /**
     * A selected map: its record (from the iterator's pass when there was one), the pin it was
     * found by, whether it was named explicitly (by id or pin path), so that its going away is said,
     * and whether its entries are counted ({@link MapSelector.KmeshExporter} leaves some uncounted).
     */
    record Candidate(MapRecord record, Path pin, boolean named, boolean countEntries) {
        Candidate(MapRecord record, Path pin, boolean named) {
            this(record, pin, named, true);
        }
    }

    private final PinResolver pins;
    private final Omissions omissions;

    MapSelection(PinResolver pins, Omissions omissions) {
        this.pins = pins;
        this.omissions = omissions;
    }

    /**
     * The maps {@code selector} picks now.
     *
     * @param records the iterator's records, ascending by id, or null without an iterator
     */
    Collection<Candidate> select(MapSelector selector, List<MapRecord> records) {
        // A pass, or a listing of ids, names each map once: what selects from it needs no index.
        if (selector instanceof MapSelector.NamePrefix p) {
            return byName(p, records);
        } else if (selector instanceof MapSelector.KmeshExporter k) {
            return asKmeshExporter(k, records);
        }
        Map<Integer, Candidate> chosen = new LinkedHashMap<>();
        // Looked up by id: only these selections index the pass.
        Map<Integer, MapRecord> pass = records == null ? null : index(records);
        if (selector instanceof MapSelector.Ids ids) {
            for (int id : ids.ids()) {
                MapRecord r = pass != null ? pass.get(id) : MapsById.shape(id);
                if (r == null) {
                    omitMissingId(id);
                } else {
                    chosen.put(id, new Candidate(r, null, true));
                }
            }
        } else if (selector instanceof MapSelector.Pinned pinned) {
            for (Path path : pinned.paths()) {
                selectPin(path, null, true, pass, chosen);
            }
        } else if (selector instanceof MapSelector.PinDirectories d) {
            for (Path directory : d.directories()) {
                PinResolver.Listing listing = pins.list(directory);
                PinResolver.Skipped s = listing.skipped();
                if (s != null) {
                    omissions.add(s.reason() + " " + directory, s::why, s.reason() == PinResolver.Reason.REFUSED);
                }
                for (Path path : listing.entries()) {
                    selectPin(path, d.names(), false, pass, chosen);
                }
            }
        }
        return chosen.values();
    }

    /** Ends a scrape's use of pins. */
    void endScrape() {
        pins.endScrape();
    }

    /** Says that a selected map named by id or pin went away before it was read. */
    void omitGone(Candidate c) {
        if (c.pin() != null) {
            omitMissingPin(c.pin());
        } else {
            omitMissingId(c.record().id());
        }
    }

    private static Map<Integer, MapRecord> index(List<MapRecord> records) {
        Map<Integer, MapRecord> byId = new HashMap<>(records.size() * 2);
        for (MapRecord r : records) {
            byId.put(r.id(), r);
        }
        return byId;
    }

    private static List<Candidate> byName(MapSelector.NamePrefix p, List<MapRecord> pass) {
        List<Candidate> chosen = new ArrayList<>();
        if (pass != null) {
            for (MapRecord r : pass) {
                if (p.matches(r.name())) {
                    chosen.add(new Candidate(r, null, false));
                }
            }
            return chosen;
        }
        for (int id : MapsById.list()) {
            MapRecord shape = MapsById.shape(id);
            if (shape != null && p.matches(shape.name())) {
                chosen.add(new Candidate(shape, null, false));
            }
        }
        return chosen;
    }

    /** Kmesh's exporter's rules: every map id, kept when unnamed or named kmesh_*, in id order. */
    private static List<Candidate> asKmeshExporter(MapSelector.KmeshExporter k, List<MapRecord> pass) {
        Iterable<MapRecord> maps = pass != null ? pass
                : MapsById.list().stream().map(MapsById::shape).filter(java.util.Objects::nonNull).toList();
        List<Candidate> chosen = new ArrayList<>();
        for (MapRecord r : maps) {
            if (k.selects(r.name())) {
                chosen.add(new Candidate(r, null, false, k.countsEntries(r.name(), r.typeName())));
            }
        }
        return chosen;
    }

    /**
     * Selects the map pinned at {@code path}, if it is one and its name is among {@code names}.
     *
     * @param named the path was named explicitly: anything but a map there is worth a warning
     */
    private void selectPin(Path path, MapSelector.NamePrefix names, boolean named, Map<Integer, MapRecord> pass,
                           Map<Integer, Candidate> chosen) {
        PinResolver.Result result = pins.resolve(path);
        if (result instanceof PinResolver.Skipped s) {
            if (!named && (s.reason() == PinResolver.Reason.MISSING || s.reason() == PinResolver.Reason.DIRECTORY)) {
                return; // unpinned while the directory was listed; subdirectories are not searched
            }
            if (s.reason() == PinResolver.Reason.MISSING) {
                omitMissingPin(path);
            } else {
                omissions.add(s.reason() + " " + path, s::why, named || s.reason() == PinResolver.Reason.REFUSED);
            }
            return;
        }
        PinResolver.Pinned p = (PinResolver.Pinned) result;
        if (names != null && !names.matches(p.shape().name())) {
            return;
        }
        MapRecord counted = pass == null ? null : pass.get(p.shape().id());
        // A map created and pinned after the pass is read without the iterator's figures this once.
        MapRecord record = counted != null && counted.sameMap(p.shape()) ? counted : p.shape();
        chosen.putIfAbsent(record.id(), new Candidate(record, path, named));
    }

    private void omitMissingId(int id) {
        omissions.add("missing id " + id, () -> "map id " + id + ": no BPF map has that id now "
                + "(list maps with: bpftool map show)", true);
    }

    private void omitMissingPin(Path path) {
        omissions.add(PinResolver.Reason.MISSING + " " + path, () -> "no pinned BPF object at " + path + ": "
                + Mounts.bpffs().map(m -> "list what is pinned with: ls -R " + m)
                        .orElse("no bpffs is mounted (mount one with: mount -t bpf bpf /sys/fs/bpf)"), true);
    }
}
