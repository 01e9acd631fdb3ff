package net.kmesh.perf.bpf.maps;

import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import net.kmesh.perf.BpfMapType;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.Fd;
import net.kmesh.perf.bpf.libbpf.Libbpf;
import net.kmesh.perf.bpf.libbpf.LibbpfLoader;
import net.kmesh.perf.bpf.libbpf.MapInfo;

/**
 * Maps a test creates with {@code bpf_map_create}, named with one random prefix ({@code kmesh_}
 * plus six hex digits) that selects exactly them. {@link #close()} closes them all, which frees them.
 */
public final class TestMaps implements AutoCloseable {
    public static final int BPF_F_NO_PREALLOC = 1;
    private final Deque<Fd> fds = new ArrayDeque<>();
    private final String prefix;
    private final Libbpf libbpf = LibbpfLoader.natives().libbpf();

    /** Maps named {@code kmesh_} and six hex digits, as Kmesh's are: Kmesh's selectors pick them. */
    public TestMaps() {
        this("kmesh_");
    }

    private TestMaps(String stem) {
        prefix = stem + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /**
     * Maps named {@code kpt_} and six hex digits, which no Kmesh selector picks: for program arrays.
     * Linux 6.18 keeps a program array for good when someone opens it by id while its last fd is
     * being closed, and the monitors other tests on this host run open every {@code kmesh_*} map.
     */
    public static TestMaps unselectedByKmesh() {
        return new TestMaps("kpt_");
    }

    /** The prefix of every map name here: 12 characters (tags may have 3), or 10 (tags may have 5). */
    public String prefix() {
        return prefix;
    }

    /** Creates a map named prefix + {@code tag}; returns its fd, owned by this object. */
    public int create(String tag, int type, int keySize, int valueSize, int maxEntries, int flags) {
        return create(tag, type, keySize, valueSize, maxEntries, flags, 0);
    }

    /**
     * Creates a map named prefix + {@code tag}, a map of maps whose inner maps are like the map
     * {@code innerFd} when that is not 0; returns its fd, owned by this object.
     */
    public int create(String tag, int type, int keySize, int valueSize, int maxEntries, int flags, int innerFd) {
        if (prefix.length() + tag.length() > 15) {
            throw new IllegalArgumentException("tag too long: " + tag);
        }
        // struct bpf_map_create_opts { size_t sz; __u32 btf_fd, btf_key_type_id, btf_value_type_id,
        //   btf_vmlinux_value_type_id, inner_map_fd, map_flags; __u64 map_extra; __u32 numa_node, map_ifindex; }
        try (Memory opts = new Memory(48)) {
            opts.clear();
            opts.setLong(0, 48);
            opts.setInt(24, innerFd);
            opts.setInt(28, flags);
            int fd = Errno.check("creating map " + prefix + tag,
                    libbpf.bpf_map_create(type, prefix + tag, keySize, valueSize, maxEntries, opts));
            fds.push(Fd.own(fd));
            return fd;
        }
    }

    /** Inserts keys 0..n-1 (a little-endian int at the start of each key) in one batch update. */
    public void fill(int fd, int n) {
        fill(libbpf, fd, n);
    }

    /** Inserts keys 0..n-1 in one batch update, for a map of any key and value size. */
    public static void fill(Libbpf libbpf, int fd, int n) {
        if (n == 0) {
            return;
        }
        MapInfo info = MapInfo.of(fd);
        long valueBytes = BpfMapType.of(info.type()).map(BpfMapType::perCpu).orElse(false)
                ? ((info.valueSize() + 7L) & ~7L) * LibbpfLoader.natives().possibleCpus() : info.valueSize();
        try (Memory keys = new Memory((long) n * info.keySize()); Memory values = new Memory(n * valueBytes)) {
            keys.clear();
            values.clear();
            for (int i = 0; i < n; i++) {
                keys.setInt((long) i * info.keySize(), i);
            }
            IntByReference count = new IntByReference(n);
            Errno.check("filling map " + info.name(), libbpf.bpf_map_update_batch(fd, keys, values, count, null));
            if (count.getValue() != n) {
                throw new IllegalStateException("batch update stored " + count.getValue() + " of " + n);
            }
        }
    }

    /** Inserts one key (a little-endian int at the start) with a zero value. */
    public void put(int fd, int key) {
        put(fd, key, 0);
    }

    /**
     * Inserts one key (a little-endian int at the start) whose value starts with the int {@code value}:
     * for a program array or a map of maps, the fd of the program or inner map.
     */
    public void put(int fd, int key, int value) {
        MapInfo info = MapInfo.of(fd);
        try (Memory k = new Memory(Math.max(4, info.keySize())); Memory v = new Memory(Math.max(8, info.valueSize()))) {
            k.clear();
            v.clear();
            k.setInt(0, key);
            v.setInt(0, value);
            Errno.check("updating map " + info.name(), libbpf.bpf_map_update_elem(fd, k, v, 0));
        }
    }

    /** Deletes one key (a little-endian int at the start). */
    public void remove(int fd, int key) {
        MapInfo info = MapInfo.of(fd);
        try (Memory k = new Memory(Math.max(4, info.keySize()))) {
            k.clear();
            k.setInt(0, key);
            Errno.check("deleting from map " + info.name(), libbpf.bpf_map_delete_elem(fd, k));
        }
    }

    /** The id of the map behind {@code fd}. */
    public static int id(int fd) {
        return MapInfo.of(fd).id();
    }

    /** Closes the map {@code fd} now: it is freed, and its id disappears at once. */
    public void delete(int fd) {
        for (Fd f : fds) {
            if (f.isOpen() && f.get() == fd) {
                f.close();
                return;
            }
        }
        throw new IllegalArgumentException("not a map of this test: " + fd);
    }

    @Override
    public void close() {
        while (!fds.isEmpty()) {
            fds.pop().close();
        }
    }
}
