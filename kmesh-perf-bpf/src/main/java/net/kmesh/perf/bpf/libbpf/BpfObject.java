package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import net.kmesh.perf.PerfMonitorException;
import net.kmesh.perf.PerfMonitorException.PrivilegeException;

/**
 * Owns one {@code struct bpf_object} opened from memory, and every link made from its programs.
 * {@link #close()} destroys the links in reverse order of attachment, then closes the object,
 * which unloads its programs and releases its maps.
 */
public final class BpfObject implements AutoCloseable {
    private final LibbpfLoader.Natives natives;
    private final String name;
    private final Memory elf;
    private final Deque<BpfLink> links = new ArrayDeque<>();
    private Pointer object;
    private boolean loaded;

    private BpfObject(LibbpfLoader.Natives natives, String name, Memory elf, Pointer object) {
        this.natives = natives;
        this.name = name;
        this.elf = elf;
        this.object = object;
    }

    /** Opens the ELF object in the class-path resource {@code resource} of {@code anchor}. */
    public static BpfObject openResource(Class<?> anchor, String resource, String name) {
        byte[] bytes;
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PerfMonitorException("BPF object " + resource + " is missing from the class path of "
                        + anchor.getName() + ": the kmesh-perf-bpf jar is incomplete");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading BPF object " + resource, e);
        }
        return openBytes(bytes, name);
    }

    /** Opens an ELF object held in {@code bytes}; {@code name} names it (and prefixes its .bss/.data maps). */
    public static BpfObject openBytes(byte[] bytes, String name) {
        LibbpfLoader.Natives n = LibbpfLoader.natives();
        Memory elf = new Memory(bytes.length);
        elf.write(0, bytes, 0, bytes.length);
        // struct bpf_object_open_opts { size_t sz; const char *object_name; ... }: only the name is set.
        try (Memory opts = new Memory(16); Memory objectName = new Memory(name.length() + 1L)) {
            objectName.setString(0, name, "US-ASCII");
            opts.setLong(0, 16);
            opts.setPointer(8, objectName);
            Pointer object = n.libbpf().bpf_object__open_mem(elf, bytes.length, opts);
            if (object == null) {
                int errno = Errno.last();
                elf.close();
                throw new PerfMonitorException("libbpf cannot parse BPF object " + name + ": " + Errno.name(errno)
                        + " (see the log of net.kmesh.perf.bpf.libbpf)");
            }
            return new BpfObject(n, name, elf, object);
        }
    }

    public String name() {
        return name;
    }

    private Pointer object() {
        if (object == null) {
            throw new IllegalStateException("BPF object " + name + " is closed");
        }
        return object;
    }

    /** The {@code struct bpf_map *} named {@code map}. */
    public Pointer map(String map) {
        Pointer p = natives.libbpf().bpf_object__find_map_by_name(object(), map);
        if (p == null) {
            throw new IllegalArgumentException("BPF object " + name + " has no map " + map);
        }
        return p;
    }

    /** The {@code struct bpf_program *} named {@code program}. */
    public Pointer program(String program) {
        Pointer p = natives.libbpf().bpf_object__find_program_by_name(object(), program);
        if (p == null) {
            throw new IllegalArgumentException("BPF object " + name + " has no program " + program);
        }
        return p;
    }

    /** Before {@link #load()}: whether {@code program} is loaded at all. */
    public void setAutoload(String program, boolean autoload) {
        requireNotLoaded("setting autoload of " + program);
        Errno.check("setting autoload of " + program, natives.libbpf().bpf_program__set_autoload(program(program), autoload));
    }

    /** Before {@link #load()}: the capacity of {@code map} (for a ring buffer, its size in bytes). */
    public void setMaxEntries(String map, int maxEntries) {
        requireNotLoaded("resizing " + map);
        Errno.check("resizing map " + map + " to " + maxEntries,
                natives.libbpf().bpf_map__set_max_entries(map(map), maxEntries));
    }

    private void requireNotLoaded(String what) {
        if (loaded) {
            throw new IllegalStateException(what + ": BPF object " + name + " is already loaded");
        }
    }

    /** Creates the maps and loads the programs into the kernel; see {@link #load(Capability...)}. */
    public void load() {
        load(Capability.CAP_BPF, Capability.CAP_PERFMON);
    }

    /**
     * Creates the maps and loads the programs into the kernel.
     *
     * @param needed the capabilities the loaded programs need, named in the error when missing
     * @throws PrivilegeException on EPERM, or on EACCES while a needed capability is missing (without
     *                            CAP_PERFMON the verifier rejects what it would accept with it)
     * @throws PerfMonitorException otherwise, e.g. when the verifier rejects a program
     */
    public void load(Capability... needed) {
        requireNotLoaded("loading");
        // The verifier stops at a pending signal: a sampling profiler's are held back meanwhile.
        int ret = ProfilerSignals.heldBack(natives.libc(), () -> natives.libbpf().bpf_object__load(object()));
        if (ret < 0) {
            int errno = -ret;
            java.util.List<Capability> missing = Capability.missing(needed);
            if (errno == Errno.EPERM || (errno == Errno.EACCES && !missing.isEmpty())) {
                throw new PrivilegeException("loading BPF object " + name + " was refused (" + Errno.name(errno) + "): "
                        + (missing.isEmpty() ? Errno.PRIVILEGE_HINT
                        : "this process lacks " + String.join(" + ", missing.stream().map(Enum::name).toList())
                        + "; run as root or grant " + String.join(" + ",
                                java.util.Arrays.stream(needed).map(Enum::name).toList())));
            }
            throw new PerfMonitorException("loading BPF object " + name + " failed: " + Errno.name(errno)
                    + (errno == Errno.EACCES ? " (the verifier rejected a program)" : "")
                    + "; the log of net.kmesh.perf.bpf.libbpf says why");
        }
        loaded = true;
    }

    /** The fd of {@code map} (owned by this object). */
    public int mapFd(String map) {
        return Errno.check("fd of map " + map, natives.libbpf().bpf_map__fd(map(map)));
    }

    /** The fd of {@code program} (owned by this object). */
    public int programFd(String program) {
        return Errno.check("fd of program " + program, natives.libbpf().bpf_program__fd(program(program)));
    }

    /** Attaches {@code program} where its section name says (tracepoints, iterators without options). */
    public BpfLink attach(String program) {
        return track(natives.libbpf().bpf_program__attach(program(program)), "attaching " + program);
    }

    /** Attaches a cgroup program to the cgroup open as {@code cgroupFd}. */
    public BpfLink attachCgroup(String program, int cgroupFd) {
        return track(natives.libbpf().bpf_program__attach_cgroup(program(program), cgroupFd),
                "attaching " + program + " to a cgroup");
    }

    /** Attaches an iterator program with {@code struct bpf_iter_attach_opts} (may be null). */
    public BpfLink attachIter(String program, Pointer opts) {
        return track(natives.libbpf().bpf_program__attach_iter(program(program), opts), "attaching iterator " + program);
    }

    private synchronized BpfLink track(Pointer link, String what) {
        if (link == null) {
            throw Errno.failure(what, Errno.last());
        }
        BpfLink l = new BpfLink(link, what.replace("attaching ", ""));
        links.push(l);
        return l;
    }

    @Override
    public synchronized void close() {
        while (!links.isEmpty()) {
            links.pop().close();
        }
        if (object != null) {
            natives.libbpf().bpf_object__close(object);
            object = null;
            elf.close();
        }
    }
}
