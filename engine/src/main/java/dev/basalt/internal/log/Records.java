package dev.basalt.internal.log;

import static dev.basalt.internal.env.Limits.MAX_BATCH_ENTRIES;
import static dev.basalt.internal.env.Limits.MAX_KEY_BYTES;
import static dev.basalt.internal.env.Limits.MAX_METADATA_BYTES;
import static dev.basalt.internal.env.Limits.MAX_NAMESPACE_BYTES;
import static dev.basalt.internal.log.LogFormat.*;

import org.agrona.DirectBuffer;

/**
 * Reads and checks the fields of one record in a buffer (a mapped segment or an encode
 * buffer). Stateless and allocation-free: the hot read path calls these.
 */
public final class Records {
    /** {@link #checkHeader} result: the header is valid. */
    public static final int VALID = 0;
    public static final int BAD_HEADER_CRC = 1;
    public static final int BAD_FIELD = 2;
    public static final int PAST_END = 3;

    private Records() {
    }

    public static long sequence(DirectBuffer b, int offset) {
        return b.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER);
    }

    public static long expirationEpochSeconds(DirectBuffer b, int offset) {
        return b.getLong(offset + EXPIRATION_OFFSET, BYTE_ORDER);
    }

    public static int valueLength(DirectBuffer b, int offset) {
        return b.getInt(offset + VALUE_LENGTH_OFFSET, BYTE_ORDER);
    }

    public static int keyLength(DirectBuffer b, int offset) {
        return b.getShort(offset + KEY_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public static int metadataLength(DirectBuffer b, int offset) {
        return b.getShort(offset + METADATA_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public static byte type(DirectBuffer b, int offset) {
        return b.getByte(offset + TYPE_OFFSET);
    }

    public static int namespaceLength(DirectBuffer b, int offset) {
        return b.getByte(offset + NAMESPACE_LENGTH_OFFSET) & 0xFF;
    }

    public static int namespaceOffset(int offset) {
        return offset + RECORD_HEADER_LENGTH;
    }

    public static int keyOffset(DirectBuffer b, int offset) {
        return namespaceOffset(offset) + namespaceLength(b, offset);
    }

    public static int metadataOffset(DirectBuffer b, int offset) {
        return keyOffset(b, offset) + keyLength(b, offset);
    }

    public static int valueOffset(DirectBuffer b, int offset) {
        return metadataOffset(b, offset) + metadataLength(b, offset);
    }

    /** Length on disk, padding included; only meaningful once the header checked valid. */
    public static int length(DirectBuffer b, int offset) {
        return recordLength(namespaceLength(b, offset), keyLength(b, offset), metadataLength(b, offset),
                valueLength(b, offset) & 0xFFFFFFFFL);
    }

    /**
     * Checks the header at {@code offset}: cheap field checks first (a run of zeros fails on
     * its type byte without a CRC), then the masked header CRC. {@code limit} is the end of the
     * bytes the record may occupy.
     */
    public static int checkHeader(DirectBuffer b, int offset, long limit, int mask) {
        if (offset + RECORD_HEADER_LENGTH > limit) {
            return PAST_END;
        }
        byte type = type(b, offset);
        if (!isKnownType(type) || sequence(b, offset) <= 0 || !reservedIsZero(b, offset)) {
            return BAD_FIELD;
        }
        int nsLength = namespaceLength(b, offset);
        int keyLength = keyLength(b, offset);
        int metadataLength = metadataLength(b, offset);
        long valueLength = valueLength(b, offset) & 0xFFFFFFFFL;
        boolean keyed = isKeyed(type);
        if (nsLength < 1 || nsLength > MAX_NAMESPACE_BYTES
                || (keyed ? keyLength < 1 || keyLength > MAX_KEY_BYTES : keyLength != 0)
                || metadataLength > MAX_METADATA_BYTES
                || (type != TYPE_PUT && (metadataLength != 0 || valueLength != 0))) {
            return BAD_FIELD;
        }
        long end = offset + (long) RECORD_HEADER_LENGTH + nsLength + keyLength + metadataLength + valueLength;
        if (align(end) > limit) {
            return PAST_END;
        }
        int stored = b.getInt(offset + HEADER_CRC_OFFSET, BYTE_ORDER);
        int actual = Checksums.masked(b, offset + HEADER_CRC_COVERAGE_OFFSET,
                RECORD_HEADER_LENGTH - HEADER_CRC_COVERAGE_OFFSET, mask);
        return stored == actual ? VALID : BAD_HEADER_CRC;
    }

    /** True when the body CRC matches; call only after {@link #checkHeader} returned VALID. */
    public static boolean bodyIsIntact(DirectBuffer b, int offset, int mask) {
        int bodyLength = length(b, offset) - RECORD_HEADER_LENGTH;
        int stored = b.getInt(offset + BODY_CRC_OFFSET, BYTE_ORDER);
        return stored == Checksums.masked(b, offset + RECORD_HEADER_LENGTH, bodyLength, mask);
    }

    private static boolean reservedIsZero(DirectBuffer b, int offset) {
        int following = b.getInt(offset + BATCH_FOLLOWING_OFFSET, BYTE_ORDER);
        short flags = b.getShort(offset + BATCH_FLAGS_OFFSET, BYTE_ORDER);
        if (flags == 0) {
            return following == 0;
        }
        boolean first = (flags & BATCH_FIRST) != 0;
        return (flags & ~(BATCH_MEMBER | BATCH_FIRST)) == 0 && (flags & BATCH_MEMBER) != 0
                && following >= 0 && following < MAX_BATCH_ENTRIES && (!first || following > 0);
    }

    /** The batch flags ({@link LogFormat#BATCH_MEMBER}, {@link LogFormat#BATCH_FIRST}); 0 alone. */
    public static short batchFlags(DirectBuffer b, int offset) {
        return b.getShort(offset + BATCH_FLAGS_OFFSET, BYTE_ORDER);
    }

    /** Records of the same write batch that follow this one (0: alone, or the batch's last). */
    public static int batchFollowing(DirectBuffer b, int offset) {
        return b.getInt(offset + BATCH_FOLLOWING_OFFSET, BYTE_ORDER);
    }
}
