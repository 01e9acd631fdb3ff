package net.kmesh.perf.bpf.ringbuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A ring buffer in plain memory laid out as the kernel lays out a BPF ring buffer, written the way
 * the kernel's producer writes it: header at the record's position, payload following it and
 * wrapping around the end of the data area. {@link #reserve}, {@link #commit} and
 * {@link #produce} follow {@code __bpf_ringbuf_reserve} and {@code bpf_ringbuf_commit}: a BUSY
 * header, producer_pos published at once, no reservation past consumer_pos + size - 1.
 * {@link #write} and {@link #publish} are the raw tools for hand-made layouts.
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

    /** A reader that reads headers by address where the JDK allows it, or through the buffer always. */
    RingReader reader(boolean byAddress) {
        RingReader reader = new RingReader(consumer, producer, data, byAddress);
        if (reader.readsByAddress() != (byAddress && RawMemory.available())) {
            throw new AssertionError("asked to read by address: " + byAddress + ", reads by address: "
                    + reader.readsByAddress());
        }
        return reader;
    }

    RingObserver observer() {
        return new RingObserver(consumer, producer, data);
    }

    /**
     * An observer with its scratch buffer of {@code scratchBytes} whose {@code race} runs between
     * reading a record's header and copying it ({@link RingObserver#AFTER_HEADER}) and between the
     * copy and its validation ({@link RingObserver#AFTER_COPY}): where a real producer can
     * overwrite the record under it.
     */
    RingObserver observer(int scratchBytes, IntConsumer race) {
        return new RingObserver(consumer, producer, data, scratchBytes, race);
    }

    int size() {
        return mask + 1;
    }

    static long total(int length) {
        return (length + RingLayout.HEADER_SIZE + 7L) & ~7L;
    }

    long consumerPos() {
        return consumer.getLong(0);
    }

    void setConsumerPos(long pos) {
        consumer.putLong(0, pos);
    }

    long free() {
        return data.capacity() - (producerPos - consumerPos());
    }

    /** Reserves and fills a record; returns its position. Does not publish until {@link #publish()}. */
    long write(byte[] payload, int flags) {
        long pos = producerPos;
        data.putInt((int) (pos & mask), payload.length | flags);
        data.putInt((int) ((pos + 4) & mask), 0);
        fill(pos, payload);
        producerPos += total(payload.length);
        return pos;
    }

    void setHeader(long pos, int header) {
        data.putInt((int) (pos & mask), header);
    }

    void publish() {
        producer.putLong(0, producerPos);
    }

    /**
     * As {@code __bpf_ringbuf_reserve}: -1 when the record would take the producer more than
     * size - 1 past the consumer position; otherwise writes the BUSY header, publishes the new
     * producer position and returns the record's position.
     */
    long reserve(int length) {
        long total = total(length);
        if (total > size() || producerPos + total - consumerPos() > mask) {
            return -1;
        }
        long pos = producerPos;
        data.putInt((int) (pos & mask), length | RingLayout.BUSY_BIT);
        data.putInt((int) ((pos + 4) & mask), 0);
        producerPos += total;
        publish();
        return pos;
    }

    void fill(long pos, byte[] payload) {
        for (int k = 0; k < payload.length; k++) {
            data.put((int) ((pos + RingLayout.HEADER_SIZE + k) & mask), payload[k]);
        }
    }

    /** As {@code bpf_ringbuf_commit}: clears BUSY, sets DISCARD when asked. */
    void commit(long pos, boolean discard) {
        int header = data.getInt((int) (pos & mask)) & ~RingLayout.BUSY_BIT;
        setHeader(pos, discard ? header | RingLayout.DISCARD_BIT : header);
    }

    /** Reserve, fill, commit: the record's position, or -1 when the ring had no space. */
    long produce(byte[] payload, boolean discard) {
        long pos = reserve(payload.length);
        if (pos >= 0) {
            fill(pos, payload);
            commit(pos, discard);
        }
        return pos;
    }

    /**
     * Reads like libbpf's {@code ringbuf_process_ring}, as the ring's other reader: from the shared
     * consumer position, at most {@code max} records, storing the position after each one; stops
     * at a busy record. Returns the payloads it read (discarded ones excluded).
     */
    List<byte[]> consumeAsOtherReader(int max) {
        return consumeAsOtherReader(max, Long.MAX_VALUE);
    }

    /** As {@link #consumeAsOtherReader(int)}, reading no record that starts at or after {@code limit}. */
    List<byte[]> consumeAsOtherReader(int max, long limit) {
        List<byte[]> read = new ArrayList<>();
        long cons = consumerPos();
        int n = 0;
        while (cons < producerPos && cons < limit && n < max) {
            int header = data.getInt((int) (cons & mask));
            if (header < 0) {
                break;
            }
            int length = header & RingLayout.LENGTH_MASK;
            if ((header & RingLayout.DISCARD_BIT) == 0) {
                read.add(copy(data, cons + RingLayout.HEADER_SIZE, length, mask));
            }
            cons += total(length);
            setConsumerPos(cons);
            n++;
        }
        return read;
    }

    /** Copies a delivered record out of the ring, byte by byte with the mask, as a handler may. */
    static byte[] copy(ByteBuffer data, long position, int length, int mask) {
        byte[] out = new byte[length];
        for (int k = 0; k < length; k++) {
            out[k] = data.get((int) ((position + k) & mask));
        }
        return out;
    }

    /**
     * The payload of record number {@code seq}, {@code length} (at least 8) bytes: the sequence
     * number, then bytes derived from it, so that a record read back proves which one it is and
     * that it is whole.
     */
    static byte[] patterned(long seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putLong(0, seq);
        for (int k = 8; k < length; k++) {
            b.put(k, (byte) (seq * 31 + k * 7));
        }
        return b.array();
    }

    /** The sequence number of a payload {@link #patterned} wrote, or -1 when it is not one whole. */
    static long seqOf(byte[] payload) {
        if (payload.length < 8) {
            return -1;
        }
        long seq = ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder()).getLong(0);
        return java.util.Arrays.equals(payload, patterned(seq, payload.length)) ? seq : -1;
    }
}
