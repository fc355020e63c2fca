package dev.basalt.internal.env;

/**
 * The one rule that ties two options together: how large a value may be, given the limit the
 * caller set (or none) and the segment size, since a record never spans two segments.
 */
public final class ValueSizeLimit {
    /** The limit the caller set when it set none: the default applies, shrunk to fit a segment. */
    public static final long NOT_SET = -1;
    /** The largest record beyond its value: key, metadata and header allowance (1712 bytes). */
    public static final long LARGEST_RECORD_OVERHEAD_BYTES =
            Limits.MAX_KEY_BYTES + Limits.MAX_METADATA_BYTES + Limits.RECORD_HEADER_ALLOWANCE_BYTES;

    private ValueSizeLimit() {
    }

    /** The limit in force: {@code setBytes}, or when {@link #NOT_SET} the smaller of 25 MiB and what fits a segment. */
    public static long effective(long setBytes, long segmentSizeBytes) {
        if (setBytes != NOT_SET) {
            return setBytes;
        }
        return Math.min(Limits.DEFAULT_MAX_VALUE_BYTES, largestFitting(segmentSizeBytes));
    }

    /**
     * @throws IllegalArgumentException naming both figures if a value of {@code maxValueBytes}
     *     does not fit in a segment of {@code segmentSizeBytes}
     */
    public static void checkFits(long maxValueBytes, long segmentSizeBytes) {
        long largestValue = largestFitting(segmentSizeBytes);
        if (maxValueBytes > largestValue) {
            throw new IllegalArgumentException("max value size is " + maxValueBytes
                    + " bytes; with a segment size of " + segmentSizeBytes
                    + " bytes it must be at most " + largestValue
                    + " (the segment less " + LARGEST_RECORD_OVERHEAD_BYTES
                    + " bytes for the largest key, metadata and record header)");
        }
    }

    private static long largestFitting(long segmentSizeBytes) {
        return segmentSizeBytes - LARGEST_RECORD_OVERHEAD_BYTES;
    }
}
