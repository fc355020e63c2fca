package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.internal.env.Limits;
import java.nio.ByteBuffer;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Lays out one record ({@code docs/format.md}) in a reusable off-heap buffer, checksums
 * included, ready for a single positional write.
 *
 * <p>Threads: owned by the log's append lock. The buffer grows to the largest record seen
 * (at most one segment) and stays off the Java heap, so a 25 MiB value never lands on it.
 * Allocation-free per record (the allocation-free put relies on it): keys given as arrays are
 * read through one reused view, and the channel write goes through one reused
 * {@link ByteBuffer} view, made again only when the buffer grows.
 */
public final class RecordEncoder {
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(16 * 1024);
    /** A key given as an array, seen as a buffer; valid during one {@code encode}. */
    private final UnsafeBuffer keyArrayView = new UnsafeBuffer(0, 0);
    /** The view the channel writes from, and the memory it was made of (the buffer's, until it grows). */
    private ByteBuffer writeView;
    private ByteBuffer writeViewOf;

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
        DirectBuffer keyBuffer = null;
        if (key != null) {
            keyArrayView.wrap(key);
            keyBuffer = keyArrayView;
        }
        return encode(type, sequence, expirationEpochSeconds, namespace, keyBuffer, 0, key == null ? 0 : key.length,
                metadata, value, valueOffset, valueLength, mask, batchFollowing, batchFlags);
    }

    /**
     * {@link #encode} with the key read from {@code key[keyOffset, keyOffset + keyLength)}, heap
     * or off-heap ({@code key} null for a namespace record): how the allocation-free put encodes
     * straight from the caller's buffers.
     */
    public int encode(byte type, long sequence, long expirationEpochSeconds, byte[] namespace, DirectBuffer key,
            int keyOffset, int keyLength, byte[] metadata, DirectBuffer value, int valueOffset, int valueLength,
            int mask, int batchFollowing, short batchFlags) {
        int metadataLength = metadata == null ? 0 : metadata.length;
        boolean expires = expirationEpochSeconds != Limits.NO_EXPIRATION;
        boolean batchMember = (batchFlags & BATCH_MEMBER) != 0;
        int headerLength = headerLength(expires, metadataLength > 0, batchMember);
        int length = recordLength(namespace.length, keyLength, metadataLength, valueLength, expirationEpochSeconds,
                batchMember);
        buffer.checkLimit(length);
        buffer.putLong(SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        buffer.putInt(VALUE_LENGTH_OFFSET, valueLength, BYTE_ORDER);
        buffer.putShort(KEY_LENGTH_OFFSET, (short) keyLength, BYTE_ORDER);
        buffer.putByte(TYPE_OFFSET, typeFlags(type, expires, metadataLength > 0, batchFlags));
        buffer.putByte(NAMESPACE_LENGTH_OFFSET, (byte) namespace.length);
        int at = FIXED_HEADER_LENGTH;
        if (expires) {
            buffer.putLong(at, expirationEpochSeconds, BYTE_ORDER);
            at += EXPIRATION_LENGTH;
        }
        if (metadataLength > 0) {
            buffer.putShort(at, (short) metadataLength, BYTE_ORDER);
            at += METADATA_LENGTH_LENGTH;
        }
        if (batchMember) {
            buffer.putShort(at, (short) batchFollowing, BYTE_ORDER);
            at += BATCH_FOLLOWING_LENGTH;
        }
        buffer.putBytes(at, namespace);
        at += namespace.length;
        if (keyLength > 0) {
            buffer.putBytes(at, key, keyOffset, keyLength);
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
                headerLength - HEADER_CRC_COVERAGE_OFFSET, mask), BYTE_ORDER);
        buffer.putInt(BODY_CRC_OFFSET, Checksums.masked(buffer, headerLength, length - headerLength, mask),
                BYTE_ORDER);
        return length;
    }

    /** The encoded bytes. */
    public DirectBuffer encoded() {
        return buffer;
    }

    /**
     * A view of the first {@code length} encoded bytes, for the channel write; the same object
     * each time until the buffer grows, valid until the next {@code encode}.
     */
    ByteBuffer view(int length) {
        ByteBuffer memory = buffer.byteBuffer();
        if (memory != writeViewOf) {
            writeView = memory.duplicate();
            writeViewOf = memory;
        }
        writeView.clear().limit(length);
        return writeView;
    }
}
