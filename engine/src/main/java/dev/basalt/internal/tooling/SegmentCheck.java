package dev.basalt.internal.tooling;

import static dev.basalt.internal.log.LogFormat.*;

import dev.basalt.BasaltException;
import dev.basalt.internal.log.Checksums;
import dev.basalt.internal.log.Records;
import dev.basalt.internal.log.SegmentHeader;
import dev.basalt.internal.log.SegmentScanner;
import java.nio.file.Path;
import org.agrona.DirectBuffer;

/**
 * Checks one segment image: its header, then every record through {@link SegmentScanner} (the
 * very walk recovery makes, so "intact" here means what the engine would replay), then the
 * bytes after the last intact record, which must be zero.
 *
 * <p>Why the tail check: the scanner reports damage only when intact data follows it, because
 * for recovery damage with nothing after it is the torn tail of an interrupted write, cut off
 * on open. A check cannot tell a torn write from a damaged last record, so it reports any
 * non-zero byte there, from the first non-zero 8-byte word to the last one, and says so.
 *
 * <p>Stateless; reads only {@code [0, sizeBytes)} of the buffer.
 */
public final class SegmentCheck {
    /** Receives the findings in file order. */
    public interface Listener {
        /** An intact record at {@code offset} (header and body checksums passed). */
        void record(DirectBuffer segment, int offset);

        /** A damaged range. */
        void damage(Damage damage);
    }

    private SegmentCheck() {
    }

    /**
     * Checks {@code segment[0, sizeBytes)}, the image of {@code file}, whose records were
     * written with the mask of {@code storeId} and {@code segmentId}. Returns the end of the
     * valid data: just past the last intact record.
     */
    public static long check(Path file, DirectBuffer segment, int sizeBytes, long storeId, long segmentId,
            Listener listener) {
        if (sizeBytes < SEGMENT_HEADER_LENGTH) {
            listener.damage(new Damage(file, 0, Math.max(1, sizeBytes), "segment file is " + sizeBytes
                    + " bytes, shorter than its " + SEGMENT_HEADER_LENGTH + "-byte header"));
            return 0;
        }
        String headerProblem;
        try {
            headerProblem = SegmentHeader.check(segment, file, storeId, segmentId);
        } catch (BasaltException wrongVersionOrOwner) {
            headerProblem = wrongVersionOrOwner.getMessage();
        }
        if (headerProblem != null) {
            listener.damage(new Damage(file, 0, SEGMENT_HEADER_LENGTH, headerProblem));
        }
        long validEnd = SegmentScanner.scan(segment, sizeBytes, Checksums.mask(storeId, segmentId),
                new SegmentScanner.Listener() {
                    @Override
                    public void record(DirectBuffer buffer, int offset) {
                        listener.record(buffer, offset);
                    }

                    @Override
                    public void corrupt(int offset, int length, String reason) {
                        listener.damage(new Damage(file, offset, length, reason));
                    }
                });
        checkTail(file, segment, (int) validEnd, sizeBytes, Checksums.mask(storeId, segmentId), listener);
        return validEnd;
    }

    private static void checkTail(Path file, DirectBuffer segment, int validEnd, int sizeBytes, int mask,
            Listener listener) {
        int first = firstNonZero(segment, validEnd, sizeBytes);
        if (first < 0) {
            return;
        }
        int start = first & -ALIGNMENT; // validEnd is aligned, so start >= validEnd
        int end = (int) Math.min(sizeBytes, align(lastNonZero(segment, start, sizeBytes) + 1L));
        listener.damage(new Damage(file, start, end - start, describe(segment, start, sizeBytes, mask)
                + "; no intact record follows (a torn tail: after a crash this is an interrupted write, otherwise"
                + " damage to the last records; the next open cuts it off)"));
    }

    /** Why the record at {@code offset} does not check, in the scanner's words. */
    static String describe(DirectBuffer segment, int offset, int limit, int mask) {
        int status = Records.checkHeader(segment, offset, limit, mask);
        switch (status) {
            case Records.VALID:
                return Records.bodyIsIntact(segment, offset, mask) ? "intact record" : "body checksum mismatch";
            case Records.BAD_HEADER_CRC:
                return "header checksum mismatch";
            case Records.PAST_END:
                return "record runs past the end of the segment";
            default:
                return "header field out of range";
        }
    }

    /** The first non-zero byte in {@code [from, to)}, or -1; words of 8 bytes while they fit. */
    static int firstNonZero(DirectBuffer b, int from, int to) {
        int at = from;
        for (; at + Long.BYTES <= to; at += Long.BYTES) {
            if (b.getLong(at) != 0) {
                break;
            }
        }
        for (; at < to; at++) {
            if (b.getByte(at) != 0) {
                return at;
            }
        }
        return -1;
    }

    /** The last non-zero byte in {@code [from, to)}, which must hold one. */
    private static int lastNonZero(DirectBuffer b, int from, int to) {
        int end = to; // exclusive; step down by bytes to a word boundary, then by words
        while (end > from && (end & (Long.BYTES - 1)) != 0 && b.getByte(end - 1) == 0) {
            end--;
        }
        while (end - Long.BYTES >= from && (end & (Long.BYTES - 1)) == 0 && b.getLong(end - Long.BYTES) == 0) {
            end -= Long.BYTES;
        }
        while (end > from && b.getByte(end - 1) == 0) {
            end--;
        }
        return end - 1;
    }
}
