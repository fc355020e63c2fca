package dev.basalt.internal.log;

import org.agrona.DirectBuffer;

/**
 * Receives every intact record recovery finds, from hint files or segment scans, in file order
 * (which is not sequence order once compaction has copied records forward). The names buffer
 * is valid only during the call.
 */
@FunctionalInterface
public interface RecoverySink {
    /** The most records announced ({@link #expect}) before a {@link #fetchExpected}. */
    int RUN = 32;

    /**
     * One record. {@code checked} is true when recovery read the record and found it intact: a
     * scan's (header and body checksums held) or, in the tail after a trusted checkpoint, a hint
     * file's whose record was read and agreed with its entry (header checksum, fields, namespace
     * and key: {@link CheckedHintEntries}). False when the record came from a hint file and was
     * not read, or did not agree: then its bytes may be damaged, and the sink must check them
     * before trusting them.
     */
    void accept(long location, byte type, long sequence, long expirationEpochSeconds, int recordLength,
            DirectBuffer names, int namesOffset, int namespaceLength, int keyLength, boolean checked);

    /**
     * Announces the record at {@code location} that {@link #accept} receives soon, its namespace
     * and key at {@code names[namesOffset..]} (valid only during the call): a sink whose accept
     * waits on memory may work out what it will load. Announced records come in runs of at most
     * {@link #RUN}, each followed by {@link #fetchExpected} and then by their {@code accept} calls,
     * in the same order. Changes nothing a later call could observe. Made by {@link ReplayHandoff}
     * from the records it hands over; the log's side announces nothing.
     */
    default void expect(long location, DirectBuffer names, int namesOffset, int namespaceLength, int keyLength) {
    }

    /**
     * Issues together the loads that the records announced since the last call will need, so
     * that their cache misses overlap instead of coming one record at a time.
     */
    default void fetchExpected() {
    }

    /**
     * The log decided to trust the checkpoint it was given for the part of the log it covers:
     * called once, before the first record, which then comes from after the covered end. Not
     * called when the whole log is replayed.
     */
    default void checkpointTrusted() {
    }

    /**
     * About how many records the replay after a trusted checkpoint delivers, or -1 when it cannot
     * tell: the bytes past the covered end at the hints' average record size (an estimate; the
     * files are checked only when replayed). For a sink that would rather size its structures
     * once than grow them as the records come. Called at most once, after
     * {@link #checkpointTrusted} and before the first record; not after a clean close, which
     * leaves no tail.
     */
    default void tailAhead(long records) {
    }

    /**
     * Called by the log before it unmaps memory that records delivered so far point into (the
     * active segment's scan mapping): a sink that takes the calls later ({@link ReplayHandoff})
     * returns once it has taken them all. Any exception is the sink's to keep: this runs in the
     * log's cleanup.
     */
    default void settle() {
    }
}
