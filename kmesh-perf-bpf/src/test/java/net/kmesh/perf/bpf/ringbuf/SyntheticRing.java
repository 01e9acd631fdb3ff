package net.kmesh.perf.bpf.ringbuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A ring buffer in plain memory laid out as the kernel lays out a BPF ring buffer, written the way
 * the kernel's producer writes it: header at the record's position, payload following it and
 * wrapping around the end of the data area.
 */
final class SyntheticRing {
    final ByteBuffer consumer = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
    final ByteBuffer producer = ByteBuffer.allocateDirect(4096).order(ByteOrder.nativeOrder());
    final ByteBuffer data;
    final int mask;
    long producerPos;

    SyntheticRing(int size, long startPos) {
        data = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        mask = size - 1;
        producerPos = startPos;
        consumer.putLong(0, startPos);
        producer.putLong(0, startPos);
    }

    RingReader reader() {
        return new RingReader(consumer, producer, data);
    }

    static long total(int length) {
        return (length + RingReader.HEADER_SIZE + 7L) & ~7L;
    }

    long free() {
        return data.capacity() - (producerPos - consumer.getLong(0));
    }

    /** Reserves and fills a record; returns its position. Does not publish until {@link #publish()}. */
    long write(byte[] payload, int flags) {
        long pos = producerPos;
        data.putInt((int) (pos & mask), payload.length | flags);
        data.putInt((int) ((pos + 4) & mask), 0);
        for (int k = 0; k < payload.length; k++) {
            data.put((int) ((pos + RingReader.HEADER_SIZE + k) & mask), payload[k]);
        }
        producerPos += total(payload.length);
        return pos;
    }

    void setHeader(long pos, int header) {
        data.putInt((int) (pos & mask), header);
    }

    void publish() {
        producer.putLong(0, producerPos);
    }

    /** Copies a delivered record out of the ring, byte by byte with the mask, as a handler may. */
    static byte[] copy(ByteBuffer data, long position, int length, int mask) {
        byte[] out = new byte[length];
        for (int k = 0; k < length; k++) {
            out[k] = data.get((int) ((position + k) & mask));
        }
        return out;
    }
}
