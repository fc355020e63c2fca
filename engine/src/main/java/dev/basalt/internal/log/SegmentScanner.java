package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.ALIGNMENT;
import static dev.basalt.internal.log.LogFormat.SEGMENT_HEADER_LENGTH;

import org.agrona.DirectBuffer;

/**
 * Reads every record of a segment in file order, the way recovery needs it: intact records
 * are visited, damage in the middle costs only the records it touched (the scan
 * resynchronises on the next 8-byte boundary where a header validates), and damage with
 * nothing valid after it is the torn tail, which ends the data.
 *
 * <p>Stateless; a scan touches only {@code [SEGMENT_HEADER_LENGTH, limit)} of the buffer.
 */
public final class SegmentScanner {
    /** Receives the scan's findings in file order. */
    public interface Listener {
        /** An intact record (header and body checks passed) at {@code offset}. */
        void record(DirectBuffer segment, int offset);

        /** Damaged bytes {@code [offset, offset + length)} followed by intact data. */
        void corrupt(int offset, int length, String reason);
    }

    private SegmentScanner() {
    }

    /**
     * Scans {@code [SEGMENT_HEADER_LENGTH, limit)} and returns the end of the valid data: the
     * offset just past the last intact record (the header length when there is none).
     */
    public static long scan(DirectBuffer segment, long limit, int mask, Listener listener) {
        return scan(segment, SEGMENT_HEADER_LENGTH, limit, mask, listener);
    }

    /**
     * Scans {@code [from, limit)}, where {@code from} is the start of a record (or the end of the
     * data), and returns the end of the valid data: just past the last intact record, or
     * {@code from} when there is none.
     */
    public static long scan(DirectBuffer segment, int from, long limit, int mask, Listener listener) {
        return scanPart(segment, from, limit, limit, mask, listener);
    }

    /**
     * {@link #scan(DirectBuffer, int, long, int, Listener)} of the records that start before
     * {@code stopAt} (each may run up to {@code limit}): when the data is intact up there, the
     * returned end is the first record boundary at or after {@code stopAt}.
     */
    static long scanPart(DirectBuffer segment, int from, long stopAt, long limit, int mask, Listener listener) {
        int at = from;
        long validEnd = from;
        int damageStart = -1;
        String damageReason = null;
        while (at < stopAt && at + LogFormat.FIXED_HEADER_LENGTH <= limit) {
            int status = Records.checkHeader(segment, at, limit, mask);
            if (status == Records.VALID) {
                int length = Records.length(segment, at);
                if (Records.bodyIsIntact(segment, at, mask)) {
                    if (damageStart >= 0) {
                        listener.corrupt(damageStart, at - damageStart, damageReason);
                        damageStart = -1;
                    }
                    listener.record(segment, at);
                    validEnd = at + length;
                } else if (damageStart < 0) {
                    damageStart = at;
                    damageReason = "body checksum mismatch";
                }
                at += length;
            } else {
                if (damageStart < 0) {
                    damageStart = at;
                    damageReason = describe(status);
                }
                at += ALIGNMENT;
                // A header whose sequence field is 0 never validates (sequences start at 1), so
                // where that word is zero the check is skipped, a word at a time: the zero tail
                // of a preallocated segment, scanned to its capacity after a crash, then costs a
                // read of memory rather than a header check every 8 bytes. Same outcome.
                while (at < stopAt && at + LogFormat.FIXED_HEADER_LENGTH <= limit
                        && segment.getLong(at + LogFormat.SEQUENCE_OFFSET) == 0) {
                    at += ALIGNMENT;
                }
            }
        }
        return validEnd;
    }

    private static String describe(int status) {
        switch (status) {
            case Records.BAD_HEADER_CRC:
                return "header checksum mismatch";
            case Records.PAST_END:
                return "record runs past the end of the segment";
            default:
                return "header field out of range";
        }
    }
}
