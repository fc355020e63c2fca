package dev.basalt.internal.log;

import static dev.basalt.internal.log.LogFormat.BATCH_FIRST;
import static dev.basalt.internal.log.LogFormat.BATCH_MEMBER;

import dev.basalt.internal.env.CrashPoint;
import dev.basalt.internal.env.CrashPoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes a batch's records to the active segment in a few write calls instead of one per
 * record: they are encoded one after the other into a 1 MiB direct buffer, which is written
 * when the next record would not fit, after the batch's first half, and at its end. One call a
 * record had made a 1,000-entry batch (a Kafka changelog restore batch) cost 1,000 system
 * calls, two thirds of its time.
 *
 * <p>The write after the first half keeps what a crash can leave as it was: some of a batch's
 * records on disk and not all (crash point {@code BATCH_PARTLY_WRITTEN}, hit between the two
 * writes), which recovery drops whole (docs/format.md, the record's write-batch fields).
 *
 * <p>Writer only (the append lock held). The buffer is allocated at the first batch of two or
 * more records, so a store that never writes one never pays for it.
 */
final class BatchAppender {
    static final int CHUNK_BYTES = 1 << 20;

    private ByteBuffer chunkMemory;
    private UnsafeBuffer chunk;

    /**
     * Encodes and writes every record of the batch from {@code start} on, adds each to the
     * segment's hints and its location to {@code locations}; returns where the batch ends. The
     * caller has checked that it fits, and handles a failure (the records may be partly written).
     */
    long append(BatchRecords batch, long firstSequence, RecordEncoder encoder, ActiveSegment target, long start,
            long[] locations) throws IOException {
        Segment segment = target.segment;
        HintFile.Builder hints = target.hints;
        int count = batch.size();
        int midpoint = count / 2 - 1; // the last record of the first half; -1 (none) for one record
        long offset = start;
        long unwrittenFrom = start; // file offset of the chunk's first byte
        int pending = 0;
        for (int i = 0; i < count; i++) {
            short flags = count == 1 ? 0 : (short) (BATCH_MEMBER | (i == 0 ? BATCH_FIRST : 0));
            int length = batch.encode(i, encoder, firstSequence + i, segment.mask(), count - 1 - i, flags);
            if (pending > 0 && pending + length > CHUNK_BYTES) {
                write(target, unwrittenFrom, pending);
                pending = 0;
                unwrittenFrom = offset;
            }
            if (length > CHUNK_BYTES) {
                target.write(encoder.view(length), offset);
                unwrittenFrom = offset + length;
            } else {
                chunk().putBytes(pending, encoder.encoded(), 0, length);
                pending += length;
            }
            hints.add(encoder.encoded(), 0, (int) offset);
            locations[i] = Locations.of(segment.id(), offset);
            offset += length;
            if (i == midpoint || i == count - 1) {
                if (pending > 0) {
                    write(target, unwrittenFrom, pending);
                    pending = 0;
                }
                unwrittenFrom = offset;
            }
            if (i == midpoint) {
                CrashPoints.hit(CrashPoint.BATCH_PARTLY_WRITTEN);
            }
        }
        return offset;
    }

    private void write(ActiveSegment target, long at, int length) throws IOException {
        chunkMemory.clear().limit(length);
        target.write(chunkMemory, at);
    }

    private UnsafeBuffer chunk() {
        if (chunk == null) {
            chunkMemory = ByteBuffer.allocateDirect(CHUNK_BYTES);
            chunk = new UnsafeBuffer(chunkMemory);
        }
        return chunk;
    }
}
