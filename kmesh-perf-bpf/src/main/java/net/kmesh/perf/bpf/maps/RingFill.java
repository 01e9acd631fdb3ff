package net.kmesh.perf.bpf.maps;

import com.sun.jna.Pointer;
import net.kmesh.perf.bpf.libbpf.Errno;
import net.kmesh.perf.bpf.libbpf.LibC;

/**
 * How full a ring buffer is: bytes written (reserved) by producers and not yet consumed, that is
 * producer position minus consumer position. Both positions head the ring's first two pages
 * (consumer page, then producer page), which any holder of the map fd may map read-only; this
 * reads them without consuming anything.
 */
final class RingFill {
    private RingFill() {
    }

    /** Pending bytes of the ring buffer (or user ring buffer) behind {@code fd}, within 0..{@code size}. */
    static long pendingBytes(LibC libc, int pageSize, int fd, long size) {
        long length = 2L * pageSize;
        Pointer pages = libc.mmap(null, length, LibC.PROT_READ, LibC.MAP_SHARED, fd, 0);
        if (pages == null || Pointer.nativeValue(pages) == -1L) {
            throw Errno.failure("mapping the position pages of a ring buffer", Errno.last());
        }
        try {
            // Consumer first: both only grow, so the consumer read before is at most the producer read after.
            long consumer = pages.getLong(0);
            long producer = pages.getLong(pageSize);
            return Math.max(0, Math.min(size, producer - consumer));
        } finally {
            libc.munmap(pages, length);
        }
    }
}
