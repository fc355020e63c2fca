package dev.basalt.internal.compaction;

import dev.basalt.internal.env.Limits;
import dev.basalt.internal.log.LogFormat;
import java.util.Arrays;

/**
 * Per segment: the bytes of records the indexes still point at, and the lowest sequence number
 * any record in the segment carries; and the live bytes of the whole log. Compaction picks
 * victims by the first and decides whether a tombstone may be dropped by the second.
 *
 * <p>Also per segment, the records appended to it and how many of them are <em>guarded</em>: a
 * tombstone, a namespace record or a put with an expiration, the records a pass may have to keep
 * although no index points at them. A segment whose records were all counted, none of them
 * guarded, and none of them live holds only puts that a newer record or a drop superseded: a pass
 * retires it without reading it ({@link #holdsOnlySupersededPuts}). Under sustained overwrite most
 * victims are such segments, and reading one to learn that cost the pass 300 to 800 ms (a probe
 * of the index per record) beside the writer. The figures of a segment the store did not see
 * written or replayed (one a checkpoint covered at the open) are unknown, and it is read.
 *
 * <p>Threads: updated under the store's append lock (or by recovery, alone) and read under it;
 * only {@link #totalLiveBytes()} may be read from any thread.
 */
public final class SegmentUsage {
    private long[] liveBytes = new long[64];
    private long[] minSequence = new long[64];
    private long[] records = new long[64];
    private long[] guardedRecords = new long[64];
    /** Segments whose records were not all counted here (covered by a checkpoint at the open). */
    private boolean[] uncounted = new boolean[64];

    private volatile long totalLiveBytes;

    public SegmentUsage() {
        Arrays.fill(minSequence, Long.MAX_VALUE);
    }

    /** Adds (or, negative, removes) live bytes of a record in the segment. */
    public void addLive(int segmentId, long bytes) {
        ensure(segmentId);
        liveBytes[segmentId] += bytes;
        totalLiveBytes += bytes;
    }

    /** Bytes of every record an index points at; any thread. */
    public long totalLiveBytes() {
        return totalLiveBytes;
    }

    public long liveBytes(int segmentId) {
        return segmentId < liveBytes.length ? liveBytes[segmentId] : 0;
    }

    /**
     * Notes a record appended to the segment or replayed from it: its sequence, its type and
     * its expiration ({@link Limits#NO_EXPIRATION} for none).
     */
    public void noteRecord(int segmentId, long sequence, byte type, long expirationEpochSeconds) {
        noteSequence(segmentId, sequence);
        records[segmentId]++;
        if (type != LogFormat.TYPE_PUT || expirationEpochSeconds != Limits.NO_EXPIRATION) {
            guardedRecords[segmentId]++;
        }
    }

    /**
     * Notes that the segment holds a record of this sequence, from figures saved elsewhere (a
     * checkpoint): the segment's records are not counted here, so a pass reads it.
     */
    public void noteUncounted(int segmentId, long sequence) {
        noteSequence(segmentId, sequence);
        uncounted[segmentId] = true;
    }

    /**
     * Whether every record in the segment is a put without an expiration that no index points at
     * any more: one a newer record of its key or a namespace's drop superseded, which a pass
     * drops on the index's word. Such a segment needs no reading to be retired. Caller holds the
     * append lock, and the segment is sealed (so its figures can only fall).
     */
    public boolean holdsOnlySupersededPuts(int segmentId) {
        return segmentId < liveBytes.length && !uncounted[segmentId] && liveBytes[segmentId] == 0
                && guardedRecords[segmentId] == 0;
    }

    /** Records counted in the segment (see {@link #noteRecord}). */
    public long records(int segmentId) {
        return segmentId < records.length ? records[segmentId] : 0;
    }

    private void noteSequence(int segmentId, long sequence) {
        ensure(segmentId);
        minSequence[segmentId] = Math.min(minSequence[segmentId], sequence);
    }

    /** The lowest sequence in the segment; Long.MAX_VALUE when it holds no record. */
    public long minSequence(int segmentId) {
        return segmentId < minSequence.length ? minSequence[segmentId] : Long.MAX_VALUE;
    }

    /** The segment is gone: its figures return to nothing. */
    public void forget(int segmentId) {
        if (segmentId < liveBytes.length) {
            liveBytes[segmentId] = 0;
            minSequence[segmentId] = Long.MAX_VALUE;
            records[segmentId] = 0;
            guardedRecords[segmentId] = 0;
            uncounted[segmentId] = false;
        }
    }

    private void ensure(int segmentId) {
        if (segmentId >= liveBytes.length) {
            int size = Math.max(liveBytes.length * 2, segmentId + 1);
            liveBytes = Arrays.copyOf(liveBytes, size);
            records = Arrays.copyOf(records, size);
            guardedRecords = Arrays.copyOf(guardedRecords, size);
            uncounted = Arrays.copyOf(uncounted, size);
            int old = minSequence.length;
            minSequence = Arrays.copyOf(minSequence, size);
            Arrays.fill(minSequence, old, size, Long.MAX_VALUE);
        }
    }
}
