package dev.basalt.internal.compaction;

import java.util.Arrays;

/**
 * Per segment: the bytes of records the indexes still point at, and the lowest sequence number
 * any record in the segment carries; and the live bytes of the whole log. Compaction picks
 * victims by the first and decides whether a tombstone may be dropped by the second.
 *
 * <p>Threads: updated under the store's append lock (or by recovery, alone) and read under it;
 * only {@link #totalLiveBytes()} may be read from any thread.
 */
public final class SegmentUsage {
    private long[] liveBytes = new long[64];
    private long[] minSequence = new long[64];

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

    /** Notes that the segment holds a record of this sequence. */
    public void noteSequence(int segmentId, long sequence) {
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
        }
    }

    private void ensure(int segmentId) {
        if (segmentId >= liveBytes.length) {
            int size = Math.max(liveBytes.length * 2, segmentId + 1);
            liveBytes = Arrays.copyOf(liveBytes, size);
            int old = minSequence.length;
            minSequence = Arrays.copyOf(minSequence, size);
            Arrays.fill(minSequence, old, size, Long.MAX_VALUE);
        }
    }
}
