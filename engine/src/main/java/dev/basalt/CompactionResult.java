package dev.basalt;

/**
 * What one compaction pass did ({@link Basalt#compact()}).
 *
 * @param segmentsCompacted sealed segments rewritten and deleted
 * @param recordsCopied live records copied forward (with their sequence numbers)
 * @param bytesCopied bytes of those records
 * @param tombstonesKept deletes (and expired records turned into deletes) copied forward
 *     because an older version of their key may still be on disk
 * @param recordsDropped dead records not copied: overwritten, deleted, or of a dropped namespace
 * @param bytesReclaimed log bytes freed: the victims' data less what was copied forward
 */
public record CompactionResult(int segmentsCompacted, long recordsCopied, long bytesCopied, long tombstonesKept,
        long recordsDropped, long bytesReclaimed) {
    /** A pass that found nothing worth compacting. */
    public static final CompactionResult NOTHING = new CompactionResult(0, 0, 0, 0, 0, 0);
}
