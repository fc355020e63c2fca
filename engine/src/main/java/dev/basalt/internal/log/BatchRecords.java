package dev.basalt.internal.log;

/**
 * The records of one write batch, as {@link SegmentLog#appendBatch} takes them: how many, how
 * long each is on disk, and a way to encode record {@code i} with its sequence number and batch
 * marker. The engine implements it over its validated entries.
 */
public interface BatchRecords {
    int size();

    /** Bytes on disk of record {@code i} ({@link LogFormat#recordLength}). */
    int length(int i);

    /** Encodes record {@code i} into {@code encoder} with its batch marks; returns its length. */
    int encode(int i, RecordEncoder encoder, long sequence, int mask, int batchFollowing, short batchFlags);
}
