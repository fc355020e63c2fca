package dev.basalt.internal.checkpoint;

import static dev.basalt.internal.checkpoint.CheckpointFormat.*;

import dev.basalt.internal.log.CoveredLog;
import org.agrona.DirectBuffer;

/** The header block's fields ({@code docs/format.md}), checked as they are parsed. */
final class CheckpointHeader {
    long storeId;
    long hashSeed;
    long maxSequence;
    long liveExpiringKeys;
    long damagedRanges;
    int namespaceCount;
    long[] ids;
    long[] ends;
    long[] modified;
    int activeHintCount;
    long activeHintBytes;
    long[] liveBytes;
    long[] minSequences;

    private CheckpointHeader() {
    }

    static CheckpointHeader parse(DirectBuffer b, long expectedStoreId) throws CheckpointRejected {
        if (b.capacity() < HEADER_FIXED_BYTES) {
            throw new CheckpointRejected("header block of " + b.capacity() + " bytes is shorter than "
                    + HEADER_FIXED_BYTES);
        }
        long magic = b.getLong(0, ORDER);
        int version = b.getInt(8, ORDER);
        if (magic != MAGIC) {
            throw new CheckpointRejected("not a checkpoint: magic " + Long.toHexString(magic));
        }
        if (version != VERSION) {
            throw new CheckpointRejected("checkpoint format version " + version + "; this build reads " + VERSION);
        }
        CheckpointHeader h = new CheckpointHeader();
        h.storeId = b.getLong(16, ORDER);
        if (h.storeId != expectedStoreId) {
            throw new CheckpointRejected("the checkpoint belongs to store " + Long.toHexString(h.storeId)
                    + ", this directory is store " + Long.toHexString(expectedStoreId));
        }
        h.hashSeed = b.getLong(24, ORDER);
        h.maxSequence = b.getLong(32, ORDER);
        h.liveExpiringKeys = b.getLong(40, ORDER);
        h.damagedRanges = b.getLong(48, ORDER);
        h.namespaceCount = b.getInt(56, ORDER);
        int segments = b.getInt(60, ORDER);
        h.activeHintCount = b.getInt(64, ORDER);
        h.activeHintBytes = b.getLong(72, ORDER);
        if (h.activeHintCount < 0 || h.activeHintBytes < 0 || h.activeHintBytes > Integer.MAX_VALUE) {
            throw new CheckpointRejected("header claims " + h.activeHintCount + " active hint entries in "
                    + h.activeHintBytes + " bytes");
        }
        int rest = b.capacity() - HEADER_FIXED_BYTES;
        if (h.namespaceCount < 0 || segments < 1 || rest != (long) segments * SEGMENT_ENTRY_BYTES) {
            throw new CheckpointRejected("header claims " + h.namespaceCount + " namespaces and " + segments
                    + " segments in " + rest + " bytes");
        }
        h.ids = new long[segments];
        h.ends = new long[segments];
        h.modified = new long[segments];
        h.liveBytes = new long[segments];
        h.minSequences = new long[segments];
        for (int i = 0, at = HEADER_FIXED_BYTES; i < segments; i++, at += SEGMENT_ENTRY_BYTES) {
            h.ids[i] = b.getLong(at, ORDER);
            h.ends[i] = b.getLong(at + 8, ORDER);
            h.modified[i] = b.getLong(at + 16, ORDER);
            h.liveBytes[i] = b.getLong(at + 24, ORDER);
            h.minSequences[i] = b.getLong(at + 32, ORDER);
        }
        try {
            new CoveredLog(h.ids, h.ends, h.modified, null); // checks the ids ascend
        } catch (IllegalArgumentException e) {
            throw new CheckpointRejected("header: " + e.getMessage());
        }
        return h;
    }
}
