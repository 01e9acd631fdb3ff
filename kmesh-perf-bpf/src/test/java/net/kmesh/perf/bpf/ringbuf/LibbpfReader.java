package net.kmesh.perf.bpf.ringbuf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * libbpf's own {@code ring_buffer} reading the same ring as the Java reader: a stand-in for
 * Kmesh's daemon. {@code native/libbpf_reader.c}, compiled with gcc on first use; its C callback
 * keeps every record. Reads on a thread of its own ({@link #startPolling()}), or once per
 * {@link #consume(long)} call on the caller's thread.
 */
public final class LibbpfReader implements AutoCloseable {
    /** libbpf_reader.c's functions. */
    interface Api extends Library {
        /** {@code struct kp_reader *kp_reader_open(int map_fd, long capacity);} */
        Pointer kp_reader_open(int mapFd, long capacity);

        /** {@code long kp_reader_consume(struct kp_reader *r, long max);} */
        long kp_reader_consume(Pointer reader, long max);

        /** {@code int kp_reader_start(struct kp_reader *r);} */
        int kp_reader_start(Pointer reader);

        /** {@code void kp_reader_stop(struct kp_reader *r);} */
        void kp_reader_stop(Pointer reader);

        /** {@code long kp_reader_count(struct kp_reader *r);} */
        long kp_reader_count(Pointer reader);

        /** {@code const uint64_t *kp_reader_records(struct kp_reader *r);} */
        Pointer kp_reader_records(Pointer reader);

        /** {@code void kp_reader_close(struct kp_reader *r);} */
        void kp_reader_close(Pointer reader);
    }

    private static Api api;
    private final long capacity;
    private Pointer reader;

    public LibbpfReader(int mapFd, long capacity) {
        this.capacity = capacity;
        reader = api().kp_reader_open(mapFd, capacity);
        if (reader == null) {
            throw new IllegalStateException("ring_buffer__new failed for map fd " + mapFd);
        }
    }

    private static synchronized Api api() {
        if (api == null) {
            try {
                Path dir = Files.createTempDirectory("kmesh-perf-libbpf-reader");
                Path source = dir.resolve("libbpf_reader.c");
                try (InputStream in = LibbpfReader.class.getResourceAsStream("/native/libbpf_reader.c")) {
                    Files.copy(in, source);
                }
                Path library = dir.resolve("libkpreader.so");
                Process gcc = new ProcessBuilder("gcc", "-O2", "-shared", "-fPIC", "-o", library.toString(),
                        source.toString(), "-l:libbpf.so.1", "-lpthread").inheritIO().start();
                if (gcc.waitFor() != 0) {
                    throw new IllegalStateException("gcc could not build " + source + " (needs gcc and libbpf.so.1)");
                }
                api = Native.load(library.toString(), Api.class);
                Files.delete(library);
                Files.delete(source);
                Files.delete(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return api;
    }

    /** One {@code ring_buffer__consume}, stopping after {@code max} records when positive; returns records read. */
    long consume(long max) {
        return api.kp_reader_consume(reader, max);
    }

    public void startPolling() {
        if (api.kp_reader_start(reader) != 0) {
            throw new IllegalStateException("pthread_create failed");
        }
    }

    /** Stops the polling thread, if any, and waits for it. */
    public void stop() {
        api.kp_reader_stop(reader);
    }

    public long count() {
        return api.kp_reader_count(reader);
    }

    /** Every record read so far, in the order read. */
    List<KernelSample> records() {
        long n = count();
        if (n > capacity) {
            throw new IllegalStateException("read " + n + " records, kept only " + capacity);
        }
        long[] words = api.kp_reader_records(reader).getLongArray(0, (int) n * 4);
        List<KernelSample> out = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            long last = words[4 * i + 3];
            out.add(new KernelSample(words[4 * i], words[4 * i + 1], words[4 * i + 2], last & 0xFFFF_FFFFL,
                    (int) (last >>> 32)));
        }
        return out;
    }

    @Override
    public void close() {
        if (reader != null) {
            api.kp_reader_close(reader);
            reader = null;
        }
    }
}
