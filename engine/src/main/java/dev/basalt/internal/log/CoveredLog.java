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
    public record ActiveHints(int count, java.nio.ByteBuffer[] entries, HintFile.Builder restored) {
        /** The entries as a checkpoint writes them: the parts in order. */
        public ActiveHints(int count, java.nio.ByteBuffer... entries) {
            this(count, entries, null);
        }

        /** Entries a checkpoint's reader already restored into a builder (no second copy). */
        public static ActiveHints of(HintFile.Builder restored) {
            return new ActiveHints(restored.count(), restored.entries(), restored);
        }

        /** Bytes of the entries, all parts together. */
        public long bytes() {
            long bytes = 0;
            for (java.nio.ByteBuffer part : entries) {
                bytes += part.remaining();
            }
            return bytes;
        }

        /**
         * A builder holding the entries, for the active segment to go on from: the restored one
         * (handed over, once), or a copy of {@link #entries}.
         *
         * @throws IllegalArgumentException when the entries are not {@code count} well-formed ones
         */
        HintFile.Builder builder() {
            return restored != null ? restored : HintFile.Builder.copyOf(count, entries);
        }
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

    /**
     * What a checkpoint taken now covers: every sealed segment whole, and {@code active} up to
     * {@code tail}, or only up to the record at {@code firstUnapplied} (-1: none) when that is in
     * it; null when it is not (see {@link SegmentLog#coveredLog(long)}).
     */
    static CoveredLog of(dev.basalt.internal.env.FileIo io, java.util.List<Segment> sealed, Segment active,
            long tail, HintFile.Builder hints, long firstUnapplied) throws java.io.IOException {
        long activeEnd = tail;
        int hintCount = hints.count();
        if (firstUnapplied >= 0) {
            if (Locations.segmentId(firstUnapplied) != active.id()) {
                return null;
            }
            activeEnd = Locations.offset(firstUnapplied);
            hintCount = hints.countBefore((int) activeEnd);
        }
        int n = sealed.size() + 1;
        long[] ids = new long[n];
        long[] ends = new long[n];
        long[] modified = new long[n];
        for (int i = 0; i < sealed.size(); i++) {
            ids[i] = sealed.get(i).id();
            ends[i] = sealed.get(i).dataEnd();
            modified[i] = sealed.get(i).sealedModifiedNanos(io);
        }
        ids[n - 1] = active.id();
        ends[n - 1] = activeEnd;
        modified[n - 1] = io.lastModifiedNanos(active.path());
        return new CoveredLog(ids, ends, modified, new ActiveHints(hintCount, hints.entries(hintCount)));
    }

    /**
     * Whether the record at {@code location} lies in the part of the log covered: segments are
     * numbered in the order they were created, so every one made after the checkpoint (by a
     * roll or a compaction) has a higher id than its active segment.
     */
    public boolean covers(long location) {
        long id = Locations.segmentId(location);
        return id < activeSegmentId() || (id == activeSegmentId() && Locations.offset(location) < activeDataEnd());
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
