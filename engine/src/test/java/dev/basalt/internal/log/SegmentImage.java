package dev.basalt.internal.log;

import dev.basalt.internal.env.Limits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An off-heap segment image (zero-filled, as a new segment file is) that tests lay records into
 * exactly as the log writes them, damage, and scan. Off-heap because {@link Checksums} computes
 * on native addresses.
 */
final class SegmentImage {
    static final long STORE_ID = 0x0B5A_17ED_5EED_0001L;
    static final long SEGMENT_ID = 1;
    static final int MASK = Checksums.mask(STORE_ID, SEGMENT_ID);

    /** What one scan reported, in file order. */
    record Scan(long validEnd, List<Integer> recordOffsets, List<Damage> damage) {
    }

    /** One {@code corrupt} call of the scanner. */
    record Damage(int offset, int length, String reason) {
    }

    final UnsafeBuffer buffer;
    private final RecordEncoder encoder = new RecordEncoder();
    private int tail = LogFormat.SEGMENT_HEADER_LENGTH;

    SegmentImage(int capacityBytes) {
        buffer = offHeap(capacityBytes);
    }

    static UnsafeBuffer offHeap(int bytes) {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
    }

    static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends a PUT of this segment; returns its offset. */
    int put(long sequence, String namespace, String key, String metadata, byte[] value) {
        return append(MASK, LogFormat.TYPE_PUT, sequence, Limits.NO_EXPIRATION, namespace, key, metadata, value);
    }

    /** Appends a record checksummed with {@code mask}; returns its offset. */
    int append(int mask, byte type, long sequence, long expirationEpochSeconds, String namespace, String key,
            String metadata, byte[] value) {
        byte[] valueBytes = value == null ? new byte[0] : value;
        return place(encoder.encode(type, sequence, expirationEpochSeconds, utf8(namespace), utf8(key),
                utf8(metadata), new UnsafeBuffer(valueBytes), 0, valueBytes.length, mask));
    }

    /** Appends a PUT that is record {@code batchFlags} of a write batch with {@code following} after it. */
    int appendBatchMember(long sequence, long expirationEpochSeconds, String namespace, String key, String metadata,
            byte[] value, int following, short batchFlags) {
        return place(encoder.encode(LogFormat.TYPE_PUT, sequence, expirationEpochSeconds, utf8(namespace),
                utf8(key), utf8(metadata), new UnsafeBuffer(value), 0, value.length, MASK, following, batchFlags));
    }

    /** Copies the encoder's {@code length} bytes to the tail; returns where they start. */
    private int place(int length) {
        int offset = tail;
        buffer.putBytes(offset, encoder.encoded(), 0, length);
        tail += length;
        return offset;
    }

    /** Where the next record would go. */
    int tail() {
        return tail;
    }

    /** Copies raw bytes to the tail, as a torn or stray write leaves them; the tail moves past them. */
    void appendRaw(byte[] bytes) {
        buffer.putBytes(tail, bytes);
        tail += bytes.length;
    }

    byte[] bytes(int offset, int length) {
        byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        return copy;
    }

    void flipBit(int offset, int bit) {
        buffer.putByte(offset, (byte) (buffer.getByte(offset) ^ (1 << bit)));
    }

    Scan scan() {
        return scan(buffer.capacity());
    }

    Scan scan(long limit) {
        List<Integer> offsets = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        long validEnd = SegmentScanner.scan(buffer, limit, MASK, new SegmentScanner.Listener() {
            @Override
            public void record(org.agrona.DirectBuffer segment, int offset) {
                offsets.add(offset);
            }

            @Override
            public void corrupt(int offset, int length, String reason) {
                damage.add(new Damage(offset, length, reason));
            }
        });
        return new Scan(validEnd, offsets, damage);
    }
}
