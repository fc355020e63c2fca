package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.*;

import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * Lays out one record ({@code docs/format.md}) in a reusable off-heap buffer, checksums
 * included, ready for a single positional write.
 *
 * <p>Threads: owned by the log's append lock. The buffer grows to the largest record seen
 * (at most one segment) and stays off the Java heap, so a 25 MiB value never lands on it.
 */
public final class RecordEncoder {
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(16 * 1024);

    /** Encodes a record and returns its length on disk. {@code metadata} may be null. */
    public int encode(byte type, long sequence, long expirationEpochSeconds, byte[] namespace, byte[] key,
            byte[] metadata, DirectBuffer value, int valueOffset, int valueLength, int mask) {
        return encode(type, sequence, expirationEpochSeconds, namespace, key, metadata, value, valueOffset,
                valueLength, mask, 0, (short) 0);
    }

    /**
     * {@link #encode} for a record of a write batch: {@code batchFollowing} more records of the
     * batch follow it, {@code batchFlags} are {@link LogFormat#BATCH_MEMBER} (and
     * {@link LogFormat#BATCH_FIRST} on the first); both 0 for a record written alone.
     */
    public int encode(byte type, long sequence, long expirationEpochSeconds, byte[] namespace, byte[] key,
            byte[] metadata, DirectBuffer value, int valueOffset, int valueLength, int mask, int batchFollowing,
            short batchFlags) {
        int metadataLength = metadata == null ? 0 : metadata.length;
        int keyLength = key == null ? 0 : key.length;
        int length = recordLength(namespace.length, keyLength, metadataLength, valueLength);
        buffer.checkLimit(length);
        buffer.putLong(SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        buffer.putLong(EXPIRATION_OFFSET, expirationEpochSeconds, BYTE_ORDER);
        buffer.putInt(VALUE_LENGTH_OFFSET, valueLength, BYTE_ORDER);
        buffer.putShort(KEY_LENGTH_OFFSET, (short) keyLength, BYTE_ORDER);
        buffer.putShort(METADATA_LENGTH_OFFSET, (short) metadataLength, BYTE_ORDER);
        buffer.putByte(TYPE_OFFSET, type);
        buffer.putByte(NAMESPACE_LENGTH_OFFSET, (byte) namespace.length);
        buffer.putInt(BATCH_FOLLOWING_OFFSET, batchFollowing, BYTE_ORDER);
        buffer.putShort(BATCH_FLAGS_OFFSET, batchFlags, BYTE_ORDER);
        int at = RECORD_HEADER_LENGTH;
        buffer.putBytes(at, namespace);
        at += namespace.length;
        if (keyLength > 0) {
            buffer.putBytes(at, key);
            at += keyLength;
        }
        if (metadataLength > 0) {
            buffer.putBytes(at, metadata);
            at += metadataLength;
        }
        if (valueLength > 0) {
            buffer.putBytes(at, value, valueOffset, valueLength);
            at += valueLength;
        }
        buffer.setMemory(at, length - at, (byte) 0);
        buffer.putInt(HEADER_CRC_OFFSET, Checksums.masked(buffer, HEADER_CRC_COVERAGE_OFFSET,
                RECORD_HEADER_LENGTH - HEADER_CRC_COVERAGE_OFFSET, mask), BYTE_ORDER);
        buffer.putInt(BODY_CRC_OFFSET, Checksums.masked(buffer, RECORD_HEADER_LENGTH,
                length - RECORD_HEADER_LENGTH, mask), BYTE_ORDER);
        return length;
    }

    /** The encoded bytes. */
    public DirectBuffer encoded() {
        return buffer;
    }

    /** The buffer {@link #view} duplicated last, and its duplicate. */
    private ByteBuffer viewed;
    private ByteBuffer view;

    /**
     * A view of the first {@code length} encoded bytes, for the channel write: one duplicate
     * reused until the buffer grows, since a new one per append was the largest allocation of a
     * put (48 bytes of 200). Valid until the next call; the caller's write is done by then.
     */
    ByteBuffer view(int length) {
        ByteBuffer current = buffer.byteBuffer();
        if (current != viewed) {
            viewed = current;
            view = current.duplicate();
        }
        view.clear().limit(length);
        return view;
    }
}
