package dev.basalt.internal.log;

import java.nio.ByteOrder;

/**
 * Constants of the on-disk format, version 1. The specification is {@code docs/format.md};
 * this class follows it field by field and must change only together with it.
 *
 * <pre>
 * record:
 * +-----------+---------+----------+------------+----------+--------+---------+------+-------+----------+
 * | headerCrc | bodyCrc | sequence | expiration | valueLen | keyLen | metaLen | type | nsLen | reserved |
 * |    u32    |   u32   |   u64    |    i64     |   u32    |  u16   |   u16   |  u8  |  u8   |   6 B    |
 * +-----------+---------+----------+------------+----------+--------+---------+------+-------+----------+
 * then namespace | key | metadata | value | zero padding to a multiple of 8
 * </pre>
 */
public final class LogFormat {
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Version of the STORE and hint files, and the oldest segment version this Basalt reads. */
    public static final int FORMAT_VERSION = 1;
    /**
     * Version of the segments this Basalt writes: 2 adds write batches (the batch field of the
     * record header, which version 1 required to be zero). Version 1 segments are still read;
     * a Basalt that reads only version 1 refuses a version 2 segment by name.
     */
    public static final int SEGMENT_FORMAT_VERSION = 2;
    public static final int ALIGNMENT = 8;

    public static final String SEGMENT_SUFFIX = ".seg";
    public static final String HINT_SUFFIX = ".hint";
    public static final String TEMP_SUFFIX = dev.basalt.internal.env.DurableFiles.TEMP_SUFFIX;
    public static final String STORE_FILE = "STORE";
    public static final String LOCK_FILE = "LOCK";

    // Record types.
    public static final byte TYPE_PUT = 1;
    public static final byte TYPE_TOMBSTONE = 2;
    public static final byte TYPE_NAMESPACE_CREATE = 3;
    public static final byte TYPE_NAMESPACE_DROP = 4;

    // Record header, offsets chained from each other.
    public static final int HEADER_CRC_OFFSET = 0;
    public static final int BODY_CRC_OFFSET = HEADER_CRC_OFFSET + 4;
    public static final int SEQUENCE_OFFSET = BODY_CRC_OFFSET + 4;
    public static final int EXPIRATION_OFFSET = SEQUENCE_OFFSET + 8;
    public static final int VALUE_LENGTH_OFFSET = EXPIRATION_OFFSET + 8;
    public static final int KEY_LENGTH_OFFSET = VALUE_LENGTH_OFFSET + 4;
    public static final int METADATA_LENGTH_OFFSET = KEY_LENGTH_OFFSET + 2;
    public static final int TYPE_OFFSET = METADATA_LENGTH_OFFSET + 2;
    public static final int NAMESPACE_LENGTH_OFFSET = TYPE_OFFSET + 1;
    /**
     * Write batches (segment format version 2; both fields were reserved zeros in version 1):
     * how many records of the same batch follow this one (0 for a record written alone and for
     * a batch's last), and flags saying the record is a batch member and whether it is the first.
     * Recovery replays a batch only when its first record, every record in order and its last
     * are there, so a crash or damage leaves all of it or none.
     */
    public static final int BATCH_FOLLOWING_OFFSET = NAMESPACE_LENGTH_OFFSET + 1;
    public static final int BATCH_FLAGS_OFFSET = BATCH_FOLLOWING_OFFSET + 4;
    public static final int RECORD_HEADER_LENGTH = BATCH_FLAGS_OFFSET + 2;
    /** Batch flag: the record belongs to a batch of two or more records. */
    public static final short BATCH_MEMBER = 1;
    /** Batch flag: the record is its batch's first. */
    public static final short BATCH_FIRST = 2;
    /** The header CRC covers the header after the two CRC fields. */
    public static final int HEADER_CRC_COVERAGE_OFFSET = SEQUENCE_OFFSET;

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

    /** Length of a record on disk, padding included. */
    public static int recordLength(int namespaceLength, int keyLength, int metadataLength, long valueLength) {
        long raw = (long) RECORD_HEADER_LENGTH + namespaceLength + keyLength + metadataLength + valueLength;
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
}
