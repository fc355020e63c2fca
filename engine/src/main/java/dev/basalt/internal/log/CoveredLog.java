package dev.basalt.internal.log;

import java.util.Arrays;

/**
 * The log as a checkpoint saw it: every segment's id, where its data ended and when its file was
 * last modified, in ascending id order, the last one being the segment that was active, with the
 * active segment's hint entries so far. An open trusts the checkpoint for exactly this part of
 * the log and replays only what follows it: the rest of the segment that was active, and every
 * newer segment. It cannot when a covered segment is gone or a sealed one changed behind the
 * store's back (a compaction removed it; a repair, a bad copy or a test's bit flip changed it):
 * then it replays the whole log, which finds and reports any damage.
 */
public record CoveredLog(long[] segmentIds, long[] dataEnds, long[] modifiedNanos, ActiveHints activeHints) {
    /**
     * The active segment's hint entries up to its covered data end (the layout of
     * {@link HintFile.Builder#entries}): after a crash, an open takes them from here and scans the
     * active segment only from the covered end on.
     */
    public record ActiveHints(int count, java.nio.ByteBuffer entries) {
    }

    public CoveredLog {
        if (segmentIds.length == 0 || segmentIds.length != dataEnds.length
                || segmentIds.length != modifiedNanos.length) {
            throw new IllegalArgumentException("a covered log names at least one segment and one data end for each: "
                    + segmentIds.length + " ids, " + dataEnds.length + " data ends, " + modifiedNanos.length
                    + " modification times");
        }
        for (int i = 1; i < segmentIds.length; i++) {
            if (segmentIds[i] <= segmentIds[i - 1]) {
                throw new IllegalArgumentException("segment ids must ascend: " + Arrays.toString(segmentIds));
            }
        }
    }

    /**
     * Whether a file's modification time now is the one noted for segment {@code i}, to the
     * millisecond: copies that keep modification times (a backup restored, a test's crash image)
     * often keep them only to the microsecond or millisecond.
     */
    public boolean unchangedSince(int i, long modifiedNanosNow) {
        return Math.floorDiv(modifiedNanosNow, 1_000_000L) == Math.floorDiv(modifiedNanos[i], 1_000_000L);
    }

    public long activeSegmentId() {
        return segmentIds[segmentIds.length - 1];
    }

    public long activeDataEnd() {
        return dataEnds[dataEnds.length - 1];
    }

    /** Ids of the sealed segments: all but the active one. */
    int sealedCount() {
        return segmentIds.length - 1;
    }
}
