package net.kmesh.perf.bpf.maps;

import java.util.Arrays;
import java.util.Map;

/**
 * The maps the last scrape read, in the order it read them, with their ids beside. A scrape that
 * selects the same maps in the same order (a pass of the map iterator is ascending by id) finds
 * each one here by walking two arrays, not by hashing its id into the collector's table (no boxed
 * key, no hash node to follow). The table stays the truth; whatever
 * this order cannot vouch for is looked up there. Not thread-safe: the collector serializes its use.
 */
final class ReadOrder {
    private Tracked[] order = new Tracked[0];
    private int[] ids = new int[0];
    private int size;
    private int cursor;
    /** What this scrape reads, in order: the next {@link #order}. */
    private Tracked[] reading = new Tracked[0];
    private int readingSize;

    /** Starts a scrape; what an unfinished one read is dropped. */
    void begin() {
        cursor = 0;
        readingSize = 0;
    }

    /** The tracked map with this id, or null: from the last scrape's order where it holds it, else from {@code tracked}. */
    Tracked find(int id, Map<Integer, Tracked> tracked) {
        while (cursor < size && ids[cursor] < id) {
            cursor++; // gone since, or not selected this time
        }
        if (cursor < size && ids[cursor] == id && !order[cursor].forgotten) {
            return order[cursor++];
        }
        // A new map, an order not ascending, or one a scrape that ended early forgot and replaced.
        return tracked.get(id);
    }

    /** Notes that this scrape read {@code t}, in this order. */
    void read(Tracked t) {
        if (readingSize == reading.length) {
            reading = Arrays.copyOf(reading, Math.max(16, readingSize * 2));
        }
        reading[readingSize++] = t;
    }

    /**
     * Ends a scrape: what it read, in the order it read it, is what the next one looks in first.
     * Returns how many maps it read, each once.
     */
    int end() {
        Tracked[] last = order;
        order = reading;
        size = readingSize;
        if (ids.length < order.length) {
            ids = new int[order.length];
        }
        for (int i = 0; i < size; i++) {
            ids[i] = order[i].id();
        }
        Arrays.fill(last, null);
        reading = last;
        readingSize = 0;
        return size;
    }

    /** Forgets every order. */
    void clear() {
        Arrays.fill(order, null);
        Arrays.fill(reading, null);
        size = 0;
        readingSize = 0;
    }
}
