package net.kmesh.perf.bpf.libbpf;

import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicReference;

/** Owns one {@code struct bpf_link}: an attached program, detached by {@link #close()}. */
public final class BpfLink implements AutoCloseable {
    private final AtomicReference<Pointer> link;
    private final String description;

    BpfLink(Pointer link, String description) {
        this.link = new AtomicReference<>(link);
        this.description = description;
    }

    /** The link's file descriptor (owned by the link). */
    public int fd() {
        Pointer p = link.get();
        if (p == null) {
            throw new IllegalStateException(description + " is already detached");
        }
        return LibbpfLoader.natives().libbpf().bpf_link__fd(p);
    }

    public boolean isAttached() {
        return link.get() != null;
    }

    @Override
    public void close() {
        Pointer p = link.getAndSet(null);
        if (p != null) {
            LibbpfLoader.natives().libbpf().bpf_link__destroy(p);
        }
    }

    @Override
    public String toString() {
        return "BpfLink[" + description + (isAttached() ? "" : ", detached") + "]";
    }
}
