package dev.basalt.internal.log;

import static dev.basalt.internal.env.Limits.MAX_BATCH_ENTRIES;
import static dev.basalt.internal.env.Limits.MAX_KEY_BYTES;
import static dev.basalt.internal.env.Limits.MAX_METADATA_BYTES;
import static dev.basalt.internal.env.Limits.MAX_NAMESPACE_BYTES;
import static dev.basalt.internal.env.Limits.NO_EXPIRATION;
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

    /** The {@code typeFlags} byte: the type and the flags of the optional header fields. */
    private static int typeFlags(DirectBuffer b, int offset) {
        return b.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    /** Where the optional fields end: the header's length ({@code docs/format.md}). */
    public static int headerLength(DirectBuffer b, int offset) {
        return headerLength(typeFlags(b, offset));
    }

    private static int headerLength(int typeFlags) {
        return LogFormat.headerLength((typeFlags & EXPIRES) != 0, (typeFlags & HAS_METADATA) != 0,
                (typeFlags & BATCH_MEMBER) != 0);
    }

    public static long expirationEpochSeconds(DirectBuffer b, int offset) {
        return (typeFlags(b, offset) & EXPIRES) == 0 ? NO_EXPIRATION
                : b.getLong(offset + FIXED_HEADER_LENGTH, BYTE_ORDER);
    }

    /**
     * True when the record carries neither an expiration nor metadata (a listing's "plain" key):
     * its type byte's flags say so, which a verified header makes agree with the fields (and for a
     * damaged one errs toward "not plain", which only ever costs a page a record read).
     */
    public static boolean isPlain(DirectBuffer b, int offset) {
        return (typeFlags(b, offset) & (EXPIRES | HAS_METADATA)) == 0;
    }

    public static int valueLength(DirectBuffer b, int offset) {
        return b.getInt(offset + VALUE_LENGTH_OFFSET, BYTE_ORDER);
    }

    public static int keyLength(DirectBuffer b, int offset) {
        return b.getShort(offset + KEY_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public static int metadataLength(DirectBuffer b, int offset) {
        int typeFlags = typeFlags(b, offset);
        return (typeFlags & HAS_METADATA) == 0 ? 0
                : b.getShort(offset + metadataLengthOffset(typeFlags), BYTE_ORDER) & 0xFFFF;
    }

    private static int metadataLengthOffset(int typeFlags) {
        return FIXED_HEADER_LENGTH + ((typeFlags & EXPIRES) != 0 ? EXPIRATION_LENGTH : 0);
    }

    private static int batchFollowingOffset(int typeFlags) {
        return metadataLengthOffset(typeFlags) + ((typeFlags & HAS_METADATA) != 0 ? METADATA_LENGTH_LENGTH : 0);
    }

    public static byte type(DirectBuffer b, int offset) {
        return (byte) (typeFlags(b, offset) & TYPE_MASK);
    }

    public static int namespaceLength(DirectBuffer b, int offset) {
        return b.getByte(offset + NAMESPACE_LENGTH_OFFSET) & 0xFF;
    }

    public static int namespaceOffset(DirectBuffer b, int offset) {
        return offset + headerLength(b, offset);
    }

    public static int keyOffset(DirectBuffer b, int offset) {
        return namespaceOffset(b, offset) + namespaceLength(b, offset);
    }

    public static int metadataOffset(DirectBuffer b, int offset) {
        return keyOffset(b, offset) + keyLength(b, offset);
    }

    public static int valueOffset(DirectBuffer b, int offset) {
        return metadataOffset(b, offset) + metadataLength(b, offset);
    }

    /** Length on disk, padding included; only meaningful once the header checked valid. */
    public static int length(DirectBuffer b, int offset) {
        long raw = (long) headerLength(b, offset) + namespaceLength(b, offset) + keyLength(b, offset)
                + metadataLength(b, offset) + (valueLength(b, offset) & 0xFFFFFFFFL);
        return (int) align(raw);
    }

    /**
     * Checks the header at {@code offset}: cheap field checks first (a run of zeros fails on
     * its type byte without a CRC), then the masked header CRC. {@code limit} is the end of the
     * bytes the record may occupy. A valid header is in its one canonical form: a flag only
     * with a field that needs it (an expiration not 0, a metadata length not 0).
     */
    public static int checkHeader(DirectBuffer b, int offset, long limit, int mask) {
        if (offset + FIXED_HEADER_LENGTH > limit) {
            return PAST_END;
        }
        int typeFlags = typeFlags(b, offset);
        byte type = (byte) (typeFlags & TYPE_MASK);
        if (!isKnownType(type) || (typeFlags & ~(TYPE_MASK | EXPIRES | HAS_METADATA | BATCH_MEMBER
                | BATCH_FIRST)) != 0 || sequence(b, offset) <= 0) {
            return BAD_FIELD;
        }
        int headerLength = headerLength(typeFlags);
        if (offset + headerLength > limit) {
            return PAST_END;
        }
        if (!optionalFieldsValid(b, offset, typeFlags)) {
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
        long end = offset + (long) headerLength + nsLength + keyLength + metadataLength + valueLength;
        if (align(end) > limit) {
            return PAST_END;
        }
        int stored = b.getInt(offset + HEADER_CRC_OFFSET, BYTE_ORDER);
        int actual = Checksums.masked(b, offset + HEADER_CRC_COVERAGE_OFFSET,
                headerLength - HEADER_CRC_COVERAGE_OFFSET, mask);
        return stored == actual ? VALID : BAD_HEADER_CRC;
    }

    /** True when the body CRC matches; call only after {@link #checkHeader} returned VALID. */
    public static boolean bodyIsIntact(DirectBuffer b, int offset, int mask) {
        int headerLength = headerLength(b, offset);
        int bodyLength = length(b, offset) - headerLength;
        int stored = b.getInt(offset + BODY_CRC_OFFSET, BYTE_ORDER);
        return stored == Checksums.masked(b, offset + headerLength, bodyLength, mask);
    }

    /** The optional fields hold what their flags promise; the header's bytes are in bounds. */
    private static boolean optionalFieldsValid(DirectBuffer b, int offset, int typeFlags) {
        if ((typeFlags & EXPIRES) != 0 && b.getLong(offset + FIXED_HEADER_LENGTH, BYTE_ORDER) == NO_EXPIRATION) {
            return false;
        }
        if ((typeFlags & HAS_METADATA) != 0 && metadataLength(b, offset) == 0) {
            return false;
        }
        if ((typeFlags & BATCH_MEMBER) == 0) {
            return (typeFlags & BATCH_FIRST) == 0;
        }
        int following = batchFollowing(b, offset);
        return following < MAX_BATCH_ENTRIES && ((typeFlags & BATCH_FIRST) == 0 || following > 0);
    }

    /** The batch flags ({@link LogFormat#BATCH_MEMBER}, {@link LogFormat#BATCH_FIRST}); 0 alone. */
    public static short batchFlags(DirectBuffer b, int offset) {
        return (short) (typeFlags(b, offset) & (BATCH_MEMBER | BATCH_FIRST));
    }

    /** Records of the same write batch that follow this one (0: alone, or the batch's last). */
    public static int batchFollowing(DirectBuffer b, int offset) {
        int typeFlags = typeFlags(b, offset);
        return (typeFlags & BATCH_MEMBER) == 0 ? 0
                : b.getShort(offset + batchFollowingOffset(typeFlags), BYTE_ORDER) & 0xFFFF;
    }
}
