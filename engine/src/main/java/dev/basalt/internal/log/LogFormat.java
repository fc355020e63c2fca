package dev.basalt.internal.log;

import dev.basalt.internal.env.Limits;
import java.nio.ByteOrder;

/**
 * Constants of the on-disk format. The specification is {@code docs/format.md}; this class
 * follows it field by field and must change only together with it.
 *
 * <pre>
 * record (segment format version 3):
 * +-----------+---------+----------+----------+--------+-----------+-------+
 * | headerCrc | bodyCrc | sequence | valueLen | keyLen | typeFlags | nsLen |
 * |    u32    |   u32   |   u64    |   u32    |  u16   |    u8     |  u8   |
 * +-----------+---------+----------+----------+--------+-----------+-------+
 * then the optional fields its flags announce, in this order:
 *   expiration i64 (EXPIRES) | metaLen u16 (HAS_METADATA) | batchFollowing u16 (BATCH_MEMBER)
 * then namespace | key | metadata | value | zero padding to a multiple of 8
 * </pre>
 */
public final class LogFormat {
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Version of the STORE and hint files. */
    public static final int FORMAT_VERSION = 1;
    /**
     * Version of the segments this Basalt writes and the only one it reads: 3 is the compact
     * record header (24 bytes, the expiration, metadata length and batch position only when a
     * record has them), where versions 1 and 2 spent 40 bytes on every record. A segment of
     * another version is refused by name when the store opens.
     */
    public static final int SEGMENT_FORMAT_VERSION = 3;
    public static final int ALIGNMENT = 8;

    public static final String SEGMENT_SUFFIX = ".seg";
    public static final String HINT_SUFFIX = ".hint";
    /**
     * A clean close's hint of the active segment, set aside by the next open (a rename, where a
     * delete cost that open milliseconds) and deleted by the background thread; never read.
     */
    public static final String RETIRED_HINT_SUFFIX = ".hint.retired";
    public static final String TEMP_SUFFIX = dev.basalt.internal.env.DurableFiles.TEMP_SUFFIX;
    public static final String STORE_FILE = "STORE";
    public static final String LOCK_FILE = "LOCK";

    // Record types.
    public static final byte TYPE_PUT = 1;
    public static final byte TYPE_TOMBSTONE = 2;
    public static final byte TYPE_NAMESPACE_CREATE = 3;
    public static final byte TYPE_NAMESPACE_DROP = 4;

    // Record header: a fixed part, offsets chained from each other.
    public static final int HEADER_CRC_OFFSET = 0;
    public static final int BODY_CRC_OFFSET = HEADER_CRC_OFFSET + 4;
    public static final int SEQUENCE_OFFSET = BODY_CRC_OFFSET + 4;
    public static final int VALUE_LENGTH_OFFSET = SEQUENCE_OFFSET + 8;
    public static final int KEY_LENGTH_OFFSET = VALUE_LENGTH_OFFSET + 4;
    /** The record type in bits 0-2 (bit 3 zero) and the flags below in bits 4-7. */
    public static final int TYPE_OFFSET = KEY_LENGTH_OFFSET + 2;
    public static final int NAMESPACE_LENGTH_OFFSET = TYPE_OFFSET + 1;
    /** The fixed part of every record's header; the optional fields follow it. */
    public static final int FIXED_HEADER_LENGTH = NAMESPACE_LENGTH_OFFSET + 1;
    /** The header CRC covers the header after the two CRC fields, optional fields included. */
    public static final int HEADER_CRC_COVERAGE_OFFSET = SEQUENCE_OFFSET;

    /** Bits of the type byte that hold the type. */
    public static final int TYPE_MASK = 0x07;
    /** Flag: an i64 expiration (epoch seconds, never 0) follows the fixed header. */
    public static final int EXPIRES = 0x10;
    /** Flag: a u16 metadata length (1 or more) follows, after the expiration if any. */
    public static final int HAS_METADATA = 0x20;
    /**
     * Flag: the record belongs to a write batch of two or more records; a u16 count of the
     * batch's records that follow this one comes last among the optional fields (0 on the
     * batch's last). Recovery replays a batch only when its first record, every record in order
     * and its last are there, so a crash or damage leaves all of it or none.
     */
    public static final short BATCH_MEMBER = 0x40;
    /** Flag: the record is its batch's first (always with {@link #BATCH_MEMBER}). */
    public static final short BATCH_FIRST = 0x80;
    public static final int EXPIRATION_LENGTH = 8;
    public static final int METADATA_LENGTH_LENGTH = 2;
    public static final int BATCH_FOLLOWING_LENGTH = 2;

    // The bounds a header is checked against before any length is trusted, and the "never
    // expires" value of the expiration field, are the engine's Limits (dev.basalt.internal.env).

    // Segment header.
    public static final long SEGMENT_MAGIC = 0x4753544C_41534142L; // "BASALTSG" little-endian
    public static final int SEGMENT_MAGIC_OFFSET = 0;
    public static final int SEGMENT_VERSION_OFFSET = SEGMENT_MAGIC_OFFSET + 8;
    public static final int SEGMENT_HEADER_LENGTH_OFFSET = SEGMENT_VERSION_OFFSET + 4;
    public static final int SEGMENT_STORE_ID_OFFSET = SEGMENT_HEADER_LENGTH_OFFSET + 4;
    public static final int SEGMENT_ID_OFFSET = SEGMENT_STORE_ID_OFFSET + 8;
    public static final int SEGMENT_CAPACITY_OFFSET = SEGMENT_ID_OFFSET + 8;
    public static final int SEGMENT_CRC_OFFSET = 60;
    public static final int SEGMENT_HEADER_LENGTH = SEGMENT_CRC_OFFSET + 4;

    // STORE file.
    public static final long STORE_MAGIC = 0x5453544C_41534142L; // "BASALTST" little-endian
    public static final int STORE_VERSION_OFFSET = 8;
    public static final int STORE_ID_OFFSET = 16;
    public static final int STORE_CRC_OFFSET = 28;
    public static final int STORE_FILE_LENGTH = STORE_CRC_OFFSET + 4;

    // Hint file.
    public static final long HINT_MAGIC = 0x5448544C_41534142L; // "BASALTHT" little-endian
    public static final int HINT_VERSION_OFFSET = 8;
    public static final int HINT_STORE_ID_OFFSET = 16;
    public static final int HINT_SEGMENT_ID_OFFSET = 24;
    public static final int HINT_DATA_END_OFFSET = 32;
    public static final int HINT_ENTRY_COUNT_OFFSET = 36;
    public static final int HINT_HEADER_LENGTH = HINT_ENTRY_COUNT_OFFSET + 4;
    public static final int HINT_ENTRY_SEQUENCE_OFFSET = 0;
    public static final int HINT_ENTRY_EXPIRATION_OFFSET = HINT_ENTRY_SEQUENCE_OFFSET + 8;
    public static final int HINT_ENTRY_RECORD_OFFSET_OFFSET = HINT_ENTRY_EXPIRATION_OFFSET + 8;
    public static final int HINT_ENTRY_RECORD_LENGTH_OFFSET = HINT_ENTRY_RECORD_OFFSET_OFFSET + 4;
    public static final int HINT_ENTRY_KEY_LENGTH_OFFSET = HINT_ENTRY_RECORD_LENGTH_OFFSET + 4;
    public static final int HINT_ENTRY_TYPE_OFFSET = HINT_ENTRY_KEY_LENGTH_OFFSET + 2;
    public static final int HINT_ENTRY_NAMESPACE_LENGTH_OFFSET = HINT_ENTRY_TYPE_OFFSET + 1;
    public static final int HINT_ENTRY_FIXED_LENGTH = HINT_ENTRY_NAMESPACE_LENGTH_OFFSET + 1 + 4;
    public static final int HINT_TRAILER_LENGTH = 8;

    private LogFormat() {
    }

    /**
     * Length of a header: the fixed part and the optional fields of a record that expires, has
     * metadata and belongs to a batch of two or more records, as said.
     */
    public static int headerLength(boolean expires, boolean hasMetadata, boolean batchMember) {
        return FIXED_HEADER_LENGTH + (expires ? EXPIRATION_LENGTH : 0) + (hasMetadata ? METADATA_LENGTH_LENGTH : 0)
                + (batchMember ? BATCH_FOLLOWING_LENGTH : 0);
    }

    /**
     * Length of a record on disk, padding included; {@code expirationEpochSeconds} is
     * {@code Limits.NO_EXPIRATION} for none, {@code batchMember} true in a batch of two or more.
     */
    public static int recordLength(int namespaceLength, int keyLength, int metadataLength, long valueLength,
            long expirationEpochSeconds, boolean batchMember) {
        int header = headerLength(expirationEpochSeconds != Limits.NO_EXPIRATION,
                metadataLength > 0, batchMember);
        long raw = (long) header + namespaceLength + keyLength + metadataLength + valueLength;
        long aligned = align(raw);
        if (aligned > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("record is " + aligned + " bytes; the limit is " + Integer.MAX_VALUE);
        }
        return (int) aligned;
    }

    public static long align(long length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    public static boolean isKeyed(byte type) {
        return type == TYPE_PUT || type == TYPE_TOMBSTONE;
    }

    /** The {@code typeFlags} byte of a header: the type and the flags for the optional fields. */
    public static byte typeFlags(byte type, boolean expires, boolean hasMetadata, short batchFlags) {
        int flags = (expires ? EXPIRES : 0) | (hasMetadata ? HAS_METADATA : 0)
                | (batchFlags & (BATCH_MEMBER | BATCH_FIRST));
        return (byte) (type | flags);
    }

    public static boolean isKnownType(byte type) {
        return type >= TYPE_PUT && type <= TYPE_NAMESPACE_DROP;
    }

    /** What {@link #segmentIdOf} returns for a name that is not a segment's (or hint's). */
    public static final long NOT_A_SEGMENT = -1;
    private static final int SEGMENT_ID_DIGITS = 12;

    /**
     * The id in a file name that ends with {@code suffix} ({@code 000000000007.seg} is 7 for
     * {@link #SEGMENT_SUFFIX}), or {@link #NOT_A_SEGMENT} when the name is not twelve digits and
     * the suffix. The one parser of segment and hint names, for the log and the tools alike.
     */
    public static long segmentIdOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) {
            return NOT_A_SEGMENT;
        }
        String digits = fileName.substring(0, fileName.length() - suffix.length());
        if (digits.length() != SEGMENT_ID_DIGITS || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return NOT_A_SEGMENT;
        }
        return Long.parseLong(digits);
    }

    public static String segmentFileName(long segmentId) {
        return String.format("%012d%s", segmentId, SEGMENT_SUFFIX);
    }

    public static String hintFileName(long segmentId) {
        return String.format("%012d%s", segmentId, HINT_SUFFIX);
    }

    public static String retiredHintFileName(long segmentId) {
        return String.format("%012d%s", segmentId, RETIRED_HINT_SUFFIX);
    }
}
